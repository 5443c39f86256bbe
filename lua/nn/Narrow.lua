-- nn.Narrow(dimension, offset [, length=1]): a copy of input:narrow(dimension, offset, length);
-- a negative dimension counts from the last, a negative length from the end, a negative offset
-- narrows to the first size-length elements
require 'nn.Module'
local Narrow, parent = torch.class('nn.Narrow', 'nn.Module')
local K = nn._K

function Narrow:__init(dimension, offset, length)
  parent.__init(self)
  self.dimension = dimension
  self.index = offset
  self.length = length or 1
  if not dimension or not offset then error('nn.Narrow(dimension, offset, length)') end
end

function Narrow:_span(input)
  local dim = self.dimension < 0 and input:dim() + self.dimension + 1 or self.dimension
  local length = self.length
  if length < 0 then length = input:size(dim) - self.index + self.length + 2 end
  local index = self.index
  if index < 0 then
    index = 1
    length = input:size(dim) - length
  end
  return dim, index, length
end

function Narrow:updateOutput(input)
  if torch.type(self.output) ~= torch.type(input) then self.output = self.output:typeAs(input) end
  K.Narrow_updateOutput(input, self.output, self:_span(input))
  return self.output
end

function Narrow:updateGradInput(input, gradOutput)
  if torch.type(self.gradInput) ~= torch.type(input) then
    self.gradInput = self.gradInput:typeAs(input)
  end
  local dim, index, length = self:_span(input)
  K.Narrow_updateGradInput(input, gradOutput, self.gradInput, dim, index, length)
  return self.gradInput
end

return Narrow
