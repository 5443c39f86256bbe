-- nn.Select(dimension, index): a copy of input:select(dimension, index) (negative values count
-- from the end)
require 'nn.Module'
local Select, parent = torch.class('nn.Select', 'nn.Module')
local K = nn._K

function Select:__init(dimension, index)
  parent.__init(self)
  self.dimension = dimension
  self.index = index
end

function Select:_pos(input)
  local dim = self.dimension < 0 and input:dim() + self.dimension + 1 or self.dimension
  local index = self.index < 0 and input:size(dim) + self.index + 1 or self.index
  return dim, index
end

function Select:updateOutput(input)
  local dim, index = self:_pos(input)
  K.Select_updateOutput(input, self.output, dim, index)
  return self.output
end

function Select:updateGradInput(input, gradOutput)
  local dim, index = self:_pos(input)
  K.Select_updateGradInput(input, gradOutput, self.gradInput, dim, index)
  return self.gradInput
end

return Select
