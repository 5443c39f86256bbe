--[[ Averaged stochastic gradient descent (Bottou's ASGD).

x, {f(x)}, ax = optim.asgd(opfunc, x [, config] [, state])

config: eta0 (1e-4), lambda (1e-4), alpha (0.75), t0 (1e6); missing ones are written back
into config as Torch does.
state:  eta_t (current step size), mu_t (current averaging rate), t (steps taken), ax (the
averaged iterate), tmp (work buffer).

One step, with g = df/dx:
  x  <- (1 - lambda * eta_t) * x - eta_t * g
  ax <- x when mu_t == 1, else ax + mu_t * (x - ax)
  eta_t = eta0 / (1 + lambda * eta0 * t)^alpha,  mu_t = 1 / max(1, t - t0)
]]
local util = require 'optim._util'

function optim.asgd(opfunc, x, config, state)
  local config, state = util.start('asgd', opfunc, x, config, state)
  config.eta0 = config.eta0 or 1e-4
  config.lambda = config.lambda or 1e-4
  config.alpha = config.alpha or 0.75
  config.t0 = config.t0 or 1e6
  state.eta_t = state.eta_t or config.eta0
  state.mu_t = state.mu_t or 1
  state.t = state.t or 0

  local fx, g = util.grad('asgd', opfunc(x))

  -- decayed gradient step
  x:mul(1 - config.lambda * state.eta_t)
  x:add(-state.eta_t, g)

  -- running average of the iterates
  local ax = state.ax
  if not ax then
    ax = torch.Tensor():typeAs(x):resizeAs(x):zero()
    state.ax = ax
  end
  state.tmp = state.tmp or torch.Tensor():typeAs(ax):resizeAs(ax)
  if state.mu_t ~= 1 then
    torch.add(state.tmp, x, -1, ax):mul(state.mu_t)
    ax:add(state.tmp)
  else
    ax:copy(x)
  end

  -- schedules for the next step
  state.t = state.t + 1
  state.eta_t = config.eta0 / math.pow(1 + config.lambda * config.eta0 * state.t, config.alpha)
  state.mu_t = 1 / math.max(1, state.t - config.t0)

  return x, {fx}, ax
end
