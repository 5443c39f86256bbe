-- nn.SpatialLogSoftMax: LogSoftMax over the planes of a 3D (or batch 4D) input, at each pixel
require 'nn.Module'
local SpatialLogSoftMax, _ = torch.class('nn.SpatialLogSoftMax', 'nn.Module')
local K = nn._K

function SpatialLogSoftMax:updateOutput(input)
  K.LogSoftMax_updateOutput(input, self.output)
  return self.output
end

function SpatialLogSoftMax:updateGradInput(input, gradOutput)
  K.LogSoftMax_updateGradInput(input, gradOutput, self.gradInput, self.output)
  return self.gradInput
end

return SpatialLogSoftMax
