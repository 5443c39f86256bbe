-- nn.Normalize(p [, eps=1e-10]): y = x / ||x||_p for a vector, or for each row of a matrix
require 'nn.Module'
local Normalize, parent = torch.class('nn.Normalize', 'nn.Module')
local K = nn._K

function Normalize:__init(p, eps)
  parent.__init(self)
  assert(p, 'p-norm not provided')
  assert(p > 0, p .. '-norm not supported')
  self.p = p
  self.eps = eps or 1e-10
end

function Normalize:updateOutput(input)
  assert(input:dim() <= 2, 'only 1d layer supported')
  self.norm = self.norm or input.new()
  self.normp = self.normp or input.new()
  self._indices = self._indices or torch.LongTensor()
  K.Normalize_updateOutput(input, self.output, self.norm, self.normp, self._indices, self.p,
    self.eps)
  return self.output
end

function Normalize:updateGradInput(input, gradOutput)
  assert(input:dim() <= 2, 'only 1d layer supported')
  assert(gradOutput:dim() <= 2, 'only 1d layer supported')
  K.Normalize_updateGradInput(input, gradOutput, self.gradInput, self.norm, self.normp,
    self._indices, self.p, self.eps)
  return self.gradInput
end

function Normalize:__tostring__()
  local fmt = self.p % 1 == 0 and '%s(%d)' or '%s(%f)'
  return string.format(fmt, torch.type(self), self.p)
end

function Normalize:type(type, tensorCache)
  self._indices = nil
  parent.type(self, type, tensorCache)
  return self
end

function Normalize:clearState()
  nn.utils.clear(self, {'_output', '_indices', '_gradInput', 'buffer', 'norm', 'normp', 'cross'})
  return parent.clearState(self)
end

return Normalize
