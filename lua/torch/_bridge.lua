-- The Lua half of the binding: proxies for Python objects, argument unwrapping, result decoding.
-- A tensor is a userdata proxy (newproxy) sharing its type's metatable; P2O maps it to the
-- Python object. Python adapters encode results as described in luatorch/bindings/export.py.
local py = assert(rawget(_G, '__luatorch'), 'torch must be loaded through the luatorch runtime')
local tick = require('torch._refs').tick

local bridge = {py = py}
-- Lazy row views: t[i] on a tensor of 2+ dimensions gives a proxy that only remembers its
-- parent's Python object and i (LZ[p] = {o, i}), so t[i][j] reads an element with one crossing.
-- The first other use materializes the view (P2O's __index), after which it is an ordinary
-- proxy. (A parent resized between t[i] and that first use is seen as resized.)
-- One weak table, not two keyed by the same proxies: measured, LuaJIT's collector keeps pairs
-- of weak tables growing in tight loops.
local LZ = setmetatable({}, {__mode = 'k'})
bridge.LZ = LZ
local P2O
P2O = setmetatable({}, {__mode = 'k', __index = function(_, p)
  local lz = LZ[p]
  if lz == nil then return nil end
  local v, k, e = py.index_number(lz[1], lz[2])
  if k == nil or k < 0 then error(e or 'index out of range', 3) end
  rawset(P2O, p, v)
  LZ[p] = nil
  tick()
  return v
end})
bridge.P2O = P2O
local PROTO, MT = {}, {}
bridge.MT = MT

local newproxy, type, select, error, unpack = newproxy, type, select, error, unpack

-- a proxy of `kind` for Python object o
local function wrap(o, k)
  local p = newproxy(PROTO[k])
  P2O[p] = o
  tick()
  return p
end
bridge.wrap = wrap

-- a lazy row view of kind k: parent's Python object o, row i
function bridge.lazy(o, i, k)
  local p = newproxy(PROTO[k])
  LZ[p] = {o, i}
  return p
end

-- a new kind of proxy; returns its (empty) metatable for the caller to fill
function bridge.newkind(k)
  local proto = newproxy(true)
  local m = getmetatable(proto)
  PROTO[k], MT[k] = proto, m
  return m
end

-- Lua tables handed to Python: proxies inside are replaced by their Python objects
local function deproxy(t, depth)
  depth = depth or 0
  if depth > 16 then return t end
  local r = {}
  for k, v in pairs(t) do
    local o = P2O[v]
    if o ~= nil then r[k] = o
    elseif type(v) == 'table' and getmetatable(v) == nil then r[k] = deproxy(v, depth + 1)
    else r[k] = v end
  end
  return r
end

local function U(x)
  local o = P2O[x]
  if o ~= nil then return o end
  if type(x) == 'table' then return deproxy(x) end
  return x
end
bridge.U = U

-- raise msg at the first stack level outside luatorch's own Lua files (the user's call site)
local shim_dir = debug.getinfo(1, 'S').source:match('^@(.*/)torch/[^/]*$')
local function raise(msg)
  local level = 2
  while true do
    local info = debug.getinfo(level, "S")
    if not info then level = 1 break end
    local src = info.source
    if info.what ~= 'C' and info.what ~= 'tail' and not (shim_dir and src:sub(2, #shim_dir + 1) == shim_dir) then break end
    level = level + 1
  end
  error(msg, level)
end
bridge.raise = raise

-- argument i (1..4) of a call
local function pick(i, a1, a2, a3, a4)
  if i == 1 then return a1 elseif i == 2 then return a2 elseif i == 3 then return a3 end
  return a4
end

-- a wrapped result; kind k + 1000*i marks argument i's own object: that argument is returned
-- (same proxy, so rawequal holds) when the caller gave it, else a new proxy
local function obj(v, k, a1, a2, a3, a4)
  if k >= 1000 then
    local p = pick((k - k % 1000) / 1000, a1, a2, a3, a4)
    if p ~= nil then return p end
    k = k % 1000
  end
  return wrap(v, k)
end

local function more(a1, a2, a3, a4, v, k, ...)
  if k == nil then return end
  if k > 0 then return obj(v, k, a1, a2, a3, a4), more(a1, a2, a3, a4, ...) end
  return v, more(a1, a2, a3, a4, ...)
end

-- decode what a lua_function adapter returned (encoding: luatorch/bindings/export.py), given
-- the call's first four arguments
local function ret4(a1, a2, a3, a4, v, k, ...)
  if k == nil then
    if v == nil then return a1 end
    return v
  end
  if k > 0 then return obj(v, k, a1, a2, a3, a4), more(a1, a2, a3, a4, ...) end
  if k == 0 then return v, more(a1, a2, a3, a4, ...) end
  if k == -4 then return end
  raise((...))
end
bridge.ret4 = ret4

-- same, knowing only the call's first argument `self`
local function ret(self, v, k, ...)
  return ret4(self, nil, nil, nil, v, k, ...)
end
bridge.ret = ret

-- a Lua function calling Python adapter fn with unwrapped arguments. Trailing nils are left out,
-- as Torch's C functions read a nil argument as an absent one.
function bridge.fn(fn)
  return function(...)
    local n = select('#', ...)
    local a, b, c, d = ...
    if n > 4 then
      while n > 4 and (select(n, ...)) == nil do n = n - 1 end
      if n > 4 then
        local args, u = {...}, {}
        for i = 1, n do u[i] = U(args[i]) end
        return ret4(a, b, c, d, fn(unpack(u, 1, n)))
      end
    end
    if n == 4 then
      if d ~= nil then return ret4(a, b, c, d, fn(U(a), U(b), U(c), U(d))) end
      n = 3
    end
    if n == 3 then
      if c ~= nil then return ret4(a, b, c, nil, fn(U(a), U(b), U(c))) end
      n = 2
    end
    if n == 2 then
      if b ~= nil then return ret4(a, b, nil, nil, fn(U(a), U(b))) end
      n = 1
    end
    if n == 1 and a ~= nil then return ret4(a, nil, nil, nil, fn(U(a))) end
    return ret4(nil, nil, nil, nil, fn())
  end
end

-- same, for procedures that return nothing but an error message
function bridge.proc(fn)
  return function(...)
    local n = select('#', ...)
    local a, b, c, d = ...
    local e
    if n == 0 then e = fn()
    elseif n == 1 then e = fn(U(a))
    elseif n == 2 then e = fn(U(a), U(b))
    elseif n == 3 then e = fn(U(a), U(b), U(c))
    elseif n == 4 then e = fn(U(a), U(b), U(c), U(d))
    else
      local args = {...}
      for i = 1, n do args[i] = U(args[i]) end
      e = fn(unpack(args, 1, n))
    end
    if e then raise(e) end
    return a
  end
end

return bridge
