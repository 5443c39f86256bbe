-- nn.L1HingeEmbeddingCriterion([margin=1]): for a pair {x1, x2} and y = +-1: the L1 distance d
-- of x1 and x2 if y = 1, max(0, margin - d) if y = -1
require 'nn.Criterion'
local L1HingeEmbeddingCriterion, parent =
  torch.class('nn.L1HingeEmbeddingCriterion', 'nn.Criterion')
local K = nn._K

function L1HingeEmbeddingCriterion:__init(margin)
  parent.__init(self)
  self.margin = margin or 1
  self.gradInput = {torch.Tensor(), torch.Tensor()}
end

function L1HingeEmbeddingCriterion:updateOutput(input, y)
  self.output = K.L1HingeEmbeddingCriterion_updateOutput(input[1], input[2], y, self.margin)
  return self.output
end

function L1HingeEmbeddingCriterion:updateGradInput(input, y)
  local g1, g2 = self.gradInput[1], self.gradInput[2]
  local nz = K.L1HingeEmbeddingCriterion_updateGradInput(input[1], input[2], g1, g2, y,
    self.margin)
  if nz > 0 then
    -- the sign of an exact zero difference is drawn at random (one torch.random(2) each)
    local draws = torch.LongTensor(nz)
    for i = 1, nz do draws[i] = torch.random(2) end
    K.L1HingeEmbeddingCriterion_updateGradInput(input[1], input[2], g1, g2, y, self.margin, draws)
  end
  return self.gradInput
end

return L1HingeEmbeddingCriterion
