-- nn.AbsCriterion([sizeAverage=true]): mean (or sum) of |x - y|
require 'nn.Criterion'
local AbsCriterion, parent = torch.class('nn.AbsCriterion', 'nn.Criterion')
local K = nn._K

function AbsCriterion:__init(sizeAverage)
  parent.__init(self)
  if sizeAverage ~= nil then self.sizeAverage = sizeAverage else self.sizeAverage = true end
end

function AbsCriterion:updateOutput(input, target)
  self.output = K.AbsCriterion_updateOutput(input, target, self.sizeAverage)
  return self.output
end

function AbsCriterion:updateGradInput(input, target)
  K.AbsCriterion_updateGradInput(input, target, self.gradInput, self.sizeAverage)
  return self.gradInput
end

return AbsCriterion
