-- nn.HingeEmbeddingCriterion([margin=1]): for distances x and labels y = +-1 (a tensor, or a
-- number for a single distance): mean of x where y = 1 and max(0, margin - x) where y = -1
require 'nn.Criterion'
local HingeEmbeddingCriterion, parent = torch.class('nn.HingeEmbeddingCriterion', 'nn.Criterion')
local K = nn._K

function HingeEmbeddingCriterion:__init(margin)
  parent.__init(self)
  self.margin = margin or 1
  self.sizeAverage = true
end

function HingeEmbeddingCriterion:updateOutput(input, y)
  self.output = K.HingeEmbeddingCriterion_updateOutput(input, y, self.margin, self.sizeAverage)
  return self.output
end

function HingeEmbeddingCriterion:updateGradInput(input, y)
  K.HingeEmbeddingCriterion_updateGradInput(input, y, self.gradInput, self.margin,
    self.sizeAverage)
  return self.gradInput
end

return HingeEmbeddingCriterion
