-- nn.ParallelCriterion([repeatTarget=false]): a weighted sum of criteria, the i-th applied to
-- input[i] and target[i] (or to the whole target when repeatTarget)
require 'nn.Criterion'
local ParallelCriterion, parent = torch.class('nn.ParallelCriterion', 'nn.Criterion')

function ParallelCriterion:__init(repeatTarget)
  parent.__init(self)
  self.criterions = {}
  self.weights = {}
  self.gradInput = {}
  self.repeatTarget = repeatTarget
end

function ParallelCriterion:add(criterion, weight)
  assert(criterion, 'no criterion provided')
  self.criterions[#self.criterions + 1] = criterion
  self.weights[#self.weights + 1] = weight or 1
  return self
end

function ParallelCriterion:updateOutput(input, target)
  local loss = 0
  for i, criterion in ipairs(self.criterions) do
    local t = target
    if not self.repeatTarget then t = target[i] end
    loss = loss + self.weights[i] * criterion:updateOutput(input[i], t)
  end
  self.output = loss
  return loss
end

function ParallelCriterion:updateGradInput(input, target)
  local utils = nn.utils
  self.gradInput = utils.recursiveResizeAs(self.gradInput, input)
  utils.recursiveFill(self.gradInput, 0)
  for i, criterion in ipairs(self.criterions) do
    local t = target
    if not self.repeatTarget then t = target[i] end
    utils.recursiveAdd(self.gradInput[i], self.weights[i], criterion:updateGradInput(input[i], t))
  end
  return self.gradInput
end

function ParallelCriterion:type(typename, tensorCache)
  self.gradInput = {}
  return parent.type(self, typename, tensorCache)
end

return ParallelCriterion
