-- nn.CSubTable: input[1] - input[2].
require 'nn.Module'
local CSubTable, parent = torch.class('nn.CSubTable', 'nn.Module')

function CSubTable:__init()
  parent.__init(self)
  self.gradInput = {}
end

function CSubTable:updateOutput(input)
  self.output:resizeAs(input[1]):copy(input[1]):add(-1, input[2])
  return self.output
end

function CSubTable:updateGradInput(input, gradOutput)
  local gi = self.gradInput
  gi[1] = gi[1] or input[1].new()
  gi[2] = gi[2] or input[1].new()
  gi[1]:resizeAs(input[1]):copy(gradOutput)
  gi[2]:resizeAs(input[2]):copy(gradOutput):mul(-1)
  for i = #input + 1, #gi do gi[i] = nil end
  return gi
end

return CSubTable
