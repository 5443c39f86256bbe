-- nn.SpatialSoftMax: SoftMax over the planes of a 3D (or batch 4D) input, at each pixel
require 'nn.Module'
local SpatialSoftMax, _ = torch.class('nn.SpatialSoftMax', 'nn.Module')
local K = nn._K

function SpatialSoftMax:updateOutput(input)
  K.SoftMax_updateOutput(input, self.output)
  return self.output
end

function SpatialSoftMax:updateGradInput(input, gradOutput)
  K.SoftMax_updateGradInput(input, gradOutput, self.gradInput, self.output)
  return self.gradInput
end

return SpatialSoftMax
