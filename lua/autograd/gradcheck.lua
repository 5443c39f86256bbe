-- require('autograd.gradcheck')(opt) -> gradcheck(fn, params, ...): true when autograd's
-- gradients of fn with respect to every tensor and number of params agree with finite
-- differences. opt.randomizeInput (default true) first fills each variable with random values.
-- gradcheck(fn, params, ...) called directly (the README's convention) uses the defaults.
local autograd = require 'autograd.main'
local util = require 'autograd.util'

local h = 1e-6          -- finite difference step
local threshold = 1e-5  -- largest accepted difference
local maxElements = 100 -- elements checked one by one (a random sample beyond)

local function call(fn, args) return (fn(unpack(args, 1, args.n))) end

local function autogradOf(fn, args, key)
  local df = autograd(fn)
  local g1 = df(unpack(args, 1, args.n))
  local g2 = df(unpack(args, 1, args.n))
  local a, b = util.nestedGet(g1, key), util.nestedGet(g2, key)
  local diff
  if torch.isTensor(a) then diff = (a - b):abs():max() else diff = math.abs(a - b) end
  if diff ~= 0 then error('autograd gradient not deterministic', 0) end
  return a
end

local function checkVariable(fn, args, key, randomize)
  local params = args[1]
  local var = util.nestedGet(params, key)
  local isTensor = torch.isTensor(var)
  if randomize then
    if isTensor then var:uniform(-1, 1)
    else util.nestedSet(params, key, 2 * math.random() - 1) end
    var = util.nestedGet(params, key)
  end
  local g = autogradOf(fn, args, key)
  local maxErr = 0
  if isTensor then
    local flat = var:view(-1)
    local gflat = g:contiguous():view(-1)
    local n = flat:size(1)
    local picks = {}
    if n <= maxElements then
      for i = 1, n do picks[i] = i end
    else
      for i = 1, maxElements do picks[i] = math.random(1, n) end
    end
    for _, i in ipairs(picks) do
      local v = flat[i]
      flat[i] = v - h / 2
      local f1 = call(fn, args)
      flat[i] = v + h / 2
      local f2 = call(fn, args)
      flat[i] = v
      maxErr = math.max(maxErr, math.abs((f2 - f1) / h - gflat[i]))
    end
    -- a random direction over every element: f(x + e) ~ f(x) + <g, e>
    local noise = var.new(var:size()):uniform(-h, h)
    local f0 = call(fn, args)
    local orig = var:clone()
    var:add(noise)
    local f1 = call(fn, args)
    var:copy(orig)
    local predicted = f0 + torch.dot(g:contiguous():view(-1), noise:view(-1))
    local rel = math.abs(f1 - predicted) / (math.max(math.abs(f0), math.abs(f1)) + h)
    maxErr = math.max(maxErr, rel)
  else
    util.nestedSet(params, key, var - h / 2)
    local f1 = call(fn, args)
    util.nestedSet(params, key, var + h / 2)
    local f2 = call(fn, args)
    util.nestedSet(params, key, var)
    maxErr = math.abs((f2 - f1) / h - g)
  end
  return maxErr < threshold, maxErr
end

local function make(opt)
  opt = opt or {}
  local randomize = opt.randomizeInput
  if randomize == nil then randomize = true end
  return function(fn, ...)
    local args = {n = select('#', ...), ...}
    local _, keys = util.sortedFlattenKeys(args[1])
    local ok, worst = true, 0
    for _, key in ipairs(keys) do
      local v = util.nestedGet(args[1], key)
      if torch.isTensor(v) or type(v) == 'number' then
        local pass, err = checkVariable(fn, args, key, randomize)
        if not pass then
          print('gradcheck: gradient of ' .. table.concat(key, '.') .. ' off by ' .. err)
        end
        ok = ok and pass
        worst = math.max(worst, err)
      end
    end
    print('[gradcheck] maximum error = ' .. worst)
    return ok
  end
end

return function(optOrFn, ...)
  if type(optOrFn) == 'function' then return make({})(optOrFn, ...) end
  return make(optOrFn)
end
