-- nn.CReLU(nInputDims [, inplace=false]): concatenated ReLU, x -> [relu(x), relu(-x)] along the
-- feature dimension (the first non-batch one), doubling it. Built as
-- Sequential(ConcatTable(Identity, MulConstant(-1)), JoinTable(2), ReLU) on a flattened view.
require 'nn.Sequential'
local CReLU, parent = torch.class('nn.CReLU', 'nn.Sequential')

function CReLU:__init(nInputDims, inplace)
  parent.__init(self)
  self.nInputDims = nInputDims
  self.inplace = inplace or false
  local branches = nn.ConcatTable()
  branches:add(nn.Identity())
  branches:add(nn.MulConstant(-1))
  self:add(branches)
  self:add(nn.JoinTable(2))
  self:add(nn.ReLU(self.inplace))
end

-- input seen as (batch, features): the batch is 1 unless input has nInputDims + 1 dimensions
function CReLU:_flat(t, input)
  if input:dim() == self.nInputDims + 1 then return t:view(input:size(1), -1) end
  return t:view(1, -1)
end

function CReLU:updateOutput(input)
  parent.updateOutput(self, self:_flat(input, input))
  local size = input:size()
  local d = input:dim() == self.nInputDims + 1 and 2 or 1
  size[d] = size[d] * 2
  self.output:resize(size)
  return self.output
end

function CReLU:updateGradInput(input, gradOutput)
  parent.updateGradInput(self, self:_flat(input, input), self:_flat(gradOutput, input))
  self.gradInput:resizeAs(input)
  return self.gradInput
end

-- no parameters: backward is updateGradInput
function CReLU:backward(input, gradOutput)
  return self:updateGradInput(input, gradOutput)
end

function CReLU:__tostring__()
  return 'CReLU()'
end

return CReLU
