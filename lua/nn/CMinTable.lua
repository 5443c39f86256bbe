-- nn.CMinTable: the element-wise minimum of the tensors of the input table; the gradient goes
-- to the (first) input holding each minimum.
require 'nn.Module'
local CMinTable, parent = torch.class('nn.CMinTable', 'nn.Module')

function CMinTable:__init()
  parent.__init(self)
  self.gradInput = {}
  self.minIdx = torch.Tensor()
  self.mask = torch.Tensor()
  self.minVals = torch.Tensor()
  self.gradMaxVals = torch.Tensor()
end

function CMinTable:updateOutput(input)
  self.output:resizeAs(input[1]):copy(input[1])
  self.minIdx:resizeAs(input[1]):fill(1)
  for i = 2, #input do
    self.maskByteTensor = self.maskByteTensor or torch.ByteTensor()
    self.mask:lt(input[i], self.output)
    self.maskByteTensor:resize(self.mask:size()):copy(self.mask)
    self.minIdx:maskedFill(self.maskByteTensor, i)
    self.minVals:maskedSelect(input[i], self.maskByteTensor)
    self.output:maskedCopy(self.maskByteTensor, self.minVals)
  end
  return self.output
end

function CMinTable:updateGradInput(input, gradOutput)
  local gi = self.gradInput
  self.maskByteTensor = self.maskByteTensor or torch.ByteTensor()
  for i = 1, #input do
    gi[i] = gi[i] or input[i].new()
    gi[i]:resizeAs(input[i]):fill(0)
    self.mask:eq(self.minIdx, i)
    self.maskByteTensor:resize(self.mask:size()):copy(self.mask)
    self.gradMaxVals:maskedSelect(gradOutput, self.maskByteTensor)
    gi[i]:maskedCopy(self.maskByteTensor, self.gradMaxVals)
  end
  for i = #input + 1, #gi do gi[i] = nil end
  return gi
end

return CMinTable
