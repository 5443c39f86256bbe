-- nn.SpatialAdaptiveAveragePooling(W, H): average pooling to a fixed W x H output
require 'nn.Module'
local SpatialAdaptiveAveragePooling, parent =
  torch.class('nn.SpatialAdaptiveAveragePooling', 'nn.Module')
local K = nn._K

function SpatialAdaptiveAveragePooling:__init(W, H)
  parent.__init(self)
  self.W = W
  self.H = H
end

function SpatialAdaptiveAveragePooling:updateOutput(input)
  K.SpatialAdaptiveAveragePooling_updateOutput(input, self.output, self.W, self.H)
  return self.output
end

function SpatialAdaptiveAveragePooling:updateGradInput(input, gradOutput)
  K.SpatialAdaptiveAveragePooling_updateGradInput(input, gradOutput, self.gradInput)
  return self.gradInput
end

function SpatialAdaptiveAveragePooling:empty()
  self:clearState()
end

return SpatialAdaptiveAveragePooling
