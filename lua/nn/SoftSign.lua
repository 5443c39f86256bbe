-- nn.SoftSign: y = x / (1 + |x|)
require 'nn.Module'
local SoftSign, parent = torch.class('nn.SoftSign', 'nn.Module')
local K = nn._K

function SoftSign:updateOutput(input)
  K.SoftSign_updateOutput(input, self.output)
  return self.output
end

function SoftSign:updateGradInput(input, gradOutput)
  K.SoftSign_updateGradInput(input, gradOutput, self.gradInput)
  return self.gradInput
end

function SoftSign:clearState()
  nn.utils.clear(self, 'temp', 'tempgrad')
  return parent.clearState(self)
end

return SoftSign
