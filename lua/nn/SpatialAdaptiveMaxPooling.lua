-- nn.SpatialAdaptiveMaxPooling(W, H): max pooling to a fixed W x H output, whatever the input
-- size (windows floor(i*in/out) .. ceil((i+1)*in/out))
require 'nn.Module'
local SpatialAdaptiveMaxPooling, parent = torch.class('nn.SpatialAdaptiveMaxPooling', 'nn.Module')
local K = nn._K

function SpatialAdaptiveMaxPooling:__init(W, H)
  parent.__init(self)
  self.W = W
  self.H = H
end

function SpatialAdaptiveMaxPooling:updateOutput(input)
  self.indices = self.indices or torch.LongTensor()
  if torch.type(self.indices) ~= 'torch.LongTensor' then self.indices = self.indices:long() end
  K.SpatialAdaptiveMaxPooling_updateOutput(input, self.output, self.indices, self.W, self.H)
  return self.output
end

function SpatialAdaptiveMaxPooling:updateGradInput(input, gradOutput)
  K.SpatialAdaptiveMaxPooling_updateGradInput(input, gradOutput, self.gradInput, self.indices)
  return self.gradInput
end

function SpatialAdaptiveMaxPooling:empty()
  self:clearState()
end

function SpatialAdaptiveMaxPooling:clearState()
  if self.indices then self.indices:set() end
  return parent.clearState(self)
end

return SpatialAdaptiveMaxPooling
