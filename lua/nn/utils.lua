-- nn.utils: helpers shared by modules (recursive operations on tensors and tables of tensors,
-- type conversion keeping shared storages shared, deep copies for clone).
nn.utils = nn.utils or {}
local utils = nn.utils

local isTensor = torch.isTensor

-- convert param (a tensor, or a table holding tensors) to tensor type `typename`; tensors that
-- share a storage still share one after conversion (cache keyed by tensor and by storage)
function utils.recursiveType(param, typename, cache)
  cache = cache or {}
  if torch.type(param) == 'table' then
    for k, v in pairs(param) do param[k] = utils.recursiveType(v, typename, cache) end
  elseif torch.isTypeOf(param, 'nn.Module') or torch.isTypeOf(param, 'nn.Criterion') then
    param:type(typename, cache)
  elseif isTensor(param) then
    if torch.typename(param) ~= typename then
      if cache[param] then return cache[param] end
      local mt = torch.getmetatable(typename)
      if not mt or not mt.new then
        error('unknown tensor type ' .. tostring(typename)
              .. (tostring(typename):find('Cuda') and ' (CUDA tensors are not available)' or ''), 0)
      end
      local new = mt.new()
      local st = param:storage()
      if st then
        local key = torch.pointer(st)
        local nst = cache[key]
        if not nst then
          nst = new:storage() and new:storage().new(st:size()) or torch[typename:match('torch%.(%w+)Tensor') .. 'Storage'](st:size())
          if st:size() > 0 then nst:copy(st) end
          cache[key] = nst
        end
        new:set(nst, param:storageOffset(), param:size(), param:stride())
      end
      cache[param] = new
      param = new
    end
  end
  return param
end

