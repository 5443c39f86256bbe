-- nn.SpatialConvolutionMap(connTable, kW, kH [, dW=1, dH=1]): a spatial convolution where only the
-- (input plane, output plane) pairs listed in connTable (see nn.tables) are connected, each pair
-- with its own kW x kH kernel (weight: nConnections x kH x kW)
require 'nn.Module'
require 'nn.tables'
local SpatialConvolutionMap, parent = torch.class('nn.SpatialConvolutionMap', 'nn.Module')
local K = nn._K

function SpatialConvolutionMap:__init(conMatrix, kW, kH, dW, dH)
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
  self.bias = torch.Tensor(self.nOutputPlane)
  self.gradWeight = torch.Tensor(n, kH, kW)
  self.gradBias = torch.Tensor(self.nOutputPlane)
  self:reset()
end

-- the number of connections reaching each output plane
local function fanIn(self)
  local n = torch.Tensor(self.nOutputPlane):zero()
  for i = 1, self.connTable:size(1) do
    local o = self.connTable[i][2]
    n[o] = n[o] + 1
  end
  return n
end

function SpatialConvolutionMap:reset(stdv)
  if stdv then
    stdv = stdv * math.sqrt(3)
    if nn.oldSeed then
      self.weight:apply(function() return torch.uniform(-stdv, stdv) end)
      self.bias:apply(function() return torch.uniform(-stdv, stdv) end)
    else
      self.weight:uniform(-stdv, stdv)
      self.bias:uniform(-stdv, stdv)
    end
    return
  end
  local ninp = fanIn(self)
  for k = 1, self.connTable:size(1) do
    local s = 1 / math.sqrt(self.kW * self.kH * ninp[self.connTable[k][2]])
    if nn.oldSeed then
      self.weight:select(1, k):apply(function() return torch.uniform(-s, s) end)
    else
      self.weight:select(1, k):uniform(-s, s)
    end
  end
  for k = 1, self.bias:size(1) do
    local s = 1 / math.sqrt(self.kW * self.kH * ninp[k])
    self.bias[k] = torch.uniform(-s, s)
  end
end

function SpatialConvolutionMap:updateOutput(input)
  K.SpatialConvolutionMap_updateOutput(input, self.output, self.weight, self.bias, self.connTable,
    self.nInputPlane, self.nOutputPlane, self.dW, self.dH)
  return self.output
end

function SpatialConvolutionMap:updateGradInput(input, gradOutput)
  K.SpatialConvolutionMap_updateGradInput(input, gradOutput, self.gradInput, self.weight,
    self.bias, self.connTable, self.nInputPlane, self.nOutputPlane, self.dW, self.dH)
  return self.gradInput
end

function SpatialConvolutionMap:accGradParameters(input, gradOutput, scale)
  K.SpatialConvolutionMap_accGradParameters(input, gradOutput, self.gradWeight, self.gradBias,
    self.connTable, self.nInputPlane, self.nOutputPlane, self.dW, self.dH, scale or 1)
end

function SpatialConvolutionMap:decayParameters(decay)
  self.weight:add(-decay, self.weight)
  self.bias:add(-decay, self.bias)
end

return SpatialConvolutionMap
