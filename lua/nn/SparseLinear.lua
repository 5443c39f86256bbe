-- nn.SparseLinear(inputSize, outputSize [, doGradInput=false]): a Linear layer for sparse inputs.
-- An input is a (nnz x 2) tensor of {index, value} rows, a table of them (a batch), or a legacy
-- (batch x nnz x 2) tensor. After one forward/backward, updateParameters and
-- zeroGradParameters only touch the weight columns that input used.
require 'nn.Module'
local SparseLinear, parent = torch.class('nn.SparseLinear', 'nn.Module')
local K = nn._K

local NO_LAST_INPUT, ONE_LAST_INPUT, ACC_MULTIPLE_TIMES = 0, 1, 2

function SparseLinear:__init(inputSize, outputSize, doGradInput)
  parent.__init(self)
  self.weightDecay = 0
  self.doGradInput = doGradInput or false
  self.weight = torch.Tensor(outputSize, inputSize):zero()
  self.bias = torch.Tensor(outputSize):zero()
  self.gradWeight = torch.Tensor(outputSize, inputSize):zero()
  self.gradBias = torch.Tensor(outputSize):zero()
  assert(type(self.doGradInput) == 'boolean')
  self.lastInput = nil
  self.sparseUpdate = NO_LAST_INPUT
  self.formatted_input = nil
  self.gradInput = {}
  self.output:resize(outputSize)
  self:reset()
end

function SparseLinear:reset(stdv)
  if stdv then
    stdv = stdv * math.sqrt(3)
  else
    stdv = 1 / math.sqrt(self.weight:size(2))
  end
  self.weight:uniform(-stdv, stdv)
  self.bias:uniform(-stdv, stdv):mul(0.000001)
end

-- input as (list of samples, batch mode, legacy 3D mode)
function SparseLinear:reshapeInput(input)
  if torch.type(input) == 'table' then return input, true, false end
  if input:dim() == 2 then return {input}, false, false end
  return input, true, true
end

function SparseLinear:updateOutput(input)
  if self.sparseUpdate == ONE_LAST_INPUT then self.sparseUpdate = ACC_MULTIPLE_TIMES end
  local samples, batchMode, legacyMode = self:reshapeInput(input)
  self.legacyMode = legacyMode
  if legacyMode then
    K.SparseLinear_updateOutput(samples, self.output, self.weight, self.bias, 0, true)
    return self.output
  end
  if #samples == 0 then
    self.output:copy(self.bias)
    return self.output
  end
  self.formatted_input = self.formatted_input or samples[1].new()
  local n = K.SparseLinear_format(samples, self.formatted_input)
  K.SparseLinear_updateOutput(self.formatted_input, self.output, self.weight, self.bias, n,
    batchMode)
  return self.output
end

function SparseLinear:accGradParameters(input, gradOutput, scale)
  local samples, _, legacyMode = self:reshapeInput(input)
  self.legacyMode = legacyMode
  local coo = legacyMode and samples or self.formatted_input
  self.lastInput = self.lastInput or gradOutput.new()
  if self.sparseUpdate == NO_LAST_INPUT then
    self.lastInput:resizeAs(coo):copy(coo)
    self.sparseUpdate = ONE_LAST_INPUT
  elseif self.sparseUpdate == ONE_LAST_INPUT then
    self.sparseUpdate = ACC_MULTIPLE_TIMES
  end
  K.SparseLinear_accGradParameters(coo, gradOutput, self.gradWeight, self.gradBias, self.weight,
    self.weightDecay or 0, scale or 1)
end

-- the gradient is dense: every input index with its gradient value
function SparseLinear:updateGradInput(input, gradOutput)
  if self.legacyMode then
    if torch.type(self.gradInput) ~= torch.type(gradOutput) then
      self.gradInput = gradOutput.new()
    end
    self.gradInput:resizeAs(input)
  else
    self.gradInput = {}
  end
  if self.doGradInput then
    if not self.legacyMode then
      local n = gradOutput:dim() == 1 and 1 or gradOutput:size(1)
      for i = 1, n do self.gradInput[i] = gradOutput.new() end
    end
    K.SparseLinear_updateGradInput(gradOutput, self.weight, self.gradInput,
      self.legacyMode and true or false)
  end
  return self.gradInput
end

function SparseLinear:updateParameters(learningRate)
  if self.lastInput and self.sparseUpdate == ONE_LAST_INPUT then
    K.SparseLinear_updateParameters(self.weight, self.bias, self.gradWeight, self.gradBias,
      self.lastInput, learningRate)
  else
    parent.updateParameters(self, learningRate)
  end
end

function SparseLinear:zeroGradParameters()
  if self.lastInput and self.sparseUpdate == ONE_LAST_INPUT then
    K.SparseLinear_zeroGradParameters(self.gradWeight, self.gradBias, self.lastInput)
  else
    parent.zeroGradParameters(self)
  end
  self.sparseUpdate = NO_LAST_INPUT
end

function SparseLinear:clearState()
  if self.lastInput then self.lastInput:set() end
  return parent.clearState(self)
end

return SparseLinear
