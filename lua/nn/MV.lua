-- nn.MV([trans=false]): the product of a matrix and a vector, {M, v} -> M v (M 2D, v 1D), or of
-- a batch of them (M 3D, v 2D); with trans, M is transposed first
require 'nn.Module'
local MV, parent = torch.class('nn.MV', 'nn.Module')
local K = nn._K

function MV:__init(trans)
  parent.__init(self)
  self.trans = trans or false
  assert(type(self.trans) == 'boolean',
    'argument must be a boolean, matrix transpose before multiplication')
  self.gradInput = {torch.Tensor(), torch.Tensor()}
end

function MV:updateOutput(input)
  assert(#input == 2, 'input must be a pair of minibatch matrices')
  K.MV_updateOutput(input[1], input[2], self.output, self.trans)
  return self.output
end

function MV:updateGradInput(input, gradOutput)
  assert(#input == 2, 'input must be a pair of tensors')
  local gi = self.gradInput
  gi[1] = gi[1] or input[1].new()
  gi[2] = gi[2] or input[2].new()
  K.MV_updateGradInput(input[1], input[2], gradOutput, gi[1], gi[2], self.trans)
  return gi
end

return MV
