-- nn.Sum([dimension=1, nInputDims, sizeAverage=false, squeeze=true]): the sum over a dimension
-- (the mean with sizeAverage); negative dimensions count from the last, and with nInputDims a
-- batch input shifts the dimension by one
require 'nn.Module'
local Sum, parent = torch.class('nn.Sum', 'nn.Module')
local K = nn._K

function Sum:__init(dimension, nInputDims, sizeAverage, squeeze)
  parent.__init(self)
  self.dimension = dimension or 1
  self.nInputDims = nInputDims
  self.sizeAverage = sizeAverage or false
  if squeeze ~= nil then
    assert(type(squeeze) == 'boolean', 'squeeze has to be true/false')
    self.squeeze = squeeze
  else
    self.squeeze = true
  end
end

function Sum:_getPositiveDimension(input)
  local dimension = self.dimension
  if dimension < 0 then
    dimension = input:dim() + dimension + 1
  elseif self.nInputDims and input:dim() == self.nInputDims + 1 then
    dimension = dimension + 1
  end
  assert(input:dim() >= dimension, 'dimension exceeds input dimensions')
  return dimension
end

function Sum:updateOutput(input)
  if type(self.output) == 'number' then self.output = input.new() end
  K.Sum_updateOutput(input, self.output, self:_getPositiveDimension(input),
    self.sizeAverage and true or false, self.squeeze == nil or self.squeeze)
  return self.output
end

function Sum:updateGradInput(input, gradOutput)
  K.Sum_updateGradInput(input, gradOutput, self.gradInput, self:_getPositiveDimension(input),
    self.sizeAverage and true or false)
  return self.gradInput
end

function Sum:clearState()
  nn.utils.clear(self, '_gradOutput')
  return parent.clearState(self)
end

return Sum
