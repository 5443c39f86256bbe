--[[ Resilient backpropagation (Riedmiller & Braun, 1993), without weight backtracking.

x, {f(x) for each inner iteration} = optim.rprop(opfunc, x [, config] [, state])

config: stepsize (0.1, initial step for every component), etaplus (1.2), etaminus (0.5),
stepsizemax (50), stepsizemin (1e-6), niter (1, iterations per call).
state:  delta (previous gradient, zeroed where its sign flipped), stepsize (per-component
steps), sign, psign, nsign, zsign, dminmax (work buffers).

Each iteration, with s = sign(g .* delta) per component:
  step <- step * etaplus (s > 0), step * etaminus (s < 0), step (s == 0),
          then clamped to [stepsizemin, stepsizemax]
  g    <- 0 where s < 0
  x    <- x - sign(g) .* step;  delta <- g
]]
local util = require 'optim._util'

function optim.rprop(opfunc, x, config, state)
  if config == nil and state == nil then
    print('no state table RPROP initializing')
  end
  local config, state = util.start('rprop', opfunc, x, config, state)
  local stepsize = config.stepsize or 0.1
  local etaplus = config.etaplus or 1.2
  local etaminus = config.etaminus or 0.5
  local stepsizemax = config.stepsizemax or 50.0
  local stepsizemin = config.stepsizemin or 1e-06
  local niter = config.niter or 1

  local history = {}
  for _ = 1, niter do
    local fx, g = util.grad('rprop', opfunc(x))

    if not state.delta then
      state.delta = g.new(g:size()):zero()
      state.stepsize = g.new(g:size()):fill(stepsize)
      state.sign = g.new(g:size())
      state.psign = torch.ByteTensor(g:size())
      state.nsign = torch.ByteTensor(g:size())
      state.zsign = torch.ByteTensor(g:size())
      state.dminmax = torch.ByteTensor(g:size())
    end
    local sign, steps = state.sign, state.stepsize
    local pos, neg, zer = state.psign, state.nsign, state.zsign

    -- has the gradient kept (> 0), flipped (< 0) or lost (== 0) its sign?
    torch.cmul(sign, g, state.delta)
    torch.sign(sign, sign)
    torch.gt(pos, sign, 0)
    torch.lt(neg, sign, 0)
    torch.eq(zer, sign, 0)

    -- grow, shrink or keep each step size, within [stepsizemin, stepsizemax]
    sign[pos] = etaplus
    sign[neg] = etaminus
    sign[zer] = 1
    steps:cmul(sign)
    torch.gt(state.dminmax, steps, stepsizemax)
    steps[state.dminmax] = stepsizemax
    torch.lt(state.dminmax, steps, stepsizemin)
    steps[state.dminmax] = stepsizemin

    -- no move where the sign flipped; otherwise a step against the gradient's sign
    g[neg] = 0
    torch.sign(sign, g)
    x:addcmul(-1, sign, steps)
    state.delta:copy(g)

    history[#history + 1] = fx
  end
  return x, history
end
