-- nn.Add(inputSize [, scalar=false]): y = x + b, with a learnt bias of inputSize (or a single
-- scalar shared by every element); a batch input adds the bias to each sample
require 'nn.Module'
local Add, parent = torch.class('nn.Add', 'nn.Module')
local K = nn._K

function Add:__init(inputSize, scalar)
  parent.__init(self)
  local size = scalar and 1 or inputSize
  self.scalar = scalar
  self.bias = torch.Tensor(size)
  self.gradBias = torch.Tensor(size)
  self._ones = torch.Tensor{1}
  self:reset()
end

function Add:reset(stdv)
  if stdv then
    stdv = stdv * math.sqrt(3)
  else
    stdv = 1 / math.sqrt(self.bias:size(1))
  end
  self.bias:uniform(-stdv, stdv)
end

function Add:updateOutput(input)
  K.Add_updateOutput(input, self.output, self.bias, self.scalar and true or false)
  return self.output
end

function Add:updateGradInput(input, gradOutput)
  if self.gradInput then
    K.Add_updateGradInput(gradOutput, self.gradInput)
    return self.gradInput
  end
end

function Add:accGradParameters(input, gradOutput, scale)
  K.Add_accGradParameters(input, gradOutput, self.gradBias, scale or 1)
end

return Add
