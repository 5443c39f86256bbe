-- nn.SoftPlus([beta=1]): y = log(1 + exp(beta * x)) / beta (linear above beta * x > 20)
require 'nn.Module'
local SoftPlus, parent = torch.class('nn.SoftPlus', 'nn.Module')
local K = nn._K

function SoftPlus:__init(beta)
  parent.__init(self)
  self.beta = beta or 1
  self.threshold = 20
end

function SoftPlus:updateOutput(input)
  K.SoftPlus_updateOutput(input, self.output, self.beta, self.threshold)
  return self.output
end

-- with y = log(1 + exp(k x)) / k: dy/dx = (exp(k y) - 1) / exp(k y)
function SoftPlus:updateGradInput(input, gradOutput)
  K.SoftPlus_updateGradInput(input, gradOutput, self.gradInput, self.output, self.beta,
    self.threshold)
  return self.gradInput
end

return SoftPlus
