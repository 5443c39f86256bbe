-- nn.VolumetricMaxPooling(kT, kW, kH [, dT=kT, dW=kW, dH=kH, padT, padW, padH]): max over
-- kT x kH x kW blocks of ([batch,] planes, time, height, width) input; :ceil() / :floor()
require 'nn.Module'
local VolumetricMaxPooling, parent = torch.class('nn.VolumetricMaxPooling', 'nn.Module')
local K = nn._K

VolumetricMaxPooling.__version = 2

function VolumetricMaxPooling:__init(kT, kW, kH, dT, dW, dH, padT, padW, padH)
  parent.__init(self)
  self.kT = kT
  self.kH = kH
  self.kW = kW
  self.dT = dT or kT
  self.dW = dW or kW
  self.dH = dH or kH
  self.padT = padT or 0
  self.padW = padW or 0
  self.padH = padH or 0
  self.ceil_mode = false
  self.indices = torch.LongTensor()
end

function VolumetricMaxPooling:ceil()
  self.ceil_mode = true
  return self
end

function VolumetricMaxPooling:floor()
  self.ceil_mode = false
  return self
end

function VolumetricMaxPooling:updateOutput(input)
  local dims = input:dim()
  self.itime = input:size(dims - 2)
  self.iheight = input:size(dims - 1)
  self.iwidth = input:size(dims)
  self.indices = self.indices or torch.LongTensor()
  if torch.type(self.indices) ~= 'torch.LongTensor' then self.indices = self.indices:long() end
  K.VolumetricMaxPooling_updateOutput(input, self.output, self.indices, self.kT, self.kW, self.kH,
    self.dT, self.dW, self.dH, self.padT, self.padW, self.padH, self.ceil_mode)
  return self.output
end

function VolumetricMaxPooling:updateGradInput(input, gradOutput)
  K.VolumetricMaxPooling_updateGradInput(input, gradOutput, self.gradInput, self.indices,
    self.kT, self.kW, self.kH, self.dT, self.dW, self.dH, self.padT, self.padW, self.padH,
    self.ceil_mode)
  return self.gradInput
end

function VolumetricMaxPooling:empty()
  self:clearState()
end

function VolumetricMaxPooling:clearState()
  if self.indices then self.indices:set() end
  return parent.clearState(self)
end

function VolumetricMaxPooling:read(file, version)
  parent.read(self, file)
  if version < 2 then self.ceil_mode = false end
end

function VolumetricMaxPooling:__tostring__()
  local s = string.format('%s(%dx%dx%d, %d,%d,%d', torch.type(self), self.kT, self.kW, self.kH,
    self.dT, self.dW, self.dH)
  if (self.padT or self.padW or self.padH) and
     (self.padT ~= 0 or self.padW ~= 0 or self.padH ~= 0) then
    s = s .. ', ' .. self.padT .. ',' .. self.padW .. ',' .. self.padH
  end
  return s .. ')'
end

return VolumetricMaxPooling
