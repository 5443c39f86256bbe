-- nn.CDivTable: input[1] / input[2], element-wise.
require 'nn.Module'
local CDivTable, parent = torch.class('nn.CDivTable', 'nn.Module')

function CDivTable:__init()
  parent.__init(self)
  self.gradInput = {}
end

function CDivTable:updateOutput(input)
  self.output:resizeAs(input[1]):copy(input[1]):cdiv(input[2])
  return self.output
end

function CDivTable:updateGradInput(input, gradOutput)
  local gi = self.gradInput
  gi[1] = gi[1] or input[1].new()
  gi[2] = gi[2] or input[1].new()
  -- d/da = g / b ; d/db = -(g / b) / b * a
  gi[1]:resizeAs(input[1]):copy(gradOutput):cdiv(input[2])
  gi[2]:resizeAs(input[2]):zero():addcdiv(-1, gi[1], input[2]):cmul(input[1])
  for i = #input + 1, #gi do gi[i] = nil end
  return gi
end

return CDivTable
