--[[ AdaGrad (Duchi et al., 2011).

x, {f(x)} = optim.adagrad(opfunc, x [, config] [, state])

config: learningRate (1e-3), learningRateDecay (0), weightDecay (0).
state:  evalCounter, paramVariance (sum of squared gradients), paramStd (its square root
plus 1e-10).

One step, with g = df/dx + wd * x and clr = lr / (1 + n * lrd):
  G <- G + g .* g
  x <- x - clr * g ./ (sqrt(G) + 1e-10)
]]
local util = require 'optim._util'

function optim.adagrad(opfunc, x, config, state)
  if config == nil and state == nil then
    print('no state table, ADAGRAD initializing')
  end
  local config, state = util.start('adagrad', opfunc, x, config, state)
  local lr = config.learningRate or 1e-3
  local lrd = config.learningRateDecay or 0
  local wd = config.weightDecay or 0
  state.evalCounter = state.evalCounter or 0
  local step = state.evalCounter

  local fx, g = util.grad('adagrad', opfunc(x))
  if wd ~= 0 then g:add(wd, x) end

  local clr = lr / (1 + step * lrd)
  local G = state.paramVariance
  if not G then
    G = torch.Tensor():typeAs(x):resizeAs(g):zero()
    state.paramVariance = G
    state.paramStd = torch.Tensor():typeAs(x):resizeAs(g)
  end
  G:addcmul(1, g, g)
  local std = state.paramStd:sqrt(G):add(1e-10)
  x:addcdiv(-clr, g, std)

  state.evalCounter = state.evalCounter + 1
  return x, {fx}
end
