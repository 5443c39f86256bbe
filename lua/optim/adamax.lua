--[[ AdaMax, Adam's infinity-norm variant (Kingma & Ba, arXiv:1412.6980, section 7).

x, {f(x)} = optim.adamax(opfunc, x [, config] [, state])

config: learningRate (0.002), beta1 (0.9), beta2 (0.999), epsilon (1e-38), weightDecay (0).
state:  t (steps taken), m (mean of g), u (weighted infinity norm), max (2 x size work buffer).

One step, with g = df/dx + wd * x, then t <- t + 1:
  m <- beta1 * m + (1 - beta1) * g
  u <- max(beta2 * u, |g| + epsilon)
  x <- x - lr / (1 - beta1^t) * m ./ u
(As in Torch, u is taken as the max over the first dimension of `max`, so after the first step
it has a leading dimension of size 1.)
]]
local util = require 'optim._util'

function optim.adamax(opfunc, x, config, state)
  local config, state = util.start('adamax', opfunc, x, config, state)
  local lr = config.learningRate or 0.002
  local beta1 = config.beta1 or 0.9
  local beta2 = config.beta2 or 0.999
  local epsilon = config.epsilon or 1e-38
  local wd = config.weightDecay or 0

  local fx, g = util.grad('adamax', opfunc(x))
  if wd ~= 0 then g:add(wd, x) end

  state.t = state.t or 0
  state.m = state.m or x.new(g:size()):zero()
  state.u = state.u or x.new(g:size()):zero()
  state.max = state.max or x.new(2, unpack(g:size():totable())):zero()

  state.t = state.t + 1
  local m, u, both = state.m, state.u, state.max
  m:mul(beta1):add(1 - beta1, g)
  both[1]:copy(u):mul(beta2)
  torch.abs(both[2], g):add(epsilon)
  u:max(both, 1)

  local stepSize = lr / (1 - beta1 ^ state.t)
  x:addcdiv(-stepSize, m, u)

  return x, {fx}
end
