-- nn.NarrowTable(offset [, length=1]): the elements offset .. offset+length-1 of the input table.
require 'nn.Module'
require 'nn.SelectTable'
local NarrowTable, parent = torch.class('nn.NarrowTable', 'nn.Module')

function NarrowTable:__init(offset, length)
  parent.__init(self)
  self.offset = offset
  self.length = length or 1
  if not offset then error('nn.NarrowTable(offset, length)') end
  self.output = {}
  self.gradInput = {}
end

function NarrowTable:updateOutput(input)
  local out = self.output
  for k in ipairs(out) do out[k] = nil end
  for i = 1, self.length do out[i] = input[self.offset + i - 1] end
  return out
end

function NarrowTable:updateGradInput(input, gradOutput)
  local gi = self.gradInput
  for i = 1, #gradOutput do gi[self.offset + i - 1] = gradOutput[i] end
  for i = 1, #input do
    if i < self.offset or i >= self.offset + self.length then
      gi[i] = nn.utils.recursiveResizeAs(gi[i], input[i])
      nn.utils.recursiveFill(gi[i], 0)
    end
  end
  for i = #input + 1, #gi do gi[i] = nil end
  return gi
end

function NarrowTable:type(type, tensorCache)
  self.output = {}
  self.gradInput = {}
  return parent.type(self, type, tensorCache)
end

NarrowTable.clearState = nn.SelectTable.clearState

return NarrowTable
