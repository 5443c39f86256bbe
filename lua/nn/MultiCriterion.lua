-- nn.MultiCriterion(): a weighted sum of criteria all applied to the same input and target
require 'nn.Criterion'
local MultiCriterion, parent = torch.class('nn.MultiCriterion', 'nn.Criterion')

function MultiCriterion:__init()
  parent.__init(self)
  self.criterions = {}
  self.weights = torch.DoubleStorage()
end

function MultiCriterion:add(criterion, weight)
  assert(criterion, 'no criterion provided')
  local n = #self.criterions + 1
  self.criterions[n] = criterion
  self.weights:resize(n)  -- a storage keeps its values when it grows
  self.weights[n] = weight or 1
  return self
end

function MultiCriterion:updateOutput(input, target)
  local loss = 0
  for i = 1, #self.criterions do
    loss = loss + self.weights[i] * self.criterions[i]:updateOutput(input, target)
  end
  self.output = loss
  return loss
end

function MultiCriterion:updateGradInput(input, target)
  local utils = nn.utils
  self.gradInput = utils.recursiveResizeAs(self.gradInput, input)
  utils.recursiveFill(self.gradInput, 0)
  for i = 1, #self.criterions do
    utils.recursiveAdd(self.gradInput, self.weights[i],
      self.criterions[i]:updateGradInput(input, target))
  end
  return self.gradInput
end

function MultiCriterion:type(typename)
  for _, criterion in ipairs(self.criterions) do criterion:type(typename) end
  return parent.type(self, typename)
end

return MultiCriterion
