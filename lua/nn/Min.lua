-- nn.Min([dimension=1, nInputDims]): the min over a dimension (negative: from the last; with
-- nInputDims, a batch input shifts it by one); self._indices keeps where the minima were.
-- A class of its own (as in nn), with Max's fields and methods but its own kernels.
require 'nn.Max'
local Min = torch.class('nn.Min', 'nn.Module')
local K = nn._K
local M = nn.Max

Min.__init = M.__init
Min._getPositiveDimension = M._getPositiveDimension
Min._lazyInit = M._lazyInit
Min.type = M.type
Min.clearState = M.clearState

function Min:updateOutput(input)
  self:_lazyInit()
  K.Min_updateOutput(input, self.output, self._indices, self:_getPositiveDimension(input))
  return self.output
end

function Min:updateGradInput(input, gradOutput)
  self:_lazyInit()
  K.Min_updateGradInput(input, gradOutput, self.gradInput, self._indices,
    self:_getPositiveDimension(input))
  return self.gradInput
end

return Min
