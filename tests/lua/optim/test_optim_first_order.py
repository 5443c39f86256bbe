"""First-order optimisers (sgd, asgd, nag, adagrad, adadelta, adam, adamax, rmsprop, rprop):
trajectories against numpy versions written from each algorithm's update rule, the state
fields that scripts save and restore, convergence, and errors for misuse."""
import numpy as np
import pytest

A = np.array([[3.0, 1.0], [1.0, 2.0]])
B = np.array([1.0, -1.0])
QUAD = """
  local A = torch.Tensor({{3, 1}, {1, 2}})
  local b = torch.Tensor({1, -1})
  function quad(x) return 0.5 * x:dot(A * x) - b:dot(x), A * x - b end
"""


def quad_grad(x):
    return A @ x - B


def quad_f(x):
    return 0.5 * x @ A @ x - B @ x


def run_steps(rt, arr, name, config, n, x0=(1.0, 1.0), extra=''):
    """n steps of optim.NAME on the quadratic from x0; returns (x, list of f, state)."""
    rt.execute(QUAD + """
      x = torch.Tensor({%s})
      st = %s
      fs = {}
      for i = 1, %d do
        local _, f = optim.%s(quad, x, st)
        fs[i] = f[1]
      end
      %s
    """ % (', '.join(repr(v) for v in x0), config, n, name, extra))
    return arr('x'), arr('fs')


# ----------------------------------------------------------------------------- references

def sgd_ref(x, n, lr=1e-3, lrd=0.0, wd=0.0, mom=0.0, damp=None, nesterov=False, lrs=None, wds=None):
    damp = mom if damp is None else damp
    x = np.array(x, dtype=float)
    v, fs = None, []
    for k in range(n):
        fs.append(quad_f(x))
        g = quad_grad(x)
        if wd != 0:
            g = g + wd * x
        elif wds is not None:
            g = g + wds * x
        if mom != 0:
            v = g.copy() if v is None else v * mom + (1 - damp) * g
            g = g + mom * v if nesterov else v
        clr = lr / (1 + k * lrd)
        x = x - clr * (lrs * g) if lrs is not None else x - clr * g
    return x, fs


def nag_ref(x, n, lr=1e-3, lrd=0.0, wd=0.0, mom=0.9, lrs=None):
    x = np.array(x, dtype=float)
    v, fs = None, []
    for k in range(n):
        if v is not None:
            x = x + mom * v
        fs.append(quad_f(x))
        g = quad_grad(x)
        if wd != 0:
            g = g + wd * x
        clr = lr / (1 + k * lrd)
        v = np.zeros_like(x) if v is None else v * mom
        step = lrs * g if lrs is not None else g
        x = x - clr * step
        v = v - clr * step
    return x, fs


def adagrad_ref(x, n, lr=1e-3, lrd=0.0, wd=0.0):
    x = np.array(x, dtype=float)
    G = np.zeros_like(x)
    for k in range(n):
        g = quad_grad(x) + (wd * x if wd else 0)
        G = G + g * g
        x = x - lr / (1 + k * lrd) * g / (np.sqrt(G) + 1e-10)
    return x, G


def adadelta_ref(x, n, rho=0.9, eps=1e-6):
    x = np.array(x, dtype=float)
    Eg, Ed = np.zeros_like(x), np.zeros_like(x)
    for _ in range(n):
        g = quad_grad(x)
        Eg = rho * Eg + (1 - rho) * g * g
        delta = np.sqrt(Ed + eps) / np.sqrt(Eg + eps) * g
        x = x - delta
        Ed = rho * Ed + (1 - rho) * delta * delta
    return x, Ed


def adam_ref(x, n, lr=1e-3, lrd=0.0, b1=0.9, b2=0.999, eps=1e-8, wd=0.0):
    x = np.array(x, dtype=float)
    m, v = np.zeros_like(x), np.zeros_like(x)
    for t in range(1, n + 1):
        g = quad_grad(x) + (wd * x if wd else 0)
        clr = lr / (1 + (t - 1) * lrd)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        x = x - clr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t) * m / (np.sqrt(v) + eps)
    return x, m, v


def adamax_ref(x, n, lr=0.002, b1=0.9, b2=0.999, eps=1e-38):
    x = np.array(x, dtype=float)
    m, u = np.zeros_like(x), np.zeros_like(x)
    for t in range(1, n + 1):
        g = quad_grad(x)
        m = b1 * m + (1 - b1) * g
        u = np.maximum(b2 * u, np.abs(g) + eps)
        x = x - lr / (1 - b1 ** t) * m / u
    return x, m, u


def rmsprop_ref(x, n, lr=1e-2, alpha=0.99, eps=1e-8, m0=0.0):
    x = np.array(x, dtype=float)
    m = np.full_like(x, m0)
    for _ in range(n):
        g = quad_grad(x)
        m = alpha * m + (1 - alpha) * g * g
        x = x - lr * g / (np.sqrt(m) + eps)
    return x, m


