-- The tensor and storage types: one metatable per Torch type, built from the op table that
-- Python declares (luatorch/lib/registry.py). Methods live in the metatable, as in Torch7.
local bridge = require 'torch._bridge'
local py = bridge.py
local P2O, wrap, U, ret, raise = bridge.P2O, bridge.wrap, bridge.U, bridge.ret, bridge.raise
local type, error = type, error

local index_number, set_number = py.index_number, py.set_number
local element2, set_element2, dims = py.element2, py.set_element2, py.dims
local LZ, lazy, rawget = bridge.LZ, bridge.lazy, rawget
local index_get, index_set = py.index_get, py.index_set
local storage_get, storage_set, storage_size = py.storage_get, py.storage_set, py.storage_size
local sizes = py.sizes

-- Geometry cache. What indexing needs to know of a tensor is cached per Python object, valid
-- while the epoch (luatorch/lib/storage.py EPOCH, bumped by every in-place geometry change and
-- buffer replacement) is unchanged; Lua reads the epoch straight from its memory. For Float and
-- Double tensors the cache also holds a C pointer to the storage buffer, so t[i], t[i][j],
-- t[{i,j}] (read and write) and small contiguous in-place ops run in Lua without a crossing.
-- The cache holds the buffer object itself: its memory stays alive as long as the pointer may be
-- used, and every access is checked against the cached buffer length.
-- Record: 1 epoch, 2 dims, 3-4 first sizes, 5-6 first strides, 7 offset, 8 elements,
-- 9 contiguous, 10 C pointer type or false, 11 address, 12 buffer length, 13 buffer,
-- 14 writable, 15 pointer (cdata) of a Float/Double buffer, 16 element type is float (single
-- precision); for the integer types 17 pointer, 18 element is a 64-bit long (read through
-- tonumber), 19-20 the range a number is written in directly (others go through Python, which
-- applies Torch's C conversions)
local ffi = require 'ffi'
local EPOCH = ffi.cast('const double *', py.epoch_address)
local geometry = py.geometry
local GEO = setmetatable({}, {__mode = 'k'})
local F32 = ffi.new('float[1]')
-- integer element types: {is long, lowest and highest number written directly}
local INT_KINDS = {
  ['unsigned char *'] = {false, 0, 255}, ['signed char *'] = {false, -128, 127},
  ['short *'] = {false, -32768, 32767}, ['int *'] = {false, -2147483648, 2147483647},
  ['int64_t *'] = {true, -2^53, 2^53},
}
local tonumber = tonumber

-- element x of an integer tensor's buffer, as a Lua number
local function iget(g, x)
  local v = g[17][x]
  if g[18] then return tonumber(v) end
  return v
end
-- emptied at the start of every full collection that frees Python objects (torch._refs sweeps):
-- a record holds its tensor's buffer, and a weak-keyed table's values are marked even when the
-- key is dead, so without this a dropped tensor's buffer outlived collectgarbage() (a cycle
-- later). Kept 'k' and not 'kv' between sweeps: records lost at every incremental cycle cost
-- a crossing each in hot loops (measured: scalar access 7% slower).
require('torch._refs').on_sweep(function()
  for o in next, GEO do GEO[o] = nil end
end)

local function geo(o)
  local g, ep = GEO[o], EPOCH[0]
  if g == nil or g[1] ~= ep then
    g = {ep, geometry(o)}
    local ct = g[10]
    if ct then
      local ik = INT_KINDS[ct]
      if ik then
        g[17], g[18], g[19], g[20] = ffi.cast(ct, g[11]), ik[1], ik[2], ik[3]
      else
        g[15] = ffi.cast(ct, g[11])
        g[16] = ct == 'float *'
      end
    end
    GEO[o] = g
  end
  return g
end

