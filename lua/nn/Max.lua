-- nn.Max([dimension=1, nInputDims]): the max over a dimension (negative: from the last; with
-- nInputDims, a batch input shifts it by one); self._indices keeps where the maxima were
require 'nn.Module'
local Max, parent = torch.class('nn.Max', 'nn.Module')
local K = nn._K

function Max:__init(dimension, nInputDims)
  parent.__init(self)
  self.dimension = dimension or 1
  self.nInputDims = nInputDims
end

function Max:_getPositiveDimension(input)
  local dimension = self.dimension
  if dimension < 0 then
    dimension = input:dim() + dimension + 1
  elseif self.nInputDims and input:dim() == self.nInputDims + 1 then
    dimension = dimension + 1
  end
  return dimension
end

function Max:_lazyInit()
  self._indices = self._indices or torch.LongTensor()
end

function Max:updateOutput(input)
  self:_lazyInit()
  K.Max_updateOutput(input, self.output, self._indices, self:_getPositiveDimension(input))
  return self.output
end

function Max:updateGradInput(input, gradOutput)
  self:_lazyInit()
  K.Max_updateGradInput(input, gradOutput, self.gradInput, self._indices,
    self:_getPositiveDimension(input))
  return self.gradInput
end

function Max:type(type, tensorCache)
  self._indices = nil
  parent.type(self, type, tensorCache)
  return self
end

function Max:clearState()
  nn.utils.clear(self, '_indices', '_output')
  return parent.clearState(self)
end

return Max
