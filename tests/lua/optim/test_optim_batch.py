"""Batch and derivative-free methods: lbfgs (fixed steps and with optim.lswolfe), lswolfe,
polyinterp, cg, checkgrad, FistaLS, cmaes and de."""
import numpy as np
import pytest

ROSEN = """
  nCalls = 0
  function rosen(x)
    nCalls = nCalls + 1
    local a, b = x[1], x[2]
    return (1 - a)^2 + 100 * (b - a * a)^2,
           torch.Tensor({-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)})
  end
"""


def rosen_f(x):
    a, b = x
    return (1 - a) ** 2 + 100 * (b - a * a) ** 2


def rosen_g(x):
    a, b = x
    return np.array([-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)])


# ----------------------------------------------------------------------------- lbfgs

def lbfgs_ref(x, maxIter, lr, nCorrection=100, tolFun=1e-5, tolX=1e-9):
    """L-BFGS with fixed steps, from the two-loop recursion (s = t d, y = g - g_old)."""
    maxEval = maxIter * 1.25
    x = np.array(x, dtype=float)
    f, g = rosen_f(x), rosen_g(x)
    hist, nEval = [f], 1
    S, Y, H = [], [], 1.0
    d = t = g_old = None
    for it in range(1, maxIter + 1):
        if it == 1:
            d = -g
        else:
            y, s = g - g_old, d * t
            ys = y @ s
            if ys > 1e-10:
                if len(S) == nCorrection:
                    S.pop(0)
                    Y.pop(0)
                S.append(s)
                Y.append(y)
                H = ys / (y @ y)
            k = len(S)
            ro = [1 / (Y[i] @ S[i]) for i in range(k)]
            q, al = -g, [0.0] * k
            for i in reversed(range(k)):
                al[i] = (S[i] @ q) * ro[i]
                q = q - al[i] * Y[i]
            d = q * H
            for i in range(k):
                d = d + (al[i] - (Y[i] @ d) * ro[i]) * S[i]
        g_old, f_old = g.copy(), f
        if g @ d > -tolX:
            break
        t = min(1, 1 / np.abs(g).sum()) * lr if it == 1 else lr
        x = x + t * d
        if it != maxIter:
            f, g = rosen_f(x), rosen_g(x)
            nEval += 1
            hist.append(f)
        if it == maxIter or nEval >= maxEval or np.abs(g).sum() <= tolFun \
                or np.abs(d * t).sum() <= tolX or abs(f - f_old) < tolX:
            break
    return x, hist, nEval


@pytest.mark.parametrize('maxIter,lr,nCorrection', [(100, 0.1, 100), (40, 0.5, 3), (20, 0.001, 100)])
def test_lbfgs_fixed_steps_match_two_loop_recursion(rt, arr, maxIter, lr, nCorrection):
    rt.execute(ROSEN + """
      x = torch.Tensor({-1.2, 1})
      st = {maxIter = %d, learningRate = %r, nCorrection = %d}
      _, fs, nEval = optim.lbfgs(rosen, x, st)
    """ % (maxIter, lr, nCorrection))
    xr, hist, nEval = lbfgs_ref([-1.2, 1.0], maxIter, lr, nCorrection)
    np.testing.assert_allclose(arr('x'), xr, rtol=1e-9)
    np.testing.assert_allclose(arr('fs'), hist, rtol=1e-9)
    assert rt.eval('nEval') == nEval == rt.eval('nCalls') == rt.eval('st.funcEval')
    assert rt.eval('#st.old_dirs') <= nCorrection
    assert rt.eval('st.nIter') > 1


def test_lbfgs_one_iteration_per_call_equals_a_batch_run(rt, arr):
    rt.execute(ROSEN + """
      xa = torch.Tensor({-1.2, 1})
      optim.lbfgs(rosen, xa, {maxIter = 15, learningRate = 0.1, maxEval = 100})
      xb = torch.Tensor({-1.2, 1})
      local st = {maxIter = 1, learningRate = 0.1}
      for i = 1, 15 do optim.lbfgs(rosen, xb, st) end
      nIter = st.nIter
    """)
    np.testing.assert_array_equal(arr('xa'), arr('xb'))
    assert rt.eval('nIter') == 15


