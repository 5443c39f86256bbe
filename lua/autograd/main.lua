-- grad(fn [, opt]) -> df, and the package switches (optimize, protected, profile).
local runtime = require 'autograd.runtime'

local defaultOptimize = false
local defaultProtected = false

local function optimize(on) defaultOptimize = on and true or false end
local function optimizing() return defaultOptimize end
local function protected(on) defaultProtected = on and true or false end

local function bool(v, default)
  if v == nil then return default end
  return v and true or false
end

local profile = {SUMMARY = 'summary', DETAILED = 'detailed', OFF = 'off'}

local function grad(fn, gradOpt)
  if type(fn) ~= 'function' and not (type(fn) == 'table' and getmetatable(fn)
      and getmetatable(fn).__call) then
    error('autograd: a function to differentiate expected, got ' .. type(fn), 2)
  end
  gradOpt = gradOpt or {}
  if type(gradOpt) ~= 'table' then error('autograd: options must be a table', 2) end
  local opt = {}
  for k, v in pairs(gradOpt) do opt[k] = v end
  opt.argnum = opt.gradArg or 1
  opt.optimize = bool(opt.optimize, defaultOptimize)
  opt.protected = bool(opt.protected, defaultProtected)
  opt.withForward = bool(opt.withForward, true)
  opt.withGradients = bool(opt.withGradients, true)
  opt.partialGrad = bool(opt.partialGrad, false)
  opt.profile = opt.profile or profile.OFF
  if opt.debugHook ~= nil and type(opt.debugHook) ~= 'function' then
    error('autograd: debugHook must be a function', 2)
  end
  if opt.optimize or opt.debugHook then
    if opt.profile == profile.DETAILED then
      error('detailed profile not available in optimized mode', 2)
    end
    local state = {opt = runtime.AG.opt_new(), entries = {}, stable = nil}
    if opt.debugHook then state.hook = require('autograd.debugger').hook(opt, state) end
    return function(...)
      if opt.withForward and not opt.withGradients and runtime.AG.depth() > 0 then
        return fn(...)
      end
      if opt.stableGradients then
        return runtime.stable(state, runtime.optimized(state, fn, opt, ...))
      end
      return runtime.optimized(state, fn, opt, ...)
    end
  end
  if opt.stableGradients then
    error('stable gradient tensors only available in optimized mode', 2)
  end
  return function(...)
    if opt.withForward and not opt.withGradients then return fn(...) end
    return runtime.direct(fn, opt, ...)
  end
end

local autograd = {
  grad = grad,
  optimize = optimize,
  optimizing = optimizing,
  protected = protected,
  profile = profile,
}

setmetatable(autograd, {__call = function(_, ...) return grad(...) end})

return autograd
