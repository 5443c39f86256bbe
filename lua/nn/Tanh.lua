-- nn.Tanh: elementwise tanh
require 'nn.Module'
local Tanh, _ = torch.class('nn.Tanh', 'nn.Module')
local K = nn._K

function Tanh:updateOutput(input)
  K.Tanh_updateOutput(input, self.output)
  return self.output
end

function Tanh:updateGradInput(input, gradOutput)
  K.Tanh_updateGradInput(gradOutput, self.gradInput, self.output)
  return self.gradInput
end

return Tanh
