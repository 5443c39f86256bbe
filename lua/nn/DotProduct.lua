-- nn.DotProduct: the dot product of input[1] and input[2] (vectors, or row by row of matrices).
require 'nn.Module'
local DotProduct, parent = torch.class('nn.DotProduct', 'nn.Module')

function DotProduct:__init()
  parent.__init(self)
  self.gradInput = {torch.Tensor(), torch.Tensor()}
end

function DotProduct:updateOutput(input)
  local a, b = input[1], input[2]
  if a:dim() == 1 then
    a = a:view(1, -1)
    b = b:view(1, -1)
  end
  self.buffer = self.buffer or a.new()
  self.buffer:cmul(a, b)
  self.output:sum(self.buffer, 2)
  self.output:resize(a:size(1))
  return self.output
end

function DotProduct:updateGradInput(input, gradOutput)
  local a, b = input[1], input[2]
  local gi = self.gradInput
  if #gi ~= 2 then
    gi[1] = gi[1] or a.new()
    gi[2] = gi[2] or b.new()
  end
  local single = a:dim() == 1
  if single then
    a = a:view(1, -1)
    b = b:view(1, -1)
  end
  local ga, gb = gi[1], gi[2]
  ga:resizeAs(a):copy(b)
  gb:resizeAs(b):copy(a)
  local go = gradOutput:view(-1, 1):expandAs(a)
  ga:cmul(go)
  gb:cmul(go)
  if single then
    gi[1]:set(ga:select(1, 1))
    gi[2]:set(gb:select(1, 1))
  end
  return gi
end

function DotProduct:clearState()
  if self.buffer then self.buffer:set() end
  return parent.clearState(self)
end

return DotProduct
