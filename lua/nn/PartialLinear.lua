-- nn.PartialLinear(inputSize, outputSize [, bias=true]): a Linear layer restricted to a chosen
-- set of output units (setPartition(indices)); all parameters are kept, resetPartition() gives
-- back the full layer. Computed as {input, partition} -> MM(input, LookupTable(partition)^T).
require 'nn.Module'
local PartialLinear, parent = torch.class('nn.PartialLinear', 'nn.Module')

function PartialLinear:__init(inputsize, outputsize, bias)
  parent.__init(self)
  if bias == nil then bias = true end
  local inner = nn.ParallelTable()
  inner:add(nn.Identity())
  inner:add(nn.LookupTable(outputsize, inputsize))
  self.network = nn.Sequential():add(inner):add(nn.MM(false, true))
  if bias then
    self.bias = torch.Tensor(1, outputsize):zero()
    self.gradBias = torch.Tensor(1, outputsize):zero()
  end
  self.inputsize = inputsize
  self.outputsize = outputsize
  self.allcolumns = torch.range(1, outputsize)
  self:resetPartition()
end

function PartialLinear:setPartition(indices)
  self.partition = indices:type(self.allcolumns:type())
end

function PartialLinear:resetPartition()
  self.partition = self.allcolumns
end

function PartialLinear:_lookup()
  return self.network:get(1):get(2)
end

function PartialLinear:parameters()
  local lt = self:_lookup()
  return {lt.weight, self.bias}, {lt.gradWeight, self.gradBias}
end

function PartialLinear:updateOutput(input)
  self.output:set(self.network:forward({input, self.partition}))
  if self.bias then
    self.output:add(self.bias:index(2, self.partition:long()):expandAs(self.output))
    self.addBuffer = self.addBuffer or input.new()
    if self.addBuffer:nElement() ~= input:size(1) then
      self.addBuffer:resize(input:size(1)):fill(1)
    end
  end
  return self.output
end

function PartialLinear:updateGradInput(input, gradOutput)
  if self.gradInput then
    self.network:updateGradInput({input, self.partition}, gradOutput)
    self.gradInput:set(self.network.gradInput[1])
  end
  return self.gradInput
end

function PartialLinear:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  self.network:accGradParameters({input, self.partition}, gradOutput, scale)
  if self.bias then
    self.buffer = self.buffer or input.new()
    self.buffer:resize(gradOutput:size(2)):mv(gradOutput:t(), self.addBuffer):mul(scale)
    self.gradBias:indexAdd(2, self.partition:long(), self.buffer:view(1, -1))
  end
end

function PartialLinear:accUpdateGradParameters(input, gradOutput, lr)
  local lt = self:_lookup()
  local gradWeight, gradBias = lt.gradWeight, self.gradBias
  lt.gradWeight, self.gradBias = lt.weight, self.bias
  self:accGradParameters(input, gradOutput, -lr)
  lt.gradWeight, self.gradBias = gradWeight, gradBias
end

function PartialLinear:zeroGradParameters()
  self.network:zeroGradParameters()
  if self.gradBias then self.gradBias:zero() end
end

function PartialLinear:updateParameters(learningRate)
  self.network:updateParameters(learningRate)
  if self.bias then self.bias:add(-learningRate, self.gradBias) end
end

function PartialLinear:sharedAccUpdateGradParameters(input, gradOutput, lr)
  self:defaultAccUpdateGradParameters(input, gradOutput, lr)
end

function PartialLinear:__tostring__()
  return torch.type(self) .. string.format('(%d -> %d)', self.inputsize, self.outputsize)
    .. (self.bias == nil and ' without bias' or '')
end

return PartialLinear
