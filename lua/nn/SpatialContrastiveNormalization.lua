-- nn.SpatialContrastiveNormalization([nInputPlane=1 [, kernel [, threshold [, thresval]]]]):
-- a SpatialSubtractiveNormalization followed by a SpatialDivisiveNormalization with the same
-- kernel (local mean removed, then local standard deviation divided out).
require 'nn.SpatialDivisiveNormalization'
local SCN, parent = torch.class('nn.SpatialContrastiveNormalization', 'nn.Module')

function SCN:__init(nInputPlane, kernel, threshold, thresval)
  parent.__init(self)
  self.nInputPlane = nInputPlane or 1
  self.kernel = kernel or torch.Tensor(9, 9):fill(1)
  self.threshold = threshold or 1e-4
  self.thresval = thresval or threshold or 1e-4
  nn._checkNormalizationKernel(self.kernel, 'SpatialContrastiveNormalization')
  self.normalizer = nn.Sequential()
  self.normalizer:add(nn.SpatialSubtractiveNormalization(self.nInputPlane, self.kernel))
  self.normalizer:add(nn.SpatialDivisiveNormalization(self.nInputPlane, self.kernel,
                                                      self.threshold, self.thresval))
end

function SCN:updateOutput(input)
  self.output = self.normalizer:forward(input)
  return self.output
end

function SCN:updateGradInput(input, gradOutput)
  self.gradInput = self.normalizer:backward(input, gradOutput)
  return self.gradInput
end

return SCN