def test_lbfgs_with_wolfe_line_search(rt, arr):
    rt.execute(ROSEN + """
      x = torch.Tensor({-1.2, 1})
      st = {maxIter = 100, lineSearch = optim.lswolfe}
      _, fs, nEval = optim.lbfgs(rosen, x, st)
    """)
    np.testing.assert_allclose(arr('x'), [1, 1], atol=1e-4)   # Torch7 stops at 0.999981 0.999962
    fs = arr('fs')
    assert fs[0] == pytest.approx(24.2)
    assert fs[-1] < 1e-8
    assert np.all(np.diff(fs) < 0)              # the line search always decreases f
    assert rt.eval('nEval') == rt.eval('nCalls') == rt.eval('st.funcEval')


def test_lbfgs_stops_at_once_at_an_optimum(rt, arr):
    rt.execute(ROSEN + """
      x = torch.Tensor({1, 1})
      r, fs, n = optim.lbfgs(rosen, x, {})
    """)
    assert rt.eval('#fs') == 1 and rt.eval('fs[1]') == 0
    assert rt.eval('n') is None and rt.eval('nCalls') == 1


def test_lbfgs_bad_line_search(lua_error):
    msg = lua_error(ROSEN + "optim.lbfgs(rosen, torch.zeros(2), {lineSearch = 'wolfe'})")
    assert 'lineSearch must be a function' in msg


# ----------------------------------------------------------------------------- lswolfe

def test_lswolfe_returns_a_strong_wolfe_point(rt, arr):
    rt.execute(ROSEN + """
      x = torch.Tensor({-1.2, 1})
      local f, g = rosen(x)
      d = -g
      gtd = g:dot(d)
      f0 = f
      nCalls = 0
      fNew, gNew, xr, t, n = optim.lswolfe(rosen, x, 1, d, f, g, gtd)
      same = (xr == x)
    """)
    t, f0, gtd = rt.eval('t'), rt.eval('f0'), rt.eval('gtd')
    x = arr('x')
    x0 = np.array([-1.2, 1.0])
    d = -rosen_g(x0)
    np.testing.assert_allclose(x, x0 + t * d, rtol=1e-15)
    assert rt.eval('same') is True
    assert rt.eval('fNew') == pytest.approx(rosen_f(x), rel=1e-12)
    np.testing.assert_allclose(arr('gNew'), rosen_g(x), rtol=1e-12)
    assert rt.eval('fNew') <= f0 + 1e-4 * t * gtd                  # sufficient decrease
    assert abs(rosen_g(x) @ d) <= -0.9 * gtd                       # curvature
    assert rt.eval('n') == rt.eval('nCalls') > 1


def test_lswolfe_keeps_a_good_first_step(rt, arr):
    # on a quadratic along the exact Newton step the first trial satisfies both conditions
    rt.execute("""
      local function q(x) return 0.5 * x:dot(x), x:clone() end
      x = torch.Tensor({3, 4})
      local f, g = q(x)
      fNew, gNew, _, t, n = optim.lswolfe(q, x, 1, -g, f, g, g:dot(-g))
    """)
    assert rt.eval('t') == 1 and rt.eval('n') == 1
    np.testing.assert_array_equal(arr('x'), [0, 0])


# ----------------------------------------------------------------------------- polyinterp

def test_polyinterp_cubic_closed_form(rt):
    # p(x) = x^3 - 3x: local minimum at 1; points at 0 and 2 with values and slopes
    assert rt.eval("optim.polyinterp(torch.Tensor({{0, 0, -3}, {2, 2, 9}}))") == pytest.approx(1, abs=1e-15)
    # order of the rows does not matter
    assert rt.eval("optim.polyinterp(torch.Tensor({{2, 2, 9}, {0, 0, -3}}))") == pytest.approx(1, abs=1e-15)
    # minimum beyond the points: clamped to the farther point
    assert rt.eval("optim.polyinterp(torch.Tensor({{-1, 2, 0}, {0, 0, -3}}))") == 0
    # no real critical point: the mean of the two x's
    assert rt.eval("optim.polyinterp(torch.Tensor({{0, 0, 3}, {1, 2, 3}}))") == 0.5


