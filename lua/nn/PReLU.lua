-- nn.PReLU([nOutputPlane=0]): y = x > 0 ? x : a * x with a learnt slope, one per plane
-- (dimension 2 of a batch, 1 of a vector), or a single shared one when nOutputPlane is 0
require 'nn.Module'
local PReLU, parent = torch.class('nn.PReLU', 'nn.Module')
local K = nn._K

function PReLU:__init(nOutputPlane)
  parent.__init(self)
  self.nOutputPlane = nOutputPlane or 0
  self.weight = torch.Tensor(nOutputPlane or 1):fill(0.25)
  self.gradWeight = torch.Tensor(nOutputPlane or 1)
end

function PReLU:updateOutput(input)
  K.PReLU_updateOutput(input, self.output, self.weight, self.nOutputPlane)
  return self.output
end

function PReLU:updateGradInput(input, gradOutput)
  K.PReLU_updateGradInput(input, gradOutput, self.gradInput, self.weight, self.nOutputPlane)
  return self.gradInput
end

function PReLU:accGradParameters(input, gradOutput, scale)
  K.PReLU_accGradParameters(input, gradOutput, self.gradWeight, self.nOutputPlane, scale or 1)
  return self.gradWeight
end

function PReLU:clearState()
  nn.utils.clear(self, 'gradWeightBuf', 'gradWeightBuf2')
  return parent.clearState(self)
end

return PReLU
