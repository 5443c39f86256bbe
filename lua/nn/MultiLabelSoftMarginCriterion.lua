-- nn.MultiLabelSoftMarginCriterion([weights, sizeAverage=true]): multi-label logistic loss,
-- mean over classes of -(y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))) (in a stable form);
-- weights: one per class
require 'nn.Criterion'
local MultiLabelSoftMarginCriterion, parent =
  torch.class('nn.MultiLabelSoftMarginCriterion', 'nn.Criterion')
local K = nn._K

function MultiLabelSoftMarginCriterion:__init(weights, sizeAverage)
  parent.__init(self)
  if sizeAverage ~= nil then self.sizeAverage = sizeAverage else self.sizeAverage = true end
  if weights ~= nil then
    assert(weights:dim() == 1, 'weights input should be 1-D Tensor')
    self.weights = weights
  end
  self.sigmoid = nn.Sigmoid()
end

function MultiLabelSoftMarginCriterion:updateOutput(input, target)
  self.output = K.MultiLabelSoftMarginCriterion_updateOutput(input, target, self.sigmoid.output,
    self.sizeAverage, self.weights)
  return self.output
end

function MultiLabelSoftMarginCriterion:updateGradInput(input, target)
  K.MultiLabelSoftMarginCriterion_updateGradInput(input, target, self.gradInput,
    self.sigmoid.output, self.sizeAverage, self.weights)
  return self.gradInput
end

return MultiLabelSoftMarginCriterion
