-- nn.Concat(dimension): every child gets the same input; their outputs are joined along
-- `dimension`; gradInput is the sum of the children's gradInputs.
require 'nn.Container'
local Concat, parent = torch.class('nn.Concat', 'nn.Container')

function Concat:__init(dimension)
  parent.__init(self)
  self.outputSize = torch.LongStorage()
  self.dimension = dimension
end

function Concat:updateOutput(input)
  local outs = {}
  for i = 1, #self.modules do
    outs[i] = self:rethrowErrors(self.modules[i], i, 'updateOutput', input)
  end
  nn._K.JoinTable_updateOutput(outs, self.output, self.dimension)
  return self.output
end

-- t1 takes t2's nested layout; f(t1, k, v) handles each tensor v of t2
local function retable(t1, t2, f)
  for k, v in ipairs(t2) do
    if torch.type(v) == 'table' then
      t1[k] = retable(t1[k] or {}, v, f)
    else
      f(t1, k, v)
    end
  end
  for i = #t2 + 1, #t1 do t1[i] = nil end
  return t1
end

local function setTo(t, k, v)
  t[k] = t[k] or v:clone()
  t[k]:resizeAs(v):copy(v)
end

local function addTo(t, k, v)
  if t[k] then t[k]:add(v) else t[k] = v:clone() end
end

-- the gradient w.r.t. the input: sum over children of child[method](input, its slice of gradOutput)
local function backward(self, method, input, gradOutput, scale)
  local d = self.dimension
  local wasTable = torch.type(self.gradInput) == 'table'
  scale = scale or 1
  local offset = 1
  if torch.type(input) == 'table' then
    for i, m in ipairs(self.modules) do
      local sz = m.output:size(d)
      local gi = self:rethrowErrors(m, i, method, input, gradOutput:narrow(d, offset, sz), scale)
      if torch.type(gi) ~= 'table' then error('currentGradInput is not a table!') end
      if #input ~= #gi then error('table size mismatch: ' .. #input .. ' ~= ' .. #gi) end
      if i == 1 then
        self.gradInput = wasTable and self.gradInput or {}
        retable(self.gradInput, gi, setTo)
      else
        retable(self.gradInput, gi, addTo)
      end
      offset = offset + sz
    end
  else
    self.gradInput = (not wasTable) and self.gradInput:resizeAs(input) or input:clone()
    for i, m in ipairs(self.modules) do
      local sz = m.output:size(d)
      local gi = self:rethrowErrors(m, i, method, input, gradOutput:narrow(d, offset, sz), scale)
      if gi then -- a child without gradInput (e.g. a first layer) is skipped
        if i == 1 then self.gradInput:copy(gi) else self.gradInput:add(gi) end
      end
      offset = offset + sz
    end
  end
  return self.gradInput
end

function Concat:updateGradInput(input, gradOutput)
  return backward(self, 'updateGradInput', input, gradOutput)
end

function Concat:backward(input, gradOutput, scale)
  return backward(self, 'backward', input, gradOutput, scale)
end

local function eachChild(self, method, input, gradOutput, arg)
  local d = self.dimension
  local offset = 1
  for i, m in ipairs(self.modules) do
    local sz = m.output:size(d)
    self:rethrowErrors(m, i, method, input, gradOutput:narrow(d, offset, sz), arg)
    offset = offset + sz
  end
end

function Concat:accGradParameters(input, gradOutput, scale)
  eachChild(self, 'accGradParameters', input, gradOutput, scale or 1)
end

function Concat:accUpdateGradParameters(input, gradOutput, lr)
  eachChild(self, 'accUpdateGradParameters', input, gradOutput, lr)
end

Concat.__tostring__ = nn.Container._branchesToString

return Concat
