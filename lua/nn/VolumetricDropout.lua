-- nn.VolumetricDropout([p=0.5, stochasticInference=false]): drops whole feature volumes of a 4D
-- (nfeat, t, h, w) or 5D (nbatch, nfeat, t, h, w) input; evaluation scales the output by 1-p
require 'nn.Module'
local VolumetricDropout, parent = torch.class('nn.VolumetricDropout', 'nn.Module')
local K = nn._K

function VolumetricDropout:__init(p, stochasticInference)
  parent.__init(self)
  self.p = p or 0.5
  self.train = true
  self.stochastic_inference = stochasticInference or false
  self.noise = torch.Tensor()
end

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

function VolumetricDropout:setp(p)
  self.p = p
end

function VolumetricDropout:__tostring__()
  return string.format('%s(%f)', torch.type(self), self.p)
end

function VolumetricDropout:clearState()
  if self.noise then self.noise:set() end
  return parent.clearState(self)
end

return VolumetricDropout
