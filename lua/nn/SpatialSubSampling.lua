-- nn.SpatialSubSampling(nInputPlane, kW, kH [, dW=1, dH=1]): sum over kW x kH windows of each
-- plane, times a per-plane weight, plus a per-plane bias
require 'nn.Module'
local SpatialSubSampling, parent = torch.class('nn.SpatialSubSampling', 'nn.Module')
local K = nn._K

function SpatialSubSampling:__init(nInputPlane, kW, kH, dW, dH)
  parent.__init(self)
  self.nInputPlane = nInputPlane
  self.kW = kW
  self.kH = kH
  self.dW = dW or 1
  self.dH = dH or 1
  self.weight = torch.Tensor(nInputPlane)
  self.bias = torch.Tensor(nInputPlane)
  self.gradWeight = torch.Tensor(nInputPlane)
  self.gradBias = torch.Tensor(nInputPlane)
  self:reset()
end

function SpatialSubSampling:reset(stdv)
  if stdv then
    stdv = stdv * math.sqrt(3)
  else
    stdv = 1 / math.sqrt(self.kW * self.kH)
  end
  if nn.oldSeed then
    self.weight:apply(function() return torch.uniform(-stdv, stdv) end)
    self.bias:apply(function() return torch.uniform(-stdv, stdv) end)
  else
    self.weight:uniform(-stdv, stdv)
    self.bias:uniform(-stdv, stdv)
  end
end

function SpatialSubSampling:updateOutput(input)
  K.SpatialSubSampling_updateOutput(input, self.output, self.weight, self.bias, self.kW, self.kH,
    self.dW, self.dH)
  return self.output
end

function SpatialSubSampling:updateGradInput(input, gradOutput)
  if self.gradInput then
    K.SpatialSubSampling_updateGradInput(input, gradOutput, self.gradInput, self.weight, self.kW,
      self.kH, self.dW, self.dH)
    return self.gradInput
  end
end

function SpatialSubSampling:accGradParameters(input, gradOutput, scale)
  K.SpatialSubSampling_accGradParameters(input, gradOutput, self.gradWeight, self.gradBias,
    self.kW, self.kH, self.dW, self.dH, scale or 1)
end

return SpatialSubSampling
