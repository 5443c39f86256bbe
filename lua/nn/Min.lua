-- nn.Min([dimension=1, nInputDims]): the min over a dimension (negative: from the last; with
-- nInputDims, a batch input shifts it by one); self._indices keeps where the minima were
require 'nn.Module'
local Min, parent = torch.class('nn.Min', 'nn.Module')
local K = nn._K

function Min:__init(dimension, nInputDims)
  parent.__init(self)
  self.dimension = dimension or 1
  self.nInputDims = nInputDims
end

function Min:_getPositiveDimension(input)
  local dimension = self.dimension
  if dimension < 0 then
    dimension = input:dim() + dimension + 1
  elseif self.nInputDims and input:dim() == self.nInputDims + 1 then
    dimension = dimension + 1
  end
  return dimension
end

function Min:_lazyInit()
  self._indices = self._indices or torch.LongTensor()
end

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

function Min:type(type, tensorCache)
  self._indices = nil
  parent.type(self, type, tensorCache)
  return self
end

function Min:clearState()
  nn.utils.clear(self, '_indices', '_output')
  return parent.clearState(self)
end

return Min
