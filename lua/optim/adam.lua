--[[ Adam (Kingma & Ba, arXiv:1412.6980).

x, {f(x)} = optim.adam(opfunc, x [, config] [, state])

config: learningRate (1e-3), learningRateDecay (0), beta1 (0.9), beta2 (0.999),
epsilon (1e-8), weightDecay (0).
state:  t (steps taken), m (mean of g), v (mean of g^2), denom (sqrt(v) + epsilon).

One step, with g = df/dx + wd * x, clr = lr / (1 + t * lrd), then t <- t + 1:
  m <- beta1 * m + (1 - beta1) * g
  v <- beta2 * v + (1 - beta2) * g .* g
  x <- x - clr * sqrt(1 - beta2^t) / (1 - beta1^t) * m ./ (sqrt(v) + epsilon)
]]
local util = require 'optim._util'

function optim.adam(opfunc, x, config, state)
  local config, state = util.start('adam', opfunc, x, config, state)
  local lr = config.learningRate or 0.001
  local lrd = config.learningRateDecay or 0
  local beta1 = config.beta1 or 0.9
  local beta2 = config.beta2 or 0.999
  local epsilon = config.epsilon or 1e-8
  local wd = config.weightDecay or 0

  local fx, g = util.grad('adam', opfunc(x))
  if wd ~= 0 then g:add(wd, x) end

  state.t = state.t or 0
  state.m = state.m or x.new(g:size()):zero()
  state.v = state.v or x.new(g:size()):zero()
  state.denom = state.denom or x.new(g:size()):zero()

  local clr = lr / (1 + state.t * lrd)
  state.t = state.t + 1
  local m, v = state.m, state.v
  m:mul(beta1):add(1 - beta1, g)
  v:mul(beta2):addcmul(1 - beta2, g, g)
  state.denom:sqrt(v):add(epsilon)

  local bias1 = 1 - beta1 ^ state.t
  local bias2 = 1 - beta2 ^ state.t
  local stepSize = clr * math.sqrt(bias2) / bias1
  x:addcdiv(-stepSize, m, state.denom)

  return x, {fx}
end
