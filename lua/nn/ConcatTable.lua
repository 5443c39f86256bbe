-- nn.ConcatTable: every child gets the same input; the output is the table of their outputs;
-- gradInput is the sum of the children's gradInputs (tables of tensors summed element-wise).
require 'nn.Container'
local ConcatTable, parent = torch.class('nn.ConcatTable', 'nn.Container')

function ConcatTable:__init()
  parent.__init(self)
  self.modules = {}
  self.output = {}
end

function ConcatTable:updateOutput(input)
  for i = 1, #self.modules do
    self.output[i] = self:rethrowErrors(self.modules[i], i, 'updateOutput', input)
  end
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
  t[k]:resize(v:size()):copy(v)
end

local function addTo(t, k, v)
  if t[k] then t[k]:add(v) else t[k] = v:clone() end
end

local function backward(self, method, input, gradOutput, scale)
  local wasTable = torch.type(self.gradInput) == 'table'
  if torch.type(input) == 'table' then
    for i, m in ipairs(self.modules) do
      local gi = self:rethrowErrors(m, i, method, input, gradOutput[i], scale)
      if torch.type(gi) ~= 'table' then error('currentGradInput is not a table!') end
      if #input ~= #gi then error('table size mismatch: ' .. #input .. ' ~= ' .. #gi) end
      if i == 1 then
        self.gradInput = wasTable and self.gradInput or {}
        retable(self.gradInput, gi, setTo)
      else
        retable(self.gradInput, gi, addTo)
      end
    end
  else
    self.gradInput = (not wasTable) and self.gradInput or input:clone()
    for i, m in ipairs(self.modules) do
      local gi = self:rethrowErrors(m, i, method, input, gradOutput[i], scale)
      if i == 1 then
        self.gradInput:resize(gi:size()):copy(gi)
      else
        self.gradInput:add(gi)
      end
    end
  end
  return self.gradInput
end

function ConcatTable:updateGradInput(input, gradOutput)
  return backward(self, 'updateGradInput', input, gradOutput)
end

function ConcatTable:backward(input, gradOutput, scale)
  return backward(self, 'backward', input, gradOutput, scale)
end

function ConcatTable:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  for i, m in ipairs(self.modules) do
    self:rethrowErrors(m, i, 'accGradParameters', input, gradOutput[i], scale)
  end
end

function ConcatTable:accUpdateGradParameters(input, gradOutput, lr)
  for i, m in ipairs(self.modules) do
    self:rethrowErrors(m, i, 'accUpdateGradParameters', input, gradOutput[i], lr)
  end
end

ConcatTable.__tostring__ = nn.Container._branchesToString

return ConcatTable
