-- nn.RReLU([l=1/8, u=1/3, inplace=false]): randomized leaky ReLU. Training: negative inputs are
-- scaled by a slope drawn uniformly in [l, u] (kept in self.noise); evaluation: by (l + u) / 2.
require 'nn.Module'
local RReLU, parent = torch.class('nn.RReLU', 'nn.Module')
local K = nn._K

function RReLU:__init(l, u, ip)
  parent.__init(self)
  self.lower = l or 1 / 8
  self.upper = u or 1 / 3
  assert(self.lower <= self.upper and self.lower >= 0 and self.upper >= 0)
  self.noise = torch.Tensor()
  self.train = true
  self.inplace = ip or false
end

function RReLU:updateOutput(input)
  K.RReLU_updateOutput(input, self.output, self.noise, self.lower, self.upper,
    self.train and true or false, self.inplace or false)
  return self.output
end

function RReLU:updateGradInput(input, gradOutput)
  K.RReLU_updateGradInput(input, gradOutput, self.gradInput, self.noise, self.lower, self.upper,
    self.train and true or false, self.inplace or false)
  return self.gradInput
end

function RReLU:__tostring__()
  return string.format('%s (l:%f, u:%f)', torch.type(self), self.lower, self.upper)
end

function RReLU:clearState()
  if self.noise then self.noise:set() end
  return parent.clearState(self)
end

return RReLU
