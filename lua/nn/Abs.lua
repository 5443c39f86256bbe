-- nn.Abs: y = |x|
require 'nn.Module'
local Abs, parent = torch.class('nn.Abs', 'nn.Module')
local K = nn._K

function Abs:updateOutput(input)
  K.Abs_updateOutput(input, self.output)
  return self.output
end

function Abs:updateGradInput(input, gradOutput)
  K.Abs_updateGradInput(input, gradOutput, self.gradInput)
  return self.gradInput
end

return Abs