def rprop_ref(x, n, step0=0.1, up=1.2, down=0.5, smax=50.0, smin=1e-6):
    x = np.array(x, dtype=float)
    prev = np.zeros_like(x)
    step = np.full_like(x, step0)
    for _ in range(n):
        g = quad_grad(x)
        s = np.sign(g * prev)
        step = step * np.where(s > 0, up, np.where(s < 0, down, 1.0))
        step = np.clip(step, smin, smax)
        g = np.where(s < 0, 0.0, g)
        x = x - np.sign(g) * step
        prev = g
    return x, step


def asgd_ref(x, n, eta0=1e-4, lam=1e-4, alpha=0.75, t0=1e6):
    x = np.array(x, dtype=float)
    eta, mu, ax = eta0, 1.0, np.zeros_like(x)
    for t in range(1, n + 1):
        g = quad_grad(x)
        x = x * (1 - lam * eta) - eta * g
        ax = x.copy() if mu == 1 else ax + mu * (x - ax)
        eta = eta0 / (1 + lam * eta0 * t) ** alpha
        mu = 1 / max(1, t - t0)
    return x, ax


def close(a, b):
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


# ----------------------------------------------------------------------------- sgd

@pytest.mark.parametrize('config,kw', [
    ('{learningRate = 0.1}', dict(lr=0.1)),
    ('{learningRate = 0.2, learningRateDecay = 0.5}', dict(lr=0.2, lrd=0.5)),
    ('{learningRate = 0.1, momentum = 0.9}', dict(lr=0.1, mom=0.9)),
    ('{learningRate = 0.1, momentum = 0.5, dampening = 0.2}', dict(lr=0.1, mom=0.5, damp=0.2)),
    ('{learningRate = 0.1, momentum = 0.9, dampening = 0, nesterov = true}',
     dict(lr=0.1, mom=0.9, damp=0.0, nesterov=True)),
    ('{learningRate = 0.1, weightDecay = 0.3}', dict(lr=0.1, wd=0.3)),
    ('{learningRate = 0.1, weightDecays = torch.Tensor({0.3, 0.05})}', dict(lr=0.1, wds=np.array([0.3, 0.05]))),
    ('{learningRate = 0.5, learningRates = torch.Tensor({0.1, 0.3}), momentum = 0.4}',
     dict(lr=0.5, lrs=np.array([0.1, 0.3]), mom=0.4)),
    ('{}', dict()),
])
def test_sgd_matches_update_rule(rt, arr, config, kw):
    x, fs = run_steps(rt, arr, 'sgd', config, 12)
    xr, fr = sgd_ref([1.0, 1.0], 12, **kw)
    close(x, xr)
    close(fs, fr)      # f is reported before each update
    assert rt.eval('st.evalCounter') == 12


def test_sgd_state_fields_and_separate_state(rt, arr):
    # config and state as two tables: the state gets the bookkeeping, config stays as given
    run_steps(rt, arr, 'sgd', '{}', 0, extra="""
      cfg = {learningRate = 0.1, momentum = 0.9, learningRates = torch.Tensor({1, 2})}
      state = {}
      for i = 1, 3 do optim.sgd(quad, x, cfg, state) end
    """)
    assert rt.eval('state.evalCounter') == 3
    assert rt.eval("torch.type(state.dfdx)") == b'torch.DoubleTensor'
    assert rt.eval("torch.type(state.deltaParameters)") == b'torch.DoubleTensor'
    assert rt.eval('cfg.evalCounter') is None and rt.eval('cfg.dfdx') is None
    # a restored state continues exactly where it stopped
    rt.execute(QUAD + """
      xa = torch.Tensor({1, 1}); sa = {learningRate = 0.1, momentum = 0.9}
      for i = 1, 6 do optim.sgd(quad, xa, sa) end
      xb = torch.Tensor({1, 1}); sb = {learningRate = 0.1, momentum = 0.9}
      for i = 1, 3 do optim.sgd(quad, xb, sb) end
      sb2 = {learningRate = 0.1, momentum = 0.9, evalCounter = sb.evalCounter, dfdx = sb.dfdx:clone()}
      for i = 1, 3 do optim.sgd(quad, xb, sb2) end
    """)
    assert np.array_equal(arr('xa'), arr('xb'))


def test_sgd_converges_on_rosenbrock(rt, arr):
    rt.execute("""
      local function rosen(x)
        local a, b = x[1], x[2]
        return (1 - a)^2 + 100 * (b - a * a)^2,
               torch.Tensor({-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)})
      end
      x = torch.Tensor({0, 0})
      local st = {learningRate = 2e-3, momentum = 0.9}
      for i = 1, 5000 do optim.sgd(rosen, x, st) end
    """)
    np.testing.assert_allclose(arr('x'), [1, 1], atol=2e-2)
    assert np.linalg.norm(arr('x') - 1) < 1.2e-2


