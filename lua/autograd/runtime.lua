-- The Lua half of autograd: nodes, overloading torch during a differentiated call, and the
-- df functions of both modes. Everything numeric (boxes, tape, reverse pass, programs) is in
-- Python (luatorch/lib/autograd); a traced op costs one crossing.
require 'torch'
local bridge = require 'torch._bridge'
local py = bridge.py
local P2O, U, raise = bridge.P2O, bridge.U, bridge.raise
local getmetatable, type, select, pairs, ipairs, rawget, rawset = getmetatable, type, select,
  pairs, ipairs, rawget, rawset
local unpack = unpack or table.unpack

require 'autograd.support'

local AGPY = py.autograd()
local NODE_KIND = AGPY.NODE_KIND
-- the Python functions, called with unwrapped arguments and raising their errors in Lua
local AG = {prims = AGPY.prims}
for k, v in pairs(AGPY) do
  if type(k) == 'string' and k ~= 'prims' and k ~= 'NODE_KIND' then AG[k] = bridge.fn(v) end
end
local NODE_MT = bridge.MT[NODE_KIND] or bridge.newkind(NODE_KIND)
NODE_MT.__typename = nil

local runtime = {AG = AG, AGPY = AGPY, NODE_MT = NODE_MT}

local KIND = {DIFF = 0, ZERO = 1, NONDIFF = 2, STATIC = 3, RANDOM = 4, COMPOSITE = 5}
runtime.KIND = KIND

-- primitives by table and name: {id, table, name, kind, method}
local PID = {torch = {}, op = {}, util = {}, node = {}}
for _, p in ipairs(AG.prims) do PID[p[2]][p[3]] = p end
runtime.PID = PID

local apply = AG.apply
runtime.apply = apply
local RAW = AG.raw_value
runtime.raw = RAW
local typename_of = AGPY.typename

local TENSOR_MT = {}
for _, mt in ipairs(torch._tensor_mts) do TENSOR_MT[mt] = true end
runtime.TENSOR_MT = TENSOR_MT

local function isnode(v) return getmetatable(v) == NODE_MT end
runtime.isnode = isnode

-- does any argument (or an element of a table argument, two levels deep) hold a node?
local function anynode(...)
  for i = 1, select('#', ...) do
    local v = select(i, ...)
    local mt = getmetatable(v)
    if mt == NODE_MT then return true end
    if mt == nil and type(v) == 'table' then
      for _, e in pairs(v) do
        local m = getmetatable(e)
        if m == NODE_MT then return true end
        if m == nil and type(e) == 'table' then
          for _, f in pairs(e) do if getmetatable(f) == NODE_MT then return true end end
        end
      end
    end
  end
  return false
end
runtime.anynode = anynode

-- make(original) for a function autograd cannot follow: given traced values it raises
-- "function <qual> not currently supported by autograd", otherwise it is the original
local function refusing(qual)
  local msg = 'function ' .. qual .. ' not currently supported by autograd'
  return function(orig)
    return function(...)
      if anynode(...) then raise(msg) end
      return orig(...)
    end
  end
end
runtime.refusing = refusing

local function id_of(tbl, name) return PID[tbl][name][1] end
local INDEX_GET = id_of('node', 'index_get')
local SIZE = id_of('torch', 'size')

-- the type name of a node's value ('torch.DoubleTensor', 'number')
local function vtypename(n) return typename_of(P2O[n]) end
runtime.vtypename = vtypename

-- ------------------------------------------------------------------------------ nodes

local METHODS = {}
for name, p in pairs(PID.torch) do
  if p[5] then
    local id = p[1]
    METHODS[name] = function(...) return apply(id, ...) end
  end
end
local TYPE = id_of('torch', 'type')
METHODS.type = function(self, name, ...)
  if name == nil then return vtypename(self) end
  return apply(TYPE, self, name, ...)
end

local function unsupported(tn, k)
  return function() raise('function ' .. tostring(tn) .. '.' .. k .. ' not currently supported by autograd') end
end

-- methods declared with autograd.overload.module's class(): name -> {tensor type name -> fn}
local USER_METHODS = {}
runtime.USER_METHODS = USER_METHODS

