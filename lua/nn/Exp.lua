-- nn.Exp: y = exp(x)
require 'nn.Module'
local Exp, _ = torch.class('nn.Exp', 'nn.Module')
local K = nn._K

function Exp:updateOutput(input)
  K.Exp_updateOutput(input, self.output)
  return self.output
end

function Exp:updateGradInput(input, gradOutput)
  K.Exp_updateGradInput(input, gradOutput, self.gradInput, self.output)
  return self.gradInput
end

return Exp
