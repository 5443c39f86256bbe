-- nn.ClassSimplexCriterion(nClasses): MSECriterion against the embedding of the target class(es)
-- as a vertex of a regular simplex (unit vectors, one per class, in nClasses dimensions)
require 'nn.MSECriterion'
local ClassSimplexCriterion, parent = torch.class('nn.ClassSimplexCriterion', 'nn.MSECriterion')
local K = nn._K

function ClassSimplexCriterion:__init(nClasses)
  parent.__init(self)
  assert(nClasses and nClasses > 1 and nClasses == (nClasses - (nClasses % 1)),
    'Required positive integer argument nClasses > 1')
  self.nClasses = nClasses
  self.simplex = torch.Tensor()
  K.ClassSimplexCriterion_simplex(self.simplex, nClasses)
  self._target = torch.Tensor(nClasses)
end

function ClassSimplexCriterion:updateOutput(input, target)
  if type(target) == 'number' or torch.isTensor(target) then
    K.ClassSimplexCriterion_target(self._target, self.simplex, target)
  end
  assert(input:nElement() == self._target:nElement())
  self.output = K.MSECriterion_updateOutput(input, self._target, self.sizeAverage)
  return self.output
end

function ClassSimplexCriterion:updateGradInput(input, target)
  assert(input:nElement() == self._target:nElement())
  K.MSECriterion_updateGradInput(input, self._target, self.gradInput, self.sizeAverage)
  return self.gradInput
end

-- scores of every class: the input (a vector or a batch of rows) projected on the vertices
function ClassSimplexCriterion:getPredictions(input)
  if input:dim() == 1 then input = input:view(1, -1) end
  return torch.mm(input, self.simplex:t())
end

function ClassSimplexCriterion:getTopPrediction(input)
  local prod = self:getPredictions(input)
  local _, maxs = prod:max(prod:nDimension())
  return maxs:view(-1)
end

return ClassSimplexCriterion
