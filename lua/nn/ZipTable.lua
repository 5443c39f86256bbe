-- nn.ZipTable: {{a1, a2}, {b1, b2}, {c1, c2}} -> {{a1, b1, c1}, {a2, b2, c2}} (references).
require 'nn.Module'
local ZipTable, parent = torch.class('nn.ZipTable', 'nn.Module')

function ZipTable:__init()
  parent.__init(self)
  self.output = {}
  self.gradInput = {}
end

-- t[i][j] -> r[j][i]
local function zip(t)
  local r = {}
  for i, row in ipairs(t) do
    for j, v in ipairs(row) do
      r[j] = r[j] or {}
      r[j][i] = v
    end
  end
  return r
end

function ZipTable:updateOutput(input)
  self.output = zip(input)
  return self.output
end

function ZipTable:updateGradInput(input, gradOutput)
  self.gradInput = zip(gradOutput)
  return self.gradInput
end

return ZipTable
