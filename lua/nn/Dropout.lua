-- nn.Dropout([p=0.5, v1=false, inplace=false, stochasticInference=false]). While training each
-- element is kept with probability 1-p (mask in self.noise); version 2 (the default) scales the
-- kept ones by 1/(1-p) during training, version 1 scales the output by 1-p during evaluation.
require 'nn.Module'
local Dropout, parent = torch.class('nn.Dropout', 'nn.Module')
local K = nn._K

function Dropout:__init(p, v1, inplace, stochasticInference)
  parent.__init(self)
  self.p = p or 0.5
  self.train = true
  self.inplace = inplace
  self.stochastic_inference = stochasticInference or false
  self.v2 = not v1
  if self.p >= 1 or self.p < 0 then
    error('<Dropout> illegal percentage, must be 0 <= p < 1')
  end
  self.noise = torch.Tensor()
end

function Dropout:updateOutput(input)
  K.Dropout_updateOutput(input, self.output, self.noise, self.p,
    (self.train or self.stochastic_inference) and true or false, self.v2 and true or false,
    self.inplace and true or false)
  return self.output
end

function Dropout:updateGradInput(input, gradOutput)
  K.Dropout_updateGradInput(input, gradOutput, self.gradInput, self.noise, self.p,
    self.train and true or false, self.v2 and true or false, self.inplace and true or false)
  return self.gradInput
end

function Dropout:setp(p)
  self.p = p
end

function Dropout:__tostring__()
  return string.format('%s(%f)', torch.type(self), self.p)
end

function Dropout:clearState()
  if self.noise then self.noise:set() end
  return parent.clearState(self)
end

return Dropout
