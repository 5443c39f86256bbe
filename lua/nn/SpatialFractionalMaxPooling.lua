-- nn.SpatialFractionalMaxPooling(poolSizeW, poolSizeH, outW, outH) or (poolSizeW, poolSizeH,
-- ratioW, ratioH): fractional max pooling over pseudo-random overlapping windows, to an exact
-- output size or a fraction (0 < ratio < 1) of the input's. New windows are drawn at every
-- forward unless :fixPoolingRegions() was called.
require 'nn.Module'
local SpatialFractionalMaxPooling, parent = torch.class('nn.SpatialFractionalMaxPooling',
  'nn.Module')
local K = nn._K

function SpatialFractionalMaxPooling:__init(poolSizeW, poolSizeH, arg1, arg2)
  parent.__init(self)
  assert(poolSizeW >= 2)
  assert(poolSizeH >= 2)
  self.poolSizeW = poolSizeW
  self.poolSizeH = poolSizeH
  self.randomSamples = nil
  self.newRandomPool = false
  if arg1 >= 1 and arg2 >= 1 then
    self.outW = arg1
    self.outH = arg2
  else
    self.ratioW = arg1
    self.ratioH = arg2
    assert(self.ratioW > 0 and self.ratioW < 1)
    assert(self.ratioH > 0 and self.ratioH < 1)
  end
end

function SpatialFractionalMaxPooling:getBufferSize_(input)
  if input:nDimension() == 3 then
    return torch.LongStorage({1, input:size(1), 2})
  elseif input:nDimension() == 4 then
    return torch.LongStorage({input:size(1), input:size(2), 2})
  end
  error('input must be dim 3 or 4')
end

-- one uniform sample per plane and dimension, redrawn at each call unless the regions are fixed
function SpatialFractionalMaxPooling:initSampleBuffer_(input)
  local size = self:getBufferSize_(input)
  if self.randomSamples == nil then
    self.randomSamples = input.new():resize(size):uniform()
  elseif self.randomSamples:size(1) ~= size[1] or self.randomSamples:size(2) ~= size[2] then
    self.randomSamples:resize(size):uniform()
  elseif not self.newRandomPool then
    self.randomSamples:uniform()
  end
end

function SpatialFractionalMaxPooling:getOutputSizes_(input)
  local outW, outH = self.outW, self.outH
  if self.ratioW ~= nil and self.ratioH ~= nil then
    local nd = input:nDimension()
    if nd ~= 3 and nd ~= 4 then error('input must be dim 3 or 4') end
    outW = math.floor(input:size(nd) * self.ratioW)
    outH = math.floor(input:size(nd - 1) * self.ratioH)
    assert(outW > 0, 'reduction ratio or input width too small')
    assert(outH > 0, 'reduction ratio or input height too small')
  else
    assert(outW ~= nil and outH ~= nil)
  end
  return outW, outH
end

function SpatialFractionalMaxPooling:fixPoolingRegions(val)
  if val == nil then val = true end
  self.newRandomPool = val
  return self
end

function SpatialFractionalMaxPooling:updateOutput(input)
  self.indices = self.indices or torch.LongTensor()
  if torch.type(self.indices) ~= 'torch.LongTensor' then self.indices = self.indices:long() end
  self:initSampleBuffer_(input)
  local outW, outH = self:getOutputSizes_(input)
  K.SpatialFractionalMaxPooling_updateOutput(input, self.output, outW, outH, self.poolSizeW,
    self.poolSizeH, self.indices, self.randomSamples)
  return self.output
end

function SpatialFractionalMaxPooling:updateGradInput(input, gradOutput)
  assert(self.randomSamples ~= nil, 'must call updateOutput/forward first')
  local outW, outH = self:getOutputSizes_(input)
  K.SpatialFractionalMaxPooling_updateGradInput(input, gradOutput, self.gradInput, outW, outH,
    self.poolSizeW, self.poolSizeH, self.indices)
  return self.gradInput
end

function SpatialFractionalMaxPooling:empty()
  self:clearState()
end

function SpatialFractionalMaxPooling:clearState()
  self.indices = nil
  self.randomSamples = nil
  return parent.clearState(self)
end

function SpatialFractionalMaxPooling:__tostring__()
  return string.format('%s(%dx%d, %d,%d)', torch.type(self), self.outW or self.ratioW,
    self.outH or self.ratioH, self.poolSizeW, self.poolSizeH)
end

return SpatialFractionalMaxPooling