def test_sgd_returns_x_itself(rt):
    rt.execute(QUAD + "x = torch.Tensor({1, 1}); r, fs = optim.sgd(quad, x, {learningRate = 0.1})")
    assert rt.eval('r == x') is True
    assert rt.eval('#fs') == 1


# ----------------------------------------------------------------------------- nag / asgd

@pytest.mark.parametrize('config,kw', [
    ('{learningRate = 0.1, momentum = 0.9}', dict(lr=0.1, mom=0.9)),
    ('{learningRate = 0.05, learningRateDecay = 0.1, weightDecay = 0.2}', dict(lr=0.05, lrd=0.1, wd=0.2)),
    ('{learningRate = 0.2, momentum = 0.5, learningRates = torch.Tensor({0.5, 1})}',
     dict(lr=0.2, mom=0.5, lrs=np.array([0.5, 1.0]))),
])
def test_nag_matches_update_rule(rt, arr, config, kw):
    x, fs = run_steps(rt, arr, 'nag', config, 10)
    xr, fr = nag_ref([1.0, 1.0], 10, **kw)
    close(x, xr)
    close(fs, fr)      # f at the look-ahead point
    assert rt.eval('st.evalCounter') == 10


def test_asgd_matches_update_rule(rt, arr):
    rt.execute(QUAD + """
      x = torch.Tensor({1, 1})
      st = {eta0 = 0.1, lambda = 0.01, t0 = 3}
      for i = 1, 8 do _, _, ax = optim.asgd(quad, x, st) end
    """)
    xr, axr = asgd_ref([1.0, 1.0], 8, eta0=0.1, lam=0.01, t0=3)
    close(arr('x'), xr)
    close(arr('ax'), axr)
    assert rt.eval('st.ax == ax') is True
    assert rt.eval('st.t') == 8
    # defaults are written back into the config table, as Torch does
    rt.execute(QUAD + "cfg = {}; optim.asgd(quad, torch.Tensor({1, 1}), cfg)")
    assert [rt.eval('cfg.' + k) for k in ('eta0', 'lambda', 'alpha', 't0')] == [1e-4, 1e-4, 0.75, 1e6]


# ----------------------------------------------------------------------------- adaptive methods

def test_adagrad(rt, arr):
    x, _ = run_steps(rt, arr, 'adagrad', '{learningRate = 0.3, learningRateDecay = 0.1, weightDecay = 0.05}', 9)
    xr, G = adagrad_ref([1.0, 1.0], 9, lr=0.3, lrd=0.1, wd=0.05)
    close(x, xr)
    close(arr('st.paramVariance'), G)
    close(arr('st.paramStd'), np.sqrt(G) + 1e-10)
    assert rt.eval('st.evalCounter') == 9


def test_adadelta(rt, arr):
    x, _ = run_steps(rt, arr, 'adadelta', '{rho = 0.8, eps = 1e-4}', 15)
    xr, Ed = adadelta_ref([1.0, 1.0], 15, rho=0.8, eps=1e-4)
    close(x, xr)
    close(arr('st.accDelta'), Ed)
    assert rt.eval('st.evalCounter') == 15


def test_adam(rt, arr):
    x, _ = run_steps(rt, arr, 'adam', '{learningRate = 0.05, learningRateDecay = 0.02, beta1 = 0.8, weightDecay = 0.1}', 20)
    xr, m, v = adam_ref([1.0, 1.0], 20, lr=0.05, lrd=0.02, b1=0.8, wd=0.1)
    close(x, xr)
    close(arr('st.m'), m)
    close(arr('st.v'), v)
    close(arr('st.denom'), np.sqrt(v) + 1e-8)
    assert rt.eval('st.t') == 20


def test_adamax(rt, arr):
    x, _ = run_steps(rt, arr, 'adamax', '{learningRate = 0.05}', 20)
    xr, m, u = adamax_ref([1.0, 1.0], 20, lr=0.05)
    close(x, xr)
    close(arr('st.m'), m)
    # u is the max over the first dimension of the 2 x n buffer: 1 x n, as in Torch
    assert rt.eval('st.u:dim()') == 2 and rt.eval('st.u:size(1)') == 1
    close(arr('st.u').ravel(), u)
    assert rt.eval('st.t') == 20


def test_rmsprop(rt, arr):
    x, _ = run_steps(rt, arr, 'rmsprop', '{learningRate = 0.02, alpha = 0.9, initialMean = 0.5}', 15)
    xr, m = rmsprop_ref([1.0, 1.0], 15, lr=0.02, alpha=0.9, m0=0.5)
    close(x, xr)
    close(arr('st.m'), m)


