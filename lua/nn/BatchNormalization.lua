-- nn.BatchNormalization(nOutput [, eps=1e-5, momentum=0.1, affine=true]): normalises each
-- feature of a mini-batch (N x nOutput) by its batch mean and standard deviation while training
-- (updating running_mean / running_var), by the running estimates in evaluate mode; then
-- weight * x + bias when affine. Spatial/Volumetric variants only change nDim.
require 'nn.Module'
local BN, parent = torch.class('nn.BatchNormalization', 'nn.Module')
local K = nn._K

BN.__version = 2
BN.nDim = 2  -- expected dimension of the input

function BN:__init(nOutput, eps, momentum, affine)
  parent.__init(self)
  assert(nOutput and type(nOutput) == 'number', 'Missing argument #1: dimensionality of input. ')
  assert(nOutput ~= 0, 'To set affine=false call BatchNormalization'
    .. '(nOutput,  eps, momentum, false) ')
  if affine ~= nil then
    assert(type(affine) == 'boolean', 'affine has to be true/false')
    self.affine = affine
  else
    self.affine = true
  end
  self.eps = eps or 1e-5
  self.train = true
  self.momentum = momentum or 0.1
  self.running_mean = torch.zeros(nOutput)
  self.running_var = torch.ones(nOutput)
  if self.affine then
    self.weight = torch.Tensor(nOutput)
    self.bias = torch.Tensor(nOutput)
    self.gradWeight = torch.Tensor(nOutput)
    self.gradBias = torch.Tensor(nOutput)
    self:reset()
  end
end

function BN:reset()
  if self.weight then self.weight:uniform() end
  if self.bias then self.bias:zero() end
  self.running_mean:zero()
  self.running_var:fill(1)
end

function BN:checkInputDim(input)
  local iDim = input:dim()
  assert(iDim == self.nDim or (iDim == self.nDim - 1 and self.train == false), string.format(
    'only mini-batch supported (%dD tensor), got %dD tensor instead', self.nDim, iDim))
  local featDim = (iDim == self.nDim - 1) and 1 or 2
  assert(input:size(featDim) == self.running_mean:nElement(), string.format(
    'got %d-feature tensor, expected %d', input:size(featDim), self.running_mean:nElement()))
end

local function makeContiguous(self, input, gradOutput)
  if not input:isContiguous() then
    self._input = self._input or input.new()
    self._input:resizeAs(input):copy(input)
    input = self._input
  end
  if gradOutput and not gradOutput:isContiguous() then
    self._gradOutput = self._gradOutput or gradOutput.new()
    self._gradOutput:resizeAs(gradOutput):copy(gradOutput)
    gradOutput = self._gradOutput
  end
  return input, gradOutput
end

-- a single sample (allowed in evaluate mode) seen as a batch of one
local function makeBatch(self, input)
  if self.train == false and input:dim() == self.nDim - 1 then
    return nn.utils.addSingletonDimension(input, input, 1)
  end
  return input
end

function BN:updateOutput(input)
  self:checkInputDim(input)
  input = makeContiguous(self, input)
  input = makeBatch(self, input)
  self.save_mean = self.save_mean or input.new()
  self.save_mean:resizeAs(self.running_mean)
  self.save_std = self.save_std or input.new()
  self.save_std:resizeAs(self.running_var)
  -- running statistics are not updated (nor used for normalising) with a batch of one
  K.BatchNormalization_updateOutput(input, self.output, self.weight, self.bias,
    self.running_mean, self.running_var, self.save_mean, self.save_std,
    self.train and input:size(1) > 1, self.momentum, self.eps)
  return self.output
end

local function backward(self, input, gradOutput, scale, gradInput, gradWeight, gradBias)
  self:checkInputDim(input)
  self:checkInputDim(gradOutput)
  assert(self.save_mean and self.save_std, 'must call :updateOutput() first')
  input, gradOutput = makeContiguous(self, input, gradOutput)
  input = makeBatch(self, input)
  gradOutput = makeBatch(self, gradOutput)
  if gradInput then gradInput:resizeAs(gradOutput) end
  K.BatchNormalization_backward(input, gradOutput, gradInput, gradWeight, gradBias, self.weight,
    self.running_mean, self.running_var, self.save_mean, self.save_std,
    self.train and input:size(1) > 1, scale or 1, self.eps)
  return self.gradInput
end

function BN:backward(input, gradOutput, scale)
  return backward(self, input, gradOutput, scale, self.gradInput, self.gradWeight, self.gradBias)
end

function BN:updateGradInput(input, gradOutput)
  return backward(self, input, gradOutput, 1, self.gradInput)
end

function BN:accGradParameters(input, gradOutput, scale)
  return backward(self, input, gradOutput, scale, nil, self.gradWeight, self.gradBias)
end

function BN:read(file, version)
  parent.read(self, file)
  if version < 2 and self.running_std then
    self.running_var = self.running_std:pow(-2):add(-self.eps)
    self.running_std = nil
  end
end

function BN:clearState()
  -- the first five are buffers of older versions, cleared from saved models too
  nn.utils.clear(self, {'buffer', 'buffer2', 'centered', 'std', 'normalized', '_input',
    '_gradOutput', 'save_mean', 'save_std'})
  return parent.clearState(self)
end

function BN:__tostring__()
  return string.format('%s (%dD) (%d)', torch.type(self), self.nDim, self.running_mean:nElement())
end

return BN
