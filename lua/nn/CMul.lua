-- nn.CMul(size...) / nn.CMul(LongStorage): y = x .* w with a learnt weight of the given size,
-- broadcast over singleton dimensions of the weight or over a batch dimension of the input
require 'nn.Module'
local CMul, parent = torch.class('nn.CMul', 'nn.Module')
local K = nn._K

function CMul:__init(...)
  parent.__init(self)
  local arg = {...}
  self.size = torch.LongStorage()
  if #arg == 1 and torch.type(arg[1]) == 'torch.LongStorage' then
    self.size:resize(#arg[1]):copy(arg[1])
  else
    self.size:resize(#arg)
    for i = 1, #arg do self.size[i] = arg[i] end
  end
  self.weight = torch.Tensor(self.size)
  self.gradWeight = torch.Tensor(self.size)
  self.output:resize(self.size)
  self:reset()
end

function CMul:reset(stdv)
  if stdv then
    stdv = stdv * math.sqrt(3)
  else
    stdv = 1 / math.sqrt(self.weight:nElement())
  end
  self.weight:uniform(-stdv, stdv)
end

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

function CMul:type(type, tensorCache)
  if type then self:clearState() end
  return parent.type(self, type, tensorCache)
end

function CMul:clearState()
  nn.utils.clear(self, {'_input', '_output', '_weight', '_gradWeight', '_expand', '_repeat', '_sum'})
  return parent.clearState(self)
end

return CMul
