-- nn.SoftMarginCriterion(): two-class logistic loss, mean of log(1 + exp(-x * y)), y = +-1
require 'nn.Criterion'
local SoftMarginCriterion, parent = torch.class('nn.SoftMarginCriterion', 'nn.Criterion')
local K = nn._K

function SoftMarginCriterion:__init()
  parent.__init(self)
  self.sizeAverage = true
end

function SoftMarginCriterion:updateOutput(input, target)
  self.output = K.SoftMarginCriterion_updateOutput(input, target, self.sizeAverage)
  return self.output
end

function SoftMarginCriterion:updateGradInput(input, target)
  K.SoftMarginCriterion_updateGradInput(input, target, self.gradInput, self.sizeAverage)
  return self.gradInput
end

return SoftMarginCriterion
