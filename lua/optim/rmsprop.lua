--[[ RMSprop (Tieleman & Hinton, 2012).

x, {f(x)} = optim.rmsprop(opfunc, x [, config] [, state])

config: learningRate (1e-2), alpha (0.99), epsilon (1e-8), weightDecay (0), initialMean (0,
the starting value of m).
state:  m (leaky mean of g^2), tmp (sqrt(m) + epsilon).

One step, with g = df/dx + wd * x:
  m <- alpha * m + (1 - alpha) * g .* g
  x <- x - lr * g ./ (sqrt(m) + epsilon)
]]
local util = require 'optim._util'

function optim.rmsprop(opfunc, x, config, state)
  local config, state = util.start('rmsprop', opfunc, x, config, state)
  local lr = config.learningRate or 1e-2
  local alpha = config.alpha or 0.99
  local epsilon = config.epsilon or 1e-8
  local wd = config.weightDecay or 0
  local initialMean = config.initialMean or 0

  local fx, g = util.grad('rmsprop', opfunc(x))
  if wd ~= 0 then g:add(wd, x) end

  if not state.m then
    state.m = torch.Tensor():typeAs(x):resizeAs(g):fill(initialMean)
    state.tmp = torch.Tensor():typeAs(x):resizeAs(g)
  end
  local m = state.m
  m:mul(alpha)
  m:addcmul(1.0 - alpha, g, g)
  state.tmp:sqrt(m):add(epsilon)
  x:addcdiv(-lr, g, state.tmp)

  return x, {fx}
end
