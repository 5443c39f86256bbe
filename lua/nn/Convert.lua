-- nn.Convert([inputShape [, outputShape]]): converts between data layouts named by letters
-- ('b' batch, 'c' channels, 'h' height, 'w' width, 'f' features, 't' targets): a permutation of
-- the axes ('bchw' -> 'chwb'), flattening to features ('bchw' -> 'bf'), ... A shape without 'b'
-- gets one in front; an input with fewer dimensions than the shape is a single sample. Inputs
-- of another tensor type are first copied to the module's type (nn.Convert() does only that).
require 'nn.Container'
local Convert, parent = torch.class('nn.Convert', 'nn.Container')

function Convert:__init(inputShape, outputShape)
  if outputShape and not inputShape then error('Expecting non-nil arg 1 when arg 2 is provided') end
  inputShape = inputShape or 'b*'
  outputShape = outputShape or inputShape
  self.inputShape = inputShape:find('b') and inputShape or ('b' .. inputShape)
  self.outputShape = outputShape:find('b') and outputShape or ('b' .. outputShape)
  self.inputBatchDim = self.inputShape:find('b')
  self.outputBatchDim = self.outputShape:find('b')
  if self.inputShape == 'b*' or self.outputShape == 'b*' then
    assert(self.inputShape == 'b*' and self.outputShape == 'b*', 'Both or neither shapes must be b*')
    self.nInputDim = -1
    self.nOutputDim = -1
    self.transposition = true
  else
    self.nInputDim = #self.inputShape
    self.nOutputDim = #self.outputShape
    -- the same letters in another order: a permutation of the axes
    if self.nInputDim == self.nOutputDim then
      self.transposition = true
      for i = 1, self.nInputDim do
        if not self.outputShape:find(self.inputShape:sub(i, i)) then
          self.transposition = false
          break
        end
      end
    end
  end
  parent.__init(self)
end

-- the module doing the conversion, chosen on the first forward
function Convert:buildConverter(input)
  if self.transposition then
    self.converter = self:transpose(self.outputShape)
  else
    if torch.type(self[self.outputShape]) ~= 'function' then
      error(string.format('Unrecognized conversion of shape %s to %s', self.inputShape, self.outputShape))
    end
    self.converter = self[self.outputShape](self, input)
  end
  assert(torch.isTensor(self.output), 'Expecting Tensor output')
  self.converter:type(torch.type(self.output))
  self.modules[1] = self.converter
end

function Convert:updateOutput(input)
  assert(torch.isTensor(input), 'expecting Tensor')
  if not torch.isTypeOf(input, torch.type(self.output)) then
    self._input = self._input or self.output.new()
    self._input:resize(input:size()):copy(input)
    input = self._input
  end
  self.batchMode = true
  if input:dim() < self.nInputDim then
    -- a single sample: add the batch dimension
    local size = input:size():totable()
    table.insert(size, self.inputBatchDim, 1)
    self.__input = self.__input or input.new()
    self.__input:set(input):resize(table.unpack(size))
    input = self.__input
    self.batchMode = false
  end
  if not self.converter then self:buildConverter(input) end
  self.output = self.converter:updateOutput(input)
  if not self.batchMode then
    local size = self.output:size():totable()
    table.remove(size, self.outputBatchDim)
    self.__output = self.__output or self.output.new()
    self.__output:set(self.output):resize(table.unpack(size))
    self.output = self.__output
  end
  return self.output
end

function Convert:updateGradInput(input, gradOutput)
  local originalInput = input
  input = self._input or input
  if not self.batchMode then
    input = self.__input
    self.__gradOutput = self.__gradOutput or gradOutput.new()
    self.__gradOutput:set(gradOutput):resize(self.converter.output:size())
    gradOutput = self.__gradOutput
  end
  local gradInput = self.converter:updateGradInput(input, gradOutput)
  if not self.batchMode then
    self.__gradInput = self.__gradInput or gradInput.new()
    self.__gradInput:set(gradInput):resize(originalInput:size())
    gradInput = self.__gradInput
  end
  if self._input then
    self._gradInput = self._gradInput or input.new()
    self._gradInput:resize(input:size()):copy(gradInput)
    self.gradInput = self._gradInput
  else
    self.gradInput = gradInput
  end
  return self.gradInput
end

function Convert:accGradParameters(input, gradOutput, scale)
  input = self.batchMode and self.__input or self._input or input
  gradOutput = self.batchMode and self.__gradOutput or gradOutput
  self.converter:accGradParameters(input, gradOutput, scale)
end

function Convert:accUpdateGradParameters(input, gradOutput, lr)
  input = self.batchMode and self.__input or self._input or input
  gradOutput = self.batchMode and self.__gradOutput or gradOutput
  self.converter:accUpdateGradParameters(input, gradOutput, lr)
end

-- to 'bf': each sample flattened to a feature vector
function Convert:bf(input)
  local b = self:findAxis('b', self.inputShape)
  local dim = #self.inputShape
  if self.inputShape == 'bt' then
    error('Conversion of shape bt to bf not supported: open an issue on github')
  end
  if dim == 1 then return nn.Reshape(1) end
  local m
  if b ~= 1 then m = nn.Transpose({1, b}) end
  if dim > 2 then
    local reshape = nn.Reshape(input:select(self:findAxis('b'), 1):nElement())
    if m then
      m = nn.Sequential():add(m):add(reshape)
    else
      m = reshape
    end
  end
  return m or nn.Identity()
end

-- to 'b': one number per sample
function Convert:b(input)
  if self.inputShape == 'bt' or self.inputShape == 'tb' then
    return nn.Select(self:findAxis('t'), 1)
  elseif self.inputShape == 'bf' or self.inputShape == 'fb' then
    local f = self:findAxis('f')
    if input:size(f) > 1 then
      error('Cannot convert shape ' .. self.inputShape .. ' to b when feature > 1')
    end
    return nn.Select(f, 1)
  end
  error('Cannot convert shape ' .. self.inputShape .. ' to shape b')
end

function Convert:default()
  return nn.Identity()
end

-- to 'bt' (a batch of targets)
function Convert:bt()
  if self.inputShape == 'b' then return nn.Reshape(1) end
  error("cannot convert shape '" .. self.inputShape .. "' to bt")
end

-- the nn.Transpose permuting the input's axes into newShape's order
function Convert:transpose(newShape)
  if newShape == self.inputShape then return nn.Identity() end
  local axes = {}
  for i = 1, #self.inputShape do axes[i] = self.inputShape:sub(i, i) end
  local swaps = {}
  for i = 1, #newShape do
    local c = newShape:sub(i, i)
    local j
    for k = 1, #axes do
      if axes[k] == c then j = k break end
    end
    if i ~= j then
      axes[i], axes[j] = axes[j], axes[i]
      swaps[#swaps + 1] = {j, i}
    end
  end
  return nn.Transpose(table.unpack(swaps))
end

function Convert:findAxis(axis, shape, silent)
  shape = shape or self.inputShape
  local pos = shape:find(axis)
  if not silent and not pos then
    error("Provided shape '" .. shape .. "' has no axis '" .. axis .. "'", 2)
  end
  return pos
end

function Convert:clearState()
  self._input = nil
  self._gradInput = nil
  self.__input = nil
  self.__output = nil
  self.__gradInput = nil
  self.__gradOutput = nil
  return self
end

function Convert:type(typename, tensorCache)
  self:clearState()
  return parent.type(self, typename, tensorCache)
end

return Convert
