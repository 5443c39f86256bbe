-- nn.VolumetricConvolution(nInputPlane, nOutputPlane, kT, kW, kH [, dT, dW, dH, padT, padW,
-- padH]): 3D convolution over ([batch,] nInputPlane, time, height, width) input
require 'nn.Module'
local VolumetricConvolution, parent = torch.class('nn.VolumetricConvolution', 'nn.Module')
local K = nn._K

function VolumetricConvolution:__init(nInputPlane, nOutputPlane, kT, kW, kH, dT, dW, dH,
                                      padT, padW, padH)
  parent.__init(self)
  self.nInputPlane = nInputPlane
  self.nOutputPlane = nOutputPlane
  self.kT = kT
  self.kW = kW
  self.kH = kH
  self.dT = dT or 1
  self.dW = dW or 1
  self.dH = dH or 1
  self.padT = padT or 0
  self.padW = padW or self.padT
  self.padH = padH or self.padW
  self.weight = torch.Tensor(nOutputPlane, nInputPlane, kT, kH, kW)
  self.bias = torch.Tensor(nOutputPlane)
  self.gradWeight = torch.Tensor(nOutputPlane, nInputPlane, kT, kH, kW)
  self.gradBias = torch.Tensor(nOutputPlane)
  self:reset()
end

function VolumetricConvolution:reset(stdv)
  if stdv then
    stdv = stdv * math.sqrt(3)
  else
    stdv = 1 / math.sqrt(self.kT * self.kW * self.kH * self.nInputPlane)
  end
  if nn.oldSeed then
    self.weight:apply(function() return torch.uniform(-stdv, stdv) end)
    if self.bias then self.bias:apply(function() return torch.uniform(-stdv, stdv) end) end
  else
    self.weight:uniform(-stdv, stdv)
    if self.bias then self.bias:uniform(-stdv, stdv) end
  end
end

function VolumetricConvolution:noBias()
  self.bias = nil
  self.gradBias = nil
  return self
end

function VolumetricConvolution:updateOutput(input)
  self.finput = self.finput or input.new()
  self.fgradInput = self.fgradInput or input.new()
  K.VolumetricConvolution_updateOutput(input, self.output, self.weight, self.bias, self.finput,
    self.kT, self.kW, self.kH, self.dT, self.dW, self.dH, self.padT, self.padW, self.padH)
  return self.output
end

function VolumetricConvolution:updateGradInput(input, gradOutput)
  if self.gradInput then
    K.VolumetricConvolution_updateGradInput(input, gradOutput, self.gradInput, self.weight,
      self.finput, self.fgradInput, self.kT, self.kW, self.kH, self.dT, self.dW, self.dH,
      self.padT, self.padW, self.padH)
    return self.gradInput
  end
end

function VolumetricConvolution:accGradParameters(input, gradOutput, scale)
  K.VolumetricConvolution_accGradParameters(input, gradOutput, self.gradWeight, self.gradBias,
    self.finput, self.kT, self.kW, self.kH, self.dT, self.dW, self.dH, self.padT, self.padW,
    self.padH, scale or 1)
end

function VolumetricConvolution:type(type, tensorCache)
  if self.finput then self.finput:set() end
  if self.fgradInput then self.fgradInput:set() end
  return parent.type(self, type, tensorCache)
end

function VolumetricConvolution:clearState()
  nn.utils.clear(self, 'finput', 'fgradInput', '_input', '_gradOutput')
  return parent.clearState(self)
end

function VolumetricConvolution:__tostring__()
  local s = string.format('%s(%d -> %d, %dx%dx%d', torch.type(self), self.nInputPlane,
    self.nOutputPlane, self.kT, self.kW, self.kH)
  if self.dT ~= 1 or self.dW ~= 1 or self.dH ~= 1 or
     self.padT ~= 0 or self.padW ~= 0 or self.padH ~= 0 then
    s = s .. string.format(', %d,%d,%d', self.dT, self.dW, self.dH)
  end
  if (self.padT or self.padW or self.padH) and
     (self.padT ~= 0 or self.padW ~= 0 or self.padH ~= 0) then
    s = s .. ', ' .. self.padT .. ',' .. self.padW .. ',' .. self.padH
  end
  return s .. ')'
end

return VolumetricConvolution
