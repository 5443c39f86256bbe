-- nn.HardShrink([lambda=0.5]): y = |x| > lambda ? x : 0
require 'nn.Module'
local HardShrink, parent = torch.class('nn.HardShrink', 'nn.Module')
local K = nn._K

function HardShrink:__init(lam)
  parent.__init(self)
  self.lambda = lam or 0.5
end

function HardShrink:updateOutput(input)
  K.HardShrink_updateOutput(input, self.output, self.lambda)
  return self.output
end

function HardShrink:updateGradInput(input, gradOutput)
  K.HardShrink_updateGradInput(input, gradOutput, self.gradInput, self.lambda)
  return self.gradInput
end

return HardShrink
