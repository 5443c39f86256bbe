-- nn.Cosine(inputSize, outputSize): y_j = (w_j . x) / (||w_j|| ||x||) for the rows w_j of weight
-- (outputSize x inputSize); vector or batch input
require 'nn.Module'
local Cosine, parent = torch.class('nn.Cosine', 'nn.Module')
local K = nn._K

function Cosine:__init(inputSize, outputSize)
  parent.__init(self)
  self.weight = torch.Tensor(outputSize, inputSize)
  self.gradWeight = torch.Tensor(outputSize, inputSize)
  self:reset()
end

function Cosine:reset(stdv)
  if stdv then
    stdv = stdv * math.sqrt(3)
  else
    stdv = 1 / math.sqrt(self.weight:size(1))
  end
  self.weight:uniform(-stdv, stdv)
end

function Cosine:updateOutput(input)
  self._weightNorm = self._weightNorm or self.weight.new()
  self._inputNorm = self._inputNorm or self.weight.new()
  K.Cosine_updateOutput(input, self.output, self.weight, self._weightNorm, self._inputNorm)
  return self.output
end

function Cosine:updateGradInput(input, gradOutput)
  if not self.gradInput then return end
  K.Cosine_updateGradInput(input, gradOutput, self.gradInput, self.weight, self.output,
    self._weightNorm, self._inputNorm)
  return self.gradInput
end

function Cosine:accGradParameters(input, gradOutput, scale)
  K.Cosine_accGradParameters(input, gradOutput, self.gradWeight, self.weight, self.output,
    self._weightNorm, self._inputNorm, scale or 1)
end

function Cosine:type(type, tensorCache)
  if type then
    self._input, self._weight, self._inputNorm, self._weightNorm = nil, nil, nil, nil
    self._gradOutput, self._sum = nil, nil
  end
  return parent.type(self, type, tensorCache)
end

function Cosine:clearState()
  nn.utils.clear(self, {'_input', '_weight', '_gradOutput', '_sum', '_inputNorm', '_weightNorm'})
  return parent.clearState(self)
end

return Cosine
