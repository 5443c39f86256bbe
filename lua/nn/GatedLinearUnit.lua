-- nn.GatedLinearUnit([dim=last]): splits the input in two halves a, b along dim and outputs
-- a * sigmoid(b)
require 'nn.Module'
local GatedLinearUnit, parent = torch.class('nn.GatedLinearUnit', 'nn.Module')
local K = nn._K

function GatedLinearUnit:__init(dim)
  parent.__init(self)
  self.dim = dim
end

function GatedLinearUnit:updateOutput(input)
  K.GatedLinearUnit_updateOutput(input, self.output, self.dim or input:dim())
  return self.output
end

function GatedLinearUnit:updateGradInput(input, gradOutput)
  K.GatedLinearUnit_updateGradInput(input, gradOutput, self.gradInput, self.dim or input:dim())
  return self.gradInput
end

return GatedLinearUnit
