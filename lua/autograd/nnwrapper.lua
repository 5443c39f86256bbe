-- autograd.functionalize: nn modules and criteria as differentiable functions.
-- A module with parameters becomes f(params, input) (returned with its parameter list), one
-- without becomes f(input), a criterion f(input, target). Each is a primitive whose forward
-- and gradient are the module's own forward and backward (luatorch/lib/autograd/nnprims.py).
local runtime = require 'autograd.runtime'
local AG = runtime.AG
local apply = AG.apply_prim
local pause, resume = runtime.pause, runtime.resume

local nnwrapper = {}

local function isModule(obj)
  return (type(obj) == 'table' or type(obj) == 'userdata') and torch.isTypeOf(obj, 'nn.Module')
end

local function isCriterion(obj)
  return (type(obj) == 'table' or type(obj) == 'userdata') and torch.isTypeOf(obj, 'nn.Criterion')
end

local function hasParams(module)
  local ok, params = pcall(module.parameters, module)
  return ok and type(params) == 'table' and #params > 0
end

local function inputType(x)
  if torch.isTensor(x) then return torch.type(x) end
  if type(x) == 'table' then
    local first = x[1]
    if torch.isTensor(first) then return torch.type(first) end
  end
end

-- converts the module to the type of its input when that changes (as nn code expects)
local function typer(module)
  local last = nil
  return function(x)
    local t = inputType(x)
    if not t then
      error('Input is neither a tensor or a table of tensors. Type is ' .. type(x), 3)
    end
    if t ~= last then
      last = t
      module:type(t)
    end
  end
end

local function callable(mod, entry)
  mod.entry = entry
  return setmetatable(mod, {__call = function(_, ...) return entry(...) end})
end

local function wrapModuleWithParams(module, name)
  local setType = typer(module)
  local function bind(params)
    local own = module:parameters()
    for i, p in ipairs(own) do
      local q = params[i]
      if q == nil then error('autograd: ' .. name .. ' expects ' .. #own .. ' parameter tensors', 4) end
      if not rawequal(p, q) then p:set(q) end
    end
  end
  local function forward(params, x)
    local r = pause()
    setType(x)
    bind(params)
    local out = module:forward(x)
    resume(r)
    return out
  end
  local function backward(g, params, x)
    local r = pause()
    setType(x)
    bind(params)
    module:zeroGradParameters()
    local gi = module:backward(x, g)
    local _, gp = module:parameters()
    resume(r)
    return gi, gp
  end
  local id = AG.nnprim(name, 'params', forward, backward)
  local mod = {forward = forward, backward = backward, module = module}
  callable(mod, function(params, x) return apply(id, params, x) end)
  return mod, module:parameters()
end

local function wrapModuleWithoutParams(module, name)
  local setType = typer(module)
  local function forward(x)
    local r = pause()
    setType(x)
    local out = module:forward(x)
    resume(r)
    return out
  end
  local function backward(g, x)
    local r = pause()
    setType(x)
    local gi = module:backward(x, g)
    resume(r)
    return gi
  end
  local id = AG.nnprim(name, 'input', forward, backward)
  local mod = {forward = forward, backward = backward, module = module}
  return callable(mod, function(x) return apply(id, x) end)
end

local function wrapCriterion(criterion, name)
  local setType = typer(criterion)
  local function forward(x, y)
    local r = pause()
    setType(x)
    local out = criterion:forward(x, y)
    resume(r)
    return out
  end
  local function backward(x, y)
    local r = pause()
    setType(x)
    local gi = criterion:backward(x, y)
    resume(r)
    return gi
  end
  local id = AG.nnprim(name, 'criterion', forward, backward)
  local mod = {forward = forward, backward = backward, module = criterion}
  return callable(mod, function(x, y) return apply(id, x, y) end)
end

local functionalizePackage

-- functionalize(module | criterion | package name)
function nnwrapper.functionalize(obj)
  if type(obj) == 'string' then return functionalizePackage(obj) end
  local name = torch.typename(obj) or 'nn object'
  if isModule(obj) then
    if hasParams(obj) then return wrapModuleWithParams(obj, name) end
    return wrapModuleWithoutParams(obj, name)
  elseif isCriterion(obj) then
    return wrapCriterion(obj, name)
  end
  error('Input is not a package name or nn object', 2)
end

-- every module and criterion class of a package, as constructors of functionalized objects
function functionalizePackage(packageName)
  local ok, pkg = pcall(require, packageName)
  if not ok then error("Could not load package '" .. packageName .. "'", 3) end
  local map = {}
  for name, class in pairs(pkg) do
    if type(class) == 'table' and (isModule(class) or isCriterion(class)) then
      map[name] = function(...) return nnwrapper.functionalize(class(...)) end
    end
  end
  return map
end
nnwrapper.functionalizePackage = functionalizePackage

return nnwrapper
