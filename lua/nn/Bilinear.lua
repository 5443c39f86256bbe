-- nn.Bilinear(inputSize1, inputSize2, outputSize [, bias=true]): for a pair of batches {x1, x2},
-- y[b][k] = x1[b]' W[k] x2[b] + bias[k]
require 'nn.Module'
local Bilinear, parent = torch.class('nn.Bilinear', 'nn.Module')
local K = nn._K

local function isint(x) return type(x) == 'number' and x == math.floor(x) end

function Bilinear:__assertInput(input)
  assert(input and torch.type(input) == 'table' and #input == 2,
    'input should be a table containing two data Tensors')
  assert(input[1]:nDimension() == 2 and input[2]:nDimension() == 2,
    'input Tensors should be two-dimensional')
  assert(input[1]:size(1) == input[2]:size(1),
    'input Tensors should have the same number of rows (instances)')
  assert(input[1]:size(2) == self.weight:size(2), 'dimensionality of first input is erroneous')
  assert(input[2]:size(2) == self.weight:size(3), 'dimensionality of second input is erroneous')
end

function Bilinear:__assertInputGradOutput(input, gradOutput)
  assert(input[1]:size(1) == gradOutput:size(1),
    'number of rows in gradOutput does not match input')
  assert(gradOutput:size(2) == self.weight:size(1),
    'number of columns in gradOutput does not output size of layer')
end

function Bilinear:__init(inputSize1, inputSize2, outputSize, bias)
  assert(self and inputSize1 and inputSize2 and outputSize,
    'should specify inputSize1 and inputSize2 and outputSize')
  assert(isint(inputSize1) and isint(inputSize2) and isint(outputSize),
    'inputSize1 and inputSize2 and outputSize should be integer numbers')
  assert(inputSize1 > 0 and inputSize2 > 0 and outputSize > 0,
    'inputSize1 and inputSize2 and outputSize should be positive numbers')
  parent.__init(self)
  self.weight = torch.Tensor(outputSize, inputSize1, inputSize2)
  self.gradWeight = torch.Tensor(outputSize, inputSize1, inputSize2)
  if bias ~= false then
    self.bias = torch.Tensor(outputSize)
    self.gradBias = torch.Tensor(outputSize)
  end
  self.gradInput = {torch.Tensor(), torch.Tensor()}
  self:reset()
end

function Bilinear:reset(stdv)
  if stdv then
    assert(type(stdv) == 'number' and stdv > 0, 'standard deviation should be a positive number')
    stdv = stdv * math.sqrt(3)
  else
    stdv = 1 / math.sqrt(self.weight:size(2))
  end
  self.weight:uniform(-stdv, stdv)
  if self.bias then self.bias:uniform(-stdv, stdv) end
  return self
end

function Bilinear:updateOutput(input)
  self:__assertInput(input)
  K.Bilinear_updateOutput(input[1], input[2], self.output, self.weight, self.bias)
  return self.output
end

function Bilinear:updateGradInput(input, gradOutput)
  if not self.gradInput then return end
  self:__assertInputGradOutput(input, gradOutput)
  if #self.gradInput == 0 then
    for i = 1, 2 do self.gradInput[i] = input[1].new() end
  end
  K.Bilinear_updateGradInput(input[1], input[2], gradOutput, self.gradInput[1],
    self.gradInput[2], self.weight)
  return self.gradInput
end

-- (as nn's: the scale applies to the bias's gradient only, and must not be negative, so that
-- accUpdateGradParameters, which passes -lr, fails)
function Bilinear:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  self:__assertInputGradOutput(input, gradOutput)
  assert(type(scale) == 'number' and scale >= 0)
  K.Bilinear_accGradParameters(input[1], input[2], gradOutput, self.gradWeight, self.gradBias,
    scale)
end

-- shared weights are updated directly (nothing to accumulate)
function Bilinear:sharedAccUpdateGradParameters(input, gradOutput, lr)
  self:defaultAccUpdateGradParameters(input, gradOutput, lr)
end

function Bilinear:__tostring__()
  return torch.type(self) .. string.format('(%dx%d -> %d) %s', self.weight:size(2),
    self.weight:size(3), self.weight:size(1), self.bias == nil and ' without bias' or '')
end

function Bilinear:clearState()
  if self.buff2 then self.buff2:set() end
  if self.buff1 then self.buff1:set() end
  return parent.clearState(self)
end

return Bilinear
