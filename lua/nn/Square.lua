-- nn.Square: y = x * x
require 'nn.Module'
local Square, parent = torch.class('nn.Square', 'nn.Module')
local K = nn._K

function Square:updateOutput(input)
  K.Square_updateOutput(input, self.output)
  return self.output
end

function Square:updateGradInput(input, gradOutput)
  K.Square_updateGradInput(input, gradOutput, self.gradInput)
  return self.gradInput
end

return Square