NODE_MT.__index = function(self, k)
  local u = USER_METHODS[k]
  if u ~= nil then
    local f = u[vtypename(self)]
    if f ~= nil then return f end
  end
  local m = METHODS[k]
  if m ~= nil then return m end
  local tk = type(k)
  if tk == 'string' then
    local tn = vtypename(self)
    local mt = tn and torch.getmetatable(tn)
    if k == 'new' and mt then
      local ctor = rawget(mt, 'new')
      return function(a, ...)
        if rawequal(a, self) then return ctor(RAW(self), ...) end
        return ctor(a, ...)
      end
    end
    if mt and mt[k] ~= nil then return unsupported(tn, k) end
    return nil
  end
  return apply(INDEX_GET, self, k)
end

local assign = AGPY.assign
NODE_MT.__newindex = function(self, k, v)
  if type(k) == 'string' then
    raise('cannot set field ' .. k .. ' of an autograd node')
  end
  local r, kind, msg = assign(U(self), U(k), U(v))
  if kind == -1 then raise(msg) end
  rawset(P2O, self, r)
end

for op, p in pairs(PID.op) do
  local id = p[1]
  if op == '__unm' then
    NODE_MT.__unm = function(a) return apply(id, a) end
  else
    NODE_MT[op] = function(a, b) return apply(id, a, b) end
  end
end
NODE_MT.__len = function(a) return apply(SIZE, a) end
NODE_MT.__tostring = function(a) return tostring(RAW(a)) end
NODE_MT.__concat = function(a, b)
  if isnode(a) then a = RAW(a) end
  if isnode(b) then b = RAW(b) end
  return tostring(a) .. tostring(b)
end

-- ------------------------------------------------------------------------------ overloading

-- torch functions that keep their meaning with nodes (class machinery, types, printing)
local IGNORE = {typename = true, type = true, isTypeOf = true, getmetatable = true,
  setmetatable = true, class = true, newmetatable = true, factory = true, constructor = true,
  pointer = true, setdefaulttensortype = true, getdefaulttensortype = true, include = true,
  version = true, isTensor = true}

local recording = false
function runtime.setrecording(r) recording = r end
-- nn code called back from a primitive runs as plain torch code: nothing of it is recorded
function runtime.pause()
  local r = recording
  recording = false
  return r
end
function runtime.resume(r) recording = r end

local SWAPS