def test_rprop(rt, arr):
    # large steps so that signs flip and the step sizes shrink and hit the bounds
    x, _ = run_steps(rt, arr, 'rprop', '{stepsize = 0.7, stepsizemax = 1.0, stepsizemin = 0.01}', 25)
    xr, step = rprop_ref([1.0, 1.0], 25, step0=0.7, smax=1.0, smin=0.01)
    close(x, xr)
    close(arr('st.stepsize'), step)
    for f in ('delta', 'sign', 'psign', 'nsign', 'zsign', 'dminmax'):
        assert rt.eval('st.%s ~= nil' % f) is True


def test_rprop_niter_returns_each_value(rt, arr):
    rt.execute(QUAD + "x = torch.Tensor({1, 1}); _, fs = optim.rprop(quad, x, {niter = 4})")
    fs = arr('fs')
    assert len(fs) == 4
    assert fs[0] == pytest.approx(quad_f(np.array([1.0, 1.0])))
    assert np.all(np.diff(fs) < 0)


@pytest.mark.parametrize('name,config,atol', [
    ('adagrad', '{learningRate = 0.5}', 1e-3), ('adadelta', '{eps = 1e-4}', 0.1),
    ('adam', '{learningRate = 0.1}', 1e-3), ('adamax', '{learningRate = 0.1}', 1e-3),
    ('rmsprop', '{learningRate = 0.02}', 5e-2), ('rprop', '{}', 1e-3),
    ('nag', '{learningRate = 0.1}', 1e-3), ('sgd', '{learningRate = 0.2}', 1e-3),
])
def test_minimises_the_quadratic(rt, arr, name, config, atol):
    x, fs = run_steps(rt, arr, name, config, 400)
    np.testing.assert_allclose(x, np.linalg.solve(A, B), atol=atol)
    assert fs[-1] < fs[0]


def test_float_tensors_stay_float(rt):
    rt.execute("""
      local function f(x) return x:dot(x), x * 2 end
      for _, name in ipairs({'sgd', 'adam', 'adamax', 'adagrad', 'adadelta', 'rmsprop', 'nag', 'rprop', 'asgd'}) do
        local x = torch.FloatTensor({1, -2})
        local st = {learningRate = 0.1}
        for i = 1, 3 do optim[name](f, x, st) end
        assert(torch.type(x) == 'torch.FloatTensor', name)
        assert(x:norm() < math.sqrt(5), name)
      end
    """)


def test_matrix_parameters(rt, arr):
    rt.execute("""
      local target = torch.Tensor({{1, 2}, {3, 4}})
      local function f(x) local d = x - target; return d:dot(d), d * 2 end
      W = torch.zeros(2, 2)
      local st = {learningRate = 0.1}
      for i = 1, 200 do optim.adam(f, W, st) end
    """)
    np.testing.assert_allclose(arr('W'), [[1, 2], [3, 4]], atol=1e-3)


# ----------------------------------------------------------------------------- messages and misuse

def test_initialising_messages(lua):
    out = lua("""
      local function f(x) return 0, x:clone() end
      optim.adagrad(f, torch.zeros(2))
      optim.adadelta(f, torch.zeros(2))
      optim.rprop(f, torch.zeros(2))
      optim.adam(f, torch.zeros(2))
    """)
    assert out == ('no state table, ADAGRAD initializing\t\nno state table, ADADELTA initializing\t\n'
                   'no state table RPROP initializing\t\n')


@pytest.mark.parametrize('name', ['sgd', 'nag', 'adagrad', 'adadelta', 'adam', 'adamax', 'rmsprop', 'rprop', 'asgd'])
def test_misuse_is_a_clear_error(lua_error, name):
    msg = lua_error("optim.%s(42, torch.zeros(2), {})" % name)
    assert 'optim.%s' % name in msg and 'opfunc' in msg
    msg = lua_error("optim.%s(function(x) return 0, x end, {1, 2}, {})" % name)
    assert 'x: tensor expected' in msg
    msg = lua_error("optim.%s(function(x) return x:sum() end, torch.zeros(2), {})" % name)
    assert 'df/dx' in msg
    msg = lua_error("optim.%s(function(x) return 0, x end, torch.zeros(2), 'fast')" % name)
    assert 'config: table expected' in msg


def test_nesterov_and_nag_momentum_checks(lua_error):
    f = "function(x) return 0, x:clone() end"
    assert 'Nesterov momentum requires a momentum and zero dampening' in lua_error(
        "optim.sgd(%s, torch.zeros(2), {nesterov = true, momentum = 0.9})" % f)
    assert 'Nesterov momentum requires' in lua_error("optim.sgd(%s, torch.zeros(2), {nesterov = true})" % f)
    assert 'momentum must be positive' in lua_error("optim.nag(%s, torch.zeros(2), {momentum = 0})" % f)
