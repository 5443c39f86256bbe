-- nn.VolumetricDropout([p=0.5, stochasticInference=false]): drops whole feature volumes of a 4D
-- (nfeat, t, h, w) or 5D (nbatch, nfeat, t, h, w) input; evaluation scales the output by 1-p.
-- A class of its own (as in nn), with SpatialDropout's fields and methods but its own kernels.
require 'nn.SpatialDropout'
local VolumetricDropout = torch.class('nn.VolumetricDropout', 'nn.Module')
local K = nn._K
local S = nn.SpatialDropout

VolumetricDropout.__init = S.__init
VolumetricDropout.setp = S.setp
VolumetricDropout.__tostring__ = S.__tostring__
VolumetricDropout.clearState = S.clearState

function VolumetricDropout:updateOutput(input)
  K.VolumetricDropout_updateOutput(input, self.output, self.noise, self.p,
    (self.train or self.stochastic_inference) and true or false)
  return self.output
end

function VolumetricDropout:updateGradInput(input, gradOutput)
  if not self.train then error('backprop only defined while training') end
  K.VolumetricDropout_updateGradInput(input, gradOutput, self.gradInput, self.noise)
  return self.gradInput
end

return VolumetricDropout
