-- nn.SmoothL1Criterion([sizeAverage=true]): mean (or sum) of the smooth L1 loss: 0.5 d^2 where |d| < 1, |d| - 0.5 elsewhere
require 'nn.Criterion'
local SmoothL1Criterion, parent = torch.class('nn.SmoothL1Criterion', 'nn.Criterion')
local K = nn._K

function SmoothL1Criterion:__init(sizeAverage)
  parent.__init(self)
  if sizeAverage ~= nil then self.sizeAverage = sizeAverage else self.sizeAverage = true end
end

function SmoothL1Criterion:updateOutput(input, target)
  self.output = K.SmoothL1Criterion_updateOutput(input, target, self.sizeAverage)
  return self.output
end

function SmoothL1Criterion:updateGradInput(input, target)
  K.SmoothL1Criterion_updateGradInput(input, target, self.gradInput, self.sizeAverage)
  return self.gradInput
end

return SmoothL1Criterion
