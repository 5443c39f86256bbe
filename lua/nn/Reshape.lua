-- nn.Reshape(sizes... [, batchMode]) / nn.Reshape(LongStorage [, batchMode]): the input viewed
-- with the given sizes; an input with a leading batch dimension keeps it (batchMode true forces
-- it, false forbids it, nil guesses from the number of elements)
require 'nn.Module'
local Reshape, parent = torch.class('nn.Reshape', 'nn.Module')
local K = nn._K

function Reshape:__init(...)
  parent.__init(self)
  local arg = {...}
  self.size = torch.LongStorage()
  self.batchsize = torch.LongStorage()
  if torch.type(arg[#arg]) == 'boolean' then
    self.batchMode = arg[#arg]
    table.remove(arg, #arg)
  end
  local n = #arg
  if n == 1 and torch.typename(arg[1]) == 'torch.LongStorage' then
    self.size:resize(#arg[1]):copy(arg[1])
  else
    self.size:resize(n)
    for i = 1, n do self.size[i] = arg[i] end
  end
  self.nelement = 1
  self.batchsize:resize(#self.size + 1)
  for i = 1, #self.size do
    self.nelement = self.nelement * self.size[i]
    self.batchsize[i + 1] = self.size[i]
  end
end

function Reshape:updateOutput(input)
  K.Reshape_updateOutput(input, self.output, self.size, self.nelement, self.batchMode)
  return self.output
end

function Reshape:updateGradInput(input, gradOutput)
  K.Reshape_updateGradInput(input, gradOutput, self.gradInput)
  return self.gradInput
end

function Reshape:__tostring__()
  return torch.type(self) .. '(' .. table.concat(self.size:totable(), 'x') .. ')'
end

function Reshape:clearState()
  nn.utils.clear(self, '_input', '_gradOutput')
  return parent.clearState(self)
end

return Reshape
