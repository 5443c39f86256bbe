--[[ AdaDelta (Zeiler, 2012, arXiv:1212.5701).

x, {f(x)} = optim.adadelta(opfunc, x [, config] [, state])

config: rho (0.9), eps (1e-6), weightDecay (0).
state:  evalCounter, paramVariance (running mean of g^2), paramStd, delta (last update),
accDelta (running mean of delta^2).

One step, with g = df/dx + wd * x:
  E[g2]  <- rho * E[g2] + (1 - rho) * g .* g
  delta   = sqrt(E[dx2] + eps) ./ sqrt(E[g2] + eps) .* g
  x      <- x - delta
  E[dx2] <- rho * E[dx2] + (1 - rho) * delta .* delta
]]
local util = require 'optim._util'

function optim.adadelta(opfunc, x, config, state)
  if config == nil and state == nil then
    print('no state table, ADADELTA initializing')
  end
  local config, state = util.start('adadelta', opfunc, x, config, state)
  local rho = config.rho or 0.9
  local eps = config.eps or 1e-6
  local wd = config.weightDecay or 0
  state.evalCounter = state.evalCounter or 0

  local fx, g = util.grad('adadelta', opfunc(x))
  if wd ~= 0 then g:add(wd, x) end

  if not state.paramVariance then
    local function zeros() return torch.Tensor():typeAs(x):resizeAs(g):zero() end
    state.paramVariance = zeros()
    state.paramStd = zeros()
    state.delta = zeros()
    state.accDelta = zeros()
  end
  local Eg2, std, delta, Edx2 = state.paramVariance, state.paramStd, state.delta, state.accDelta

  Eg2:mul(rho):addcmul(1 - rho, g, g)
  torch.add(std, Eg2, eps):sqrt()
  torch.add(delta, Edx2, eps):sqrt():cdiv(std):cmul(g)
  x:add(-1, delta)
  Edx2:mul(rho):addcmul(1 - rho, delta, delta)

  state.evalCounter = state.evalCounter + 1
  return x, {fx}
end
