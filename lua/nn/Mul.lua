-- nn.Mul: y = w * x with a single learnt scalar w
require 'nn.Module'
local Mul, parent = torch.class('nn.Mul', 'nn.Module')
local K = nn._K

function Mul:__init()
  parent.__init(self)
  self.weight = torch.Tensor(1)
  self.gradWeight = torch.Tensor(1)
  self:reset()
end

function Mul:reset(stdv)
  if stdv then
    stdv = stdv * math.sqrt(3)
  else
    stdv = 1 / math.sqrt(self.weight:size(1))
  end
  self.weight:uniform(-stdv, stdv)
end

function Mul:updateOutput(input)
  K.Mul_updateOutput(input, self.output, self.weight)
  return self.output
end

function Mul:updateGradInput(input, gradOutput)
  K.Mul_updateGradInput(input, gradOutput, self.gradInput, self.weight)
  return self.gradInput
end

function Mul:accGradParameters(input, gradOutput, scale)
  K.Mul_accGradParameters(input, gradOutput, self.gradWeight, scale or 1)
end

return Mul
