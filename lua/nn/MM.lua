-- nn.MM([transA=false, transB=false]): the product of a pair {A, B} of matrices, or of two
-- batches of matrices (3D), each optionally transposed first
require 'nn.Module'
local MM, parent = torch.class('nn.MM', 'nn.Module')
local K = nn._K

function MM:__init(transA, transB)
  parent.__init(self)
  self.transA = transA or false
  self.transB = transB or false
  self.gradInput = {torch.Tensor(), torch.Tensor()}
end

function MM:updateOutput(input)
  assert(#input == 2, 'input must be a pair of minibatch matrices')
  K.MM_updateOutput(input[1], input[2], self.output, self.transA and true or false,
    self.transB and true or false)
  return self.output
end

function MM:updateGradInput(input, gradOutput)
  self.gradInput[1] = self.gradInput[1] or input[1].new()
  self.gradInput[2] = self.gradInput[2] or input[2].new()
  assert(#input == 2, 'input must be a pair of tensors')
  K.MM_updateGradInput(input[1], input[2], gradOutput, self.gradInput[1], self.gradInput[2],
    self.transA and true or false, self.transB and true or false)
  return self.gradInput
end

return MM
