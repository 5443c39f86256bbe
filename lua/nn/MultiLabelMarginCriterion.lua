-- nn.MultiLabelMarginCriterion(): multi-class multi-label hinge loss. The target holds the
-- indices of the input's classes, ended by the first 0 (same size as the input; a vector or a
-- batch of rows); the loss sums max(0, 1 - (x[target] - x[other])) over targets and non-targets
require 'nn.Criterion'
local MultiLabelMarginCriterion, parent = torch.class('nn.MultiLabelMarginCriterion', 'nn.Criterion')
local K = nn._K

function MultiLabelMarginCriterion:__init()
  parent.__init(self)
  self.sizeAverage = true
  self.isTarget = torch.Tensor()
end

function MultiLabelMarginCriterion:updateOutput(input, target)
  self.output = K.MultiLabelMarginCriterion_updateOutput(input, target, self.isTarget,
    self.sizeAverage)
  return self.output
end

function MultiLabelMarginCriterion:updateGradInput(input, target)
  K.MultiLabelMarginCriterion_updateGradInput(input, target, self.gradInput, self.isTarget,
    self.sizeAverage)
  return self.gradInput
end

return MultiLabelMarginCriterion
