-- nn.DistanceRatioCriterion([sizeAverage=true]): probabilistic triplet loss on {X, Y}, the
-- distances of similar and of dissimilar pairs: -log(exp(-X) / (exp(-X) + exp(-Y)))
require 'nn.Criterion'
local DistanceRatioCriterion, parent = torch.class('nn.DistanceRatioCriterion', 'nn.Criterion')
local K = nn._K

function DistanceRatioCriterion:__init(sizeAverage)
  parent.__init(self)
  if sizeAverage ~= nil then self.sizeAverage = sizeAverage else self.sizeAverage = true end
end

function DistanceRatioCriterion:updateOutput(input)
  assert(#input == 2, 'Invalid number of inputs')
  self.output = K.DistanceRatioCriterion_updateOutput(input[1], input[2], self.sizeAverage)
  return self.output
end

function DistanceRatioCriterion:updateGradInput(input)
  assert(#input == 2, 'Invalid number of inputs')
  local X, Y = input[1], input[2]
  self.dX = self.dX or X.new()
  self.dY = self.dY or Y.new()
  K.DistanceRatioCriterion_updateGradInput(X, Y, self.dX, self.dY, self.sizeAverage)
  return {self.dX, self.dY}
end

function DistanceRatioCriterion:type(typename, tensorCache)
  if typename then self.dX, self.dY = nil, nil end
  return parent.type(self, typename, tensorCache)
end

return DistanceRatioCriterion
