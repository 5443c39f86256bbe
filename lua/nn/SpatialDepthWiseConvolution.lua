-- nn.SpatialDepthWiseConvolution(nInputPlane, nOutputPlane, kW, kH [, dW=1, dH=1, padW=0,
-- padH=padW]): each input plane is convolved with its own nOutputPlane kernels, giving
-- nInputPlane * nOutputPlane output planes (input plane major). weight: nOutputPlane x
-- (nInputPlane*kH*kW) (4D after a forward), bias: nOutputPlane x nInputPlane.
require 'nn.Module'
require 'nn.SpatialConvolutionMM'
require 'nn.SpatialConvolution'
local SpatialDepthWiseConvolution, parent = torch.class('nn.SpatialDepthWiseConvolution',
  'nn.Module')
local K = nn._K

-- the same as SpatialConvolutionMM's / SpatialConvolution's
SpatialDepthWiseConvolution.reset = nn.SpatialConvolutionMM.reset
SpatialDepthWiseConvolution.noBias = nn.SpatialConvolution.noBias
SpatialDepthWiseConvolution.type = nn.SpatialConvolution.type
SpatialDepthWiseConvolution.__tostring__ = nn.SpatialConvolution.__tostring__

function SpatialDepthWiseConvolution:__init(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW,
                                            padH)
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
  self.bias = torch.Tensor(nOutputPlane, nInputPlane)
  self.gradWeight = torch.Tensor(nOutputPlane, nInputPlane * kH * kW)
  self.gradBias = torch.Tensor(nOutputPlane, nInputPlane)
  self:reset()
end

function SpatialDepthWiseConvolution:updateOutput(input)
  self.finput = self.finput or input.new()
  self.fgradInput = self.fgradInput or input.new()
  if self.padding then
    self.padW, self.padH = self.padding, self.padding
    self.padding = nil
  end
  K.SpatialDepthWiseConvolution_updateOutput(input, self.output, self.weight, self.bias,
    self.finput, self.fgradInput, self.kW, self.kH, self.dW, self.dH, self.padW, self.padH)
  return self.output
end

function SpatialDepthWiseConvolution:updateGradInput(input, gradOutput)
  if self.gradInput then
    K.SpatialDepthWiseConvolution_updateGradInput(input, gradOutput, self.gradInput, self.weight,
      self.finput, self.fgradInput, self.kW, self.kH, self.dW, self.dH, self.padW, self.padH)
    return self.gradInput
  end
end

function SpatialDepthWiseConvolution:accGradParameters(input, gradOutput, scale)
  assert((self.bias and self.gradBias) or (self.bias == nil and self.gradBias == nil))
  K.SpatialDepthWiseConvolution_accGradParameters(input, gradOutput, self.gradWeight,
    self.gradBias, self.finput, self.fgradInput, self.kW, self.kH, self.dW, self.dH, self.padW,
    self.padH, scale or 1)
end

function SpatialDepthWiseConvolution:clearState()
  nn.utils.clear(self, 'finput', 'fgradInput', '_input', '_gradOutput')
  return parent.clearState(self)
end

return SpatialDepthWiseConvolution
