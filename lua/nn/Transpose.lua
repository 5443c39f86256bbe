-- nn.Transpose({d1, d2}, {d3, d4}, ...): a contiguous copy of the input with the given pairs of
-- dimensions swapped in turn (offset by the batch dimensions after setNumInputDims)
require 'nn.Module'
local Transpose, parent = torch.class('nn.Transpose', 'nn.Module')
local K = nn._K

function Transpose:__init(...)
  parent.__init(self)
  self.permutations = {...}
  self.numInputDims = nil
end

function Transpose:setNumInputDims(numInputDims)
  self.numInputDims = numInputDims
  return self
end

function Transpose:_offset(input)
  return self.numInputDims and input:nDimension() - self.numInputDims or 0
end

function Transpose:updateOutput(input)
  K.Transpose_updateOutput(input, self.output, self.permutations, self:_offset(input))
  return self.output
end

function Transpose:updateGradInput(input, gradOutput)
  K.Transpose_updateGradInput(input, gradOutput, self.gradInput, self.permutations,
    self:_offset(input))
  return self.gradInput
end

return Transpose
