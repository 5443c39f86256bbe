-- nn.JoinTable(dimension [, nInputDims]): a table of tensors -> their concatenation along
-- dimension (negative dimensions count from the end; with nInputDims, a batch dimension shifts
-- it by one).
require 'nn.Module'
local JoinTable, parent = torch.class('nn.JoinTable', 'nn.Module')

function JoinTable:__init(dimension, nInputDims)
  parent.__init(self)
  self.size = torch.LongStorage()
  self.dimension = dimension
  self.gradInput = {}
  self.nInputDims = nInputDims
end

function JoinTable:_getPositiveDimension(input)
  local d = self.dimension
  if d < 0 then
    d = input[1]:dim() + d + 1
  elseif self.nInputDims and input[1]:dim() == self.nInputDims + 1 then
    d = d + 1
  end
  return d
end

function JoinTable:updateOutput(input)
  nn._K.JoinTable_updateOutput(input, self.output, self:_getPositiveDimension(input))
  return self.output
end

function JoinTable:updateGradInput(input, gradOutput)
  local gi = self.gradInput
  for i = 1, #input do gi[i] = gi[i] or input[i].new() end
  for i = #input + 1, #gi do gi[i] = nil end
  nn._K.JoinTable_updateGradInput(input, gradOutput, gi, self:_getPositiveDimension(input))
  return gi
end

function JoinTable:type(type, tensorCache)
  self.gradInput = {}
  return parent.type(self, type, tensorCache)
end

return JoinTable
