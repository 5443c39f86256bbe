-- nn.LinearWeightNorm(inputSize, outputSize [, bias=true, eps=1e-16]): a Linear layer whose
-- weight is w = g * v / ||v|| row by row; parameters v, g (outputSize x 1) and bias
require 'nn.Linear'
local LinearWeightNorm, parent = torch.class('nn.LinearWeightNorm', 'nn.Linear')
local K = nn._K

function LinearWeightNorm:__init(inputSize, outputSize, bias, eps)
  nn.Module.__init(self)
  if bias == nil then bias = true end
  self.eps = eps or 1e-16
  self.outputSize = outputSize
  self.inputSize = inputSize
  self.v = torch.Tensor(outputSize, inputSize)
  self.gradV = torch.Tensor(outputSize, inputSize)
  self.weight = torch.Tensor(outputSize, inputSize)
  self.g = torch.Tensor(outputSize, 1)
  self.gradG = torch.Tensor(outputSize, 1)
  self.norm = torch.Tensor(outputSize, 1)
  self.scale = torch.Tensor(outputSize, 1)
  if bias then
    self.bias = torch.Tensor(outputSize)
    self.gradBias = torch.Tensor(outputSize)
  end
  self:reset()
end

function LinearWeightNorm:evaluate()
  if self.train ~= false then self:updateWeightMatrix() end
  parent.evaluate(self)
end

-- v = weight and g = its row norms (at least eps)
function LinearWeightNorm:initFromWeight(weight)
  weight = weight or self.weight
  self.g:norm(weight, 2, 2):clamp(self.eps, math.huge)
  self.v:copy(weight)
  return self
end

function LinearWeightNorm.fromLinear(linear)
  local m = nn.LinearWeightNorm(linear.weight:size(2), linear.weight:size(1),
    torch.isTensor(linear.bias))
  m.weight:copy(linear.weight)
  m:initFromWeight()
  if linear.bias then m.bias:copy(linear.bias) end
  return m
end

function LinearWeightNorm:toLinear()
  self:updateWeightMatrix()
  local m = nn.Linear(self.inputSize, self.outputSize, torch.isTensor(self.bias))
  m.weight:copy(self.weight)
  if self.bias then m.bias:copy(self.bias) end
  return m
end

function LinearWeightNorm:parameters()
  if self.bias then
    return {self.v, self.g, self.bias}, {self.gradV, self.gradG, self.gradBias}
  end
  return {self.v, self.g}, {self.gradV, self.gradG}
end

function LinearWeightNorm:reset(stdv)
  if stdv then
    stdv = stdv * math.sqrt(3)
  else
    stdv = 1 / math.sqrt(self.inputSize)
  end
  self.weight:uniform(-stdv, stdv)
  self:initFromWeight()
  if self.bias then self.bias:uniform(-stdv, stdv) end
end

function LinearWeightNorm:updateWeightMatrix()
  K.LinearWeightNorm_updateWeight(self.v, self.g, self.weight, self.norm, self.scale, self.eps)
end

function LinearWeightNorm:updateOutput(input)
  if self.train ~= false then self:updateWeightMatrix() end
  return parent.updateOutput(self, input)
end

function LinearWeightNorm:accGradParameters(input, gradOutput, scale)
  K.LinearWeightNorm_accGradParameters(input, gradOutput, self.v, self.gradV, self.gradG,
    self.gradBias, self.norm, self.scale, scale or 1)
end

function LinearWeightNorm:defaultAccUpdateGradParameters(input, gradOutput, lr)
  local gradV, gradG, gradBias = self.gradV, self.gradG, self.gradBias
  self.gradV, self.gradG, self.gradBias = self.v, self.g, self.bias
  self:accGradParameters(input, gradOutput, -lr)
  self.gradV, self.gradG, self.gradBias = gradV, gradG, gradBias
end

function LinearWeightNorm:clearState()
  nn.utils.clear(self, 'weight', 'norm', 'scale')
  return parent.clearState(self)
end

function LinearWeightNorm:__tostring__()
  return torch.type(self) .. string.format('(%d -> %d)', self.inputSize, self.outputSize)
    .. (self.bias == nil and ' without bias' or '')
end

return LinearWeightNorm
