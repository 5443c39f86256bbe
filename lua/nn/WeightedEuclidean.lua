-- nn.WeightedEuclidean(inputSize, outputSize): y_j = || c_j .* (x - w_j) || with templates w_j
-- and diagonal covariances c_j the columns of weight and diagCov (inputSize x outputSize)
require 'nn.Module'
local WeightedEuclidean, parent = torch.class('nn.WeightedEuclidean', 'nn.Module')
local K = nn._K

function WeightedEuclidean:__init(inputSize, outputSize)
  parent.__init(self)
  self.weight = torch.Tensor(inputSize, outputSize)
  self.gradWeight = torch.Tensor(inputSize, outputSize)
  self.diagCov = torch.Tensor(inputSize, outputSize)
  self.gradDiagCov = torch.Tensor(inputSize, outputSize)
  self:reset()
end

function WeightedEuclidean:reset(stdv)
  if stdv then
    stdv = stdv * math.sqrt(3)
  else
    stdv = 1 / math.sqrt(self.weight:size(1))
  end
  self.weight:uniform(-stdv, stdv)
  self.diagCov:fill(1)
end

function WeightedEuclidean:updateOutput(input)
  K.WeightedEuclidean_updateOutput(input, self.output, self.weight, self.diagCov)
  return self.output
end

function WeightedEuclidean:updateGradInput(input, gradOutput)
  if not self.gradInput then return end
  if not self.fastBackward then self:updateOutput(input) end
  K.WeightedEuclidean_updateGradInput(input, gradOutput, self.gradInput, self.weight,
    self.diagCov, self.output)
  return self.gradInput
end

function WeightedEuclidean:accGradParameters(input, gradOutput, scale)
  K.WeightedEuclidean_accGradParameters(input, gradOutput, self.gradWeight, self.gradDiagCov,
    self.weight, self.diagCov, self.output, scale or 1)
end

function WeightedEuclidean:parameters()
  return {self.weight, self.diagCov}, {self.gradWeight, self.gradDiagCov}
end

function WeightedEuclidean:accUpdateGradParameters(input, gradOutput, lr)
  local gradWeight, gradDiagCov = self.gradWeight, self.gradDiagCov
  self.gradWeight, self.gradDiagCov = self.weight, self.diagCov
  self:accGradParameters(input, gradOutput, -lr)
  self.gradWeight, self.gradDiagCov = gradWeight, gradDiagCov
end

function WeightedEuclidean:type(type, tensorCache)
  if type then self:clearState() end
  return parent.type(self, type, tensorCache)
end

function WeightedEuclidean:clearState()
  nn.utils.clear(self, {'_input', '_output', '_gradOutput', '_weight', '_diagCov', '_div', '_sum',
    '_expand', '_expand2', '_expand3', '_expand4', '_repeat', '_repeat2', '_repeat3'})
  return parent.clearState(self)
end

return WeightedEuclidean
