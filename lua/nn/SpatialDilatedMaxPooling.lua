-- nn.SpatialDilatedMaxPooling(kW, kH [, dW, dH, padW, padH, dilationW=1, dilationH=1]): max
-- pooling whose window taps are dilation pixels apart; :ceil() / :floor() as SpatialMaxPooling
require 'nn.SpatialMaxPooling'
local SpatialDilatedMaxPooling, parent = torch.class('nn.SpatialDilatedMaxPooling',
  'nn.SpatialMaxPooling')
local K = nn._K

function SpatialDilatedMaxPooling:__init(kW, kH, dW, dH, padW, padH, dilationW, dilationH)
  parent.__init(self, kW, kH, dW, dH, padW, padH)
  self.dilationW = dilationW or 1
  self.dilationH = dilationH or 1
end

function SpatialDilatedMaxPooling:updateOutput(input)
  self.indices = self.indices or torch.LongTensor()
  if torch.type(self.indices) ~= 'torch.LongTensor' then self.indices = self.indices:long() end
  local dims = input:dim()
  self.iheight = input:size(dims - 1)
  self.iwidth = input:size(dims)
  K.SpatialMaxPooling_updateOutput(input, self.output, self.indices, self.kW, self.kH, self.dW,
    self.dH, self.padW, self.padH, self.ceil_mode, self.dilationW, self.dilationH)
  return self.output
end

function SpatialDilatedMaxPooling:updateGradInput(input, gradOutput)
  K.SpatialMaxPooling_updateGradInput(input, gradOutput, self.gradInput, self.indices, self.kW,
    self.kH, self.dW, self.dH, self.padW, self.padH, self.ceil_mode, self.dilationW,
    self.dilationH)
  return self.gradInput
end

function SpatialDilatedMaxPooling:__tostring__()
  local s = string.format('%s(%dx%d, %d,%d', torch.type(self), self.kW, self.kH, self.dW, self.dH)
  if (self.padW or self.padH) and (self.padW ~= 0 or self.padH ~= 0) then
    s = s .. ', ' .. self.padW .. ',' .. self.padH
  end
  return s .. ', ' .. self.dilationW .. ',' .. self.dilationH .. ')'
end

function SpatialDilatedMaxPooling:clearState()
  if self.indices then self.indices:set() end
  return parent.clearState(self)
end

return SpatialDilatedMaxPooling
