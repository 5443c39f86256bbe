-- autograd.util: helpers for writing differentiable functions, and table utilities.
local runtime = require 'autograd.runtime'
local apply, RAW, isnode, PID = runtime.apply, runtime.raw, runtime.isnode, runtime.PID

local util = {}

local function value(v)
  if isnode(v) then return RAW(v) end
  return v
end
util.value = value

-- primitives with gradients (luatorch/lib/autograd/prims.py, table 'util')
for _, name in ipairs({'fill', 'selectSliceCopy', 'narrowSliceCopy', 'indexAdd', 'cat'}) do
  local id = PID.util[name][1]
  util[name] = function(...) return apply(id, ...) end
end

-- casts every tensor of a (nested) table: 'float', 'double', 'cuda' or a tensor type name
function util.cast(params, typeName)
  if typeName == 'float' then typeName = 'torch.FloatTensor'
  elseif typeName == 'double' then typeName = 'torch.DoubleTensor'
  elseif typeName == 'cuda' then typeName = 'torch.CudaTensor' end
  if torch.isTensor(params) then return params:type(typeName) end
  local out = {}
  for k, v in pairs(params) do
    if torch.isTensor(v) then out[k] = v:type(typeName)
    elseif type(v) == 'table' then out[k] = util.cast(v, typeName)
    else out[k] = v end
  end
  return out
end

-- comparisons of numbers that may be nodes (Lua compares a userdata with a number as unequal
-- types, never calling a metamethod)
function util.lt(a, b) return value(a) < value(b) end
function util.le(a, b) return value(a) <= value(b) end
function util.gt(a, b) return value(a) > value(b) end
function util.ge(a, b) return value(a) >= value(b) end
function util.eq(a, b) return value(a) == value(b) end

-- 1-of-n encoding of a 1D tensor of class indices (1-based)
function util.oneHot(labels, n)
  n = n or labels:max()
  local out = labels.new(labels:size(1), n):zero()
  for i = 1, labels:size(1) do out[i][labels[i]] = 1 end
  return out
end

function util.logSumExp(array)
  local m = torch.max(array)
  return torch.log(torch.sum(torch.exp(array - m))) + m
end

function util.logSoftMax(array)
  return array - util.logSumExp(array)
end

function util.sigmoid(array)
  return torch.sigmoid(array)
end

function util.sigmoidInPlace(output, input)
  output:resizeAs(input):copy(input)
  output:mul(-1):exp():add(1):pow(-1)
  return output
end