def test_polyinterp_bounded_uses_the_fitted_polynomial(rt):
    rt.execute("pos, fmin = optim.polyinterp(torch.Tensor({{0, 0, -3}, {2, 2, 9}}), 0, 2)")
    assert rt.eval('pos') == pytest.approx(1, abs=1e-9)
    assert rt.eval('fmin') == pytest.approx(-2, abs=1e-9)
    # a bound below the interior minimum wins when the cubic is lower there
    rt.execute("pos, fmin = optim.polyinterp(torch.Tensor({{0, 0, -3}, {2, 2, 9}}), -3, 0.5)")
    assert rt.eval('pos') == pytest.approx(-3) and rt.eval('fmin') == pytest.approx(-18)


def test_polyinterp_three_points_quintic(rt):
    # p(x) = x^5 - 5x^3 + 4x fitted through 3 points with slopes: exact; min over [-2.5, 2.5]
    p = np.poly1d([1, 0, -5, 0, 4, 0])
    xs = [-1.5, 0.2, 1.7]
    rows = ', '.join('{%r, %r, %r}' % (x, float(p(x)), float(p.deriv()(x))) for x in xs)
    rt.execute("pos, fmin = optim.polyinterp(torch.Tensor({%s}), -2.5, 2.5)" % rows)
    cands = [-2.5, 2.5] + xs + [r.real for r in p.deriv().roots if abs(r.imag) < 1e-12 and -2.5 <= r.real <= 2.5]
    best = min(cands, key=p)
    assert rt.eval('pos') == pytest.approx(best, abs=1e-7)
    assert rt.eval('fmin') == pytest.approx(p(best), abs=1e-6)


def test_polyinterp_misuse(lua_error):
    assert 'N x 3 tensor' in lua_error("optim.polyinterp(torch.Tensor({1, 2, 3}))")


# ----------------------------------------------------------------------------- cg

def test_cg_solves_a_quadratic(rt, arr):
    rng = np.random.RandomState(0)
    M = rng.randn(5, 5)
    A = M @ M.T + 5 * np.eye(5)
    b = rng.randn(5)
    rt.execute("""
      A = torch.Tensor(%s)
      b = torch.Tensor(%s)
      nCalls = 0
      local function q(x) nCalls = nCalls + 1; return 0.5 * x:dot(A * x) - b:dot(x), A * x - b end
      x = torch.zeros(5)
      st = {maxIter = 100}
      _, fs, nEval = optim.cg(q, x, st)
    """ % (repr(A.tolist()).replace('[', '{').replace(']', '}'), repr(b.tolist()).replace('[', '{').replace(']', '}')))
    xs = np.linalg.solve(A, b)
    np.testing.assert_allclose(arr('x'), xs, atol=1e-6)
    fs = arr('fs')
    assert fs[0] == 0 and np.all(np.diff(fs) <= 0)
    assert fs[-1] == pytest.approx(-0.5 * b @ xs, rel=1e-9)
    assert rt.eval('nEval') == rt.eval('nCalls') <= 126
    for name in ('df0', 'df1', 'df2', 'df3', 's', 'x0'):
        assert rt.eval("torch.isTensor(st.%s) and st.%s:nElement() == 5" % (name, name)) is True


def test_cg_rosenbrock_and_evaluation_budget(rt, arr):
    rt.execute(ROSEN + """
      x = torch.Tensor({0, 0})
      _, fs, nEval = optim.cg(rosen, x, {maxIter = 50})
      y = torch.Tensor({0, 0})
      nCalls = 0
      _, fs2, nEval2 = optim.cg(rosen, y, {maxIter = 10, maxEval = 12})
    """)
    np.testing.assert_allclose(arr('x'), [1, 1], atol=1e-4)
    # the budget is 1.25 * maxIter = 62.5; as in Torch the last line search may overrun it by one
    assert arr('fs')[-1] < 1e-8 and rt.eval('nEval') <= 64
    assert rt.eval('nEval2') == rt.eval('nCalls') <= 12 + 10


def test_cg_reuses_state_buffers(rt):
    rt.execute(ROSEN + """
      local buf = torch.Tensor(7)
      st = {s = buf}
      optim.cg(rosen, torch.Tensor({0, 0}), st)
      same = (st.s == buf) and buf:nElement() == 2
    """)
    assert rt.eval('same') is True


# ----------------------------------------------------------------------------- checkgrad

