-- nn.BCECriterion([weights, sizeAverage=true]): binary cross-entropy of probabilities x against
-- targets y: mean of -w (y log x + (1 - y) log(1 - x)); weights: one per element of a vector
-- input, or one per column of a batch
require 'nn.Criterion'
local BCECriterion, parent = torch.class('nn.BCECriterion', 'nn.Criterion')
local K = nn._K

function BCECriterion:__init(weights, sizeAverage)
  parent.__init(self)
  if sizeAverage ~= nil then self.sizeAverage = sizeAverage else self.sizeAverage = true end
  if weights ~= nil then
    assert(weights:dim() == 1, 'weights input should be 1-D Tensor')
    self.weights = weights
  end
end

function BCECriterion:__len()
  return self.weights and #self.weights or 0
end

function BCECriterion:updateOutput(input, target)
  assert(input:nElement() == target:nElement(), 'input and target size mismatch')
  self.output = K.BCECriterion_updateOutput(input, target, self.sizeAverage, self.weights)
  return self.output
end

function BCECriterion:updateGradInput(input, target)
  assert(input:nElement() == target:nElement(), 'input and target size mismatch')
  K.BCECriterion_updateGradInput(input, target, self.gradInput, self.sizeAverage, self.weights)
  return self.gradInput
end

return BCECriterion
