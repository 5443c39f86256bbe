-- nn.SpatialAutoCropMSECriterion([sizeAverage=true]): MSECriterion of an input (C x H x W or
-- B x C x H x W) against the centre crop of a spatially larger (or equal) target
require 'nn.MSECriterion'
local SpatialAutoCropMSECriterion, parent =
  torch.class('nn.SpatialAutoCropMSECriterion', 'nn.MSECriterion')

function SpatialAutoCropMSECriterion:__init(sizeAverage)
  parent.__init(self, sizeAverage)
end

local function heightWidth(t)
  local d = t:dim()
  return t:size(d - 1), t:size(d)
end

-- the h x w window at the centre of t's last two dimensions (rounding towards the top left)
local function centerCrop(t, h, w)
  assert(t:dim() == 3 or t:dim() == 4, 'input should be a 3D or  4D tensor')
  local th, tw = heightWidth(t)
  assert(h > 0 and h <= th, '0 < cropSize[1] <= input:size(3) not satisfied')
  assert(w > 0 and w <= tw, '0 < cropSize[1] <= input:size(3) not satisfied')
  local d = t:dim()
  return t:narrow(d - 1, 1 + math.floor((th - h) / 2), h):narrow(d, 1 + math.floor((tw - w) / 2), w)
end

function SpatialAutoCropMSECriterion:updateOutput(input, target)
  assert(input:dim() == target:dim(), 'input and target should have the same number of dimensions')
  assert(input:dim() == 4 or input:dim() == 3, 'input and target must have 3 or 4 dimensions')
  local ih, iw = heightWidth(input)
  local th, tw = heightWidth(target)
  assert(ih <= th and iw <= tw,
    'Spatial resolution of input should be less than or equal to the spatial resolution of the target')
  return parent.updateOutput(self, input, centerCrop(target, ih, iw))
end

function SpatialAutoCropMSECriterion:updateGradInput(input, gradOutput)
  assert(input:dim() == gradOutput:dim(),
    'input and gradOutput should have the same number of dimensions')
  assert(input:dim() == 4 or input:dim() == 3, 'input and gradOutput must have 3 or 4 dimensions')
  assert(input:isSameSizeAs(gradOutput), 'gradOutput and input must have the same size')
  return parent.updateGradInput(self, input, gradOutput)
end

return SpatialAutoCropMSECriterion
