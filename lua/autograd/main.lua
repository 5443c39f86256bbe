-- grad(fn [, opt]) -> df, and the package switches (optimize, protected, profile).
local runtime = require 'autograd.runtime'
local profiledDirect, profiledOptimized

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

local clock = require('sys').clock
local AG = runtime.AG
local pack, unpack = runtime.pack, unpack or table.unpack

-- direct mode with the profiler: every op timed (forward, and its gradient in the reverse pass)
-- per operation and line; the report is printed before every profileReportFrequency-th call
function profiledDirect(fn, opt)
  local pf = AG.profiler_new(require('autograd.debugger').line)
  local calls = 0
  return function(...)
    if math.fmod(calls + 1, opt.profileReportFrequency) == 0 then
      print(AG.profiler_report(pf, opt.profile))
    end
    if opt.withForward and not opt.withGradients then return fn(...) end
    local o = setmetatable({profiler = pf}, {__index = opt})
    local r = pack(runtime.direct(fn, o, ...))
    AG.profiler_cycle(pf)
    calls = calls + 1
    return unpack(r, 1, r.n)
  end
end

-- optimized mode's summary: cache hits, time capturing, replaying, and outside df
function profiledOptimized(call, state, opt)
  local stats = {calls = 0, cacheHits = 0, cacheMisses = 0, codegenTime = 0,
                 executionTime = 0, externalTime = 0}
  local prev = nil
  return function(...)
    if AG.depth() > 0 then return call(...) end
    stats.calls = stats.calls + 1
    if math.fmod(stats.calls, opt.profileReportFrequency) == 0 then
      print(AG.profile_summary(stats))
    end
    local start = clock()
    if prev then stats.externalTime = stats.externalTime + (start - prev) end
    state.captured = false
    local r = pack(call(...))
    local now = clock()
    if state.captured then
      stats.cacheMisses = stats.cacheMisses + 1
      stats.codegenTime = stats.codegenTime + (now - start)
    else
      stats.cacheHits = stats.cacheHits + 1
      stats.executionTime = stats.executionTime + (now - start)
    end
    prev = now
    return unpack(r, 1, r.n)
  end
end

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
  opt.profileReportFrequency = opt.profileReportFrequency or 10
  opt.reduceFootprint = bool(opt.reduceFootprint, false)
  if type(opt.profileReportFrequency) ~= 'number' or opt.profileReportFrequency < 1 then
    error('autograd: profileReportFrequency must be a positive number', 2)
  end
  if opt.signatureFn ~= nil and type(opt.signatureFn) ~= 'function' then
    error('autograd: signatureFn must be a function', 2)
  end
  if opt.debugHook ~= nil and type(opt.debugHook) ~= 'function' then
    error('autograd: debugHook must be a function', 2)
  end
  if opt.optimize or opt.debugHook then
    if opt.profile == profile.DETAILED then
      error('detailed profile not available in optimized mode', 2)
    end
    local state = {opt = runtime.AG.opt_new(), entries = {}, stable = nil}
    if opt.debugHook then state.hook = require('autograd.debugger').hook(opt, state) end
    local function call(...)
      if opt.stableGradients then
        return runtime.stable(state, runtime.optimized(state, fn, opt, ...))
      end
      return runtime.optimized(state, fn, opt, ...)
    end
    if opt.profile == profile.SUMMARY then call = profiledOptimized(call, state, opt) end
    return function(...)
      if opt.withForward and not opt.withGradients and runtime.AG.depth() > 0 then
        return fn(...)
      end
      return call(...)
    end
  end
  if opt.stableGradients then
    error('stable gradient tensors only available in optimized mode', 2)
  end
  if opt.profile ~= profile.OFF then return profiledDirect(fn, opt) end
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
