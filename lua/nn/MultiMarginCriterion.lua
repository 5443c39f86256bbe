-- nn.MultiMarginCriterion([p=1, weights, margin=1]): multi-class hinge loss of scores x (a
-- vector, or a batch of rows) against class indices y: sum over i ~= y of
-- max(0, margin - x[y] + x[i])^p / #x, optionally weighted per class
require 'nn.Criterion'
local MultiMarginCriterion, parent = torch.class('nn.MultiMarginCriterion', 'nn.Criterion')
local K = nn._K

function MultiMarginCriterion:__init(p, weights, margin)
  assert(p == nil or p == 1 or p == 2, 'only p=1 and p=2 supported')
  self.p = p or 1
  self.margin = margin or 1.0
  parent.__init(self)
  self.sizeAverage = true
  if weights then
    assert(weights:dim() == 1, 'weights input should be 1-D Tensor')
    self.weights = weights
  end
end

function MultiMarginCriterion:updateOutput(input, target)
  self.p = self.p or 1
  self.output = K.MultiMarginCriterion_updateOutput(input, target, self.sizeAverage, self.p,
    self.weights, self.margin)
  return self.output
end

function MultiMarginCriterion:updateGradInput(input, target)
  K.MultiMarginCriterion_updateGradInput(input, target, self.gradInput, self.sizeAverage,
    self.p, self.weights, self.margin)
  return self.gradInput
end

return MultiMarginCriterion
