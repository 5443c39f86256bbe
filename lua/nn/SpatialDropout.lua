-- nn.SpatialDropout([p=0.5, stochasticInference=false]): drops whole feature maps of a 3D
-- (nfeat, h, w) or 4D (nbatch, nfeat, h, w) input; evaluation scales the output by 1-p
require 'nn.Module'
local SpatialDropout, parent = torch.class('nn.SpatialDropout', 'nn.Module')
local K = nn._K

function SpatialDropout:__init(p, stochasticInference)
  parent.__init(self)
  self.p = p or 0.5
  self.train = true
  self.stochastic_inference = stochasticInference or false
  self.noise = torch.Tensor()
end

function SpatialDropout:updateOutput(input)
  K.SpatialDropout_updateOutput(input, self.output, self.noise, self.p,
    (self.train or self.stochastic_inference) and true or false)
  return self.output
end

function SpatialDropout:updateGradInput(input, gradOutput)
  if not self.train then error('backprop only defined while training') end
  K.SpatialDropout_updateGradInput(input, gradOutput, self.gradInput, self.noise)
  return self.gradInput
end

function SpatialDropout:setp(p)
  self.p = p
end

function SpatialDropout:__tostring__()
  return string.format('%s(%f)', torch.type(self), self.p)
end

function SpatialDropout:clearState()
  if self.noise then self.noise:set() end
  return parent.clearState(self)
end

return SpatialDropout
