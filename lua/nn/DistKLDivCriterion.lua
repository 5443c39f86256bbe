-- nn.DistKLDivCriterion(): Kullback-Leibler divergence of target distribution y from the
-- distribution whose log-probabilities are the input: mean of y * (log y - x) over y > 0
require 'nn.Criterion'
local DistKLDivCriterion, parent = torch.class('nn.DistKLDivCriterion', 'nn.Criterion')
local K = nn._K

function DistKLDivCriterion:__init()
  parent.__init(self)
  self.sizeAverage = true
end

local function checkSizes(input, target)
  assert(input:dim() == target:dim() and input:isSameSizeAs(target),
    'input and target should have the same size')
end

function DistKLDivCriterion:updateOutput(input, target)
  checkSizes(input, target)
  self.output = K.DistKLDivCriterion_updateOutput(input, target, self.sizeAverage)
  return self.output
end

function DistKLDivCriterion:updateGradInput(input, target)
  checkSizes(input, target)
  K.DistKLDivCriterion_updateGradInput(input, target, self.gradInput, self.sizeAverage)
  return self.gradInput
end

return DistKLDivCriterion
