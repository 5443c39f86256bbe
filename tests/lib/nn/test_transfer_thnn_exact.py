"""The transfer kernels (luatorch/lib/nn/transfer.py) bit for bit against THNN's C expressions.

Each reference below is a per-element Python transcription of the C code of torch/nn's
lib/THNN/generic/<Name>.c (or of the TH calls of nn/<Name>.lua), evaluated as C99 on x86-64
evaluates it: `real` op `real` in the element type (np.float32 scalars for a FloatTensor, Python
float64 scalars for a DoubleTensor), anything involving a double (a literal such as `1.`, an accreal,
libm's exp/log of a float, which C promotes) in Python floats, rounded to the element type
where C assigns to a real; sums are C's loops. TH's float libm calls (expf, logf) are taken as
the double function rounded to float (as the kernels and lib/pointwise.py take them). NaNs are
compared as NaN (not their payload); every other value by its bits (so -0 differs from +0).
"""
import math

import numpy as np
import pytest

from luatorch.lib import nn, random as R, types
from luatorch.lib.tensor import empty, from_array
from bitlevel import bits

K = nn.load_all()
# (the edge values overflow: numpy's warnings say so, as C would silently)
pytestmark = pytest.mark.filterwarnings('ignore::RuntimeWarning')
DTS = [np.float64, np.float32]
_TT = {np.float64: types.Double, np.float32: types.Float}


# ----------------------------------------------------------------------------- helpers

def T(a, dt):
    return from_array(np.ascontiguousarray(np.asarray(a, dtype=dt)), _TT[dt])


def E(dt):
    return empty(_TT[dt])


def real(dt):
    """The C `real` of dt: numpy scalars of dt (IEEE arithmetic of that width)."""
    return np.float32 if dt == np.float32 else np.float64


def cexp(v):
    v = float(v)
    try:
        return math.exp(v)
    except OverflowError:
        return math.inf


def clog(v):
    v = float(v)
    if v != v or v < 0:
        return math.nan
    return -math.inf if v == 0 else math.log(v)


def clog1p(v):
    v = float(v)
    if v != v or v < -1:
        return math.nan
    return -math.inf if v == -1 else math.log1p(v)


def cdiv(a, b):
    """a / b in double, with IEEE's inf/NaN where Python would raise."""
    a, b = float(a), float(b)
    if b == 0:
        if a != a or a == 0:
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def assert_bits(got, want):
    got = np.asarray(got)
    want = np.asarray(want, dtype=got.dtype).reshape(got.shape)
    nan_g, nan_w = np.isnan(got), np.isnan(want)
    assert (nan_g == nan_w).all(), np.flatnonzero(nan_g != nan_w)[:10]
    bad = (bits(got) != bits(want)) & ~nan_w
    if bad.any():
        i = np.flatnonzero(bad.ravel())
        raise AssertionError('%d of %d differ, e.g. at %s: got %r want %r' % (
            i.size, got.size, i[:5], got.ravel()[i[:5]].tolist(), want.ravel()[i[:5]].tolist()))


