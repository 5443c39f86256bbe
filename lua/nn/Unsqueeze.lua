-- nn.Unsqueeze(pos [, numInputDims]): a view of the input with a singleton dimension inserted at
-- pos (shifted by the batch dimensions when numInputDims is given)
require 'nn.Module'
local Unsqueeze, parent = torch.class('nn.Unsqueeze', 'nn.Module')
local K = nn._K

local function assertTensor(t)
  assert(torch.isTensor(t), 'This module only works on tensor')
end

function Unsqueeze:__init(pos, numInputDims)
  parent.__init(self)
  self.pos = pos or error('the position to insert singleton dim not specified')
  self:setNumInputDims(numInputDims)
end

function Unsqueeze:setNumInputDims(numInputDims)
  self.numInputDims = numInputDims
  return self
end

function Unsqueeze:_getActualPosition(input)
  local inputDim = input:dim()
  self.numInputDims = self.numInputDims or inputDim
  local offsetDim = inputDim - self.numInputDims
  assert(offsetDim >= 0, 'input feature map dim (numInputDims) must be <= input:dim()')
  local actualPos = self.pos + offsetDim
  assert(actualPos >= 1 and actualPos <= inputDim + 1,
    ('Invalid position: %d. input:dim() is %d, input feature map dim (numInputDims) is %d.')
      :format(self.pos, inputDim, self.numInputDims))
  return actualPos
end

function Unsqueeze:updateOutput(input)
  assertTensor(input)
  K.Unsqueeze_updateOutput(input, self.output, self:_getActualPosition(input))
  return self.output
end

function Unsqueeze:updateGradInput(input, gradOutput)
  assertTensor(input)
  assertTensor(gradOutput)
  assert(input:nElement() == gradOutput:nElement())
  K.View_updateGradInput(input, gradOutput, self.gradInput)
  return self.gradInput
end

function Unsqueeze:__tostring__()
  return torch.type(self) .. '(dim ' .. self.pos .. ')'
end

return Unsqueeze
