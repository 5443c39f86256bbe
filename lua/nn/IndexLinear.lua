-- nn.IndexLinear(inputSize, outputSize [, doGradInput, keysOffset, weight, bias, normalize]): a
-- linear layer over sparse inputs given as keys and values: {keys, values} (one sample),
-- {{keys...}, {values...}} (a batch) or {flat keys, flat values, sizes}. The weight is
-- inputSize x outputSize (plus 4 leading columns per feature with max-normalisation); its
-- gradient is kept dense per key occurrence (self.running) until updateParameters.
require 'nn.Module'
local IndexLinear, parent = torch.class('nn.IndexLinear', 'nn.Module')
local K = nn._K

function IndexLinear:__init(inputSize, outputSize, doGradInput, keysOffset, weight, bias,
                            normalize)
  parent.__init(self)
  self.normalize = normalize and 4 or 0
  self.weight = weight or torch.Tensor(inputSize, outputSize + self.normalize):zero()
  self.bias = bias or torch.Tensor(outputSize):zero()
  self.inputSize = self.weight and self.weight:size(1) or inputSize
  self.outputSize = self.weight and (self.weight:size(2) - self.normalize) or outputSize
  self.gradWeight = torch.Tensor()
  self.gradBias = torch.Tensor(self.outputSize):zero()
  self.gradWeightBuffer = torch.Tensor()
  self.valuesBuffer = torch.Tensor()
  self.normalizedValues = torch.Tensor()
  -- keys and dense gradients of each accumulation since the last zeroGradParameters
  self.running = {cumSumSizes = {}, keys = {}, gradWeight = {}, counter = 1}
  self.sizesCache = {}
  self.cumSumSizesCache = {}
  self.weightDecay = 0
  self.doGradInput = doGradInput or false
  self.offset = keysOffset and keysOffset - 1 or -1
end

function IndexLinear:reset(stdv)
  if stdv then
    stdv = stdv * math.sqrt(3)
  else
    stdv = 1 / math.sqrt(self.weight:size(2))
  end
  self.weight:uniform(-stdv, stdv)
  self.bias:uniform(-stdv, stdv):mul(0.000001)
  if self.normalize and self.normalize > 0 then
    self.weight[{{}, {1, self.normalize}}]:zero()
  end
end

function IndexLinear:reshapeInput(input)
  assert(torch.type(input) == 'table')
  local n = #input
  assert(n == 2 or n == 3)
  if n == 3 then
    local fkeys, fvals = input[1], input[2]
    local fsizes = torch.isTensor(input[3]) and input[3] or fkeys.new{input[3]}
    assert(fkeys:nElement() == fvals:nElement(), 'Keys and values should be of same size')
    assert(fkeys:dim() == 1, 'Keys and values should be 1D')
    self.isFlat = true
    self.noBatch = false
    return fkeys, fvals, fsizes
  end
  local keys, values = input[1], input[2]
  local lkeys, lvalues
  if torch.type(keys) == 'table' and torch.type(values) == 'table' then
    lkeys, lvalues = keys, values
    self.isFlat = false
    self.noBatch = false
  elseif torch.isTensor(keys) and torch.isTensor(values) then
    lkeys, lvalues = {keys}, {values}
    self.isFlat = false
    self.noBatch = true
  else
    error('Wrong input format.')
  end
  for i = 1, #lkeys do
    assert(lvalues[i]:dim() == 1 and lkeys[i]:dim() == 1, 'keys and values should be 1D')
  end
  return lkeys, lvalues
end

function IndexLinear:longTensor(...)
  return torch.LongTensor(...)
end

-- self.keys / self.values / self.sizes / self.cumSumSizes from the input
function IndexLinear:flattenInputs(input)
  local lkeys, lvalues, sizes = self:reshapeInput(input)
  local counter = self.running.counter
  self.running.keys[counter] = self.running.keys[counter] or self:longTensor()
  self.keys = self.running.keys[counter]
  if self.isFlat then
    self.values = self.values or lvalues.new()
    self.keys:resize(lkeys:size()):copy(lkeys)
    self.values:resize(lvalues:size()):copy(lvalues)
    self.sizes = sizes
    self.cumSumSizes = self.cumSumSizes or self.sizes.new()
    self.cumSumSizes:cumsum(self.sizes)
  else
    self.values = self.values or lvalues[1].new()
    self.lkeys, self.lvalues = lkeys, lvalues
    self.sizesCache[1] = self.sizesCache[1] or torch.LongTensor()
    self.cumSumSizesCache[1] = self.cumSumSizesCache[1] or torch.LongTensor()
    self.sizes = self.sizesCache[1]
    self.cumSumSizes = self.cumSumSizesCache[1]
    K.IndexLinear_flatten(lkeys, lvalues, self.keys, self.values, self.sizes, self.cumSumSizes)
  end
  self.running.cumSumSizes[counter] = self.cumSumSizes
