-- nn.Power(p): y = x^p
require 'nn.Module'
local Power, parent = torch.class('nn.Power', 'nn.Module')
local K = nn._K

function Power:__init(p)
  parent.__init(self)
  self.pow = p
  if not p then error('nn.Power(power)') end
end

function Power:updateOutput(input)
  K.Power_updateOutput(input, self.output, self.pow)
  return self.output
end

function Power:updateGradInput(input, gradOutput)
  K.Power_updateGradInput(input, gradOutput, self.gradInput, self.pow)
  return self.gradInput
end

return Power
