-- nn.VolumetricFractionalMaxPooling(poolSizeT, poolSizeW, poolSizeH, outT, outW, outH) or
-- (..., ratioT, ratioW, ratioH): fractional max pooling of a ([N,] C, H, W, T) input (Torch's
-- dimension order for this module) over pseudo-random overlapping windows
require 'nn.SpatialFractionalMaxPooling'
local VolumetricFractionalMaxPooling, parent = torch.class('nn.VolumetricFractionalMaxPooling',
  'nn.Module')
local K = nn._K

-- the sample buffer and region fixing are SpatialFractionalMaxPooling's (the buffer's size
-- comes from this class's getBufferSize_)
local S = nn.SpatialFractionalMaxPooling
VolumetricFractionalMaxPooling.initSampleBuffer_ = S.initSampleBuffer_
VolumetricFractionalMaxPooling.fixPoolingRegions = S.fixPoolingRegions
VolumetricFractionalMaxPooling.empty = S.empty
VolumetricFractionalMaxPooling.clearState = S.clearState

function VolumetricFractionalMaxPooling:__init(poolSizeT, poolSizeW, poolSizeH, arg1, arg2, arg3)
  parent.__init(self)
  assert(poolSizeT >= 2)
  assert(poolSizeW >= 2)
  assert(poolSizeH >= 2)
  self.poolSizeT = poolSizeT
  self.poolSizeW = poolSizeW
  self.poolSizeH = poolSizeH
  self.randomSamples = nil
  self.newRandomPool = false
  if arg1 >= 1 and arg2 >= 1 and arg3 >= 1 then
    self.outT, self.outW, self.outH = arg1, arg2, arg3
  else
    self.ratioT, self.ratioW, self.ratioH = arg1, arg2, arg3
    assert(self.ratioT > 0 and self.ratioT < 1)
    assert(self.ratioW > 0 and self.ratioW < 1)
    assert(self.ratioH > 0 and self.ratioH < 1)
  end
end

function VolumetricFractionalMaxPooling:getBufferSize_(input)
  if input:nDimension() == 4 then
    return torch.LongStorage({1, input:size(1), 3})
  elseif input:nDimension() == 5 then
    return torch.LongStorage({input:size(1), input:size(2), 3})
  end
  error('input must be dim 4 or 5')
end

function VolumetricFractionalMaxPooling:getOutputSizes_(input)
  local outT, outW, outH = self.outT, self.outW, self.outH
  if self.ratioW ~= nil and self.ratioH ~= nil then
    local nd = input:nDimension()
    if nd ~= 4 and nd ~= 5 then error('input must be dim 4 or 5') end
    outT = math.floor(input:size(nd) * self.ratioT)
    outW = math.floor(input:size(nd - 1) * self.ratioW)
    outH = math.floor(input:size(nd - 2) * self.ratioH)
    assert(outT > 0, 'reduction ratio or input time too small')
    assert(outW > 0, 'reduction ratio or input width too small')
    assert(outH > 0, 'reduction ratio or input height too small')
  else
    assert(outT ~= nil and outW ~= nil and outH ~= nil)
  end
  return outT, outW, outH
end

function VolumetricFractionalMaxPooling:updateOutput(input)
  self.indices = self.indices or torch.LongTensor()
  if torch.type(self.indices) ~= 'torch.LongTensor' then self.indices = self.indices:long() end
  self:initSampleBuffer_(input)
  local outT, outW, outH = self:getOutputSizes_(input)
  K.VolumetricFractionalMaxPooling_updateOutput(input, self.output, outT, outW, outH,
    self.poolSizeT, self.poolSizeW, self.poolSizeH, self.indices, self.randomSamples)
  return self.output
end

function VolumetricFractionalMaxPooling:updateGradInput(input, gradOutput)
  assert(self.randomSamples ~= nil, 'must call updateOutput/forward first')
  local outT, outW, outH = self:getOutputSizes_(input)
  K.VolumetricFractionalMaxPooling_updateGradInput(input, gradOutput, self.gradInput, outT, outW,
    outH, self.poolSizeT, self.poolSizeW, self.poolSizeH, self.indices)
  return self.gradInput
end

function VolumetricFractionalMaxPooling:__tostring__()
  return string.format('%s(%dx%dx%d, %d,%d,%d)', torch.type(self), self.outT or self.ratioT,
    self.outW or self.ratioW, self.outH or self.ratioH, self.poolSizeT, self.poolSizeW,
    self.poolSizeH)
end

return VolumetricFractionalMaxPooling
