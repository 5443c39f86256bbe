-- nn.CMulTable: the element-wise product of the tensors of the input table.
require 'nn.Module'
local CMulTable, parent = torch.class('nn.CMulTable', 'nn.Module')

function CMulTable:__init()
  parent.__init(self)
  self.gradInput = {}
end

function CMulTable:updateOutput(input)
  self.output:resizeAs(input[1]):copy(input[1])
  for i = 2, #input do self.output:cmul(input[i]) end
  return self.output
end

-- gradInput[i] = gradOutput * output / input[i] (wrong where input[i] has zeros)
function CMulTable:updateGradInput_efficient(input, gradOutput)
  self.tout = self.tout or input[1].new()
  self.tout:resizeAs(self.output)
  local gi = self.gradInput
  for i = 1, #input do
    gi[i] = gi[i] or input[1].new()
    gi[i]:resizeAs(input[i]):copy(gradOutput)
    self.tout:copy(self.output):cdiv(input[i])
    gi[i]:cmul(self.tout)
  end
  for i = #input + 1, #gi do gi[i] = nil end
  return gi
end

-- gradInput[i] = gradOutput * the product of the other inputs
function CMulTable:updateGradInput(input, gradOutput)
  local gi = self.gradInput
  for i = 1, #input do
    gi[i] = gi[i] or input[1].new()
    gi[i]:resizeAs(input[i]):copy(gradOutput)
    for j = 1, #input do
      if i ~= j then gi[i]:cmul(input[j]) end
    end
  end
  for i = #input + 1, #gi do gi[i] = nil end
  return gi
end

function CMulTable:clearState()
  if self.tout then self.tout:set() end
  return parent.clearState(self)
end

return CMulTable
