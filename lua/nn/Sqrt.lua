-- nn.Sqrt([eps=0]): y = sqrt(x)  (the gradient is 0 where y is 0)
require 'nn.Module'
local Sqrt, parent = torch.class('nn.Sqrt', 'nn.Module')
local K = nn._K

function Sqrt:__init(b)
  parent.__init(self)
  self.eps = b or 0
end

function Sqrt:updateOutput(input)
  self.eps = self.eps or 0
  K.Sqrt_updateOutput(input, self.output, self.eps)
  return self.output
end

function Sqrt:updateGradInput(input, gradOutput)
  K.Sqrt_updateGradInput(input, gradOutput, self.gradInput, self.output)
  return self.gradInput
end

return Sqrt
