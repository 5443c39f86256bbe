-- nn.CMaxTable: the element-wise maximum of the tensors of the input table; the gradient goes
-- to the (first) input holding each maximum.
require 'nn.Module'
local CMaxTable, parent = torch.class('nn.CMaxTable', 'nn.Module')

-- what nn.CMinTable (which shares these methods) sets otherwise: the comparison that makes an
-- input the new extremum, and the fields keeping the extremum's input index and values
CMaxTable._compare = 'gt'
CMaxTable._idxName = 'maxIdx'
CMaxTable._valsName = 'maxVals'

function CMaxTable:__init()
  parent.__init(self)
  self.gradInput = {}
  self[self._idxName] = torch.Tensor()
  self.mask = torch.Tensor()
  self[self._valsName] = torch.Tensor()
  self.gradMaxVals = torch.Tensor()
end

function CMaxTable:updateOutput(input)
  local idx, vals, compare = self[self._idxName], self[self._valsName], self.mask[self._compare]
  self.output:resizeAs(input[1]):copy(input[1])
  idx:resizeAs(input[1]):fill(1)
  for i = 2, #input do
    self.maskByteTensor = self.maskByteTensor or torch.ByteTensor()
    compare(self.mask, input[i], self.output)
    self.maskByteTensor:resize(self.mask:size()):copy(self.mask)
    idx:maskedFill(self.maskByteTensor, i)
    vals:maskedSelect(input[i], self.maskByteTensor)
    self.output:maskedCopy(self.maskByteTensor, vals)
  end
  return self.output
end

function CMaxTable:updateGradInput(input, gradOutput)
  local gi, idx = self.gradInput, self[self._idxName]
  self.maskByteTensor = self.maskByteTensor or torch.ByteTensor()
  for i = 1, #input do
    gi[i] = gi[i] or input[i].new()
    gi[i]:resizeAs(input[i]):fill(0)
    self.mask:eq(idx, i)
    self.maskByteTensor:resize(self.mask:size()):copy(self.mask)
    self.gradMaxVals:maskedSelect(gradOutput, self.maskByteTensor)
    gi[i]:maskedCopy(self.maskByteTensor, self.gradMaxVals)
  end
  for i = #input + 1, #gi do gi[i] = nil end
  return gi
end

return CMaxTable
