-- nn.SpatialDilatedConvolution(nInputPlane, nOutputPlane, kW, kH [, dW, dH, padW, padH,
-- dilationW, dilationH]): a SpatialConvolution whose kernel taps are dilation pixels apart
require 'nn.SpatialConvolution'
local SpatialDilatedConvolution, parent =
  torch.class('nn.SpatialDilatedConvolution', 'nn.SpatialConvolution')
local K = nn._K

function SpatialDilatedConvolution:__init(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH,
                                          dilationW, dilationH)
  parent.__init(self, nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH)
  self.dilationW = dilationW or 1
  self.dilationH = dilationH or 1
end

function SpatialDilatedConvolution:updateOutput(input)
  self.finput = self.finput or self.weight.new()
  self.fgradInput = self.fgradInput or self.weight.new()
  K.SpatialDilatedConvolution_updateOutput(input, self.output, self.weight, self.bias,
    self.finput, self.fgradInput, self.kW, self.kH, self.dW, self.dH, self.padW, self.padH,
    self.dilationW, self.dilationH)
  return self.output
end

function SpatialDilatedConvolution:updateGradInput(input, gradOutput)
  if self.gradInput then
    self.fgradInput = self.fgradInput or self.weight.new()
    K.SpatialDilatedConvolution_updateGradInput(input, gradOutput, self.gradInput, self.weight,
      self.finput, self.kW, self.kH, self.dW, self.dH, self.padW, self.padH,
      self.dilationW, self.dilationH)
    return self.gradInput
  end
end

function SpatialDilatedConvolution:accGradParameters(input, gradOutput, scale)
  self.fgradInput = self.fgradInput or self.weight.new()
  K.SpatialDilatedConvolution_accGradParameters(input, gradOutput, self.gradWeight,
    self.gradBias, self.finput, self.fgradInput, self.kW, self.kH, self.dW, self.dH,
    self.padW, self.padH, self.dilationW, self.dilationH, scale or 1)
end

function SpatialDilatedConvolution:__tostring__()
  local s = string.format('%s(%d -> %d, %dx%d', torch.type(self), self.nInputPlane,
    self.nOutputPlane, self.kW, self.kH)
  if self.dW ~= 1 or self.dH ~= 1 or self.padW ~= 0 or self.padH ~= 0 then
    s = s .. string.format(', %d,%d', self.dW, self.dH)
  end
  if (self.padW or self.padH) and (self.padW ~= 0 or self.padH ~= 0) then
    s = s .. ', ' .. self.padW .. ',' .. self.padH
  end
  s = s .. ', ' .. self.dilationW .. ',' .. self.dilationH
  return s .. (self.bias and ')' or ') without bias')
end

return SpatialDilatedConvolution
