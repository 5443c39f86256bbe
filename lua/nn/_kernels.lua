-- nn._K: the Python kernels of luatorch/lib/nn as Lua functions. Arguments are unwrapped
-- (tensor proxies -> Python tensors); a kernel returning nothing gives back its first argument.
local bridge = require 'torch._bridge'
local U, ret, select, unpack = bridge.U, bridge.ret, select, unpack

local function wrap(fn)
  return function(...)
    local n = select('#', ...)
    local a, b, c, d, e, f = ...
    if n == 1 then return ret(a, fn(U(a)))
    elseif n == 2 then return ret(a, fn(U(a), U(b)))
    elseif n == 3 then return ret(a, fn(U(a), U(b), U(c)))
    elseif n == 4 then return ret(a, fn(U(a), U(b), U(c), U(d)))
    elseif n == 5 then return ret(a, fn(U(a), U(b), U(c), U(d), U(e)))
    elseif n == 6 then return ret(a, fn(U(a), U(b), U(c), U(d), U(e), U(f)))
    end
    -- up to 10 arguments without building a table ({...} here costs ~100 us a call)
    local g, h, i, j = select(7, ...)
    if n == 7 then return ret(a, fn(U(a), U(b), U(c), U(d), U(e), U(f), U(g)))
    elseif n == 8 then return ret(a, fn(U(a), U(b), U(c), U(d), U(e), U(f), U(g), U(h)))
    elseif n == 9 then return ret(a, fn(U(a), U(b), U(c), U(d), U(e), U(f), U(g), U(h), U(i)))
    elseif n == 10 then
      return ret(a, fn(U(a), U(b), U(c), U(d), U(e), U(f), U(g), U(h), U(i), U(j)))
    end
    -- (nn-conv) up to 16: the convolution and pooling kernels take 11 to 15
    local k, l, m, o, p, q = select(11, ...)
    if n == 11 then
      return ret(a, fn(U(a), U(b), U(c), U(d), U(e), U(f), U(g), U(h), U(i), U(j), U(k)))
    elseif n == 12 then
      return ret(a, fn(U(a), U(b), U(c), U(d), U(e), U(f), U(g), U(h), U(i), U(j), U(k), U(l)))
    elseif n == 13 then
      return ret(a, fn(U(a), U(b), U(c), U(d), U(e), U(f), U(g), U(h), U(i), U(j), U(k), U(l),
        U(m)))
    elseif n == 14 then
      return ret(a, fn(U(a), U(b), U(c), U(d), U(e), U(f), U(g), U(h), U(i), U(j), U(k), U(l),
        U(m), U(o)))
    elseif n == 15 then
      return ret(a, fn(U(a), U(b), U(c), U(d), U(e), U(f), U(g), U(h), U(i), U(j), U(k), U(l),
        U(m), U(o), U(p)))
    elseif n == 16 then
      return ret(a, fn(U(a), U(b), U(c), U(d), U(e), U(f), U(g), U(h), U(i), U(j), U(k), U(l),
        U(m), U(o), U(p), U(q)))
    end
    local args = {...}
    for i = 1, n do args[i] = U(args[i]) end
    return ret(a, fn(unpack(args, 1, n)))
  end
end

local K = {}
for name, fn in pairs(bridge.py.nn_kernels()) do K[name] = wrap(fn) end
return K
