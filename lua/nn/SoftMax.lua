-- nn.SoftMax: y_i = exp(x_i) / sum_j exp(x_j) over the feature dimension (1D/2D batch/3D/4D planes)
require 'nn.Module'
local SoftMax, _ = torch.class('nn.SoftMax', 'nn.Module')
local K = nn._K

function SoftMax:updateOutput(input)
  K.SoftMax_updateOutput(input, self.output)
  return self.output
end

function SoftMax:updateGradInput(input, gradOutput)
  K.SoftMax_updateGradInput(input, gradOutput, self.gradInput, self.output)
  return self.gradInput
end

return SoftMax
