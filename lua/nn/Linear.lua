-- nn.Linear(inputSize, outputSize [, bias=true]): y = W x + b
require 'nn.Module'
local Linear, parent = torch.class('nn.Linear', 'nn.Module')
local K = nn._K

function Linear:__init(inputSize, outputSize, bias)
  parent.__init(self)
  self.weight = torch.Tensor(outputSize, inputSize)
  self.gradWeight = torch.Tensor(outputSize, inputSize)
  if bias ~= false then
    self.bias = torch.Tensor(outputSize)
    self.gradBias = torch.Tensor(outputSize)
  end
  self:reset()
end

function Linear:noBias()
  self.bias = nil
  self.gradBias = nil
  return self
end

function Linear:reset(stdv)
  if stdv then
    stdv = stdv * math.sqrt(3)
  else
    stdv = 1 / math.sqrt(self.weight:size(2))
  end
  self.weight:uniform(-stdv, stdv)
  if self.bias then self.bias:uniform(-stdv, stdv) end
  return self
end

function Linear:updateOutput(input)
  K.Linear_updateOutput(input, self.output, self.weight, self.bias)
  return self.output
end

function Linear:updateGradInput(input, gradOutput)
  if self.gradInput then
    K.Linear_updateGradInput(input, gradOutput, self.gradInput, self.weight)
    return self.gradInput
  end
end

function Linear:accGradParameters(input, gradOutput, scale)
  K.Linear_accGradParameters(input, gradOutput, self.gradWeight, self.gradBias, scale or 1)
end

function Linear:clearState()
  if self.addBuffer then self.addBuffer:set() end
  return parent.clearState(self)
end

function Linear:__tostring__()
  return torch.type(self) .. string.format('(%d -> %d)', self.weight:size(2), self.weight:size(1))
    .. (self.bias == nil and ' without bias' or '')
end

return Linear