-- a deep copy of a Lua value: tables (with their metatables, keys and cycles), tensors (with
-- fresh storages; views of one storage stay views of one copy), storages. Functions and other
-- userdata are kept as they are. `shared` (optional, a set of field names): those fields of every
-- nn.Module met are not copied but become empty tensors of their type (clone's shared fields).
function utils.deepcopy(x, shared)
  local seen, storages = {}, {}
  local function copyStorage(st)
    local key = torch.pointer(st)
    local c = storages[key]
    if not c then
      c = st.new(st:size())
      if st:size() > 0 then c:copy(st) end
      storages[key] = c
    end
    return c
  end
  local copy
  local function copyModule(v, r)
    for k, val in pairs(v) do
      if shared[k] then
        assert(isTensor(val), 'Shared parameters have to be Tensors')
        r[k] = val.new()
      else
        r[copy(k)] = copy(val)
      end
    end
  end
  copy = function(v)
    local t = type(v)
    if t == 'table' then
      if seen[v] then return seen[v] end
      local r = {}
      seen[v] = r
      if shared and torch.isTypeOf(v, 'nn.Module') then
        copyModule(v, r)
      else
        for k, val in pairs(v) do r[copy(k)] = copy(val) end
      end
      local mt = getmetatable(v)
      if mt then setmetatable(r, mt) end
      return r
    elseif t == 'userdata' then
      if seen[v] then return seen[v] end
      local r
      if isTensor(v) then
        r = v.new()
        local st = v:storage()
        if st then r:set(copyStorage(st), v:storageOffset(), v:size(), v:stride()) end
      elseif torch.isStorage(v) then
        r = copyStorage(v)
      else
        r = v
      end
      seen[v] = r
      return r
    end
    return v
  end
  return copy(x)
end

function utils.recursiveResizeAs(t1, t2)
  if torch.type(t2) == 'table' then
    t1 = torch.type(t1) == 'table' and t1 or {t1}
    for k, v in pairs(t2) do t1[k], t2[k] = utils.recursiveResizeAs(t1[k], v) end
    for k in pairs(t1) do if t2[k] == nil then t1[k] = nil end end
  elseif isTensor(t2) then
    t1 = isTensor(t1) and t1 or t2.new()
    t1:resizeAs(t2)
  else
    error('expecting nested tensors or tables. Got ' .. torch.type(t1) .. ' and ' .. torch.type(t2) .. ' instead')
  end
  return t1, t2
end

function utils.recursiveFill(t2, val)
  if torch.type(t2) == 'table' then
    for k, v in pairs(t2) do t2[k] = utils.recursiveFill(v, val) end
  elseif isTensor(t2) then
    t2:fill(val)
  else
    error('expecting tensor or table thereof. Got ' .. torch.type(t2) .. ' instead')
  end
  return t2
end

function utils.recursiveAdd(t1, val, t2)
  if not t2 then
    assert(val, 'expecting at least two arguments')
    t2, val = val, 1
  end
  val = val or 1
  if torch.type(t2) == 'table' then
    t1 = torch.type(t1) == 'table' and t1 or {t1}
    for k, v in pairs(t2) do t1[k], t2[k] = utils.recursiveAdd(t1[k], val, v) end
  elseif isTensor(t1) and isTensor(t2) then
    t1:add(val, t2)
  else
    error('expecting nested tensors or tables. Got ' .. torch.type(t1) .. ' and ' .. torch.type(t2) .. ' instead')
  end
  return t1, t2
end

function utils.recursiveCopy(t1, t2, async)
  if torch.type(t2) == 'table' then
    t1 = torch.type(t1) == 'table' and t1 or {t1}
    for k, v in pairs(t2) do t1[k], t2[k] = utils.recursiveCopy(t1[k], v, async) end
  elseif isTensor(t2) then
    t1 = isTensor(t1) and t1 or t2.new()
    t1:resize(t2:size())
    if async then t1:copyAsync(t2) else t1:copy(t2) end
  else
    error('expecting nested tensors or tables. Got ' .. torch.type(t1) .. ' and ' .. torch.type(t2) .. ' instead')
  end
  return t1, t2
end

function utils.addSingletonDimension(...)
  local view, t, dim
  if select('#', ...) < 3 then
    t, dim = select(1, ...)
  else
    view, t, dim = select(1, ...)
    assert(isTensor(view), 'output tensor expected, got ' .. type(view))
  end
  assert(isTensor(t), 'input tensor expected')
  dim = dim or 1
  assert(dim > 0 and dim <= t:dim() + 1, 'invalid dimension: ' .. dim .. '. Tensor is of ' .. t:dim() .. ' dimensions.')
  view = view or t.new()
  local size = torch.LongStorage(t:dim() + 1)
  local stride = torch.LongStorage(t:dim() + 1)
  for d = 1, dim - 1 do size[d] = t:size(d); stride[d] = t:stride(d) end
  size[dim] = 1
  stride[dim] = 1
  for d = dim + 1, t:dim() + 1 do size[d] = t:size(d - 1); stride[d] = t:stride(d - 1) end
  view:set(t:storage(), t:storageOffset(), size, stride)
  return view
end

-- empty the named fields (tensors become empty tensors, tables of tensors are emptied)
function utils.clear(self, ...)
  local arg = {...}
  if #arg > 0 and type(arg[1]) == 'table' then arg = arg[1] end
  local function clear(f)
    if self[f] then
      if isTensor(self[f]) then self[f]:set()
      elseif torch.type(self[f]) == 'table' then self[f] = {}
      else self[f] = nil end
    end
  end
  for _, f in ipairs(arg) do clear(f) end
  return self
end

function utils.contiguousView(output, input, ...)
  output = output or input.new()
  if input:isContiguous() then
    output:view(input, ...)
  else
    output:resize(input:size()):copy(input)
    output:view(output, ...)
  end
  return output
end

function utils.tableSize(t)
  local n = 0
  for _ in pairs(t) do n = n + 1 end
  return n
end

table.unpack = table.unpack or unpack

return utils
