-- nn.SpatialConvolution(nInputPlane, nOutputPlane, kW, kH [, dW, dH, padW, padH]): 2D convolution
-- over ([batch,] nInputPlane, height, width) input; weight nOutputPlane x nInputPlane x kH x kW
require 'nn.Module'
local SpatialConvolution, parent = torch.class('nn.SpatialConvolution', 'nn.Module')
local K = nn._K

function SpatialConvolution:__init(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH)
  parent.__init(self)
  self.nInputPlane = nInputPlane
  self.nOutputPlane = nOutputPlane
  self.kW = kW
  self.kH = kH
  self.dW = dW or 1
  self.dH = dH or 1
  self.padW = padW or 0
  self.padH = padH or self.padW
  self.weight = torch.Tensor(nOutputPlane, nInputPlane, kH, kW)
  self.bias = torch.Tensor(nOutputPlane)
  self.gradWeight = torch.Tensor(nOutputPlane, nInputPlane, kH, kW)
  self.gradBias = torch.Tensor(nOutputPlane)
  self:reset()
end

function SpatialConvolution:noBias()
  self.bias = nil
  self.gradBias = nil
  return self
end

-- uniform in +-1/sqrt(fan-in) (or +-stdv*sqrt(3)), weight then bias
function SpatialConvolution:reset(stdv)
  if stdv then
    stdv = stdv * math.sqrt(3)
  else
    stdv = 1 / math.sqrt(self.kW * self.kH * self.nInputPlane)
  end
  if nn.oldSeed then
    self.weight:apply(function() return torch.uniform(-stdv, stdv) end)
    if self.bias then self.bias:apply(function() return torch.uniform(-stdv, stdv) end) end
  else
    self.weight:uniform(-stdv, stdv)
    if self.bias then self.bias:uniform(-stdv, stdv) end
  end
end

-- fields of modules saved by older versions (padding, 2D weights) and the unfold buffers
local function backCompatibility(self)
  self.finput = self.finput or self.weight.new()
  self.fgradInput = self.fgradInput or self.weight.new()
  if self.padding then
    self.padW, self.padH = self.padding, self.padding
    self.padding = nil
  else
    self.padW = self.padW or 0
    self.padH = self.padH or 0
  end
  if self.weight:dim() == 2 then
    self.weight = self.weight:view(self.nOutputPlane, self.nInputPlane, self.kH, self.kW)
  end
  if self.gradWeight and self.gradWeight:dim() == 2 then
    self.gradWeight = self.gradWeight:view(self.nOutputPlane, self.nInputPlane, self.kH, self.kW)
  end
end

function SpatialConvolution:updateOutput(input)
  if not self.finput or self.padding or not self.padH then backCompatibility(self) end
  K.SpatialConvolutionMM_updateOutput(input, self.output, self.weight, self.bias, self.finput,
    self.fgradInput, self.kW, self.kH, self.dW, self.dH, self.padW, self.padH)
  return self.output
end

function SpatialConvolution:updateGradInput(input, gradOutput)
  if self.gradInput then
    if not self.finput or self.padding or not self.padH then backCompatibility(self) end
    K.SpatialConvolutionMM_updateGradInput(input, gradOutput, self.gradInput, self.weight,
      self.finput, self.fgradInput, self.kW, self.kH, self.dW, self.dH, self.padW, self.padH)
    return self.gradInput
  end
end

function SpatialConvolution:accGradParameters(input, gradOutput, scale)
  if not self.finput or self.padding or not self.padH then backCompatibility(self) end
  K.SpatialConvolutionMM_accGradParameters(input, gradOutput, self.gradWeight, self.gradBias,
    self.finput, self.fgradInput, self.kW, self.kH, self.dW, self.dH, self.padW, self.padH,
    scale or 1)
end

function SpatialConvolution:type(type, tensorCache)
  self.finput = self.finput and torch.Tensor()
  self.fgradInput = self.fgradInput and torch.Tensor()
  return parent.type(self, type, tensorCache)
end

function SpatialConvolution:__tostring__()
  local s = string.format('%s(%d -> %d, %dx%d', torch.type(self), self.nInputPlane,
    self.nOutputPlane, self.kW, self.kH)
  if self.dW ~= 1 or self.dH ~= 1 or self.padW ~= 0 or self.padH ~= 0 then
    s = s .. string.format(', %d,%d', self.dW, self.dH)
  end
  if (self.padW or self.padH) and (self.padW ~= 0 or self.padH ~= 0) then
    s = s .. ', ' .. self.padW .. ',' .. self.padH
  end
  return s .. (self.bias and ')' or ') without bias')
end

function SpatialConvolution:clearState()
  nn.utils.clear(self, 'finput', 'fgradInput', '_input', '_gradOutput')
  return parent.clearState(self)
end

return SpatialConvolution