end

function IndexLinear:updateOutput(input)
  self:flattenInputs(input)
  K.IndexLinear_updateOutput(self.keys, self.offset, self.values, self.sizes, self.output,
    self.weight, self.bias, self.normalizedValues, self.train ~= false)
  if self.noBatch then self.output:resize(self.output:size(2)) end
  return self.output
end

function IndexLinear:_values()
  return self.normalize > 0 and self.normalizedValues or self.values
end

function IndexLinear:accUpdateGradParameters(input, gradOutput, scale)
  K.IndexLinear_accUpdateGradParameters(self.keys, self.offset, self:_values(), self.sizes,
    gradOutput, self.weight, self.bias, self.weightDecay or 0, scale or 1)
end

function IndexLinear:accGradParameters(input, gradOutput, scale)
  local counter = self.running.counter
  self.running.gradWeight[counter] = self.running.gradWeight[counter] or self.values.new()
  K.IndexLinear_accGradParameters(self.keys, self.offset, self:_values(), self.sizes, gradOutput,
    self.running.gradWeight[counter], self.gradBias, self.weight, self.bias,
    self.weightDecay or 0, scale or 1)
  self.running.counter = counter + 1
end

function IndexLinear:updateGradInput(input, gradOutput)
  self.gradInput = {}
  if self.doGradInput and self.normalize > 0 then
    error('updateGradInput is not implemented in max-normalize mode')
  end
  local ini = self.weight:size(1)
  if self.doGradInput then
    local gi = gradOutput.new()
    K.IndexLinear_updateGradInput(gradOutput, self.weight, gi)
    local indices = self.running.keys[1].new(ini):range(1, ini)
    if self.isFlat then
      self.gradInput[1] = torch.repeatTensor(indices, gi:size(1), 1)
      self.gradInput[2] = gi
    else
      self.gradInput[1], self.gradInput[2] = {}, {}
      for i = 1, gi:size(1) do
        self.gradInput[1][i] = indices:clone()
        self.gradInput[2][i] = gi[i]:clone()
      end
    end
  end
  if self.noBatch then
    if self.isFlat then
      self.gradInput = {self.gradInput[1]:resize(ini), self.gradInput[2]:resize(ini)}
    else
      self.gradInput = {self.gradInput[1][1], self.gradInput[2][1]}
    end
  end
  return self.gradInput
end

function IndexLinear:updateParameters(lr)
  local counter = self.running.counter
  if counter <= 1 then return end
  if counter == 2 then
    self.updateKeys = self.running.keys[1]
    self.gradWeight = self.running.gradWeight[1]
  else
    self.updateKeysBuffer = self.updateKeysBuffer or self:longTensor()
    local lkeys, lgrads = {}, {}
    for i = 1, counter - 1 do
      lkeys[i] = self.running.keys[i]
      lgrads[i] = self.running.gradWeight[i]:contiguous():view(-1)
    end
    self.updateKeysBuffer:cat(lkeys, 1)
    self.gradWeightBuffer:cat(lgrads, 1)
    self.gradWeightBuffer:resize(self.updateKeysBuffer:size(1),
      self.gradWeightBuffer:nElement() / self.updateKeysBuffer:size(1))
    self.gradWeight = self.gradWeightBuffer
    self.updateKeys = self.updateKeysBuffer
  end
  K.IndexLinear_updateParameters(self.gradWeight, self.gradBias, self.weight, self.bias,
    self.updateKeys, self.offset, self.weightDecay or 0,
    lr or error('You must specify a learning rate'))
end

function IndexLinear:zeroGradParameters()
  self.gradBias:zero()
  self.running.counter = 1
end

function IndexLinear:parameters()
  return {self.weight, self.bias}, {self.running, self.gradBias}
end

function IndexLinear:clearState()
  self.running.keys = {}
  self.running.gradWeight = {}
  self.keys = nil
  self.zerokeys = nil
  self.updateKeys = nil
  self.values = nil
  self.sizes = nil
  self.lkeys = {}
  self.lvalues = {}
  self.gradWeightBuffer = self.gradWeightBuffer.new()
  self.valuesBuffer = self.valuesBuffer.new()
  self.updateKeysBuffer = nil
  return parent.clearState(self)
end

return IndexLinear
