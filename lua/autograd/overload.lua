-- autograd.overload: differentiable functions of your own.
--
--   autograd.overload.module('mymodule', mymodule, function(module)
--     module.gradient('f', {function(g, ans, x, y) ... end, function(g, ans, x, y) ... end})
--     module.dynamic('g')          -- traced; an error if a gradient through it is needed
--     module.initializer('make')   -- traced result that no gradient flows through
--     module.static('count')       -- called with plain values, result plain
--     module.unsupported('h')      -- an error when given a traced value
--     module.ignore('k')           -- left alone
--     module.operator('add', {...})  -- mymodule.__add
--     module.defaultUnsupported()  -- every other function of the table: unsupported
--     module.class('DoubleTensor', function(class) class.gradient('myMethod', {...}) end)
--   end)
--
-- While a differentiated function runs, mymodule.f given a traced value (a node, or a table
-- holding one) is a primitive: the original function computes the value from the plain
-- arguments, and gradient i, called as gf(g, ans, arg1, arg2, ...) with g the gradient of the
-- result, gives the gradient with respect to argument i (nil: none). Gradient functions are
-- written with the torch functions autograd supports, so they are differentiated again
-- (gradients of gradients) and, in optimized mode, become part of the replayed program; the
-- forward function is called back at every replay. Outside differentiated calls the table is
-- untouched. `module.class` declares methods of a tensor class (torch.<className>): method
-- calls on nodes of that type, and on plain tensors given nodes.
require 'torch'
local runtime = require 'autograd.runtime'
local AG = runtime.AG
local applyprim = AG.apply_prim
local anynode, isnode = runtime.anynode, runtime.isnode
local pack, unpack = runtime.pack, unpack or table.unpack
local pcall, error, type = pcall, error, type

local overload = {}

local function finish(r)
  if not r[1] then error(r[2], 0) end
  return unpack(r, 2, r.n)
end

-- the declared function as it was: plain values in, nothing of it recorded
local function plain(fn)
  return function(...)
    local rec = runtime.pause()
    local r = pack(pcall(fn, ...))
    runtime.resume(rec)
    return finish(r)
  end
end

