-- nn.CAdd(size...) / nn.CAdd(LongStorage): y = x + b with a learnt bias of the given size,
-- broadcast over singleton dimensions of the bias or over a batch dimension of the input
require 'nn.Module'
local CAdd, parent = torch.class('nn.CAdd', 'nn.Module')
local K = nn._K

-- what nn.CMul (which shares __init, reset and type) sets otherwise: the fields of the learnt
-- parameter and of its gradient
CAdd._paramName = 'bias'
CAdd._gradParamName = 'gradBias'

function CAdd:__init(...)
  parent.__init(self)
  local arg = {...}
  self.size = torch.LongStorage()
  if #arg == 1 and torch.type(arg[1]) == 'torch.LongStorage' then
    self.size:resize(#arg[1]):copy(arg[1])
  else
    self.size:resize(#arg)
    for i = 1, #arg do self.size[i] = arg[i] end
  end
  self[self._paramName] = torch.Tensor(self.size)
  self[self._gradParamName] = torch.Tensor(self.size)
  self.output:resize(self.size)
  self:reset()
end

function CAdd:reset(stdv)
  local param = self[self._paramName]
  if stdv then
    stdv = stdv * math.sqrt(3)
  else
    stdv = 1 / math.sqrt(param:nElement())
  end
  param:uniform(-stdv, stdv)
end

function CAdd:updateOutput(input)
  K.CAdd_updateOutput(input, self.output, self.bias)
  return self.output
end

function CAdd:updateGradInput(input, gradOutput)
  self.gradInput = self.gradInput or input.new()
  K.CAdd_updateGradInput(gradOutput, self.gradInput)
  return self.gradInput
end

function CAdd:accGradParameters(input, gradOutput, scale)
  K.CAdd_accGradParameters(input, gradOutput, self.gradBias, scale or 1)
end

function CAdd:type(type, tensorCache)
  if type then self:clearState() end
  return parent.type(self, type, tensorCache)
end

function CAdd:clearState()
  nn.utils.clear(self, {'_gradBias', '_expand', '_output', '_bias', '_repeat'})
  return parent.clearState(self)
end

return CAdd
