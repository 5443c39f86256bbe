-- nn.MarginCriterion([margin=1]): two-class hinge loss, mean of max(0, margin - x * y), y = +-1
require 'nn.Criterion'
local MarginCriterion, parent = torch.class('nn.MarginCriterion', 'nn.Criterion')
local K = nn._K

function MarginCriterion:__init(margin)
  parent.__init(self)
  self.sizeAverage = true
  self.margin = margin or 1
end

function MarginCriterion:updateOutput(input, target)
  self.output = K.MarginCriterion_updateOutput(input, target, self.sizeAverage, self.margin)
  return self.output
end

function MarginCriterion:updateGradInput(input, target)
  K.MarginCriterion_updateGradInput(input, target, self.gradInput, self.sizeAverage, self.margin)
  return self.gradInput
end

return MarginCriterion
