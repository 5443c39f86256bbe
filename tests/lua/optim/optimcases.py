"""The algorithms and configurations whose state bookkeeping is tested (test_optim_state.py,
and against optim's own sources in test_optim_upstream.py)."""

# a smooth non-quadratic function of 3 variables (Rosenbrock's), so that every method moves
FUNC = """
  function fun(x)
    local f, g = 0, x.new(x:size()):zero()
    for i = 1, x:size(1) - 1 do
      local a, b = x[i], x[i + 1]
      f = f + 100 * (b - a * a)^2 + (1 - a)^2
      g[i] = g[i] - 400 * a * (b - a * a) - 2 * (1 - a)
      g[i + 1] = g[i + 1] + 200 * (b - a * a)
    end
    return f, g
  end
"""

# name, config (a Lua expression), state keys (those optim's source writes into the state table)
CASES = [
    ('sgd', '{learningRate = 1e-4, momentum = 0.9, learningRateDecay = 1e-2}',
     {'evalCounter', 'dfdx'}),
    ('sgd', '{learningRate = 1e-3, momentum = 0.5, dampening = 0, nesterov = true,'
            ' learningRates = torch.Tensor({0.1, 0.2, 0.3}), weightDecays = torch.Tensor({0, 1e-2, 1e-1})}',
     {'evalCounter', 'dfdx', 'decayParameters', 'deltaParameters'}),
    ('nag', '{learningRate = 1e-4, momentum = 0.8, learningRates = torch.Tensor({1, 0.5, 2})}',
     {'evalCounter', 'dfdx', 'deltaParameters'}),
    ('asgd', '{eta0 = 1e-4, t0 = 2}', {'eta_t', 'mu_t', 't', 'ax', 'tmp'}),
    ('adagrad', '{learningRate = 1e-2, weightDecay = 1e-3}', {'evalCounter', 'paramVariance', 'paramStd'}),
    ('adadelta', '{rho = 0.95}', {'evalCounter', 'paramVariance', 'paramStd', 'delta', 'accDelta'}),
    ('adam', '{learningRate = 1e-2, learningRateDecay = 1e-3}', {'t', 'm', 'v', 'denom'}),
    ('adamax', '{learningRate = 1e-2}', {'t', 'm', 'u', 'max'}),
    ('rmsprop', '{learningRate = 1e-3, initialMean = 0.1}', {'m', 'tmp'}),
    ('rprop', '{stepsize = 0.05, niter = 2}',
     {'delta', 'stepsize', 'sign', 'psign', 'nsign', 'zsign', 'dminmax'}),
    ('lbfgs', '{maxIter = 1, learningRate = 1e-3, nCorrection = 4}',
     {'funcEval', 'nIter', 'tmp1', 'dir_bufs', 'stp_bufs', 'd', 't', 'old_dirs', 'old_stps',
      'Hdiag', 'g_old', 'f_old', 'ro', 'al'}),
    ('lbfgs', '{maxIter = 2, lineSearch = optim.lswolfe, nCorrection = 3}',
     {'funcEval', 'nIter', 'tmp1', 'dir_bufs', 'stp_bufs', 'd', 't', 'old_dirs', 'old_stps',
      'Hdiag', 'g_old', 'f_old', 'ro', 'al'}),
    ('cg', '{maxIter = 10}', {'df0', 'df1', 'df2', 'df3', 'x0', 's'}),
]
IDS = ['%s-%d' % (c[0], i) for i, c in enumerate(CASES)]