def test_checkgrad(rt, arr):
    rt.execute("""
      local function good(x) return (x:clone():pow(3)):sum() + x[1] * x[2], torch.Tensor({3 * x[1]^2 + x[2], 3 * x[2]^2 + x[1]}) end
      local function bad(x) return x:dot(x), x:clone() end
      x = torch.Tensor({0.5, -1.5})
      d1, dC, dC_est = optim.checkgrad(good, x, 1e-5)
      d2 = optim.checkgrad(bad, x)
    """)
    assert rt.eval('d1') < 1e-9
    np.testing.assert_allclose(arr('dC'), [3 * 0.25 - 1.5, 3 * 2.25 + 0.5])
    np.testing.assert_allclose(arr('dC_est'), arr('dC'), rtol=1e-8)
    assert rt.eval('d2') == pytest.approx(1 / 3, rel=1e-6)    # |g - 2g| / |g + 2g|
    np.testing.assert_array_equal(arr('x'), [0.5, -1.5])       # x restored


def test_checkgrad_misuse(lua_error):
    assert 'df/dx' in lua_error("optim.checkgrad(function(x) return 1 end, torch.zeros(2))")
    assert 'x: tensor expected' in lua_error("optim.checkgrad(function(x) return 1, x end, 3)")


# ----------------------------------------------------------------------------- FistaLS

def fista_ref(D, b, lam, fista, L=0.1, Lstep=1.5, maxiter=50, maxline=20, errthres=1e-4):
    f = lambda x: np.sum((D @ x - b) ** 2)
    grad = lambda x: 2 * D.T @ (D @ x - b)
    g = lambda x: lam * np.abs(x).sum()
    n = D.shape[1]
    xk, xkm, y = np.zeros(n), np.zeros(n), np.zeros(n)
    tk, tkp, hist = 1.0, 0.0, []
    while len(hist) < maxiter:
        fy, gfy = f(y), grad(y)
        nline = 0
        while True:
            z = y - 1 / L * gfy
            ply = np.sign(z) * np.maximum(np.abs(z) - lam / L, 0)
            xk = ply.copy()
            fply = f(ply)
            diff = ply - y
            Q = fy + gfy @ diff + L / 2 * diff @ diff
            if fply <= Q:
                break
            if nline >= maxline:
                xk = xkm.copy()
                break
            L = L * Lstep
            nline += 1
        if fista:
            tkp = (1 + np.sqrt(1 + 4 * tk * tk)) / 2
            y = xk + (1 - tk) / tkp * (xkm - xk)
            xkm = xk.copy()
        else:
            y = xk.copy()
        tk = tkp
        hist.append(f(y) + g(y))
        if len(hist) > 1 and abs(hist[-1] - hist[-2]) <= errthres:
            break
    return y, hist, L


@pytest.mark.parametrize('fista', [True, False])
def test_fista_l1_least_squares(rt, arr, fista):
    rng = np.random.RandomState(3)
    D = rng.randn(8, 12)
    b = D[:, [2, 7]] @ np.array([1.5, -2.0])
    lam = 0.5
    lua_mat = lambda m: repr(m.tolist()).replace('[', '{').replace(']', '}')
    rt.execute("""
      local D, b, lam = torch.Tensor(%s), torch.Tensor(%s), %r
      local function f(x, mode)
        local r = D * x - b
        if mode == 'dx' then return r:dot(r), (D:t() * r):mul(2) end
        return r:dot(r)
      end
      local function g(x) return lam * x:norm(1) end
      local function pl(x, L)
        local shrunk = torch.abs(x):add(-lam / L):clamp(0, math.huge)
        x:copy(torch.sign(x):cmul(shrunk))
      end
      xinit = torch.zeros(12)
      params = {doFistaUpdate = %s, maxiter = 1000, errthres = 1e-10}
      sol, hist = optim.FistaLS(f, g, pl, xinit, params)
      F = {}
      for i, h in ipairs(hist) do F[i] = h.F end
    """ % (lua_mat(D), lua_mat(b), lam, 'true' if fista else 'false'))
    y, hist, L = fista_ref(D, b, lam, fista, maxiter=1000, errthres=1e-10)
    np.testing.assert_allclose(arr('F'), hist, rtol=1e-9)
    np.testing.assert_allclose(arr('sol'), y, atol=1e-9)
    np.testing.assert_array_equal(arr('xinit'), arr('sol'))
    assert rt.eval('params.L') == pytest.approx(L)
    assert rt.eval('hist[1].nline ~= nil and hist[1].Q ~= nil and hist[1].Fply ~= nil') is True
    # the solution is optimal: the smooth gradient is balanced by the L1 subgradient
    x = arr('sol')
    grad = 2 * D.T @ (D @ x - b)
    on = np.abs(x) > 1e-8
    np.testing.assert_allclose(grad[on], -lam * np.sign(x[on]), atol=1e-3)
    assert np.all(np.abs(grad[~on]) <= lam)


