-- nn.SpatialClassNLLCriterion([weights, sizeAverage=true]): ClassNLLCriterion at every pixel of
-- a batch of maps: input B x C x H x W log-probabilities, target B x H x W class indices
require 'nn.Criterion'
local SpatialClassNLLCriterion, parent = torch.class('nn.SpatialClassNLLCriterion', 'nn.Criterion')
local K = nn._K

function SpatialClassNLLCriterion:__init(weights, sizeAverage)
  parent.__init(self)
  if sizeAverage ~= nil then self.sizeAverage = sizeAverage else self.sizeAverage = true end
  if weights then
    assert(weights:dim() == 1, 'weights input should be 1-D Tensor')
    self.weights = weights
  end
  self.output_tensor = torch.zeros(1)
  self.total_weight_tensor = torch.ones(1)
  self.target = torch.zeros(1):long()
end

function SpatialClassNLLCriterion:__len()
  return self.weights and #self.weights or 0
end

function SpatialClassNLLCriterion:updateOutput(input, target)
  local output, totalWeight = K.SpatialClassNLLCriterion_updateOutput(input, target,
    self.output_tensor, self.sizeAverage, self.weights, self.total_weight_tensor)
  self.output = output
  return output, totalWeight
end

function SpatialClassNLLCriterion:updateGradInput(input, target)
  K.SpatialClassNLLCriterion_updateGradInput(input, target, self.gradInput, self.sizeAverage,
    self.weights, self.total_weight_tensor)
  return self.gradInput
end

return SpatialClassNLLCriterion
