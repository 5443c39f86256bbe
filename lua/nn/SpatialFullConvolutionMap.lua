-- nn.SpatialFullConvolutionMap(connTable, kW, kH [, dW=1, dH=1]): the full (transposed)
-- convolution counterpart of SpatialConvolutionMap, for 3D inputs: output planes of size
-- (H-1)*dH+kH x (W-1)*dW+kW
require 'nn.Module'
require 'nn.tables'
local SpatialFullConvolutionMap, parent = torch.class('nn.SpatialFullConvolutionMap', 'nn.Module')
local K = nn._K

function SpatialFullConvolutionMap:__init(conMatrix, kW, kH, dW, dH)
  parent.__init(self)
  self.kW = kW
  self.kH = kH
  self.dW = dW or 1
  self.dH = dH or 1
  self.connTable = conMatrix
  self.nInputPlane = self.connTable:select(2, 1):max()
  self.nOutputPlane = self.connTable:select(2, 2):max()
  local n = self.connTable:size(1)
  self.weight = torch.Tensor(n, kH, kW)
  self.gradWeight = torch.Tensor(n, kH, kW)
  self.bias = torch.Tensor(self.nOutputPlane)
  self.gradBias = torch.Tensor(self.nOutputPlane)
  self:reset()
end

function SpatialFullConvolutionMap:reset(stdv)
  if stdv then
    stdv = stdv * math.sqrt(3)
    self.weight:uniform(-stdv, stdv)
    self.bias:uniform(-stdv, stdv)
    return
  end
  local ninp = torch.Tensor(self.nOutputPlane):zero()
  for i = 1, self.connTable:size(1) do
    local o = self.connTable[i][2]
    ninp[o] = ninp[o] + 1
  end
  for k = 1, self.connTable:size(1) do
    local s = 1 / math.sqrt(self.kW * self.kH * ninp[self.connTable[k][2]])
    self.weight:select(1, k):uniform(-s, s)
  end
  for k = 1, self.bias:size(1) do
    local s = 1 / math.sqrt(self.kW * self.kH * ninp[k])
    self.bias[k] = torch.uniform(-s, s)
  end
end

function SpatialFullConvolutionMap:updateOutput(input)
  K.SpatialFullConvolutionMap_updateOutput(input, self.output, self.weight, self.bias,
    self.connTable, self.nInputPlane, self.nOutputPlane, self.dW, self.dH)
  return self.output
end

function SpatialFullConvolutionMap:updateGradInput(input, gradOutput)
  K.SpatialFullConvolutionMap_updateGradInput(input, gradOutput, self.gradInput, self.weight,
    self.bias, self.connTable, self.nInputPlane, self.nOutputPlane, self.dW, self.dH)
  return self.gradInput
end

function SpatialFullConvolutionMap:accGradParameters(input, gradOutput, scale)
  K.SpatialFullConvolutionMap_accGradParameters(input, gradOutput, self.gradWeight,
    self.gradBias, self.connTable, self.nInputPlane, self.nOutputPlane, self.dW, self.dH,
    scale or 1)
end

return SpatialFullConvolutionMap
