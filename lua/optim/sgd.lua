--[[ Stochastic gradient descent.

x, {f(x)} = optim.sgd(opfunc, x [, config] [, state])

config: learningRate (1e-3), learningRateDecay (0), weightDecay (0), weightDecays (tensor of
per-parameter decays), momentum (0), dampening (= momentum), nesterov (false), learningRates
(tensor of per-parameter rates).
state:  evalCounter (steps taken so far), dfdx (momentum buffer), decayParameters and
deltaParameters (work buffers for the per-parameter forms).

One step, with g = df/dx:
  g <- g + wd * x                       (or g + wds .* x)
  v <- g on the first step, else v <- mom * v + (1 - damp) * g
  g <- g + mom * v (nesterov)           or g <- v
  x <- x - lr / (1 + n * lrd) * g       (or times lrs .* g)
f(x) is reported as evaluated before the update.
]]
local util = require 'optim._util'

local function sameType(a, b)
  return torch.typename(a) == torch.typename(b)
end

function optim.sgd(opfunc, x, config, state)
  local config, state = util.start('sgd', opfunc, x, config, state)
  local lr = config.learningRate or 1e-3
  local lrd = config.learningRateDecay or 0
  local wd = config.weightDecay or 0
  local mom = config.momentum or 0
  local damp = config.dampening or mom
  local nesterov = config.nesterov or false
  local lrs, wds = config.learningRates, config.weightDecays
  if nesterov and (mom <= 0 or damp ~= 0) then
    error('optim.sgd: Nesterov momentum requires a momentum and zero dampening', 2)
  end
  state.evalCounter = state.evalCounter or 0
  local step = state.evalCounter

  local fx, g = util.grad('sgd', opfunc(x))

  -- weight decay: one coefficient, or one per parameter
  if wd ~= 0 then
    g:add(wd, x)
  elseif wds then
    local buf = state.decayParameters
    if not buf then
      buf = torch.Tensor():typeAs(x):resizeAs(g)
      state.decayParameters = buf
    end
    if sameType(wds, x) then torch.cmul(buf, wds, x) else buf:copy(wds):cmul(x) end
    g:add(buf)
  end

  -- momentum (heavy ball or Nesterov)
  if mom ~= 0 then
    local v = state.dfdx
    if not v then
      v = g:clone()
      state.dfdx = v
    else
      v:mul(mom):add(1 - damp, g)
    end
    if nesterov then g:add(mom, v) else g = v end
  end

  -- annealed step, with one rate or one per parameter
  local clr = lr / (1 + step * lrd)
  if lrs then
    local buf = state.deltaParameters
    if not buf then
      buf = torch.Tensor():typeAs(x):resizeAs(g)
      state.deltaParameters = buf
    end
    if sameType(lrs, g) then torch.cmul(buf, lrs, g) else buf:copy(lrs):cmul(g) end
    x:add(-clr, buf)
  else
    x:add(-clr, g)
  end

  state.evalCounter = state.evalCounter + 1
  return x, {fx}
end
