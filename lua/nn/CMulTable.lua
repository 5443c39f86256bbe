-- nn.CMulTable: the element-wise product of the tensors of the input table.
require 'nn.Module'
local CMulTable, parent = torch.class('nn.CMulTable', 'nn.Module')
local K = nn._K

function CMulTable:__init()
  parent.__init(self)
  self.gradInput = {}
end

function CMulTable:updateOutput(input)
  -- two inputs of one type and size: one kernel call (false when they are not such)
  if #input == 2 and K.CMulTable_updateOutput2(self.output, input[1], input[2]) then
    return self.output
  end
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
  if #input == 2 then
    gi[1] = gi[1] or input[1].new()
    gi[2] = gi[2] or input[1].new()
    if K.CMulTable_updateGradInput2(gradOutput, input[1], input[2], gi[1], gi[2]) then
      for i = 3, #gi do gi[i] = nil end
      return gi
    end
  end
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