-- rows of `tble` picked by the indices of `indexes` (any shape): an embedding lookup
function util.lookup(tble, indexes)
  local sizes = torch.size(indexes):totable()
  local rows = torch.index(tble, 1, torch.long(torch.view(indexes, -1)))
  sizes[#sizes + 1] = torch.size(rows, 2)
  return torch.view(rows, unpack(sizes))
end

function util.dropout(state, dropout)
  dropout = dropout or 0
  local keep = 1 - dropout
  local mask = torch.bernoulli(util.newTensorLike(state), keep)
  return torch.cmul(state, torch.mul(mask, 1 / keep))
end

-- v where a == b, 0 elsewhere (the gradient of max/min)
function util.setNotEqual(a, b, c, v)
  local mask = torch.eq(a, b)
  return torch.cmul(v, torch.typeAs(mask, v))
end

function util.setNotEqualInPlace(o, a, b, c, v)
  local mask = torch.ne(value(a), value(b))
  local copy = o:copy(value(v))
  copy[mask] = 0
  return copy
end

function util.newTensorLike(a)
  return a.new(torch.size(a))
end

function util.zerosLike(a, b)
  b = b or a
  return a.new(torch.size(b)):fill(0)
end

function util.fillSameSizeAs(a, b)
  return util.fill(a, b)
end

function util.typeAsIfNeeded(A, B)
  if torch.type(A) ~= torch.type(B) then return torch.typeAs(A, B) end
  return A
end

function util.defaultBool(b, db)
  if b == nil then return db end
  return b
end

-- gradient pieces of torch.cat: the slices of g for each tensor of x (concatenated along dim,
-- default their last), and for a table of numbers the elements of g
function util.catTableGradient(g, x, dim)
  dim = dim or torch.nDimension(x[1])
  local out, at = {}, 1
  for i = 1, #x do
    local n = torch.size(x[i], dim)
    out[i] = torch.narrow(g, dim, at, n)
    at = at + n
  end
  return out
end

function util.catNumberGradient(g, x, dim)
  local out = {}
  for i = 1, #x do out[i] = torch.select(g, 1, i) end
  return out
end

-- the forms writing into a given tensor `o` (torch-autograd's generated code reuses tensors)
function util.newTensorLikeInPlace(o, a) return o end
function util.fillSameSizeAsInPlace(o, a, b) return o:fill(value(b)) end
function util.zerosLikeInPlace(o, a, b) return o:zero() end
function util.fillInPlace(o, a, b) return o:fill(value(b)) end
function util.cloneInPlace(o, a) return o:copy(value(a)) end
function util.newInPlace(o, s) return o end
function util.typeAsInPlace(o, a, b) return o:copy(value(a)) end

function util.selectSliceCopyInPlace(o, g, x, dim, index)
  o:zero():select(dim, index):copy(value(g))
  return o
end

function util.narrowSliceCopyInPlace(o, g, x, dim, index, size)
  o:zero():narrow(dim, index, size):copy(value(g))
  return o
end

function util.indexAddInPlace(o, g, x, dim, index)
  o:zero()
  g = value(g)
  for i = 1, torch.size(index, 1) do
    o:narrow(dim, index[i], 1):add(g:narrow(dim, i, 1))
  end
  return o
end

local function sortedKeys(tbl)
  local keys = {}
  for k in pairs(tbl) do keys[#keys + 1] = k end
  local ok = pcall(table.sort, keys)
  if not ok then
    table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  end
  return keys
end

-- the leaves of a nested table, in sorted key order
function util.sortedFlatten(tbl, flat, noRecurse)
  flat = flat or {}
  if type(tbl) ~= 'table' then
    flat[#flat + 1] = tbl
    return flat
  end
  for _, k in ipairs(sortedKeys(tbl)) do
    local v = tbl[k]
    if type(v) == 'table' and not noRecurse then util.sortedFlatten(v, flat)
    else flat[#flat + 1] = v end
  end
  return flat
end

-- same, with the key path of each leaf
function util.sortedFlattenKeys(tbl, flat, flatKeys, parentKey, noRecurse)
  flat = flat or {}
  flatKeys = flatKeys or {}
  parentKey = parentKey or {}
  if type(tbl) ~= 'table' then
    flat[#flat + 1] = tbl
    flatKeys[#flatKeys + 1] = util.shallowCopy(parentKey)
    return flat, flatKeys
  end
  for _, k in ipairs(sortedKeys(tbl)) do
    local v = tbl[k]
    parentKey[#parentKey + 1] = k
    if type(v) == 'table' and not noRecurse then
      util.sortedFlattenKeys(v, flat, flatKeys, parentKey)
    else
      flat[#flat + 1] = v
      flatKeys[#flatKeys + 1] = util.shallowCopy(parentKey)
    end
    parentKey[#parentKey] = nil
  end
  return flat, flatKeys
end

function util.nestedGet(tbl, key, start)
  key = key or {}
  start = start or 1
  for i = start, #key do tbl = tbl[key[i]] end
  return tbl
end

function util.nestedSet(tbl, key, val, start)
  start = start or 1
  for i = start, #key - 1 do tbl = tbl[key[i]] end
  tbl[key[#key]] = val
end

function util.shallowCopy(tbl)
  if type(tbl) ~= 'table' then return tbl end
  local c = {}
  for k, v in pairs(tbl) do c[k] = v end
  return c
end

function util.deepCopy(tbl)
  if type(tbl) ~= 'table' then return tbl end
  local c = {}
  for k, v in pairs(tbl) do c[k] = type(v) == 'table' and util.deepCopy(v) or v end
  return c
end

return util
