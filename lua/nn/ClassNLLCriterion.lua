-- nn.ClassNLLCriterion([weights, sizeAverage=true, ignoreIndex=-100]): negative log-likelihood
-- of class indices (a number, or one per row of a batch) given log-probabilities; optional
-- per-class weights; targets equal to ignoreIndex are skipped
require 'nn.Criterion'
local ClassNLLCriterion, parent = torch.class('nn.ClassNLLCriterion', 'nn.Criterion')
local K = nn._K

function ClassNLLCriterion:__init(weights, sizeAverage, ignoreIndex)
  parent.__init(self)
  if sizeAverage == nil then self.sizeAverage = true else self.sizeAverage = sizeAverage end
  self.ignoreIndex = ignoreIndex or -100
  if weights then
    assert(weights:dim() == 1, 'weights input should be 1-D Tensor')
    self.weights = weights
  end
  self.output_tensor = torch.zeros(1)
  self.total_weight_tensor = torch.ones(1)
  self.target = torch.zeros(1):long()
end

function ClassNLLCriterion:__len()
  return self.weights and #self.weights or 0
end

-- returns the loss and the total weight of the counted targets
function ClassNLLCriterion:updateOutput(input, target)
  local output, totalWeight = K.ClassNLLCriterion_updateOutput(input, target, self.output_tensor,
    self.sizeAverage, self.weights, self.total_weight_tensor, self.ignoreIndex)
  self.output = output
  return output, totalWeight
end

function ClassNLLCriterion:updateGradInput(input, target)
  K.ClassNLLCriterion_updateGradInput(input, target, self.gradInput, self.sizeAverage,
    self.weights, self.total_weight_tensor, self.ignoreIndex)
  return self.gradInput
end

return ClassNLLCriterion
