-- nn.CosineDistance: the cosine similarity of input[1] and input[2] (vectors, or row by row of
-- matrices).
require 'nn.Module'
local CosineDistance, parent = torch.class('nn.CosineDistance', 'nn.Module')

function CosineDistance:__init()
  parent.__init(self)
  self.gradInput = {torch.Tensor(), torch.Tensor()}
end

local function contiguous(self, a, b)
  if not a:isContiguous() then
    self._input1 = self._input1 or a.new()
    self._input1:resizeAs(a):copy(a)
    a = self._input1
  end
  if not b:isContiguous() then
    self._input2 = self._input2 or b.new()
    self._input2:resizeAs(b):copy(b)
    b = self._input2
  end
  return a, b
end

local EPS = 1e-12

-- w1 = <a,b>, w22 = 1/(|a|^2+eps), w32 = 1/(|b|^2+eps), w = sqrt(w22*w32); output = w1*w
function CosineDistance:updateOutput(input)
  local a, b = contiguous(self, input[1], input[2])
  if a:dim() == 1 then
    a = a:view(1, -1)
    b = b:view(1, -1)
  end
  if not self.buffer then
    self.buffer = a.new()
    self.w1 = a.new()
    self.w22 = a.new()
    self.w = a.new()
    self.w32 = a.new()
    self.ones = a.new()
  end
  self.buffer:cmul(a, b)
  self.w1:sum(self.buffer, 2)
  self.buffer:cmul(a, a)
  self.w22:sum(self.buffer, 2):add(EPS)
  self.ones:resizeAs(self.w22):fill(1)
  self.w22:cdiv(self.ones, self.w22)
  self.w:resizeAs(self.w22):copy(self.w22)
  self.buffer:cmul(b, b)
  self.w32:sum(self.buffer, 2):add(EPS)
  self.w32:cdiv(self.ones, self.w32)
  self.w:cmul(self.w32):sqrt()
  self.output:cmul(self.w1, self.w)
  self.output:resize(a:size(1))
  return self.output
end

-- d/da = (b - w1*w22*a) * w ; d/db = (a - w1*w32*b) * w ; times gradOutput
function CosineDistance:updateGradInput(input, gradOutput)
  local a, b = contiguous(self, input[1], input[2])
  local single = a:dim() == 1
  if single then
    a = a:view(1, -1)
    b = b:view(1, -1)
  end
  local gi = self.gradInput
  if #gi ~= 2 then
    gi[1] = gi[1] or a.new()
    gi[2] = gi[2] or a.new()
  end
  local ga, gb = gi[1], gi[2]
  ga:resizeAs(a):copy(b)
  gb:resizeAs(a):copy(a)
  self.buffer:cmul(self.w1, self.w22)
  ga:addcmul(-1, self.buffer:expandAs(a), a)
  ga:cmul(self.w:expandAs(a))
  self.buffer:cmul(self.w1, self.w32)
  gb:addcmul(-1, self.buffer:expandAs(a), b)
  gb:cmul(self.w:expandAs(a))
  local go = gradOutput:view(-1, 1):expandAs(a)
  ga:cmul(go)
  gb:cmul(go)
  if single then
    ga:resize(ga:size(2))
    gb:resize(gb:size(2))
  end
  return gi
end

function CosineDistance:clearState()
  nn.utils.clear(self, {'buffer', 'w1', 'w22', 'w', 'w32', 'ones'})
  return parent.clearState(self)
end

return CosineDistance