-- flat buffer index of element i (1-D) or (i, j) (2-D) of a cached tensor, or nil when the
-- indices are not plain in-range integers (the general path then answers, with Torch's errors)
local function at1(g, i)
  local n = g[3]
  if i < 0 then i = i + n + 1 end
  if i >= 1 and i <= n and i % 1 == 0 then
    local x = g[7] + (i - 1) * g[5]
    if x >= 0 and x < g[12] then return x end
  end
end

local function at2(g, i, j)
  local n, m = g[3], g[4]
  if i < 0 then i = i + n + 1 end
  if j < 0 then j = j + m + 1 end
  if i >= 1 and i <= n and j >= 1 and j <= m and i % 1 == 0 and j % 1 == 0 then
    local x = g[7] + (i - 1) * g[5] + (j - 1) * g[6]
    if x >= 0 and x < g[12] then return x end
  end
end

local tensor_mts, storage_mts, mt_by_short = {}, {}, {}
torch._tensor_mts, torch._storage_mts = tensor_mts, storage_mts

local function make_tensor_mt(kind, name)
  local mt = bridge.newkind(kind)
  mt.__typename = name
  mt.__index = function(t, k)
    local m = mt[k]
    if m ~= nil then return m end
    local tk = type(k)
    if tk == 'number' then
      local o = rawget(P2O, t)
      if o == nil then
        local lz = LZ[t]
        if lz ~= nil then  -- t is a lazy row view: t[k] is parent[i][k]
          local po, i = lz[1], lz[2]
          local g = geo(po)
          if g[15] and g[2] == 2 then
            local x = at2(g, i, k)
            if x then return g[15][x] end
          elseif g[17] and g[2] == 2 then
            local x = at2(g, i, k)
            if x then return iget(g, x) end
          end
          local r, rk, e = element2(po, i, k)
          if rk == nil then return r end
          if rk > 0 then return wrap(r, rk) end
          raise(e)
        end
        o = P2O[t]
      end
      local g = geo(o)
      local nd = g[2]
      if nd == 1 then
        if g[15] then
          local x = at1(g, k)
          if x then return g[15][x] end
        elseif g[17] then
          local x = at1(g, k)
          if x then return iget(g, x) end
        end
      elseif nd >= 2 then   -- a row: a lazy view, no crossing (out of range: the general path)
        local n, i = g[3], k
        if i < 0 then i = i + n + 1 end
        if i >= 1 and i <= n and i % 1 == 0 then return lazy(o, i, kind) end
      end
      local r, rk, e = index_number(o, k, true)
      if rk == nil then return r end
      if rk == -2 then return lazy(o, k, kind) end
      if rk > 0 then return wrap(r, rk) end
      raise(e)
    elseif tk == 'string' then
      return nil
    elseif tk == 'table' then
      local a, b = k[1], k[2]
      if type(a) == 'number' and type(b) == 'number' and k[3] == nil then
        local o = P2O[t]
        local g = geo(o)
        if g[15] and g[2] == 2 then
          local x = at2(g, a, b)
          if x then return g[15][x] end
        elseif g[17] and g[2] == 2 then
          local x = at2(g, a, b)
          if x then return iget(g, x) end
        end
        local r, rk, e = element2(o, a, b, true)
        if rk == nil then return r end
        if rk > 0 then return wrap(r, rk) end
        if rk == -1 then raise(e) end
      end
    end
    return ret(nil, index_get(P2O[t], U(k)))
  end
  mt.__newindex = function(t, k, v)
    local tk = type(k)
    local e
    if tk == 'number' then
      local o = rawget(P2O, t)
      local lz = o == nil and LZ[t]
      local po = lz and lz[1]
      if po and type(v) == 'number' then
        local i, g = lz[2], geo(po)
        if g[15] and g[14] and g[2] == 2 then
          local x = at2(g, i, k)
          if x then g[15][x] = v return end
        elseif g[17] and g[14] and g[2] == 2 and v >= g[19] and v <= g[20] then
          local x = at2(g, i, k)
          if x then g[17][x] = v return end
        end
        e = set_element2(po, i, k, v)
      else
        o = P2O[t]
        if type(v) == 'number' then
          local g = geo(o)
          if g[15] and g[14] and g[2] == 1 then
            local x = at1(g, k)
            if x then g[15][x] = v return end
          elseif g[17] and g[14] and g[2] == 1 and v >= g[19] and v <= g[20] then
            local x = at1(g, k)
            if x then g[17][x] = v return end
          end
        end
        e = set_number(o, k, P2O[v] or v)
      end
    elseif tk == 'table' and type(v) == 'number' and type(k[1]) == 'number'
        and type(k[2]) == 'number' and k[3] == nil then
      local o = P2O[t]
      local g = geo(o)
      if g[15] and g[14] and g[2] == 2 then
        local x = at2(g, k[1], k[2])
        if x then g[15][x] = v return end
      elseif g[17] and g[14] and g[2] == 2 and v >= g[19] and v <= g[20] then
        local x = at2(g, k[1], k[2])
        if x then g[17][x] = v return end
      end
      e = set_element2(o, k[1], k[2], v, true)
    elseif tk == 'table' or tk == 'userdata' then
      local r, rk, msg = index_set(P2O[t], U(k), P2O[v] or v)
      if rk == -1 then e = msg end
    else
      e = 'cannot set field ' .. tostring(k) .. ' of a ' .. name
    end
    if e then raise(e) end
  end
  mt.__len = function(t) return ret(nil, sizes(P2O[t])) end
  mt.__tostring = function(t) return ret(nil, py.tensor_tostring(P2O[t])) end
  return mt
end

-- two proxies of one Python storage are == (luaT compares the underlying pointers); one function
-- for every storage type, since Lua calls __eq only when both operands share it
local function storage_eq(a, b) return torch.pointer(a) == torch.pointer(b) end

local function make_storage_mt(kind, name)
  local mt = bridge.newkind(kind)
  mt.__typename = name
  mt.__eq = storage_eq
  mt.__index = function(s, k)
    local m = mt[k]
    if m ~= nil then return m end
    if type(k) == 'number' then return ret(nil, storage_get(P2O[s], k)) end
    return nil
  end
  mt.__newindex = function(s, k, v)
    if type(k) == 'number' then
      local r, rk, msg = storage_set(P2O[s], k, v)
      if rk == -1 then raise(msg) end
      return
    end
    error('cannot set field ' .. tostring(k) .. ' of a ' .. name, 2)
  end
  mt.__len = function(s) return storage_size(P2O[s]) end
  mt.__tostring = function(s) return ret(nil, py.storage_tostring(P2O[s])) end
  return mt
end

-- a class table torch.DoubleTensor: callable constructor, fields read and written in the metatable
local function class_table(mt, ctor)
  return setmetatable({}, {
    __index = mt, __newindex = mt,
    __metatable = mt,   -- getmetatable(torch.DoubleTensor) is the type's metatable, as in luaT
    __call = function(_, ...) return ctor(...) end,
    __tostring = function() return mt.__typename end,
  })
end

local type_ctors = {}
-- the Cuda types (torch.Cuda*) are built with the others but made visible (class tables, and
-- metatables for torch.getmetatable) by require 'cutorch' (lua/cutorch/init.lua), as in Torch7
torch._cuda = {classes = {}, metatables = {}}
for _, k in ipairs(py.kinds) do
  local kind, name, cat, short, is_float = k[1], k[2], k[3], k[4], k[5]
  local cuda = name:match('^torch%.Cuda') ~= nil
  local home = cuda and torch._cuda.classes or torch
  local mt
  if cat == 'tensor' then
    mt = make_tensor_mt(kind, name)
    tensor_mts[#tensor_mts + 1] = mt
    mt_by_short[short] = mt
    local ctor = bridge.fn(py.new_tensor[kind])
    type_ctors[mt] = ctor
    home[short .. 'Tensor'] = class_table(mt, ctor)
  else
    mt = make_storage_mt(kind, name)
    storage_mts[#storage_mts + 1] = mt
    local ctor = bridge.fn(py.new_storage[kind - 100])
    type_ctors[mt] = ctor
    home[short .. 'Storage'] = class_table(mt, ctor)
  end
  ;(cuda and torch._cuda.metatables or torch._metatables)[name] = mt
end

-- generated methods and torch.* functions
for _, op in ipairs(py.ops) do
  local name, m, f, only = op[1], op[2], op[3], op[4]
  if m then
    -- names such as __add are operators (metamethods); the rest are methods
    local lm = bridge.fn(m)
    if only then
      for _, short in ipairs(only) do mt_by_short[short][name] = lm end
    else
      for _, mt in ipairs(tensor_mts) do mt[name] = lm end
    end
  end
  if f then torch[name] = bridge.fn(f) end
end

-- torch.split / torch.chunk ([result,] tensor, n [, dim]): a result table given by the caller is
-- emptied and refilled with the pieces (and returned), as in Torch
for _, name in ipairs({'split', 'chunk'}) do
  local f = torch[name]
  if f then
    torch[name] = function(result, ...)
      if type(result) ~= 'table' then return f(result, ...) end
      local parts = f(...)
      for k in pairs(result) do result[k] = nil end
      for i = 1, #parts do result[i] = parts[i] end
      return result
    end
  end
end

-- torch.multinomialAliasSetup(probs [, state]) -> state = {J, q} (a given state table is filled)
-- and torch.multinomialAlias(output, state) -> output: the alias method (random.md)
do
  local setup_ = torch.multinomialAliasSetup_
  function torch.multinomialAliasSetup(probs, state)
    if type(state) == 'table' then
      state[1], state[2] = setup_(probs, state[1], state[2])
    else
      state = {}
      state[1], state[2] = setup_(probs)
    end
    return state
  end
  function torch.multinomialAlias(output, state)
    torch.DoubleTensor.multinomialAlias_(output, state[1], state[2])
    return output
  end
end

-- torch.Generator: proxies of kind 200 (luatorch/lib/random_ops.py); torch._gen is the default one
do
  local gmt = bridge.newkind(200)
  gmt.__typename = 'torch.Generator'
  gmt.__index = gmt
  gmt.__tostring = function() return 'torch.Generator' end
  torch._metatables['torch.Generator'] = gmt
  if torch.Generator then torch.Generator = class_table(gmt, torch.Generator) end
  if type(torch._gen) == 'function' then torch._gen = torch._gen() end
end

-- hot paths: in-place ops. Small contiguous Float/Double tensors are done in Lua through the
-- geometry cache (element after element, as TH's loops: a number is first converted to the
-- element type; a Float result is the double result rounded, which is the float operation's
-- result); others take one crossing to numpy (luatorch/bindings/hot.py).
local SMALL = 512
local fast_add, fast_mul, fast_cmul, fast_fill = py.add, py.mul, py.cmul, py.fill
local fast_axpy = py.axpy

-- the cache of self when it is a small contiguous writable Float/Double tensor
local function small(o)
  local g = geo(o)
  if g[15] and g[14] and g[9] and g[8] <= SMALL then return g end
end

-- the cache of tensor proxy a (of metatable mt) when it is contiguous with n elements
local function same(a, mt, n)
  if getmetatable(a) ~= mt then return end
  local g = geo(P2O[a])
  if g[15] and g[9] and g[8] == n then return g end
end

local function real(g, v)
  if g[16] then F32[0] = v return F32[0] end
  return v
end

for _, mt in ipairs(tensor_mts) do
  local add, mul, cmul, fill, zero = mt.add, mt.mul, mt.cmul, mt.fill, mt.zero
  if add then
    mt.add = function(self, a, b, ...)
      if b == nil then
        local o = P2O[self]
        local g = small(o)
        if g then
          local p, i0, n = g[15], g[7], g[8]
          if type(a) == 'number' then
            local v = real(g, a)
            for i = i0, i0 + n - 1 do p[i] = p[i] + v end
            return self
          end
          local h = same(a, mt, n)
          if h then
            local q, d = h[15], h[7] - i0
            for i = i0, i0 + n - 1 do p[i] = p[i] + q[i + d] end
            return self
          end
        end
        local e = fast_add(o, P2O[a] or a)
        if e == nil then return self end
        if e then raise(e) end
      end
      -- self:add(value, src): TH's in-place cadd, which is BLAS axpy on contiguous tensors (one
      -- crossing; small tensors too, so that every size gets axpy's bits)
      if type(a) == 'number' and select('#', ...) == 0 then
        local src = P2O[b]
        if src ~= nil then
          local e = fast_axpy(P2O[self], a, src)
          if e == nil then return self end
          if e then raise(e) end
        end
      end
      return add(self, a, b, ...)
    end
  end
  if mul then
    mt.mul = function(self, a, b, ...)
      if b == nil and type(a) == 'number' then
        local o = P2O[self]
        local g = small(o)
        if g then
          local p, i0, v = g[15], g[7], real(g, a)
          for i = i0, i0 + g[8] - 1 do p[i] = p[i] * v end
          return self
        end
        local e = fast_mul(o, a)
        if e then raise(e) end
        return self
      end
      return mul(self, a, b, ...)
    end
  end
  if cmul then
    mt.cmul = function(self, a, b, ...)
      if b == nil and P2O[a] ~= nil then
        local o = P2O[self]
        local g = small(o)
        if g then
          local p, i0, n = g[15], g[7], g[8]
          local h = same(a, mt, n)
          if h then
            local q, d = h[15], h[7] - i0
            for i = i0, i0 + n - 1 do p[i] = p[i] * q[i + d] end
            return self
          end
        end
        local e = fast_cmul(o, P2O[a])
        if e then raise(e) end
        return self
      end
      return cmul(self, a, b, ...)
    end
  end
  mt.zero = function(self, ...)
    if select('#', ...) == 0 then return mt.fill(self, 0) end
    return zero(self, ...)
  end
  mt.fill = function(self, v, ...)
    if type(v) == 'number' then
      local o = P2O[self]
      local g = small(o)
      if g then
        local p, i0 = g[15], g[7]
        for i = i0, i0 + g[8] - 1 do p[i] = v end
        return self
      end
      local e = fast_fill(o, v)
      if e then raise(e) end
      return self
    end
    return fill(self, v, ...)
  end
end

-- storages: methods from Python, installed on every storage type
local storage_methods = py.storage_ops
if storage_methods then
  for _, op in ipairs(storage_methods) do
    local lm = bridge.fn(op[2])
    for _, mt in ipairs(storage_mts) do mt[op[1]] = lm end
  end
end

-- t:data() / s:data([asnumber]): an FFI pointer to the first element (a number with asnumber), as
-- Torch7's FFI gives; valid while the storage keeps its buffer (a resize may move it)
do
  local data_address = py.data_address
  local function data(self, asnumber)
    local o = P2O[self]
    if o == nil then raise('tensor or storage expected') end
    local ct, addr = data_address(o)
    if ct == nil then raise(addr) end
    if asnumber then return addr end
    return ffi.cast(ct, addr)
  end
  for _, mts in ipairs({tensor_mts, storage_mts}) do
    for _, mt in ipairs(mts) do
      if rawget(mt, 'data') == nil then mt.data = data end
    end
  end
end

-- `new` is the type's constructor, as in Torch: t.new() is an empty tensor of t's type and
-- t:new() a tensor viewing t (torch.XTensor(t))
for mt, ctor in pairs(type_ctors) do rawset(mt, 'new', ctor) end

function torch.setdefaulttensortype(name)
  ret(nil, py.set_default_type(name))
  local short = name:match('^torch%.(%a+)Tensor$')
  torch.Tensor = torch[short .. 'Tensor']
  torch.Storage = torch[short .. 'Storage']
end

function torch.getdefaulttensortype()
  return torch.Tensor.__typename
end

torch.Tensor = torch.DoubleTensor
torch.Storage = torch.DoubleStorage