-- Each swap is {table, key, make(original) -> replacement}; the replacement is remade whenever
-- the original found at install time is not the one it was made for.
local function build_swaps()
  local swaps = {}
  local function add(tbl, key, make)
    swaps[#swaps + 1] = {tbl, key, make, false, false}
  end
  for name, p in pairs(PID.torch) do
    if type(rawget(torch, name)) == 'function' then
      local id, kind = p[1], p[4]
      if kind == KIND.RANDOM then
        add(torch, name, function(orig)
          return function(...)
            if recording or anynode(...) then return apply(id, ...) end
            return orig(...)
          end
        end)
      else
        add(torch, name, function(orig)
          return function(...)
            if anynode(...) then return apply(id, ...) end
            return orig(...)
          end
        end)
      end
    end
  end
  for name, f in pairs(torch) do
    if type(f) == 'function' and PID.torch[name] == nil and not IGNORE[name]
        and name:sub(1, 1) ~= '_' then
      add(torch, name, refusing('torch.' .. name))
    end
  end
  add(torch, 'typename', function(tn)
    return function(obj, ...)
      if getmetatable(obj) == NODE_MT then
        local n = vtypename(obj)
        if n == 'number' then return end
        return n
      end
      return tn(obj, ...)
    end
  end)
  add(torch, 'type', function(ty)
    return function(obj, ...)
      if getmetatable(obj) == NODE_MT then return vtypename(obj) end
      return ty(obj, ...)
    end
  end)
  add(torch, 'isTensor', function(isT)
    return function(obj, ...)
      if getmetatable(obj) == NODE_MT then return vtypename(obj) ~= 'number' end
      return isT(obj, ...)
    end
  end)
  local CAT = id_of('torch', 'cat')
  for mt in pairs(TENSOR_MT) do
    for op, p in pairs(PID.op) do
      if rawget(mt, op) then
        local id = p[1]
        add(mt, op, function(old)
          return function(a, b)
            if getmetatable(a) == NODE_MT or getmetatable(b) == NODE_MT then return apply(id, a, b) end
            return old(a, b)
          end
        end)
      end
    end
    if rawget(mt, 'cat') then
      add(mt, 'cat', function(cat)
        return function(...)
          if anynode(...) then return apply(CAT, ...) end
          return cat(...)
        end
      end)
    end
    local tname = mt.__typename
    -- methods of plain tensors given nodes (y:add(node)): autograd cannot follow them
    if tname == 'torch.DoubleTensor' or tname == 'torch.FloatTensor' then
      for name, m in pairs(mt) do
        if type(m) == 'function' and name:sub(1, 2) ~= '__' and name ~= 'cat' and name ~= 'new' then
          add(mt, name, refusing(tname .. '.' .. name))
        end
      end
    end
    add(mt, '__newindex', function(ni)
      return function(t, k, v)
        if getmetatable(v) == NODE_MT then
          raise('autograd: cannot assign an autograd node into a plain ' .. tname ..
                ' (x[k] = node); differentiate with respect to x, or build x with torch.clone first')
        end
        return ni(t, k, v)
      end
    end)
  end
  -- functions declared with autograd.overload.module, last: they wrap the swaps above
  for _, u in ipairs(runtime.user_swaps) do add(u[1], u[2], u[3]) end
  return swaps
end

-- {table, key, make} of autograd.overload.module's declarations
runtime.user_swaps = {}
local user_dirty = false
function runtime.user_swap(tbl, key, make)
  local u = runtime.user_swaps
  u[#u + 1] = {tbl, key, make}
  user_dirty = true
end

local depth = 0

function runtime.install()
  depth = depth + 1
  if depth > 1 then return end
  if user_dirty then
    SWAPS, user_dirty = nil, false
  end
  SWAPS = SWAPS or build_swaps()
  for i = 1, #SWAPS do
    local s = SWAPS[i]
    local cur = rawget(s[1], s[2])
    if cur ~= s[5] then
      if cur ~= s[4] or not s[5] then
        s[4] = cur
        s[5] = s[3](cur)
      end
      rawset(s[1], s[2], s[5])
    end
  end
end

function runtime.uninstall()
  depth = depth - 1
  if depth > 0 then return end
  for i = #SWAPS, 1, -1 do     -- last first: a swap may wrap an earlier one of the same key
    local s = SWAPS[i]
    if rawget(s[1], s[2]) == s[5] then rawset(s[1], s[2], s[4]) end
  end
end

-- functions added to torch after the overloads were built (packages loaded later) are seen
-- the next time the overloads are built
function runtime.reset_overloads()
  if depth == 0 then SWAPS = nil end
end

-- ------------------------------------------------------------------------------ argument walks

local function pack(...) return {n = select('#', ...), ...} end
runtime.pack = pack

-- A skeleton of a value: a leaf index (tensors, nodes, and numbers when `numbers`), or
-- {keys, skeletons, constants, original} for a plain table; false for anything else.
-- `key` (optional) collects a description of the structure for optimized mode's cache.
local function skel(v, leaves, numbers, key, depth, isparam, flags)
  local tv = type(v)
  local mt = getmetatable(v)
  if mt == NODE_MT or TENSOR_MT[mt] or (numbers and tv == 'number') then
    leaves[#leaves + 1] = v
    if flags then flags[#flags + 1] = isparam end
    if key then key[#key + 1] = tv == 'number' and 'n' or 'T' end
    return #leaves
  end
  if tv == 'table' and mt == nil then
    if depth > 32 then raise('autograd: argument tables nested too deeply (a cycle?)') end
    local ks, ss, cs = {}, {}, {}
    if key then key[#key + 1] = '{' end
    for k, x in pairs(v) do
      local i = #ks + 1
      ks[i] = k
      if key then
        key[#key + 1] = type(k) == 'number' and tostring(k) or ('"' .. tostring(k))
        key[#key + 1] = '='
      end
      local s = skel(x, leaves, numbers, key, depth + 1, isparam, flags)
      ss[i] = s
      if s == false then cs[i] = x end
      if key then key[#key + 1] = ';' end
    end
    if key then key[#key + 1] = '}' end
    return {ks, ss, cs}
  end
  if key then
    if tv == 'number' then key[#key + 1] = 'N' .. tostring(v)
    elseif tv == 'string' then key[#key + 1] = 's' .. #v .. ':' .. v
    elseif tv == 'boolean' or tv == 'nil' then key[#key + 1] = tostring(v)
    else key[#key + 1] = 'o' end
  end
  return false
end
runtime.skel = skel

-- a value with the skeleton's shape: leaf i becomes vals[i]; constants kept when `consts`
local function fill(sk, vals, consts, orig)
  if type(sk) == 'number' then return vals[sk] end
  if sk == false then return orig end
  local ks, ss, cs = sk[1], sk[2], sk[3]
  local r = {}
  for i = 1, #ks do
    local s = ss[i]
    if s == false then
      if consts then r[ks[i]] = cs[i] end
    else
      r[ks[i]] = fill(s, vals, consts)
    end
  end
  return r
end
runtime.fill = fill

-- results handed back to the caller: nodes become their values (tables are updated in place)
local function unwrap(v, seen)
  local mt = getmetatable(v)
  if mt == NODE_MT then return RAW(v) end
  if type(v) == 'table' and mt == nil then
    seen = seen or {}
    if seen[v] then return v end
    seen[v] = true
    for k, x in pairs(v) do
      local mx = getmetatable(x)
      if mx == NODE_MT or (type(x) == 'table' and mx == nil) then
        rawset(v, k, unwrap(x, seen))
      end
    end
  end
  return v
end
runtime.unwrap = unwrap

-- ------------------------------------------------------------------------------ direct mode

local function nonscalar(out)
  print('')
  print('Autograd only supports scalar outputs. This is current functions output: ')
  print(RAW(out))
end

-- gradients of fn with respect to argument `argnum` (direct mode: the function runs every call)
function runtime.direct(fn, opt, ...)
  local args = pack(...)
  local argnum = opt.argnum
  local seed
  if opt.partialGrad then
    seed = args[args.n]
    args[args.n] = nil
    args.n = args.n - 1
  end
  local leaves = {}
  local sk = skel(args[argnum], leaves, true, nil, 0)
  local tr = AG.begin(opt.profiler)
  runtime.install()
  local ok, res = pcall(function()
    local boxes = AG.leaves(tr, leaves)
    local a = {}
    for i = 1, args.n do a[i] = args[i] end
    a[argnum] = fill(sk, boxes, true, args[argnum])
    return pack(fn(unpack(a, 1, args.n)))
  end)
  runtime.uninstall()
  if not ok then
    AG.close(tr)
    error(res, 0)
  end
  local out = res[1]
  if seed == nil and getmetatable(out) == NODE_MT and AG.value_kind(P2O[out]) ~= 'number' then
    nonscalar(out)
  end
  local grads = AG.gradients(tr, out, seed)
  local g = fill(sk, grads, false, nil)
  for i = 1, res.n do res[i] = unwrap(res[i]) end
  return g, unpack(res, 1, res.n)
end

-- ------------------------------------------------------------------------------ optimized mode

-- a template of a result: ('n', i) the i-th node, ('t', table template), ('c', constant)
local function template(v, nodes, seen)
  local mt = getmetatable(v)
  if mt == NODE_MT then
    nodes[#nodes + 1] = v
    return {'n', #nodes}
  end
  if type(v) == 'table' and mt == nil then
    seen = seen or {}
    if seen[v] then return {'c', v} end
    seen[v] = true
    local parts, any = {}, false
    for k, x in pairs(v) do
      local t = template(x, nodes, seen)
      parts[#parts + 1] = {k, t}
      if t[1] ~= 'c' then any = true end
    end
    if any then return {'t', parts} end
  end
  return {'c', v}
end

local function instantiate(t, vals, base)
  local k = t[1]
  if k == 'n' then return vals[base + t[2]] end
  if k == 'c' then return t[2] end
  local r = {}
  for _, p in ipairs(t[2]) do r[p[1]] = instantiate(p[2], vals, base) end
  return r
end

local function results(entry, vals)
  -- vals: {number, grads..., answers...}
  local out = {}
  local n = 0
  if entry.withgrad then
    local gv = {}
    for j, idx in ipairs(entry.pidx) do gv[idx] = vals[1 + j] end
    n = 1
    out[1] = fill(entry.psk, gv, false, nil)
  end
  local base = 1 + #entry.pidx
  for i = 1, entry.nres do out[n + i] = instantiate(entry.tmpl[i], vals, base) end
  return unpack(out, 1, n + entry.nres)
end

function runtime.optimized(state, fn, opt, ...)
  if AG.depth() > 0 then return runtime.direct(fn, opt, ...) end
  local args = pack(...)
  local argnum = opt.argnum
  local withgrad = opt.withGradients
  local leaves, flags, key = {}, {}, {}
  local sks = {}
  for i = 1, args.n do
    sks[i] = skel(args[i], leaves, i == argnum, key, 0, i == argnum, flags)
    key[#key + 1] = '|'
  end
  if opt.signatureFn then
    -- the caller's signature of the arguments: nil runs the function uncached (direct mode);
    -- otherwise it is part of the cache key (with the types and sizes, always part of it)
    local sig = opt.signatureFn({unpack(args, 1, args.n)})
    if sig == nil then
      state.captured = true
      return runtime.direct(fn, opt, ...)
    end
    key[#key + 1] = 'S' .. tostring(sig)
  end
  local skey = table.concat(key)
  local vals = pack(AG.opt_run(state.opt, skey, leaves))
  if vals[1] ~= nil then return results(state.entries[vals[1]], vals) end
  -- first call for these shapes: capture
  state.captured = true
  local seedleaf
  if opt.partialGrad and withgrad then
    local s = sks[args.n]
    if type(s) ~= 'number' then raise('autograd: partialGrad expects the gradient tensor as the last argument') end
    seedleaf = s
  end
  local site = opt.debugHook and require('autograd.debugger').site or nil
  local rec, gtr, boxes = AG.opt_begin(leaves, flags, withgrad, site)
  runtime.install()
  runtime.setrecording(true)
  local ok, res = pcall(function()
    local a = {}
    local n = args.n
    if seedleaf then n = n - 1 end
    for i = 1, n do a[i] = fill(sks[i], boxes, true, args[i]) end
    return pack(fn(unpack(a, 1, n)))
  end)
  runtime.setrecording(false)
  runtime.uninstall()
  if not ok then
    AG.close(gtr)
    AG.close(rec)
    error(res, 0)
  end
  local nodes, tmpl = {}, {}
  for i = 1, res.n do tmpl[i] = template(res[i], nodes) end
  local pidx = {}
  for i = 1, #leaves do if flags[i] then pidx[#pidx + 1] = i end end
  local hook = state.hook
  local vals = pack(AG.opt_finish(state.opt, skey, leaves, rec, gtr, res[1],
                                  seedleaf and boxes[seedleaf] or nil, nodes, hook,
                                  opt.reduceFootprint))
  local entry = {withgrad = withgrad, pidx = withgrad and pidx or {}, psk = sks[argnum],
                 tmpl = tmpl, nres = res.n}
  state.entries[vals[1]] = entry
  if opt.showCode then print(AG.program_listing(state.opt, vals[1])) end
  if opt.dotFile then
    local f = assert(io.open(opt.dotFile, 'w'))
    f:write(AG.program_dot(state.opt, vals[1]))
    f:close()
  end
  return results(entry, vals)
end

-- stableGradients: the gradient tensors of the first call are returned by every later call,
-- refilled with the new values
local function copyInto(dst, src)
  for k, v in pairs(src) do
    local d = dst[k]
    if torch.isTensor(v) then
      if torch.isTensor(d) and d ~= v then
        if not d:isSameSizeAs(v) then d:resizeAs(v) end
        d:copy(v)
      elseif not torch.isTensor(d) then
        dst[k] = v:clone()
      end
    elseif type(v) == 'table' and type(d) == 'table' then
      copyInto(d, v)
    else
      dst[k] = v
    end
  end
end

function runtime.stable(state, g, ...)
  if state.stable == nil or type(g) ~= 'table' then
    state.stable = g
    return g, ...
  end
  copyInto(state.stable, g)
  return state.stable, ...
end

return runtime
