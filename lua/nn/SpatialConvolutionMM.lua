-- nn.SpatialConvolutionMM: SpatialConvolution with its weight stored as a matrix
-- nOutputPlane x (nInputPlane*kH*kW) (the unfolded form the GEMM uses)
require 'nn.Module'
local SpatialConvolutionMM, parent = torch.class('nn.SpatialConvolutionMM', 'nn.Module')
local K = nn._K

function SpatialConvolutionMM:__init(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH)
  parent.__init(self)
  self.nInputPlane = nInputPlane
  self.nOutputPlane = nOutputPlane
  self.kW = kW
  self.kH = kH
  self.dW = dW or 1
  self.dH = dH or 1
  self.padW = padW or 0
  self.padH = padH or self.padW
  self.weight = torch.Tensor(nOutputPlane, nInputPlane * kH * kW)
  self.bias = torch.Tensor(nOutputPlane)
  self.gradWeight = torch.Tensor(nOutputPlane, nInputPlane * kH * kW)
  self.gradBias = torch.Tensor(nOutputPlane)
  self:reset()
end

function SpatialConvolutionMM:noBias()
  self.bias = nil
  self.gradBias = nil
  return self
end

function SpatialConvolutionMM:reset(stdv)
  if stdv then
    stdv = stdv * math.sqrt(3)
  else
    stdv = 1 / math.sqrt(self.kW * self.kH * self.nInputPlane)
  end
  if nn.oldSeed then
    self.weight:apply(function() return torch.uniform(-stdv, stdv) end)
    self.bias:apply(function() return torch.uniform(-stdv, stdv) end)
  else
    self.weight:uniform(-stdv, stdv)
    self.bias:uniform(-stdv, stdv)
  end
end

function SpatialConvolutionMM:updateOutput(input)
  self.finput = self.finput or input.new()
  self.fgradInput = self.fgradInput or input.new()
  if self.padding then  -- modules saved by older versions
    self.padW, self.padH = self.padding, self.padding
    self.padding = nil
  end
  K.SpatialConvolutionMM_updateOutput(input, self.output, self.weight, self.bias, self.finput,
    self.fgradInput, self.kW, self.kH, self.dW, self.dH, self.padW, self.padH)
  return self.output
end

function SpatialConvolutionMM:updateGradInput(input, gradOutput)
  if self.gradInput then
    K.SpatialConvolutionMM_updateGradInput(input, gradOutput, self.gradInput, self.weight,
      self.finput, self.fgradInput, self.kW, self.kH, self.dW, self.dH, self.padW, self.padH)
    return self.gradInput
  end
end

function SpatialConvolutionMM:accGradParameters(input, gradOutput, scale)
  assert((self.bias and self.gradBias) or (self.bias == nil and self.gradBias == nil))
  K.SpatialConvolutionMM_accGradParameters(input, gradOutput, self.gradWeight, self.gradBias,
    self.finput, self.fgradInput, self.kW, self.kH, self.dW, self.dH, self.padW, self.padH,
    scale or 1)
end

function SpatialConvolutionMM:type(type, tensorCache)
  self.finput = self.finput and torch.Tensor()
  self.fgradInput = self.fgradInput and torch.Tensor()
  return parent.type(self, type, tensorCache)
end

SpatialConvolutionMM.__tostring__ = nn.SpatialConvolution.__tostring__

function SpatialConvolutionMM:clearState()
  nn.utils.clear(self, 'finput', 'fgradInput', '_input', '_gradOutput')
  return parent.clearState(self)
end

return SpatialConvolutionMM
