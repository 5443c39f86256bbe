-- nn.SoftShrink([lambda=0.5]): y = x - lambda above lambda, x + lambda below -lambda, else 0
require 'nn.Module'
local SoftShrink, parent = torch.class('nn.SoftShrink', 'nn.Module')
local K = nn._K

function SoftShrink:__init(lam)
  parent.__init(self)
  self.lambda = lam or 0.5
end

function SoftShrink:updateOutput(input)
  K.SoftShrink_updateOutput(input, self.output, self.lambda)
  return self.output
end

function SoftShrink:updateGradInput(input, gradOutput)
  K.SoftShrink_updateGradInput(input, gradOutput, self.gradInput, self.lambda)
  return self.gradInput
end

return SoftShrink
