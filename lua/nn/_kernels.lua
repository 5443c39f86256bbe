-- nn._K: the Python kernels of luatorch/lib/nn as Lua functions. Arguments are unwrapped
-- (tensor proxies -> Python tensors); a kernel returning nothing gives back its first argument.
-- A call whose arguments are all plain (tensors, numbers, booleans, nil) goes through the plain
-- adapter (luatorch/bindings/export.py lua_plain_function), which skips the Python-side
-- conversion scan; strings and tables take the converting adapter.
local bridge = require 'torch._bridge'
local U, ret, P2O = bridge.U, bridge.ret, bridge.P2O
local select, unpack, type, load, concat = select, unpack, type, loadstring or load, table.concat

-- bridge.ret with its commonest case (the kernel returned nothing) first
local function R(a1, v, k, ...)
  if k == nil then
    if v == nil then return a1 end
    return v
  end
  return ret(a1, v, k, ...)
end

-- chunk name of the generated code: this file's, so errors are reported at the caller's line
local SOURCE = debug.getinfo(1, 'S').source

-- types the plain adapter takes as they are
local PL = {number = true, userdata = true, boolean = true, ['nil'] = true}

-- The caller of a kernel mostly runs in LuaJIT's interpreter (its traces stop at the call into
-- Python), where every Lua function call and metamethod counts: the call of arity n is one
-- generated function with the unwrapping written inline. Only userdata can be proxies (a
-- number key would go through P2O's __index metamethod, which materializes lazy row views).
local function gen(n)
  local a, t, plain, inl, full = {}, {}, {}, {}, {}
  for i = 1, n do
    a[i], t[i] = 'a' .. i, 't' .. i
    plain[i] = 'PL[t' .. i .. ']'
    inl[i] = "(t" .. i .. " == 'userdata' and P2O[a" .. i .. "] or a" .. i .. ")"
    full[i] = 'U(a' .. i .. ')'
  end
  local src = 'local U, R, P2O, type, PL = ...\n'
    .. 'return function(full, plain)\n'
    .. '  return function(' .. concat(a, ', ') .. ')\n'
    .. '    local ' .. concat(t, ', ') .. ' = type(' .. concat(a, '), type(') .. ')\n'
    .. '    if ' .. concat(plain, ' and ') .. ' then\n'
    .. '      return R(a1, plain(' .. concat(inl, ', ') .. '))\n'
    .. '    end\n'
    .. '    return R(a1, full(' .. concat(full, ', ') .. '))\n'
    .. '  end\n'
    .. 'end\n'
  return assert(load(src, SOURCE))(U, R, P2O, type, PL)
end

local MAXGEN = 16
local MAKERS = {}
for n = 1, MAXGEN do MAKERS[n] = gen(n) end

local function wrap(full, plain)
  local byn = {}   -- arity -> its function, made on first use
  return function(...)
    local n = select('#', ...)
    local h = byn[n]
    if h == nil then
      if n < 1 or n > MAXGEN then
        local args = {...}
        for i = 1, n do args[i] = U(args[i]) end
        return R((...), full(unpack(args, 1, n)))
      end
      h = MAKERS[n](full, plain)
      byn[n] = h
    end
    return h(...)
  end
end

local K = {}
for name, fns in pairs(bridge.py.nn_kernels()) do K[name] = wrap(fns[1], fns[2]) end
return K
