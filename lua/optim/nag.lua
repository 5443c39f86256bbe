--[[ SGD with Nesterov's accelerated gradient (Sutskever et al., ICML 2013).

x, {f(x)} = optim.nag(opfunc, x [, config] [, state])

config: learningRate (1e-3), learningRateDecay (0), weightDecay (0), momentum (0.9, must be
positive), learningRates (tensor of per-parameter rates).
state:  evalCounter, dfdx (the velocity), deltaParameters (work buffer).

One step: x is first moved along the velocity (x <- x + mom * v), the gradient g is taken
there (plus wd * x), then with clr = lr / (1 + n * lrd):
  v <- mom * v - clr * g     (zero before the first step)
  x <- x - clr * g
f(x) is the value at the look-ahead point.
]]
local util = require 'optim._util'

function optim.nag(opfunc, x, config, state)
  local config, state = util.start('nag', opfunc, x, config, state)
  local lr = config.learningRate or 1e-3
  local lrd = config.learningRateDecay or 0
  local wd = config.weightDecay or 0
  local mom = config.momentum or 0.9
  local lrs = config.learningRates
  state.evalCounter = state.evalCounter or 0
  local step = state.evalCounter
  if mom <= 0 then
    error('optim.nag: momentum must be positive for Nesterov Accelerated Gradient', 2)
  end

  -- look ahead along the velocity, then take the gradient there
  local v = state.dfdx
  if v then x:add(mom, v) end
  local fx, g = util.grad('nag', opfunc(x))
  if wd ~= 0 then g:add(wd, x) end

  local clr = lr / (1 + step * lrd)
  if not v then
    v = torch.Tensor():typeAs(g):resizeAs(g):fill(0)
    state.dfdx = v
  else
    v:mul(mom)
  end

  if lrs then
    local buf = state.deltaParameters
    if not buf then
      buf = torch.Tensor():typeAs(x):resizeAs(g)
      state.deltaParameters = buf
    end
    if torch.typename(lrs) == torch.typename(g) then torch.cmul(buf, lrs, g) else buf:copy(lrs):cmul(g) end
    g = buf
  end
  x:add(-clr, g)
  v:add(-clr, g)

  state.evalCounter = state.evalCounter + 1
  return x, {fx}
end
