-- nn.SpatialUpSamplingNearest(scale): each pixel of the last two dims repeated scale x scale times
require 'nn.Module'
local SpatialUpSamplingNearest, parent = torch.class('nn.SpatialUpSamplingNearest', 'nn.Module')
local K = nn._K

function SpatialUpSamplingNearest:__init(scale)
  parent.__init(self)
  self.scale_factor = scale
  if self.scale_factor < 1 then error('scale_factor must be greater than 1') end
  if math.floor(self.scale_factor) ~= self.scale_factor then error('scale_factor must be integer') end
  self.inputSize = torch.LongStorage(4)
  self.outputSize = torch.LongStorage(4)
end

function SpatialUpSamplingNearest:updateOutput(input)
  if input:dim() ~= 4 and input:dim() ~= 3 then
    error('SpatialUpSamplingNearest only support 3D or 4D tensors')
  end
  local xdim = input:dim()
  local ydim = xdim - 1
  for i = 1, xdim do
    self.inputSize[i] = input:size(i)
    self.outputSize[i] = input:size(i)
  end
  self.outputSize[ydim] = self.outputSize[ydim] * self.scale_factor
  self.outputSize[xdim] = self.outputSize[xdim] * self.scale_factor
  K.SpatialUpSamplingNearest_updateOutput(input, self.output, self.scale_factor)
  return self.output
end

function SpatialUpSamplingNearest:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(input)
  K.SpatialUpSamplingNearest_updateGradInput(input, gradOutput, self.gradInput, self.scale_factor)
  return self.gradInput
end

return SpatialUpSamplingNearest
