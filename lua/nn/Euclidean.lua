-- nn.Euclidean(inputSize, outputSize): y_j = || x - w_j || for the columns w_j of weight
-- (inputSize x outputSize); vector or batch input
require 'nn.Module'
local Euclidean, parent = torch.class('nn.Euclidean', 'nn.Module')
local K = nn._K

function Euclidean:__init(inputSize, outputSize)
  parent.__init(self)
  self.weight = torch.Tensor(inputSize, outputSize)
  self.gradWeight = torch.Tensor(inputSize, outputSize)
  self.gradInput:resize(inputSize)
  self.output:resize(outputSize)
  self.fastBackward = true
  self:reset()
end

function Euclidean:reset(stdv)
  if stdv then
    stdv = stdv * math.sqrt(3)
  else
    stdv = 1 / math.sqrt(self.weight:size(1))
  end
  if nn.oldSeed then
    for i = 1, self.weight:size(2) do
      self.weight:select(2, i):apply(function() return torch.uniform(-stdv, stdv) end)
    end
  else
    self.weight:uniform(-stdv, stdv)
  end
end

function Euclidean:updateOutput(input)
  K.Euclidean_updateOutput(input, self.output, self.weight)
  return self.output
end

function Euclidean:updateGradInput(input, gradOutput)
  if not self.gradInput then return end
  if not self.fastBackward then self:updateOutput(input) end
  K.Euclidean_updateGradInput(input, gradOutput, self.gradInput, self.weight, self.output)
  return self.gradInput
end

function Euclidean:accGradParameters(input, gradOutput, scale)
  K.Euclidean_accGradParameters(input, gradOutput, self.gradWeight, self.weight, self.output,
    scale or 1)
end

function Euclidean:type(type, tensorCache)
  if type then self:clearState() end
  return parent.type(self, type, tensorCache)
end

function Euclidean:clearState()
  nn.utils.clear(self, {'_input', '_output', '_gradOutput', '_weight', '_div', '_sum', '_expand',
    '_expand2', '_expand3', '_repeat', '_repeat2'})
  return parent.clearState(self)
end

return Euclidean
