-- nn.SelectTable(index): the index-th element of the input table (negative: from the end; a
-- non-number index selects that key). gradInput has the input's layout, zero except at index.
require 'nn.Module'
local SelectTable, parent = torch.class('nn.SelectTable', 'nn.Module')

function SelectTable:__init(index)
  parent.__init(self)
  self.index = index
  self.gradInput = {}
end

local function resolve(index, input)
  if type(index) == 'number' and index < 0 then return #input + index + 1 end
  return index
end

function SelectTable:updateOutput(input)
  local index = resolve(self.index, input)
  assert(input[index], 'index does not exist in the input table')
  self.output = input[index]
  return self.output
end

-- t1 becomes a zero-filled copy of the (nested) layout of t2
local function zeroTableCopy(t1, t2)
  for k, v in pairs(t2) do
    if torch.type(v) == 'table' then
      t1[k] = zeroTableCopy(t1[k] or {}, v)
    elseif torch.isTensor(v) then
      if t1[k] then
        t1[k]:resizeAs(v):zero()
      else
        t1[k] = v:clone():zero()
      end
    else
      t1[k] = nil
    end
  end
  for k in pairs(t1) do
    if not t2[k] then t1[k] = nil end
  end
  return t1
end

function SelectTable:updateGradInput(input, gradOutput)
  zeroTableCopy(self.gradInput, input)
  local index = resolve(self.index, input)
  assert(self.gradInput[index])
  nn.utils.recursiveCopy(self.gradInput[index], gradOutput)
  return self.gradInput
end

function SelectTable:type(type, tensorCache)
  self.gradInput = {}
  self.output = {}
  return parent.type(self, type, tensorCache)
end

function SelectTable:__tostring__()
  return torch.type(self) .. '(' .. self.index .. ')'
end

-- output and gradInput are references to the caller's tensors: replace, don't empty them
function SelectTable:clearState()
  for _, f in ipairs({'output', 'gradInput'}) do
    local v = self[f]
    if v then
      if torch.isTensor(v) then self[f] = v.new()
      elseif torch.type(v) == 'table' then self[f] = {}
      else self[f] = nil end
    end
  end
  return self
end

return SelectTable
