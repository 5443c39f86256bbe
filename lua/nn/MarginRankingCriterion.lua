-- nn.MarginRankingCriterion([margin=1]): for a pair {x1, x2} and y = +-1: max(0, -y (x1 - x2) +
-- margin). With a number y the first elements are ranked; with a tensor y, one pair per element
-- (averaged when sizeAverage)
require 'nn.Criterion'
local MarginRankingCriterion, parent = torch.class('nn.MarginRankingCriterion', 'nn.Criterion')
local K = nn._K

function MarginRankingCriterion:__init(margin)
  parent.__init(self)
  self.margin = margin or 1
  self.gradInput = {torch.Tensor(1), torch.Tensor(1)}
  self.sizeAverage = true
end

function MarginRankingCriterion:updateOutput(input, y)
  self.output = K.MarginRankingCriterion_updateOutput(input[1], input[2], y, self.margin,
    self.sizeAverage)
  return self.output
end

function MarginRankingCriterion:updateGradInput(input, y)
  K.MarginRankingCriterion_updateGradInput(input[1], input[2], y, self.gradInput[1],
    self.gradInput[2], self.margin, self.sizeAverage)
  return self.gradInput
end

return MarginRankingCriterion
