-- nn.SpatialConvolutionLocal(nInputPlane, nOutputPlane, iW, iH, kW, kH [, dW=1, dH=1, padW=0,
-- padH=padW]): a locally connected layer, a convolution with different (unshared) weights at
-- every output position; the input size is fixed. weight: oH x oW x nOut x nIn x kH x kW,
-- bias: nOut x oH x oW.
require 'nn.Module'
require 'nn.SpatialConvolutionMM'
require 'nn.SpatialConvolution'
local SpatialConvolutionLocal, parent = torch.class('nn.SpatialConvolutionLocal', 'nn.Module')
local K = nn._K

-- the same as SpatialConvolutionMM's / SpatialConvolution's
SpatialConvolutionLocal.reset = nn.SpatialConvolutionMM.reset
SpatialConvolutionLocal.type = nn.SpatialConvolution.type

function SpatialConvolutionLocal:__init(nInputPlane, nOutputPlane, iW, iH, kW, kH, dW, dH,
                                        padW, padH)
  parent.__init(self)
  self.nInputPlane = nInputPlane
  self.nOutputPlane = nOutputPlane
  self.kW = kW
  self.kH = kH
  self.iW = iW
  self.iH = iH
  self.dW = dW or 1
  self.dH = dH or 1
  self.padW = padW or 0
  self.padH = padH or self.padW
  self.oW = math.floor((self.padW * 2 + iW - self.kW) / self.dW) + 1
  self.oH = math.floor((self.padH * 2 + iH - self.kH) / self.dH) + 1
  assert(1 <= self.oW and 1 <= self.oH, 'illegal configuration: output width or height less than 1')
  self.weight = torch.Tensor(self.oH, self.oW, nOutputPlane, nInputPlane, kH, kW)
  self.bias = torch.Tensor(nOutputPlane, self.oH, self.oW)
  self.gradWeight = torch.Tensor():resizeAs(self.weight)
  self.gradBias = torch.Tensor():resizeAs(self.bias)
  self:reset()
end

local function checkInputSize(self, input)
  if input:nDimension() == 3 then
    if input:size(1) ~= self.nInputPlane or input:size(2) ~= self.iH or input:size(3) ~= self.iW then
      error(string.format('Given input size: (%dx%dx%d) inconsistent with expected input size: ' ..
        '(%dx%dx%d).', input:size(1), input:size(2), input:size(3), self.nInputPlane, self.iH,
        self.iW))
    end
  elseif input:nDimension() == 4 then
    if input:size(2) ~= self.nInputPlane or input:size(3) ~= self.iH or input:size(4) ~= self.iW then
      error(string.format('Given input size: (%dx%dx%dx%d) inconsistent with expected input ' ..
        'size: (batchsize x%dx%dx%d).', input:size(1), input:size(2), input:size(3),
        input:size(4), self.nInputPlane, self.iH, self.iW))
    end
  else
    error('3D or 4D(batch mode) tensor expected')
  end
end

local function checkOutputSize(self, input, output)
  if output:nDimension() ~= input:nDimension() then
    error('inconsistent dimension between output and input.')
  end
  if output:nDimension() == 3 then
    if output:size(1) ~= self.nOutputPlane or output:size(2) ~= self.oH or output:size(3) ~= self.oW then
      error(string.format('Given output size: (%dx%dx%d) inconsistent with expected output ' ..
        'size: (%dx%dx%d).', output:size(1), output:size(2), output:size(3), self.nOutputPlane,
        self.oH, self.oW))
    end
  elseif output:nDimension() == 4 then
    if output:size(2) ~= self.nOutputPlane or output:size(3) ~= self.oH or output:size(4) ~= self.oW then
      error(string.format('Given output size: (%dx%dx%dx%d) inconsistent with expected output ' ..
        'size: (batchsize x%dx%dx%d).', output:size(1), output:size(2), output:size(3),
        output:size(4), self.nOutputPlane, self.oH, self.oW))
    end
  else
    error('3D or 4D(batch mode) tensor expected')
  end
end

function SpatialConvolutionLocal:updateOutput(input)
  self.finput = self.finput or input.new()
  self.fgradInput = self.fgradInput or input.new()
  checkInputSize(self, input)
  K.SpatialConvolutionLocal_updateOutput(input, self.output, self.weight, self.bias, self.kW,
    self.kH, self.dW, self.dH, self.padW, self.padH, self.iW, self.iH, self.oW, self.oH)
  return self.output
end

function SpatialConvolutionLocal:updateGradInput(input, gradOutput)
  checkInputSize(self, input)
  checkOutputSize(self, input, gradOutput)
  if self.gradInput then
    K.SpatialConvolutionLocal_updateGradInput(input, gradOutput, self.gradInput, self.weight,
      self.kW, self.kH, self.dW, self.dH, self.padW, self.padH, self.iW, self.iH, self.oW,
      self.oH)
    return self.gradInput
  end
end

function SpatialConvolutionLocal:accGradParameters(input, gradOutput, scale)
  checkInputSize(self, input)
  checkOutputSize(self, input, gradOutput)
  K.SpatialConvolutionLocal_accGradParameters(input, gradOutput, self.gradWeight, self.gradBias,
    self.kW, self.kH, self.dW, self.dH, self.padW, self.padH, self.iW, self.iH, self.oW, self.oH,
    scale or 1)
end

function SpatialConvolutionLocal:__tostring__()
  local s = string.format('%s(%d -> %d, %dx%d, %dx%d', torch.type(self), self.nInputPlane,
    self.nOutputPlane, self.iW, self.iH, self.kW, self.kH)
  if self.dW ~= 1 or self.dH ~= 1 or self.padW ~= 0 or self.padH ~= 0 then
    s = s .. string.format(', %d,%d', self.dW, self.dH)
  end
  if (self.padW or self.padH) and (self.padW ~= 0 or self.padH ~= 0) then
    s = s .. ', ' .. self.padW .. ',' .. self.padH
  end
  return s .. ')'
end

function SpatialConvolutionLocal:clearState()
  nn.utils.clear(self, 'finput', 'fgradInput', '_input', '_gradOutput')
  return parent.clearState(self)
end

return SpatialConvolutionLocal
