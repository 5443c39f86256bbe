-- nn.PairwiseDistance([p=2]): the p-norm distance between input[1] and input[2] (vectors, or
-- the rows of two matrices).
require 'nn.Module'
local PairwiseDistance, parent = torch.class('nn.PairwiseDistance', 'nn.Module')

function PairwiseDistance:__init(p)
  parent.__init(self)
  self.gradInput = {}
  self.diff = torch.Tensor()
  self.norm = p or 2
end

function PairwiseDistance:updateOutput(input)
  local a, b = input[1], input[2]
  self.output:resize(1)
  if a:dim() == 1 then
    self.output[1] = a:dist(b, self.norm)
  elseif a:dim() == 2 then
    self.diff = self.diff or a.new()
    local diff = self.diff:resizeAs(a)
    diff:add(a, -1, b):abs()
    self.output:resize(a:size(1)):zero()
    self.output:add(diff:pow(self.norm):sum(2))
    self.output:pow(1 / self.norm)
  else
    error('input must be vector or matrix')
  end
  return self.output
end

-- sign of x, and a random +-1 (torch.random) for x == 0
local function sign(x)
  if x == 0 then return 2 * torch.random(2) - 3 end
  return x > 0 and 1 or -1
end

function PairwiseDistance:updateGradInput(input, gradOutput)
  local a, b = input[1], input[2]
  if a:dim() > 2 then error('input must be vector or matrix') end
  local gi = self.gradInput
  gi[1] = (gi[1] or a.new()):resize(a:size())
  gi[2] = (gi[2] or b.new()):resize(b:size())
  local g = gi[1]
  g:copy(a):add(-1, b)
  local p = self.norm
  if p == 1 then
    g:apply(sign)
  else
    -- d||x||_p / dx_k = x_k |x_k|^(p-2) / ||x||_p^(p-1)
    if p > 2 then g:cmul(g:clone():abs():pow(p - 2)) end
    if a:dim() > 1 then
      self.outExpand = self.outExpand or self.output.new()
      self.outExpand:resize(self.output:size(1), 1):copy(self.output):add(1.0e-6):pow(-(p - 1))
      g:cmul(self.outExpand:expand(g:size(1), g:size(2)))
    else
      g:mul(math.pow(self.output[1] + 1e-6, -(p - 1)))
    end
  end
  if a:dim() == 1 then
    g:mul(gradOutput[1])
  else
    self.grad = self.grad or gradOutput.new()
    self.ones = self.ones or gradOutput.new()
    self.grad:resizeAs(a):zero()
    self.ones:resize(a:size(2)):fill(1)
    self.grad:addr(gradOutput, self.ones)
    g:cmul(self.grad)
  end
  gi[2]:zero():add(-1, g)
  return gi
end

function PairwiseDistance:clearState()
  nn.utils.clear(self, 'diff', 'outExpand', 'grad', 'ones')
  return parent.clearState(self)
end

return PairwiseDistance
