-- nn.CMul(size...) / nn.CMul(LongStorage): y = x .* w with a learnt weight of the given size,
-- broadcast over singleton dimensions of the weight or over a batch dimension of the input.
-- A class of its own (as in nn), with CAdd's __init, reset and type on its own fields (weight,
-- gradWeight) and its own kernels.
require 'nn.CAdd'
local CMul, parent = torch.class('nn.CMul', 'nn.Module')
local K = nn._K
local C = nn.CAdd

CMul._paramName = 'weight'
CMul._gradParamName = 'gradWeight'

CMul.__init = C.__init
CMul.reset = C.reset
CMul.type = C.type

function CMul:updateOutput(input)
  K.CMul_updateOutput(input, self.output, self.weight)
  return self.output
end

function CMul:updateGradInput(input, gradOutput)
  if not self.gradInput then return end
  K.CMul_updateGradInput(input, gradOutput, self.gradInput, self.weight)
  return self.gradInput
end

function CMul:accGradParameters(input, gradOutput, scale)
  K.CMul_accGradParameters(input, gradOutput, self.gradWeight, scale or 1)
end

function CMul:clearState()
  nn.utils.clear(self, {'_input', '_output', '_weight', '_gradWeight', '_expand', '_repeat', '_sum'})
  return parent.clearState(self)
end

return CMul