-- a gradient function: given traced values (gradients of gradients, optimized mode's capture)
-- it runs with autograd's overloads in place, so what it computes is traced too
local function traced(gf)
  return function(...)
    if not anynode(...) then return gf(...) end
    runtime.install()
    local rec = runtime.pause()
    runtime.resume(AG.recording())
    local r = pack(pcall(gf, ...))
    runtime.resume(rec)
    runtime.uninstall()
    return finish(r)
  end
end

local function gradList(qual, grads)
  if grads == nil then return {} end
  if type(grads) == 'function' then grads = {grads} end
  if type(grads) ~= 'table' then
    error('autograd.overload: the gradients of ' .. qual .. ' must be a table of functions', 4)
  end
  local n = table.maxn(grads)
  local list = {}
  for i = 1, n do
    local g = grads[i]
    if g == nil or g == false then
      list[i] = false
    elseif type(g) == 'function' then
      list[i] = traced(g)
    else
      error('autograd.overload: gradient ' .. i .. ' of ' .. qual .. ' is not a function', 4)
    end
  end
  return list
end

local function unsupportedSwap(tbl, key, qual)
  local make = runtime.refusing(qual)
  runtime.user_swap(tbl, key, function(orig)
    if orig == nil then return nil end
    return make(orig)
  end)
end

-- tbl[key] becomes, while differentiating, a primitive for calls given traced values;
-- `onPrim(prim)` (optional) is told each primitive made (one per original function seen)
local function primSwap(tbl, key, qual, how, grads, onPrim)
  runtime.user_swap(tbl, key, function(orig)
    if orig == nil then return nil end
    local prim = AG.userprim(qual, how, plain(orig), grads)
    if onPrim then onPrim(prim) end
    return function(...)
      if anynode(...) then return applyprim(prim, ...) end
      return orig(...)
    end
  end)
end

local function opSwap(tbl, key, qual, grads)
  runtime.user_swap(tbl, key, function(orig)
    if orig == nil then return nil end
    local prim = AG.userprim(qual, 'gradient', plain(orig), grads)
    if key == '__unm' then
      return function(a) if isnode(a) then return applyprim(prim, a) end return orig(a) end
    end
    return function(a, b)
      if isnode(a) or isnode(b) then return applyprim(prim, a, b) end
      return orig(a, b)
    end
  end)
end

local function names(qual, ...)
  local n = select('#', ...)
  local out = {}
  for i = 1, n do
    local v = select(i, ...)
    if type(v) ~= 'string' then
      error('autograd.overload: ' .. qual .. ': function names expected, got ' .. type(v), 3)
    end
    out[i] = v
  end
  return out
end

-- the declaration functions of a module table (or of a tensor class, with `class`)
local function declarations(name, tbl, class)
  local supported = {}
  local decl = {}
  local prefix = class and (name .. '.' .. class.name) or name
  local target = class and class.mt or tbl

  local function declare(fnName, how, grads)
    supported[fnName] = true
    local qual = prefix .. '.' .. fnName
    if rawget(target, fnName) == nil then return end   -- as torch-autograd: nothing to overload
    if how == 'unsupported' then return unsupportedSwap(target, fnName, qual) end
    local glist = how == 'gradient' and gradList(qual, grads) or {}
    local onPrim
    if class then
      local tn = class.typename
      onPrim = function(prim)
        local m = runtime.USER_METHODS[fnName]
        if m == nil then
          m = {}
          runtime.USER_METHODS[fnName] = m
        end
        m[tn] = function(...) return applyprim(prim, ...) end
      end
    end
    primSwap(target, fnName, qual, how, glist, onPrim)
  end

  function decl.gradient(fnName, grads)
    names(prefix, fnName)
    declare(fnName, 'gradient', grads)
  end
  for _, how in ipairs({'dynamic', 'initializer', 'static', 'unsupported'}) do
    decl[how] = function(...)
      for _, fnName in ipairs(names(prefix, ...)) do declare(fnName, how) end
    end
  end
  function decl.ignore(...)
    for _, fnName in ipairs(names(prefix, ...)) do supported[fnName] = true end
  end
  function decl.operator(opName, grads)
    names(prefix, opName)
    local key = '__' .. opName
    supported[opName] = true
    supported[key] = true
    local qual = 'op.' .. key
    local glist = gradList(qual, grads)
    if rawget(target, key) ~= nil then opSwap(target, key, qual, glist) end
    if class then
      -- nodes of this type: their operators dispatch on the node's value type
      local tn = class.typename
      runtime.user_swap(runtime.NODE_MT, key, function(orig)
        local prim = AG.userprim(qual, 'gradient', plain(rawget(target, key) or orig), glist)
        local function mine(v) return isnode(v) and runtime.vtypename(v) == tn end
        if key == '__unm' then
          return function(a) if mine(a) then return applyprim(prim, a) end return orig(a) end
        end
        return function(a, b)
          if mine(a) or mine(b) then return applyprim(prim, a, b) end
          return orig(a, b)
        end
      end)
    end
  end
  function decl.defaultUnsupported()
    for k, v in pairs(target) do
      if type(k) == 'string' and supported[k] == nil and type(v) == 'function'
          and k:sub(1, 2) ~= '__' then
        supported[k] = true
        unsupportedSwap(target, k, prefix .. '.' .. k)
      end
    end
  end
  if not class then
    function decl.class(className, fn)
      if type(className) ~= 'string' or type(fn) ~= 'function' then
        error('autograd.overload: class(className, function(class) ... end) expected', 2)
      end
      local tn = 'torch.' .. className
      local mt = torch.getmetatable(tn)
      if mt == nil then
        error('autograd.overload: no class ' .. tn, 2)
      end
      fn(declarations(name, tbl, {name = className, mt = mt, typename = tn}))
    end
  end
  return decl
end

-- autograd.overload.module(name, table, function(module) ... end)
function overload.module(name, tbl, fn)
  if type(name) ~= 'string' then
    error('autograd.overload.module: a module name (string) expected as argument 1', 2)
  end
  if type(tbl) ~= 'table' then
    error('autograd.overload.module: the module table expected as argument 2, got ' .. type(tbl), 2)
  end
  if type(fn) ~= 'function' then
    error('autograd.overload.module: a declaration function expected as argument 3', 2)
  end
  fn(declarations(name, tbl, nil))
end

-- torch-autograd's hooks around a traced call (the argument, its node constructor, is unused:
-- the traced values are autograd's own)
function overload.install() runtime.install() end
function overload.uninstall() runtime.uninstall() end

return overload
