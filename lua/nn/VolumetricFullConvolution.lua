-- nn.VolumetricFullConvolution(nInputPlane, nOutputPlane, kT, kW, kH [, dT=1, dW=1, dH=1, padT=0,
-- padW=0, padH=0, adjT=0, adjW=0, adjH=0]): the transposed 3D convolution; output sizes
-- (in - 1) * stride - 2 * pad + kernel + adj. The input may be a pair {input, target}: the adj
-- factors are then chosen so the output has the target's last three sizes.
require 'nn.Module'
local VolumetricFullConvolution, parent = torch.class('nn.VolumetricFullConvolution', 'nn.Module')
local K = nn._K

function VolumetricFullConvolution:__init(nInputPlane, nOutputPlane, kT, kW, kH, dT, dW, dH,
                                          padT, padW, padH, adjT, adjW, adjH)
  parent.__init(self)
  self.nInputPlane = nInputPlane
  self.nOutputPlane = nOutputPlane
  self.kW = kW
  self.kH = kH
  self.kT = kT
  self.dW = dW or 1
  self.dH = dH or 1
  self.dT = dT or 1
  self.padW = padW or 0
  self.padH = padH or 0
  self.padT = padT or 0
  self.adjW = adjW or 0
  self.adjH = adjH or 0
  self.adjT = adjT or 0
  if self.adjW > self.dW - 1 or self.adjH > self.dH - 1 or self.adjT > self.dT - 1 then
    error('adjW, adjH and adjT must be smaller than self.dW - 1,' ..
      ' self.dH - 1 and self.dT - 1 respectively')
  end
  self.weight = torch.Tensor(nInputPlane, nOutputPlane, kT, kH, kW)
  self.gradWeight = torch.Tensor(nInputPlane, nOutputPlane, kT, kH, kW)
  self.bias = torch.Tensor(self.nOutputPlane)
  self.gradBias = torch.Tensor(self.nOutputPlane)
  self.ones = torch.Tensor()
  self.finput = torch.Tensor()
  self.fgradInput = torch.Tensor()
  self:reset()
end

function VolumetricFullConvolution:reset(stdv)
  if stdv then
    stdv = stdv * math.sqrt(3)
  else
    stdv = 1 / math.sqrt(self.kW * self.kH * self.kT * self.nInputPlane)
  end
  self.weight:uniform(-stdv, stdv)
  self.bias:uniform(-stdv, stdv)
end

-- modules saved by older versions: weight stored (nOut, nIn, ...), padding named pW/pH/pT
function VolumetricFullConvolution:backCompatibility()
  if not self.adjW then self.weight = self.weight:transpose(1, 2):contiguous() end
  self.padW = self.padW or self.pW
  self.padH = self.padH or self.pH
  self.padT = self.padT or self.pT
  self.adjW = self.adjW or 0
  self.adjH = self.adjH or 0
  self.adjT = self.adjT or 0
end

-- the input tensor and the adj factors (from the target's sizes for an {input, target} pair)
function VolumetricFullConvolution:_args(input)
  if torch.type(input) ~= 'table' then return input, self.adjT, self.adjW, self.adjH end
  local target = input[2]
  local nd = target:dim()
  local function adj(size, k, pad, stride) return (size + 2 * pad - k) % stride end
  return input[1], adj(target:size(nd - 2), self.kT, self.padT, self.dT),
    adj(target:size(nd), self.kW, self.padW, self.dW),
    adj(target:size(nd - 1), self.kH, self.padH, self.dH)
end

function VolumetricFullConvolution:noBias()
  self.bias = nil
  self.gradBias = nil
  return self
end

function VolumetricFullConvolution:updateOutput(input)
  self:backCompatibility()
  local x, adjT, adjW, adjH = self:_args(input)
  K.VolumetricFullConvolution_updateOutput(x, self.output, self.weight, self.bias, self.finput,
    self.fgradInput, self.dT, self.dW, self.dH, self.padT, self.padW, self.padH, adjT, adjW, adjH)
  return self.output
end

function VolumetricFullConvolution:updateGradInput(input, gradOutput)
  self:backCompatibility()
  local x, adjT, adjW, adjH = self:_args(input)
  if torch.type(input) == 'table' and torch.type(self.gradInput) == 'table' then
    self.gradInput = self.gradInput[1]
  end
  K.VolumetricFullConvolution_updateGradInput(x, gradOutput, self.gradInput, self.weight,
    self.finput, self.fgradInput, self.dT, self.dW, self.dH, self.padT, self.padW, self.padH,
    adjT, adjW, adjH)
  if torch.type(input) == 'table' then
    -- the target gets a zero gradient: one zero expanded to its size
    self.zeroScalar = self.zeroScalar or input[2].new(1):zero()
    self.ones:resize(input[2]:dim()):fill(1)
    local zero = self.zeroScalar:view(table.unpack(self.ones:totable())):expandAs(input[2])
    self.gradInput = {self.gradInput, zero}
  end
  return self.gradInput
end

function VolumetricFullConvolution:accGradParameters(input, gradOutput, scale)
  self:backCompatibility()
  local x, adjT, adjW, adjH = self:_args(input)
  K.VolumetricFullConvolution_accGradParameters(x, gradOutput, self.gradWeight, self.gradBias,
    self.finput, self.fgradInput, self.dT, self.dW, self.dH, self.padT, self.padW, self.padH,
    adjT, adjW, adjH, scale or 1)
end

function VolumetricFullConvolution:type(type, tensorCache)
  self.finput = torch.Tensor()
  self.fgradInput = torch.Tensor()
  return parent.type(self, type, tensorCache)
end

function VolumetricFullConvolution:__tostring__()
  local s = string.format('%s(%d -> %d, %dx%dx%d', torch.type(self), self.nInputPlane,
    self.nOutputPlane, self.kT, self.kW, self.kH)
  if self.dT ~= 1 or self.dW ~= 1 or self.dH ~= 1 or self.padT ~= 0 or self.padW ~= 0
     or self.padH ~= 0 then
    s = s .. string.format(', %d,%d,%d', self.dT, self.dW, self.dH)
  end
  if (self.padT or self.padW or self.padH) and
     (self.padT ~= 0 or self.padW ~= 0 or self.padH ~= 0) then
    s = s .. ', ' .. self.padT .. ',' .. self.padW .. ',' .. self.padH
  end
  if (self.adjT or self.adjW or self.adjH) and
     (self.adjT ~= 0 or self.adjW ~= 0 or self.adjH ~= 0) then
    s = s .. ', ' .. self.adjT .. ',' .. self.adjW .. ',' .. self.adjH
  end
  return s .. ')'
end

return VolumetricFullConvolution
