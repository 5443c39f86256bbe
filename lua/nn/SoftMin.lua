-- nn.SoftMin: the SoftMax of -x
require 'nn.Module'
local SoftMin, parent = torch.class('nn.SoftMin', 'nn.Module')
local K = nn._K

function SoftMin:updateOutput(input)
  K.SoftMin_updateOutput(input, self.output)
  return self.output
end

function SoftMin:updateGradInput(input, gradOutput)
  K.SoftMin_updateGradInput(input, gradOutput, self.gradInput, self.output)
  return self.gradInput
end

function SoftMin:clearState()
  if self.mininput then self.mininput:set() end
  return parent.clearState(self)
end

return SoftMin
