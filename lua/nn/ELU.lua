-- nn.ELU([alpha=1, inplace=false]): y = x > 0 ? x : alpha * (exp(x) - 1)  (Clevert et al. 2015)
require 'nn.Module'
local ELU, parent = torch.class('nn.ELU', 'nn.Module')
local K = nn._K

function ELU:__init(alpha, inplace)
  parent.__init(self)
  self.alpha = alpha or 1
  assert(type(self.alpha) == 'number')
  self.inplace = inplace or false
  assert(type(self.inplace) == 'boolean')
end

function ELU:updateOutput(input)
  K.ELU_updateOutput(input, self.output, self.alpha, self.inplace or false)
  return self.output
end

function ELU:updateGradInput(input, gradOutput)
  K.ELU_updateGradInput(input, gradOutput, self.gradInput, self.output, self.alpha,
    self.inplace or false)
  return self.gradInput
end

function ELU:__tostring__()
  return string.format('%s (alpha:%f)', torch.type(self), self.alpha)
end

return ELU