def values(dt, n=400, seed=0, scales=(1e-6, 0.01, 0.3, 1, 3, 20, 300)):
    """Specials, then random values of several magnitudes, in dt (a 1-d array)."""
    rng = np.random.default_rng(seed)
    tiny = np.finfo(dt).tiny
    sp = [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 0.5, -0.5, tiny, -tiny, tiny / 8,
          np.finfo(dt).max, -np.finfo(dt).max, 1e-30, -1e-30, 1 / 3, -1 / 3, 30.0, -30.0,
          88.5, -88.5, 750.0, -750.0]
    r = np.concatenate([rng.standard_normal(n // len(scales) + 1) * s for s in scales])[:n]
    with np.errstate(over='ignore'):
        return np.concatenate([np.array(sp), r]).astype(dt)


def grads(dt, n, seed=1):
    rng = np.random.default_rng(seed)
    g = rng.standard_normal(n) * np.exp(rng.uniform(-3, 3, n))
    g[:4] = [0.0, -0.0, 1.0, -2.5]
    return g.astype(dt)


def ref(fn, *arrays, dt):
    """fn applied element by element (numpy scalars in), as an array of dt."""
    with np.errstate(all='ignore'):
        out = [fn(*vs) for vs in zip(*[a.ravel() for a in arrays])]
        return np.array(out, dtype=np.float64 if dt == np.float64 else None).astype(dt)


def run_fwd(name, x, *params):
    o = E(x.dtype.type)
    K[name + '_updateOutput'](T(x, x.dtype.type), o, *params)
    return o.arr().copy()


# ----------------------------------------------------------------------------- Sigmoid, Tanh

@pytest.mark.parametrize('dt', DTS)
def test_sigmoid(dt):
    r = real(dt)
    x = values(dt)
    if dt == np.float32:    # TH_sigmoidf: 1.0f / (1.0f + expf(-x))
        want = ref(lambda v: r(1) / (r(1) + r(cexp(-float(v)))), x, dt=dt)
    else:                   # TH_sigmoid: 1.0 / (1.0 + exp(-x))
        want = ref(lambda v: cdiv(1.0, 1.0 + cexp(-v)), x, dt=dt)
    with np.errstate(over='ignore'):
        assert_bits(run_fwd('Sigmoid', x), want)
    # gradInput = gradOutput * (1. - z) * z, in double
    z = np.concatenate([want, np.linspace(0, 1, 301).astype(dt)])
    g = grads(dt, z.size)
    gi = E(dt)
    K['Sigmoid_updateGradInput'](T(g, dt), gi, T(z, dt))
    assert_bits(gi.arr(), ref(lambda gv, zv: (float(gv) * (1. - float(zv))) * float(zv), g, z, dt=dt))


@pytest.mark.parametrize('dt', DTS)
def test_sigmoid_split_between_threads(dt, monkeypatch):
    from luatorch.lib.nn import conv
    x = (np.random.default_rng(5).standard_normal((9, 1001)) * 6).astype(dt)
    monkeypatch.setattr(conv, '_THREADS', 2)
    r = real(dt)
    if dt == np.float32:
        want = ref(lambda v: r(1) / (r(1) + r(cexp(-float(v)))), x, dt=dt)
    else:
        want = ref(lambda v: 1.0 / (1.0 + cexp(-v)), x, dt=dt)
    assert_bits(run_fwd('Sigmoid', x).ravel(), want)


@pytest.mark.parametrize('dt', DTS)
def test_tanh_backward(dt):
    # gradOutput * (1. - z*z): z*z a real product, the rest in double
    r = real(dt)
    z = np.concatenate([values(dt, 200), np.linspace(-1, 1, 401).astype(dt)])
    g = grads(dt, z.size)
    gi = E(dt)
    K['Tanh_updateGradInput'](T(g, dt), gi, T(z, dt))
    assert_bits(gi.arr(), ref(lambda gv, zv: float(gv) * (1. - float(r(zv) * r(zv))), g, z, dt=dt))


# ----------------------------------------------------------------------------- ELU, LeakyReLU

@pytest.mark.parametrize('dt', DTS)
@pytest.mark.parametrize('alpha', [1.0, 0.3])
@pytest.mark.parametrize('inplace', [False, True])
def test_elu(dt, alpha, inplace):
    r = real(dt)
    a = r(alpha)
    x = values(dt)
    # x <= 0 ? (exp(x) - 1) * alpha : x (exp of a float in double)
    want = ref(lambda v: (cexp(v) - 1) * float(a) if v <= 0 else v, x, dt=dt)
    xt, o = T(x, dt), E(dt)
    K['ELU_updateOutput'](xt, o, alpha, inplace)
    assert_bits(o.arr(), want)
    if inplace:
        assert o.storage is xt.storage
    # y <= 0 ? g * (y + alpha) : g, all reals
    y = want
    g = grads(dt, y.size)
    gt, gi = T(g, dt), E(dt)
    K['ELU_updateGradInput'](T(x, dt), gt, gi, T(y, dt), alpha, inplace)
    assert_bits(gi.arr(), ref(lambda gv, yv: r(gv) * (r(yv) + a) if yv <= 0 else gv, g, y, dt=dt))


@pytest.mark.parametrize('dt', DTS)
@pytest.mark.parametrize('negval', [0.01, 1 / 3])
@pytest.mark.parametrize('inplace', [False, True])
def test_leaky_relu(dt, negval, inplace):
    r = real(dt)
    nv = r(negval)
    x = values(dt)
    o = E(dt)
    K['LeakyReLU_updateOutput'](T(x, dt), o, negval, inplace)
    assert_bits(o.arr(), ref(lambda v: v if v > 0 else r(v) * nv, x, dt=dt))
    g = grads(dt, x.size)
    gi = E(dt)
    K['LeakyReLU_updateGradInput'](T(x, dt), T(g, dt), gi, negval, inplace)
    if inplace:     # if (x <= 0) g *= negval (a NaN input keeps g)
        assert_bits(gi.arr(), ref(lambda gv, v: r(gv) * nv if v <= 0 else gv, g, x, dt=dt))
    else:           # x > 0 ? g : g * negval
        assert_bits(gi.arr(), ref(lambda gv, v: gv if v > 0 else r(gv) * nv, g, x, dt=dt))


# ----------------------------------------------------------------------------- SoftPlus, LogSigmoid

@pytest.mark.parametrize('dt', DTS)
@pytest.mark.parametrize('beta,threshold', [(1.0, 20.0), (0.7, 5.1), (3.0, 20.0)])
def test_softplus(dt, beta, threshold):
    r = real(dt)
    b, th = r(beta), r(threshold)
    x = values(dt)

    def fwd(v):     # x*beta > threshold ? x : log1p(exp(x*beta)) / beta
        bx = r(v) * b
        return v if bx > th else cdiv(clog1p(cexp(bx)), b)
    want = ref(fwd, x, dt=dt)
    assert_bits(run_fwd('SoftPlus', x, beta, threshold), want)

    def bwd(gv, yv):  # real z = exp(y*beta); y*beta > threshold ? g : g * (z - 1.) / z
        by = r(yv) * b
        z = r(cexp(by))
        return gv if by > th else cdiv(float(gv) * (float(z) - 1.), z)
    y = np.concatenate([want, np.linspace(0, 8, 201).astype(dt)])
    g = grads(dt, y.size)
    gi = E(dt)
    K['SoftPlus_updateGradInput'](T(y, dt), T(g, dt), gi, T(y, dt), beta, threshold)
    assert_bits(gi.arr(), ref(bwd, g, y, dt=dt))


@pytest.mark.parametrize('dt', DTS)
def test_logsigmoid(dt):
    r = real(dt)
    x = values(dt)

    def fwd(v):
        m = r(0.0 if v != v else max(0.0, -float(v)))       # fmax(0, -x)
        z = r(cexp(-float(m)) + cexp(float(r(-r(v) - m))))    # -x - m: a real difference
        return z, -(float(m) + clog(z))
    zs = ref(lambda v: fwd(v)[0], x, dt=dt)
    want = ref(lambda v: fwd(v)[1], x, dt=dt)
    o, buf = E(dt), E(dt)
    K['LogSigmoid_updateOutput'](T(x, dt), o, buf)
    assert_bits(buf.arr(), zs)
    assert_bits(o.arr(), want)

    def bwd(v, z, gv):  # (-max_deriv - sign * ((z - 1.0) / z)) in double, to real; then * g
        md, sign = (-1.0, 1.0) if v < 0 else (0.0, -1.0)
        gi = r(-md - sign * cdiv(float(z) - 1.0, z))
        return r(gv) * gi
    g = grads(dt, x.size)
    gi = E(dt)
    K['LogSigmoid_updateGradInput'](T(x, dt), T(g, dt), gi, buf)
    assert_bits(gi.arr(), ref(bwd, x, zs, g, dt=dt))


# ----------------------------------------------------------------------------- shrinks

@pytest.mark.parametrize('dt', DTS)
@pytest.mark.parametrize('lam', [0.5, 1 / 3, -0.25])
def test_shrinks(dt, lam):
    r = real(dt)
    lm = r(lam)
    x = np.concatenate([values(dt), np.array([lam, -lam, 0.25, -0.25], dt)])
    g = grads(dt, x.size)
    assert_bits(run_fwd('HardShrink', x, lam),
                ref(lambda v: v if (v > lm or v < -lm) else 0.0, x, dt=dt))
    assert_bits(run_fwd('SoftShrink', x, lam),
                ref(lambda v: r(v) - lm if v > lm else (r(v) + lm if v < -lm else 0.0), x, dt=dt))
    for name in ('HardShrink', 'SoftShrink'):
        gi = E(dt)
        K[name + '_updateGradInput'](T(x, dt), T(g, dt), gi, lam)
        assert_bits(gi.arr(), ref(lambda gv, v: gv if (v > lm or v < -lm) else 0.0, g, x, dt=dt))


# ----------------------------------------------------------------------------- PReLU

def _prelu_acc_ref(x, g, gw, nplane, scale, dt):
    r = real(dt)
    sc = r(scale)
    gw = [r(w) for w in gw]
    if nplane == 0:
        s = r(0)
        for v, gv in zip(x.ravel(), g.ravel()):
            if v <= 0:
                s = r(s + r(v) * r(gv))
        gw[0] = r(gw[0] + sc * s)
        return np.array(gw, dt)
    bs = x.shape[0] if x.ndim > 1 else 1
    xs = x.reshape(bs, nplane, -1)
    gs = g.reshape(bs, nplane, -1)
    for i in range(bs):
        for j in range(nplane):
            s = r(0)
            for v, gv in zip(xs[i, j], gs[i, j]):
                if v <= 0:
                    s = r(s + r(gv) * r(v))
            gw[j] = r(gw[j] + sc * s)
    return np.array(gw, dt)


@pytest.mark.parametrize('dt', DTS)
@pytest.mark.parametrize('shape,nplane', [((300,), 0), ((4, 3, 50), 0), ((7,), 7), ((40, 3), 3),
                                          ((6, 3, 5, 7), 3), ((5, 1, 40), 1), ((1, 2, 90), 2)])
def test_prelu(dt, shape, nplane):
    r = real(dt)
    n = int(np.prod(shape))
    x = values(dt, n)[:n]
    x = np.where(np.isinf(x) | (abs(x) > 1e30), 0.5, x).astype(dt)    # keep the sums finite
    x[n // 2] = np.nan
    x = x.reshape(shape)
    g = grads(dt, n).reshape(shape)
    nw = max(nplane, 1)
    w = (np.arange(nw) * 0.1 + 0.25).astype(dt)
    wt = T(w, dt)
    pw = (lambda idx: w[0]) if nplane == 0 else (
        lambda idx: w[idx[1] if len(shape) > 1 else idx[0]])
    o, gi = E(dt), E(dt)
    K['PReLU_updateOutput'](T(x, dt), o, wt, nplane)
    want = np.array([x[i] if x[i] > 0 else r(pw(i)) * r(x[i]) for i in np.ndindex(shape)], dt)
    assert_bits(o.arr().ravel(), want)
    K['PReLU_updateGradInput'](T(x, dt), T(g, dt), gi, wt, nplane)
    want = np.array([g[i] if x[i] > 0 else r(g[i]) * r(pw(i)) for i in np.ndindex(shape)], dt)
    assert_bits(gi.arr().ravel(), want)
    gw0 = (np.arange(nw) * -0.3 + 0.1).astype(dt)
    gw0[0] = -0.0
    gw = T(gw0, dt)
    K['PReLU_accGradParameters'](T(x, dt), T(g, dt), gw, nplane, 1 / 3)
    assert_bits(gw.arr(), _prelu_acc_ref(x, g, gw0, nplane, 1 / 3, dt))


# ----------------------------------------------------------------------------- RReLU

@pytest.mark.parametrize('dt', DTS)
@pytest.mark.parametrize('inplace', [False, True])
def test_rrelu_evaluation_and_noise(dt, inplace):
    r = real(dt)
    lower, upper = 1 / 8, 1 / 3
    slope = r(r(lower) + r(upper)) / r(2)       # (lower + upper) / 2 in real
    x = values(dt)
    g = grads(dt, x.size)
    o, nz = E(dt), E(dt)
    K['RReLU_updateOutput'](T(x, dt), o, nz, lower, upper, False, inplace)
    assert_bits(o.arr(), ref(lambda v: r(v) * slope if v <= 0 else v, x, dt=dt))
    gi = E(dt)
    K['RReLU_updateGradInput'](T(x, dt), T(g, dt), gi, nz, lower, upper, False, inplace)
    assert_bits(gi.arr(), ref(lambda gv, v: r(gv) * slope if v <= 0 else gv, g, x, dt=dt))
    # training: output = x * r with the noise r drawn for each x <= 0 (1 elsewhere)
    R.manual_seed(R.default_generator, 11)
    o, nz = E(dt), E(dt)
    K['RReLU_updateOutput'](T(x, dt), o, nz, lower, upper, True, inplace)
    noise = nz.arr().copy()
    assert ((noise == 1) == ~(x <= 0)).all()
    assert_bits(o.arr(), ref(lambda v, n: r(v) * r(n), x, noise, dt=dt))
    gi = E(dt)
    K['RReLU_updateGradInput'](T(x, dt), T(g, dt), gi, nz, lower, upper, True, inplace)
    assert_bits(gi.arr(), ref(lambda gv, n: r(gv) * r(n), g, noise, dt=dt))


def test_rrelu_train_gradient_condition_is_in_real():
    # upper - lower: 1.0073e-6 in double, but the float difference is 8 ulps of 1 = 9.5e-7 <=
    # 1e-6: THNN's FloatTensor takes the constant slope (its noise is then ignored)
    lower, upper = 1.0, 1.0 + 8.45 * 2.0 ** -23
    x = np.array([-1.5, 2.0, -0.0, 0.25], np.float32)
    g = np.array([1.0, 3.0, -2.0, 5.0], np.float32)
    nz = T(np.full(4, 7.0), np.float32)
    gi = E(np.float32)
    K['RReLU_updateGradInput'](T(x, np.float32), T(g, np.float32), gi, nz, lower, upper, True, False)
    f = np.float32
    slope = (f(lower) + f(upper)) / f(2)
    assert_bits(gi.arr(), [g[0] * slope, g[1], g[2] * slope, g[3]])
    gi = E(np.float64)      # in double the noise is used
    K['RReLU_updateGradInput'](T(x, np.float64), T(g, np.float64), gi, T(np.full(4, 7.0), np.float64),
                               lower, upper, True, False)
    assert_bits(gi.arr(), g.astype(np.float64) * 7)


# ----------------------------------------------------------------------------- softmax family

SHAPES = [(7,), (5, 9), (40, 300), (1, 50), (3, 4, 5), (2, 3, 4, 5), (3, 50, 1, 1), (2, 33, 2, 1),
          (30, 3)]


def _rows(shape):
    """(leading, dim, trailing) of THNN's softmax frames."""
    nd = len(shape)
    if nd in (1, 3):
        return 1, shape[0], int(np.prod(shape[1:]))
    return shape[0], shape[1], int(np.prod(shape[2:]))


def _softmax_in(shape, dt, seed=0):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(shape) * 10).astype(dt)
    f = x.reshape(-1)
    if f.size > 40:
        f[3], f[11], f[20] = np.inf, -np.inf, np.nan
    return x


def _softmax_ref(x, dt):
    r = real(dt)
    n, d, s = _rows(x.shape)
    a = x.reshape(n, d, s)
    out = np.empty_like(a)
    for i in range(n):
        for k in range(s):
            m = r(-np.inf)
            for j in range(d):
                if a[i, j, k] >= m:
                    m = r(a[i, j, k])
            tot = 0.0
            zs = []
            for j in range(d):
                z = r(cexp(r(a[i, j, k]) - m))
                zs.append(z)
                tot += float(z)
            inv = cdiv(1, tot)
            for j in range(d):
                out[i, j, k] = float(zs[j]) * inv
    return out.reshape(x.shape)


def _softmax_grad_ref(g, y, dt):
    n, d, s = _rows(y.shape)
    ga, ya = g.reshape(n, d, s), y.reshape(n, d, s)
    out = np.empty_like(ya)
    for i in range(n):
        for k in range(s):
            tot = 0.0
            for j in range(d):
                tot += float(ga[i, j, k]) * float(ya[i, j, k])
            for j in range(d):
                out[i, j, k] = float(ya[i, j, k]) * (float(ga[i, j, k]) - tot)
    return out.reshape(y.shape)


def _logsoftmax_ref(x, dt):
    r = real(dt)
    n, d, s = _rows(x.shape)
    a = x.reshape(n, d, s)
    out = np.empty_like(a)
    for i in range(n):
        for k in range(s):
            m = r(-np.inf)
            for j in range(d):
                m = m if m > a[i, j, k] else r(a[i, j, k])     # THMax
            tot = 0.0
            for j in range(d):
                tot += cexp(r(a[i, j, k]) - m)
            tot = float(m) + clog(tot)
            for j in range(d):
                out[i, j, k] = float(a[i, j, k]) - tot
    return out.reshape(x.shape)


def _logsoftmax_grad_ref(g, y, dt):
    n, d, s = _rows(y.shape)
    ga, ya = g.reshape(n, d, s), y.reshape(n, d, s)
    out = np.empty_like(ya)
    for i in range(n):
        for k in range(s):
            tot = 0.0
            for j in range(d):
                tot += float(ga[i, j, k])
            for j in range(d):
                out[i, j, k] = float(ga[i, j, k]) - cexp(ya[i, j, k]) * tot
    return out.reshape(y.shape)


@pytest.mark.parametrize('dt', DTS)
@pytest.mark.parametrize('shape', SHAPES)
def test_softmax_softmin(dt, shape):
    x = _softmax_in(shape, dt)
    g = grads(dt, x.size, seed=4).reshape(shape)
    with np.errstate(all='ignore'):
        want = _softmax_ref(x, dt)
        o, gi = E(dt), E(dt)
        K['SoftMax_updateOutput'](T(x, dt), o)
        assert_bits(o.arr(), want)
        y = o.arr().copy()
        K['SoftMax_updateGradInput'](T(x, dt), T(g, dt), gi, T(y, dt))
        assert_bits(gi.arr(), _softmax_grad_ref(g, y, dt))
        # nn.SoftMin: SoftMax of input:mul(-1); its gradient times -1
        K['SoftMin_updateOutput'](T(x, dt), o)
        assert_bits(o.arr(), _softmax_ref((x * -1).astype(dt), dt))
        y = o.arr().copy()
        K['SoftMin_updateGradInput'](T(x, dt), T(g, dt), gi, T(y, dt))
        assert_bits(gi.arr(), _softmax_grad_ref(g, y, dt).astype(dt) * -1)


@pytest.mark.parametrize('dt', DTS)
@pytest.mark.parametrize('shape', SHAPES)
def test_logsoftmax(dt, shape):
    x = _softmax_in(shape, dt, seed=2)
    g = grads(dt, x.size, seed=5).reshape(shape)
    if g.ndim == 2 and g.shape[0] > 1:
        g[1] = -0.0         # a row of -0 gradients
    with np.errstate(all='ignore'):
        o, gi = E(dt), E(dt)
        K['LogSoftMax_updateOutput'](T(x, dt), o)
        assert_bits(o.arr(), _logsoftmax_ref(x, dt))
        y = o.arr().copy()
        K['LogSoftMax_updateGradInput'](T(x, dt), T(g, dt), gi, T(y, dt))
        assert_bits(gi.arr(), _logsoftmax_grad_ref(g, y, dt))


@pytest.mark.parametrize('row', [
    [0.5, -0.0, 0.0, 3.0, -2.0, 700.0, -745.0, 1e-300, 2.0, 1.0],
    [1.0, float('nan'), 2.0], [float('inf'), 1.0], [float('-inf'), 0.0], [float('-inf')] * 3,
    [-800.0, -800.5], [5.0]])
@pytest.mark.parametrize('shape', ['1d', '2d'])
def test_logsoftmax_one_short_double_row(row, shape):
    # (LeNet's 10 classes one sample at a time: the Python-float path of the kernel)
    x = np.array(row) if shape == '1d' else np.array([row])
    g = grads(np.float64, max(4, x.size), seed=9)[:x.size].reshape(x.shape)
    with np.errstate(all='ignore'):
        o, gi = E(np.float64), E(np.float64)
        K['LogSoftMax_updateOutput'](T(x, np.float64), o)
        assert_bits(o.arr(), _logsoftmax_ref(x, np.float64))
        for y in (o.arr().copy(), np.array(row) * 0 + 800.0):      # (exp(800) overflows)
            y = y.reshape(x.shape)
            K['LogSoftMax_updateGradInput'](T(x, np.float64), T(g, np.float64), gi,
                                            T(y, np.float64))
            assert_bits(gi.arr(), _logsoftmax_grad_ref(g, y, np.float64))


@pytest.mark.parametrize('dt', DTS)
def test_logsoftmax_gradient_of_a_row_of_minus_zeros(dt):
    # C's sum starts at +0: a row of -0 gradients sums to +0, and g - exp(y) * (+0) keeps -0
    y = np.log(np.full((3, 4), 0.25)).astype(dt)
    g = np.full((3, 4), -0.0, dt)
    gi = E(dt)
    K['LogSoftMax_updateGradInput'](T(y, dt), T(g, dt), gi, T(y, dt))
    assert_bits(gi.arr(), _logsoftmax_grad_ref(g, y, dt))
    assert np.signbit(gi.arr()).all()


# ----------------------------------------------------------------------------- pointwise

@pytest.mark.parametrize('dt', DTS)
def test_exp_log(dt):
    r = real(dt)
    x = values(dt)
    with np.errstate(all='ignore'):
        assert_bits(run_fwd('Exp', x), ref(lambda v: cexp(v), x, dt=dt))
        assert_bits(run_fwd('Log', x), ref(lambda v: clog(v), x, dt=dt))
        y = run_fwd('Exp', x)
        g = grads(dt, x.size)
        gi = E(dt)
        K['Exp_updateGradInput'](T(x, dt), T(g, dt), gi, T(y, dt))         # cmul(output, g)
        assert_bits(gi.arr(), ref(lambda yv, gv: r(yv) * r(gv), y, g, dt=dt))
        K['Log_updateGradInput'](T(x, dt), T(g, dt), gi)                  # fill(1):cdiv(x):cmul(g)
        assert_bits(gi.arr(), ref(lambda v, gv: r(r(1) / r(v)) * r(gv), x, g, dt=dt))


@pytest.mark.parametrize('dt', DTS)
def test_square_sqrt_abs_softsign(dt):
    r = real(dt)
    x = values(dt)
    g = grads(dt, x.size)
    g[-3:] = [3e38, -2e38, 1e-40] if dt == np.float32 else [1.7e308, -1e308, 4e-320]
    x[-3:] = [0.25, 0.125, 3.0]
    gi = E(dt)
    with np.errstate(all='ignore'):
        assert_bits(run_fwd('Square', x), ref(lambda v: r(v) * r(v), x, dt=dt))
        K['Square_updateGradInput'](T(x, dt), T(g, dt), gi)               # 2.0 * g * x
        assert_bits(gi.arr(), ref(lambda v, gv: (2.0 * float(gv)) * float(v), x, g, dt=dt))
        y = run_fwd('Sqrt', x, 0)
        assert_bits(y, ref(lambda v: math.sqrt(v) if v >= 0 else (v if v != v or v == 0 else math.nan),
                           x, dt=dt))
        K['Sqrt_updateGradInput'](T(x, dt), T(g, dt), gi, T(y, dt))
        # y == 0.0 ? 0.0 : 0.5 * (g / y), g / y a real division
        assert_bits(gi.arr(), ref(lambda yv, gv: 0.0 if yv == 0 else 0.5 * float(r(gv) / r(yv)),
                                  y, g, dt=dt))
        assert_bits(run_fwd('Abs', x), ref(lambda v: abs(v), x, dt=dt))
        K['Abs_updateGradInput'](T(x, dt), T(g, dt), gi)                  # g * (x >= 0 ? 1 : -1)
        assert_bits(gi.arr(), ref(lambda v, gv: r(gv) * r(1 if v >= 0 else -1), x, g, dt=dt))
        # nn.SoftSign: x / (|x| + 1); gradient g / ((|x| + 1) * (|x| + 1)), all reals
        assert_bits(run_fwd('SoftSign', x), ref(lambda v: r(v) / (r(abs(v)) + r(1)), x, dt=dt))
        K['SoftSign_updateGradInput'](T(x, dt), T(g, dt), gi)
        t = lambda v: r(abs(v)) + r(1)      # noqa: E731
        assert_bits(gi.arr(), ref(lambda v, gv: r(gv) / (t(v) * t(v)), x, g, dt=dt))


def _th_pow(v, p, dt):
    """THTensor_(pow) of one element, p a real."""
    r = real(dt)
    v, p = r(v), r(p)
    if p == 1:
        return v
    if p == 2:
        return v * v
    if p == 3:
        return v * v * v
    if p == 0.5:
        return r(math.sqrt(v)) if v >= 0 else math.nan
    if p == -0.5:
        return r(1) / r(math.sqrt(v)) if v >= 0 else math.nan
    if p == -1:
        return r(1) / v
    if p == -2:
        return r(1) / (v * v)
    return None


@pytest.mark.parametrize('dt', DTS)
@pytest.mark.parametrize('p', [1, 2, 3, 0.5, -0.5, -1, -2, 2.5, 1 / 3])
def test_power(dt, p):
    r = real(dt)
    x = np.abs(values(dt, 300))
    x = x[np.isfinite(x) & (x > 1e-30) & (x < 1e30)]
    g = grads(dt, x.size)

    def pw(v, q):
        w = _th_pow(v, q, dt)
        return w if w is not None else (r(v) ** r(q))    # libm pow / powf (numpy's loops)
    with np.errstate(all='ignore'):
        assert_bits(run_fwd('Power', x, p), ref(lambda v: pw(v, p), x, dt=dt))
        gi = E(dt)
        K['Power_updateGradInput'](T(x, dt), T(g, dt), gi, p)   # pow(p - 1), cmul(g), mul(p)
        assert_bits(gi.arr(), ref(lambda v, gv: r(r(pw(v, p - 1)) * r(gv)) * r(p), x, g, dt=dt))


@pytest.mark.parametrize('dt', DTS)
def test_dropout_scaling(dt):
    r = real(dt)
    p = 0.3
    x = values(dt, 300)
    x = x[np.isfinite(x)]
    g = grads(dt, x.size)
    o, nz, gi = E(dt), E(dt), E(dt)
    K['Dropout_updateOutput'](T(x, dt), o, nz, p, False, False, False)     # v1 evaluation: mul(1-p)
    assert_bits(o.arr(), ref(lambda v: r(v) * r(1 - p), x, dt=dt))
    K['Dropout_updateGradInput'](T(x, dt), T(g, dt), gi, nz, p, False, False, False)
    assert_bits(gi.arr(), ref(lambda v: r(v) * r(1 - p), g, dt=dt))
    K['Dropout_updateOutput'](T(x, dt), o, nz, p, True, True, False)       # v2: noise:div(1-p)
    noise = nz.arr().copy()
    assert set(np.unique(noise).tolist()) <= {0.0, float(r(1) / r(1 - p))}
    assert_bits(o.arr(), ref(lambda v, n: r(v) * r(n), x, noise, dt=dt))
    K['Dropout_updateGradInput'](T(x, dt), T(g, dt), gi, nz, p, True, True, False)
    assert_bits(gi.arr(), ref(lambda v, n: r(v) * r(n), g, noise, dt=dt))
