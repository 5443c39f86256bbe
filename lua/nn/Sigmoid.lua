-- nn.Sigmoid: y = 1 / (1 + exp(-x)), elementwise
require 'nn.Module'
local Sigmoid, _ = torch.class('nn.Sigmoid', 'nn.Module')
local K = nn._K

function Sigmoid:updateOutput(input)
  K.Sigmoid_updateOutput(input, self.output)
  return self.output
end

function Sigmoid:updateGradInput(input, gradOutput)
  K.Sigmoid_updateGradInput(gradOutput, self.gradInput, self.output)
  return self.gradInput
end

return Sigmoid