def test_fista_without_iterations_is_an_error(lua_error):
    # optim's FistaLS ends in an error when its loop never runs (maxiter < 1)
    msg = lua_error("""optim.FistaLS(function(x) return 0, x:clone():zero() end, function() return 0 end,
                                   function() end, torch.zeros(2), {maxiter = 0})""")
    assert 'maxiter must be at least 1' in msg


# ----------------------------------------------------------------------------- cmaes and de

def test_cmaes_minimises_and_is_reproducible(rt, arr):
    rt.execute("""
      local function sphere(x) local d = x - 2; return d:dot(d) end
      x = torch.ones(4)
      torch.manualSeed(7)
      best, fs, n = optim.cmaes(sphere, x, {sigma = 0.5, maxEval = 4000, verb_disp = 0})
      torch.manualSeed(7)
      best2 = optim.cmaes(sphere, x, {sigma = 0.5, maxEval = 4000})
    """)
    np.testing.assert_allclose(arr('best'), [2, 2, 2, 2], atol=1e-4)
    fs = arr('fs')
    assert fs[0] == 4                       # f(x) first
    assert fs[-1] == min(fs[1:-1]) < 1e-8   # the best value last
    assert rt.eval('n') <= 4000 and rt.eval('n') % 8 == 0   # popsize 4 + floor(3 log 4) = 8
    np.testing.assert_array_equal(arr('x'), [1, 1, 1, 1])
    np.testing.assert_array_equal(arr('best'), arr('best2'))


def test_cmaes_display_and_errors(lua, lua_error):
    out = lua("""
      torch.manualSeed(1)
      optim.cmaes(function(x) return x:dot(x) end, torch.ones(2), {sigma = 1, maxEval = 60, verb_disp = 2})
    """)
    assert out.startswith('evals:\t ax-ratio max(std)   f-value\t\n6:  ')
    assert 'termination by\tevals\t=\t60' in out and 'best f-value =' in out
    assert 'FloatTensor or DoubleTensor' in lua_error("optim.cmaes(function() return 0 end, torch.IntTensor(2), {sigma = 1})")
    assert 'sigma' in lua_error("optim.cmaes(function() return 0 end, torch.zeros(2), {})")


def test_de_minimises_reproducibly_without_touching_the_default_generator(rt, arr):
    rt.execute("""
      local function sphere(x) return x:dot(x) end
      torch.manualSeed(11)
      before = torch.uniform()
      torch.manualSeed(11)
      best, fx = optim.de(sphere, torch.zeros(2), {popsize = 20, scaleFactor = 0.5, crossoverRate = 0.9, maxFEs = 1500})
      after = torch.uniform()
      best2, fx2 = optim.de(sphere, torch.zeros(2), {popsize = 20, scaleFactor = 0.5, crossoverRate = 0.9, maxFEs = 1500})
    """)
    assert rt.eval('before') == rt.eval('after')
    assert np.linalg.norm(arr('best')) < 1e-4
    fx = arr('fx')
    assert fx.shape == (1500,) and fx.min() == pytest.approx(arr('best') @ arr('best'), rel=1e-12, abs=1e-300)
    np.testing.assert_array_equal(fx, arr('fx2'))
    # the initial population lies in [-30, 30]^2
    assert np.all(fx[:20] <= 2 * 30 ** 2)


def test_de_budget_not_a_multiple_of_the_population(rt, arr):
    rt.execute("""
      best, fx = optim.de(function(x) return x:dot(x) end, torch.zeros(3),
                          {popsize = 10, scaleFactor = 0.6, crossoverRate = 0.5, maxFEs = 25})
    """)
    assert arr('fx').shape == (25,)


def test_de_misuse(lua_error):
    f = "function(x) return x:dot(x) end"
    assert 'maxFEs' in lua_error("optim.de(%s, torch.zeros(2), {scaleFactor = 0.5, crossoverRate = 0.9})" % f)
    assert 'scaleFactor' in lua_error("optim.de(%s, torch.zeros(2), {crossoverRate = 0.9, maxFEs = 10})" % f)
