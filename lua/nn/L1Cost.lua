-- nn.L1Cost(): a criterion without target, the L1 norm of its input (sum of |x|)
require 'nn.Criterion'
local L1Cost, parent = torch.class('nn.L1Cost', 'nn.Criterion')
local K = nn._K

function L1Cost:__init()
  parent.__init(self)
end

function L1Cost:updateOutput(input)
  self.output = K.L1Cost_updateOutput(input)
  return self.output
end

function L1Cost:updateGradInput(input)
  K.L1Cost_updateGradInput(input, self.gradInput)
  return self.gradInput
end

return L1Cost
