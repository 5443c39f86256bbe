-- nn.CosineEmbeddingCriterion([margin=0]): for a pair {x1, x2} (vectors, or batches of rows)
-- and y = +-1 (a number or one per row): 1 - cos(x1, x2) where y = 1,
-- max(0, cos(x1, x2) - margin) where y = -1; averaged over the rows
require 'nn.Criterion'
local CosineEmbeddingCriterion, parent = torch.class('nn.CosineEmbeddingCriterion', 'nn.Criterion')
local K = nn._K

function CosineEmbeddingCriterion:__init(margin)
  parent.__init(self)
  self.margin = margin or 0
  self.gradInput = {torch.Tensor(), torch.Tensor()}
  self.sizeAverage = true
end

function CosineEmbeddingCriterion:updateOutput(input, y)
  self.output = K.CosineEmbeddingCriterion_updateOutput(input[1], input[2], y, self.margin,
    self.sizeAverage)
  return self.output
end

function CosineEmbeddingCriterion:updateGradInput(input, y)
  K.CosineEmbeddingCriterion_updateGradInput(input[1], input[2], y, self.gradInput[1],
    self.gradInput[2], self.margin, self.sizeAverage)
  return self.gradInput
end

return CosineEmbeddingCriterion
