-- nn.VolumetricAveragePooling(kT, kW, kH [, dT=kT, dW=kW, dH=kH]): mean over kT x kH x kW blocks
require 'nn.Module'
local VolumetricAveragePooling, parent = torch.class('nn.VolumetricAveragePooling', 'nn.Module')
local K = nn._K

function VolumetricAveragePooling:__init(kT, kW, kH, dT, dW, dH)
  parent.__init(self)
  self.kT = kT
  self.kH = kH
  self.kW = kW
  self.dT = dT or kT
  self.dW = dW or kW
  self.dH = dH or kH
end

function VolumetricAveragePooling:updateOutput(input)
  K.VolumetricAveragePooling_updateOutput(input, self.output, self.kT, self.kW, self.kH, self.dT,
    self.dW, self.dH)
  return self.output
end

function VolumetricAveragePooling:updateGradInput(input, gradOutput)
  K.VolumetricAveragePooling_updateGradInput(input, gradOutput, self.gradInput, self.kT, self.kW,
    self.kH, self.dT, self.dW, self.dH)
  return self.gradInput
end

function VolumetricAveragePooling:empty()
  return parent.clearState(self)
end

function VolumetricAveragePooling:__tostring__()
  local s = string.format('%s(%dx%dx%d, %d,%d,%d', torch.type(self), self.kT, self.kW, self.kH,
    self.dT, self.dW, self.dH)
  if (self.padT or self.padW or self.padH) and
     (self.padT ~= 0 or self.padW ~= 0 or self.padH ~= 0) then
    s = s .. ', ' .. self.padT .. ',' .. self.padW .. ',' .. self.padH
  end
  return s .. ')'
end

return VolumetricAveragePooling
