-- nn.SplitTable(dimension [, nInputDims]): a tensor -> the table of its slices along dimension
-- (negative dimensions count from the end; with nInputDims, a batch dimension shifts it by one).
require 'nn.Module'
local SplitTable, parent = torch.class('nn.SplitTable', 'nn.Module')

function SplitTable:__init(dimension, nInputDims)
  parent.__init(self)
  self.dimension = dimension
  self.nInputDims = nInputDims
end

function SplitTable:_getPositiveDimension(input)
  local d = self.dimension
  if d < 0 then
    d = input:dim() + d + 1
  elseif self.nInputDims and input:dim() == self.nInputDims + 1 then
    d = d + 1
  end
  return d
end

function SplitTable:updateOutput(input)
  local d = self:_getPositiveDimension(input)
  local out = {}
  for i = 1, input:size(d) do out[i] = input:select(d, i) end
  self.output = out
  return out
end

function SplitTable:updateGradInput(input, gradOutput)
  if self.gradInput then
    local d = self:_getPositiveDimension(input)
    self.gradInput:resizeAs(input)
    for i = 1, input:size(d) do self.gradInput:select(d, i):copy(gradOutput[i]) end
  end
  return self.gradInput
end

return SplitTable
