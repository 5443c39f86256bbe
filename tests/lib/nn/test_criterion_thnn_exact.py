"""Criteria and distance layers, bit for bit against per-element references written from THNN's C
(and, for the criteria nn writes in Lua, from the TH operations they call), for DoubleTensor and
FloatTensor: float op float in float, anything with a double (a literal, accreal, log/exp) in
double, a store to `real` rounds once, sums in element order. The references are plain Python
loops over numpy scalars (np.float32 arithmetic is IEEE single), independent of the kernels.
The float exp/log of TH tensor ops (expf/logf) are taken as double-then-round, the library's
convention (luatorch/lib/pointwise.py); pow/powf are libm's, called through ctypes."""
import ctypes
import ctypes.util
import math
import zlib

import numpy as np
import pytest

from luatorch.lib import types
from luatorch.lib.nn import criterion as C
from luatorch.lib.nn import distance as D
from luatorch.lib.tensor import empty, from_array

TYPES = [types.Double, types.Float]
IDS = ['double', 'float']
RNG = np.random.default_rng(2024)
_M = ctypes.CDLL(ctypes.util.find_library('m'))
_M.pow.restype = ctypes.c_double
_M.pow.argtypes = [ctypes.c_double, ctypes.c_double]
_M.powf.restype = ctypes.c_float
_M.powf.argtypes = [ctypes.c_float, ctypes.c_float]


@pytest.fixture(autouse=True)
def _seed(request):
    """Each test draws the same values whatever runs before it (xdist reorders tests)."""
    global RNG
    RNG = np.random.default_rng(zlib.crc32(request.node.name.encode()))


def T(a, tt):
    return from_array(np.ascontiguousarray(np.asarray(a, dtype=tt.dtype)), tt)


def L(a):
    return from_array(np.asarray(a, dtype=np.int64), types.Long)


def same(got, ref, dtype=np.float64):
    """Equal bits (any NaN equals any NaN)."""
    g = np.asarray(got, dtype).reshape(-1)
    r = np.asarray(ref, dtype).reshape(-1)
    assert g.shape == r.shape
    it = np.int64 if np.dtype(dtype).itemsize == 8 else np.int32
    ok = (g.view(it) == r.view(it)) | (np.isnan(g) & np.isnan(r))
    assert ok.all(), 'differ at %s: got %r, want %r' % (
        np.flatnonzero(~ok)[:5], g[~ok][:5], r[~ok][:5])


def exp(v):
    try:
        return math.exp(v)
    except OverflowError:
        return math.inf


def log(v):
    return math.log(v) if v > 0 else (-math.inf if v == 0 else math.nan)


def values(n, dt, awkward=True, scale=1.0):
    a = RNG.standard_normal(n) * scale
    if awkward and n >= 12:
        a[:8] = [0.0, -0.0, 1e-30, -1e-30, 1e6, -3e5, 0.5, 1.0]
        RNG.shuffle(a)
    return a.astype(dt)


def seq(terms, R):
    """`real sum = 0; sum += term` with C's promotion (a double term: add in double, round)."""
    s = R(0)
    for t in terms:
        s = R(float(s) + float(t)) if type(t) is float else R(s + t)
    return s


def avg(s, n, R, sa):
    return R(s / R(n)) if sa else s


def norm_of(n, R, sa, scale=1.0):
    return R(scale / float(R(n))) if sa else R(scale)


SIZES = [(7,), (5, 13), (40, 9)]         # the last has a float sum of 360 double terms


# --------------------------------------------------------------------------- pointwise THNN

def _pointwise_ref(name, x, y, R, sa, margin=0.0):
    n = x.size
    xs, ys = [R(v) for v in x.ravel()], [R(v) for v in y.ravel()]
    terms, grads = [], []
    nm = norm_of(n, R, sa, 2.0 if name == 'MSE' else 1.0)
    for a, b in zip(xs, ys):
        if name == 'MSE':
            z = a - b
            terms.append(z * z)
            grads.append(nm * (a - b))
        elif name == 'Abs':
            terms.append(abs(float(a - b)))
            grads.append(nm if a - b >= 0 else -nm)
        elif name == 'SmoothL1':
            z = R(abs(float(a - b)))
            terms.append(0.5 * float(z) * float(z) if z < 1 else float(z) - 0.5)
            d = a - b
            grads.append(-nm if d < -1.0 else (nm if d > 1.0 else nm * d))
        elif name == 'DistKLDiv':
            terms.append(float(b) * (log(float(b)) - float(a)) if b > 0 else 0.0)
            grads.append(nm * (-b) if b > 0 else R(0))
        elif name == 'Margin':
            z = R(margin) - a * b
            terms.append(z if z > 0 else R(0))
            grads.append(-nm * b if a * b < R(margin) else R(0))
        elif name == 'SoftMargin':
            terms.append(R(log(1. + exp(float(-a * b)))))
            z = R(exp(float(-b * a)))
            grads.append(R(float(-nm * b * z) / (1. + float(z))))
    return avg(seq(terms, R), n, R, sa), grads


@pytest.mark.parametrize('tt', TYPES, ids=IDS)
@pytest.mark.parametrize('sa', [True, False])
@pytest.mark.parametrize('shape', SIZES)
@pytest.mark.parametrize('name', ['MSE', 'Abs', 'SmoothL1', 'DistKLDiv', 'Margin', 'SoftMargin'])
def test_pointwise_criteria(name, shape, sa, tt):
    dt = tt.dtype
    n = int(np.prod(shape))
    x = values(n, dt).reshape(shape)
    y = values(n, dt).reshape(shape)
    if name == 'DistKLDiv':
        y = np.abs(y)
        y.ravel()[::5] = 0
    if name in ('Margin', 'SoftMargin'):
        y = np.where(RNG.random(n) < 0.5, 1, -1).astype(dt).reshape(shape)
    if name == 'SmoothL1':
        x = (x * dt.type(1.5)).astype(dt)
    R = dt.type
    args = (0.7,) if name == 'Margin' else ()
    ref, grads = _pointwise_ref(name, x, y, R, sa, *args)
    fwd = getattr(C, name + 'Criterion_updateOutput')
    bwd = getattr(C, name + 'Criterion_updateGradInput')
    same(fwd(T(x, tt), T(y, tt), sa, *args), float(ref))
    gi = empty(tt)
    bwd(T(x, tt), T(y, tt), gi, sa, *args)
    same(gi.arr(), grads, dt)


@pytest.mark.parametrize('tt', TYPES, ids=IDS)
def test_margin_nan_is_no_hinge(tt):
    x = np.array([0.1, np.nan, -2.0], tt.dtype)
    y = np.array([1, 1, -1], tt.dtype)
    R = tt.dtype.type
    ref = seq([R(1) - R(0.1), R(0), R(0)], R)
    same(C.MarginCriterion_updateOutput(T(x, tt), T(y, tt), False, 1.0), float(ref))


@pytest.mark.parametrize('tt', TYPES, ids=IDS)
@pytest.mark.parametrize('sa', [True, False])
@pytest.mark.parametrize('weighted', [False, True])
@pytest.mark.parametrize('shape', [(6,), (30, 11)])
def test_bce(shape, weighted, sa, tt):
    dt = tt.dtype
    R = dt.type
    x = RNG.random(shape).astype(dt)
    x.ravel()[:3] = [0.0, 1.0, 0.5]
    y = (RNG.random(shape) < 0.5).astype(dt)
    w = (RNG.random(shape[-1]) * 2).astype(dt) if weighted else None
    wfull = np.broadcast_to(w, shape) if weighted else None
    terms, grads = [], []
    nm = norm_of(x.size, R, sa)
    for k, (a, b) in enumerate(zip(x.ravel().tolist(), y.ravel().tolist())):
        a, b = R(a), R(b)
        t = log(float(a) + 1e-12) * float(b) + log(1. - float(a) + 1e-12) * (1. - float(b))
        g = R(float(-nm * (b - a)) / ((1. - float(a) + 1e-12) * (float(a) + 1e-12)))
        if weighted:
            wk = R(wfull.ravel()[k])
            t *= float(wk)
            g = g * wk
        terms.append(t)
        grads.append(g)
    s = R(0)
    for t in terms:                   # `sum -= term`
        s = R(float(s) - t)
    wt = T(w, tt) if weighted else None
    same(C.BCECriterion_updateOutput(T(x, tt), T(y, tt), sa, wt), float(avg(s, x.size, R, sa)))
    gi = empty(tt)
    C.BCECriterion_updateGradInput(T(x, tt), T(y, tt), gi, sa, wt)
    same(gi.arr(), grads, dt)


@pytest.mark.parametrize('tt', TYPES, ids=IDS)
def test_bce_zero_weights_give_plus_zero(tt):
    x = np.array([0.25, 0.5], tt.dtype)
    y = np.array([1, 0], tt.dtype)
    w = np.zeros(2, tt.dtype)
    loss = C.BCECriterion_updateOutput(T(x, tt), T(y, tt), False, T(w, tt))
    assert loss == 0 and math.copysign(1, loss) == 1


# --------------------------------------------------------------------------- class indices

@pytest.mark.parametrize('tt', TYPES, ids=IDS)
@pytest.mark.parametrize('sa', [True, False])
@pytest.mark.parametrize('weighted', [False, True])
@pytest.mark.parametrize('B', [1, 17, 128])
def test_classnll(B, weighted, sa, tt):
    dt = tt.dtype
    R = dt.type
    Cn = 10
    x = values(B * Cn, dt).reshape(B, Cn)
    t = RNG.integers(1, Cn + 1, B)
    ignore = -100
    if B > 3:
        t[2] = 3
        ignore = 3
    w = (RNG.random(Cn) * 3).astype(dt) if weighted else None
    out, tw = empty(tt), empty(tt)
    loss, twv = C.ClassNLLCriterion_updateOutput(T(x, tt), L(t), out, sa,
                                                 T(w, tt) if weighted else None, tw, ignore)
    o, s = R(0), R(0)
    for i in range(B):
        if t[i] == ignore:
            continue
        cw = R(w[t[i] - 1]) if weighted else R(1)
        s = s + cw
        o = o - R(x[i, t[i] - 1]) * cw
    if sa and s:
        o = o / s
    same(loss, float(o))
    same(twv, float(s))
    gi = empty(tt)
    C.ClassNLLCriterion_updateGradInput(T(x, tt), L(t), gi, sa,
                                        T(w, tt) if weighted else None, tw, ignore)
    ref = np.zeros((B, Cn), dt)
    for i in range(B):
        if t[i] != ignore:
            g = -(R(w[t[i] - 1]) if weighted else R(1))
            ref[i, t[i] - 1] = g / s if sa else g
    same(gi.arr(), ref, dt)


@pytest.mark.parametrize('tt', TYPES, ids=IDS)
@pytest.mark.parametrize('B', [1, 4])
def test_classnll_zero_loss_is_plus_zero(B, tt):
    # `output -= x * w` from +0: a loss of zero is +0 (printed 0, not -0)
    x = np.zeros((B, 3), tt.dtype)
    out, tw = empty(tt), empty(tt)
    loss, _ = C.ClassNLLCriterion_updateOutput(T(x, tt), L([2] * B), out, True, None, tw, -100)
    assert loss == 0 and math.copysign(1, loss) == 1
    assert math.copysign(1, float(out.arr()[0])) == 1


@pytest.mark.parametrize('tt', TYPES, ids=IDS)
@pytest.mark.parametrize('sa', [True, False])
@pytest.mark.parametrize('weighted', [False, True])
def test_spatial_classnll(weighted, sa, tt):
    dt = tt.dtype
    R = dt.type
    B, Cn, H, W = 2, 4, 3, 5
    x = values(B * Cn * H * W, dt).reshape(B, Cn, H, W)
    t = RNG.integers(1, Cn + 1, (B, H, W))
    w = (RNG.random(Cn) * 2).astype(dt) if weighted else None
    out, tw = empty(tt), empty(tt)
    loss, _ = C.SpatialClassNLLCriterion_updateOutput(T(x, tt), L(t), out, sa,
                                                      T(w, tt) if weighted else None, tw)
    o, s = R(0), R(0)
    for b in range(B):
        for i in range(H):
            for j in range(W):
                c = t[b, i, j] - 1
                cw = R(w[c]) if weighted else R(1)
                s = s + cw
                o = o - R(x[b, c, i, j]) * cw
    if sa and s:
        o = o / s
    same(loss, float(o))
    gi = empty(tt)
    C.SpatialClassNLLCriterion_updateGradInput(T(x, tt), L(t), gi, sa,
                                               T(w, tt) if weighted else None, tw)
    ref = np.zeros_like(x)
    nz = s if sa else R(1)
    for b in range(B):
        for i in range(H):
            for j in range(W):
                c = t[b, i, j] - 1
                ref[b, c, i, j] = -(R(w[c]) if weighted else R(1)) / nz
    same(gi.arr(), ref, dt)


@pytest.mark.parametrize('tt', TYPES, ids=IDS)
@pytest.mark.parametrize('sa', [True, False])
@pytest.mark.parametrize('p', [1, 2])
@pytest.mark.parametrize('weighted', [False, True])
def test_multimargin(weighted, p, sa, tt):
    dt = tt.dtype
    R = dt.type
    nf, dim = 9, 7
    x = (values(nf * dim, dt) * dt.type(0.3)).reshape(nf, dim)
    x[3] = [5, 0, 0, 0, 0, 0, 0]            # a row with no active margin
    t = RNG.integers(1, dim + 1, nf)
    t[3] = 1
    w = (RNG.random(dim) * 2).astype(dt) if weighted else None
    m = R(1.0)
    s = R(0)
    g = R(1. / float(R(nf * dim))) if sa else R(1. / float(R(dim)))
    ref = np.zeros_like(x)
    for i in range(nf):
        ti = t[i] - 1
        gt = R(0)
        for d in range(dim):
            z = m - x[i, ti] + x[i, d]
            if d == ti:
                continue
            if z > 0:
                h = z if p == 1 else z * z
                hg = g if p == 1 else R(2) * g * z
                if weighted:
                    h = h * R(w[ti])
                    hg = hg * R(w[ti])
                s = s + h
                gt = gt - hg
                ref[i, d] = hg
            else:
                ref[i, d] = 0
        ref[i, ti] = gt
    s = s / R(dim)
    if sa:
        s = s / R(nf)
    wt = T(w, tt) if weighted else None
    same(C.MultiMarginCriterion_updateOutput(T(x, tt), L(t), sa, p, wt, 1.0), float(s))
    gi = empty(tt)
    C.MultiMarginCriterion_updateGradInput(T(x, tt), L(t), gi, sa, p, wt, 1.0)
    same(gi.arr(), ref, dt)


@pytest.mark.parametrize('tt', TYPES, ids=IDS)
@pytest.mark.parametrize('sa', [True, False])
def test_multilabelmargin(sa, tt):
    dt = tt.dtype
    R = dt.type
    nf, dim = 6, 8
    x = (values(nf * dim, dt) * dt.type(0.4)).reshape(nf, dim)
    t = np.zeros((nf, dim), np.int64)
    for i in range(nf):
        k = RNG.integers(0, 4)
        t[i, :k] = RNG.choice(dim, k, replace=False) + 1
    t[0, :3] = [2, 2, 5]                        # a repeated target
    s = R(0)
    g = R(1. / float(R(nf * dim))) if sa else R(1. / float(R(dim)))
    ref = np.zeros_like(x)
    for i in range(nf):
        tg = []
        for v in t[i]:
            if v == 0:
                break
            tg.append(v - 1)
        ist = set(tg)
        for ti in tg:
            for d in range(dim):
                if d not in ist:
                    z = R(1) - x[i, ti] + x[i, d]
                    if z > 0:
                        s = s + z
                        ref[i, ti] = ref[i, ti] - g
                        ref[i, d] = ref[i, d] + g
    s = s / R(dim)
    if sa:
        s = s / R(nf)
    same(C.MultiLabelMarginCriterion_updateOutput(T(x, tt), L(t), empty(tt), sa), float(s))
    gi = empty(tt)
    C.MultiLabelMarginCriterion_updateGradInput(T(x, tt), L(t), gi, empty(tt), sa)
    same(gi.arr(), ref, dt)


# --------------------------------------------------------------------------- nn's Lua criteria

def accsum(vals):
    """THTensor_(sumall): `accreal sum = 0; sum += x`, accreal double."""
    s = 0.0
    for v in vals:
        s += float(v)
    return s


@pytest.mark.parametrize('tt', TYPES, ids=IDS)
@pytest.mark.parametrize('sa', [True, False])
@pytest.mark.parametrize('n', [5, 300])
def test_hinge_embedding(n, sa, tt):
    dt = tt.dtype
    R = dt.type
    x = values(n, dt)
    x[1] = np.nan if n > 5 else x[1]
    y = np.where(RNG.random(n) < 0.5, 1, -1).astype(dt)
    if n > 5:
        y[1] = -1                             # a NaN distance under y = -1: cmax(0) gives 0
    m = 1.0
    s1 = accsum(R(0) if b == -1 else a for a, b in zip(x, y))
    hinge = [R(m) - a for a in x]
    hinge = [h if h > 0 else R(0) for h in hinge]
    s2 = accsum(R(0) if b == 1 else h for h, b in zip(hinge, y))
    ref = s1 + s2
    if sa:
        ref = ref / n
    same(C.HingeEmbeddingCriterion_updateOutput(T(x, tt), T(y, tt), m, sa), ref)
    gi = empty(tt)
    C.HingeEmbeddingCriterion_updateGradInput(T(x, tt), T(y, tt), gi, m, sa)
    f = R(1 / n)
    g = [R(0) if (b == -1 and a > R(m)) else b for a, b in zip(x, y)]
    same(gi.arr(), [v * f for v in g] if sa else g, dt)


@pytest.mark.parametrize('tt', TYPES, ids=IDS)
@pytest.mark.parametrize('sa', [True, False])
@pytest.mark.parametrize('weighted', [False, True])
def test_multilabel_softmargin(weighted, sa, tt):
    dt = tt.dtype
    R = dt.type
    B, Cn = 12, 25
    x = values(B * Cn, dt, scale=3.0).reshape(B, Cn)
    y = (RNG.random((B, Cn)) < 0.4).astype(dt)
    w = (RNG.random(Cn) * 2).astype(dt) if weighted else None
    terms = []
    for k, (a, t) in enumerate(zip(x.ravel(), y.ravel())):
        ind = R(1) if a >= 0 else R(0)
        b2 = a * ind * R(-2) + a
        e = R(exp(float(b2))) + R(1)            # :exp() then :add(1) in real
        b2 = R(log(float(e)))
        b1 = (ind * R(-1) + t) * a
        v = b2 - b1
        if weighted:
            v = v * R(w[k % Cn])
        terms.append(v)
    ref = accsum(terms)
    if sa:
        ref = ref / x.size
    sig = empty(tt)
    wt = T(w, tt) if weighted else None
    same(C.MultiLabelSoftMarginCriterion_updateOutput(T(x, tt), T(y, tt), sig, sa, wt), ref)
    same(sig.arr(), [R(1. / (1. + exp(-float(a)))) for a in x.ravel()], dt)
    gi = empty(tt)
    C.MultiLabelSoftMarginCriterion_updateGradInput(T(x, tt), T(y, tt), gi, sig, sa, wt)
    g = []
    for k, (s, t) in enumerate(zip(sig.arr().ravel(), y.ravel())):
        v = s - t
        if weighted:
            v = v * R(w[k % Cn])
        g.append(v / R(x.size) if sa else v)
    same(gi.arr(), g, dt)


@pytest.mark.parametrize('tt', TYPES, ids=IDS)
@pytest.mark.parametrize('sa', [True, False])
def test_cosine_embedding(sa, tt):
    dt = tt.dtype
    R = dt.type
    B, n = 7, 30
    x1 = values(B * n, dt).reshape(B, n)
    x2 = values(B * n, dt).reshape(B, n)
    x2[2] = x1[2]                             # cos = 1: output 0 under y = 1
    y = np.array([1, -1, 1, -1, -1, 1, 1], dt)
    margin = 0.1
    outs, ref1, ref2 = [], np.zeros_like(x1), np.zeros_like(x2)
    eps = R(1e-12)
    for i in range(B):
        w1 = R(accsum(a * b for a, b in zip(x1[i], x2[i])))
        w22 = R(1) / (R(accsum(a * a for a in x1[i])) + eps)
        w32 = R(1) / (R(accsum(b * b for b in x2[i])) + eps)
        w = np.sqrt(w22 * w32)
        o = w1 * w
        if y[i] == -1:
            o = o + R(-margin)
            o = o if o > 0 else R(0)
        if y[i] == 1:
            o = o * R(-1) + R(1)
        outs.append(o)
        for j in range(n):
            g1 = (x2[i, j] + (R(-1) * (w1 * w22)) * x1[i, j]) * w
            g2 = (x1[i, j] + (R(-1) * (w1 * w32)) * x2[i, j]) * w
            if o <= 0:
                g1 = g2 = R(0)
            if y[i] == 1:
                g1, g2 = g1 * R(-1), g2 * R(-1)
            if sa:
                g1, g2 = g1 / R(B), g2 / R(B)
            ref1[i, j], ref2[i, j] = g1, g2
    ref = accsum(outs)
    if sa:
        ref = ref / B
    same(C.CosineEmbeddingCriterion_updateOutput(T(x1, tt), T(x2, tt), T(y, tt), margin, sa), ref)
    g1, g2 = empty(tt), empty(tt)
    C.CosineEmbeddingCriterion_updateGradInput(T(x1, tt), T(x2, tt), T(y, tt), g1, g2, margin, sa)
    same(g1.arr(), ref1, dt)
    same(g2.arr(), ref2, dt)


@pytest.mark.parametrize('tt', TYPES, ids=IDS)
@pytest.mark.parametrize('sa', [True, False])
def test_margin_ranking(sa, tt):
    dt = tt.dtype
    R = dt.type
    n = 50
    a, b = values(n, dt), values(n, dt)
    a[0] = np.nan
    y = np.where(RNG.random(n) < 0.5, 1, -1).astype(dt)
    m = 0.3
    d = [(a_ - b_) * R(-1) * y_ + R(m) for a_, b_, y_ in zip(a, b, y)]
    ref = accsum(v if v > 0 else R(0) for v in d)
    if sa:
        ref = ref / n
    same(C.MarginRankingCriterion_updateOutput(T(a, tt), T(b, tt), T(y, tt), m, sa), ref)
    g1, g2 = empty(tt), empty(tt)
    C.MarginRankingCriterion_updateGradInput(T(a, tt), T(b, tt), T(y, tt), g1, g2, m, sa)
    mask = [R(1) if v >= 0 else R(0) for v in d]
    r1 = [k * R(-1) * y_ for k, y_ in zip(mask, y)]
    r2 = [k * y_ for k, y_ in zip(mask, y)]
    if sa:
        r1, r2 = [v / R(n) for v in r1], [v / R(n) for v in r2]
    same(g1.arr(), r1, dt)
    same(g2.arr(), r2, dt)


@pytest.mark.parametrize('tt', TYPES, ids=IDS)
@pytest.mark.parametrize('sa', [True, False])
def test_distance_ratio(sa, tt):
    dt = tt.dtype
    R = dt.type
    X = np.abs(values(40, dt)).reshape(20, 2)
    Y = np.abs(values(40, dt)).reshape(20, 2)
    ex = [R(exp(float(v * R(-1)))) for v in X.ravel()]
    ey = [R(exp(float(v * R(-1)))) for v in Y.ravel()]
    s = [p + q for p, q in zip(ex, ey)]
    loss = [v + R(log(float(t))) for v, t in zip(X.ravel(), s)]
    ref = accsum(loss)
    if sa:
        ref = ref / 20
    same(C.DistanceRatioCriterion_updateOutput(T(X, tt), T(Y, tt), sa), ref)
    dX, dY = empty(tt), empty(tt)
    C.DistanceRatioCriterion_updateGradInput(T(X, tt), T(Y, tt), dX, dY, sa)
    gx = [(p * R(-1)) / t + R(1) for p, t in zip(ex, s)]
    gy = [(q * R(-1)) / t for q, t in zip(ey, s)]
    if sa:
        gx, gy = [v / R(20) for v in gx], [v / R(20) for v in gy]
    same(dX.arr(), gx, dt)
    same(dY.arr(), gy, dt)


@pytest.mark.parametrize('tt', TYPES, ids=IDS)
@pytest.mark.parametrize('y', [1, -1])
def test_l1_hinge_embedding(y, tt):
    dt = tt.dtype
    R = dt.type
    a, b = values(300, dt, awkward=False), values(300, dt, awkward=False)   # no zero difference
    s = R(0)
    for p, q in zip(a, b):
        s = s + abs(p - q)                   # dist(.., 1): `real sum += powf(fabsf(d), 1)`
    ref = float(s) if y == 1 else max(0.0, 1000.0 - float(s))
    same(C.L1HingeEmbeddingCriterion_updateOutput(T(a, tt), T(b, tt), y, 1000.0), ref)
    # y = -1 and a distance above the margin: gradInput[1] zeroed, gradInput[2] = 0 - 0 = +0
    g1, g2 = empty(tt), empty(tt)
    C.L1HingeEmbeddingCriterion_updateGradInput(T(a, tt), T(b, tt), g1, g2, y, 1.0)
    d = [p - q for p, q in zip(a, b)]
    sg = [R(1) if v > 0 else R(-1) for v in d]
    if y == -1:
        sg = [R(0)] * len(d)
    same(g1.arr(), sg, dt)
    same(g2.arr(), [R(0) - v for v in sg], dt)


@pytest.mark.parametrize('tt', TYPES, ids=IDS)
def test_l1cost(tt):
    x = values(500, tt.dtype)
    same(C.L1Cost_updateOutput(T(x, tt)), float(tt.dtype.type(accsum(abs(v) for v in x))))


def test_class_simplex():
    for tt in TYPES:
        R = tt.dtype.type
        nC = 6
        n = nC - 1
        a = np.zeros((n + 1, nC), tt.dtype)
        for k in range(n):
            if k == 0:
                a[0, 0] = 1
            else:
                nrm = math.sqrt(accsum(float(v) * float(v) for v in a[k, :k]))
                a[k, k] = math.sqrt(1 - nrm ** 2)
            akk = float(a[k, k])
            a[k + 1:, k] = R((akk ** 2 - 1 - 1 / n) / akk)
        r = empty(tt)
        C.ClassSimplexCriterion_simplex(r, nC)
        same(r.arr(), a, tt.dtype)


# --------------------------------------------------------------------------- sums

@pytest.mark.parametrize('n', [1, 50, 65, 700, 20000])
@pytest.mark.parametrize('kind', ['pos', 'mixed', 'tiny'])
def test_float_sum_of_double_terms(kind, n):
    t = RNG.standard_normal(n)
    if kind == 'pos':
        t = np.abs(t) * 0.37
    elif kind == 'tiny':
        t = t * 1e-9 + 1e-3
    s = 0.0
    buf = np.zeros(1, np.float32)
    for v in t.tolist():
        buf[0] = s + v
        s = float(buf[0])
    same(C._seqsum(t, np.dtype(np.float32)), s, np.float32)


@pytest.mark.parametrize('tt', TYPES, ids=IDS)
def test_seqsum_never_minus_zero(tt):
    z = np.array([-0.0, -0.0], tt.dtype)
    assert math.copysign(1, float(C._seqsum(z, tt.dtype))) == 1
    assert math.copysign(1, float(C._seqsum(z.astype(np.float64), tt.dtype))) == 1


# --------------------------------------------------------------------------- distance layers

def cpow(v, e, R):
    return R(_M.powf(float(v), e)) if R is np.float32 else R(_M.pow(float(v), e))


def _euclid_ref(x, w, c, go, R):
    """nn's (Weighted)Euclidean forward, backward and the batch sums of accGradParameters."""
    B, I = x.shape
    J = w.shape[1]
    rep = np.zeros((B, I, J), x.dtype)
    for b in range(B):
        for i in range(I):
            for j in range(J):
                d = x[b, i] - w[i, j]
                rep[b, i, j] = d * c[i, j] if c is not None else d
    y = np.zeros((B, J), x.dtype)
    for b in range(B):
        for j in range(J):
            s = 0.0
            for i in range(I):
                s += float(cpow(abs(rep[b, i, j]), 2.0, R))
            y[b, j] = cpow(R(s), 0.5, R)
    div = go / (y + R(1e-7))
    r2 = np.zeros_like(rep)
    gi = np.zeros_like(x)
    for b in range(B):
        for i in range(I):
            s = 0.0
            for j in range(J):
                v = rep[b, i, j] * div[b, j]
                if c is not None:
                    v = v * c[i, j]
                r2[b, i, j] = v
                s += float(v)
            gi[b, i] = R(s)
    gw = np.zeros((I, J), x.dtype)
    gc = np.zeros((I, J), x.dtype)
    for b in range(B):
        for i in range(I):
            for j in range(J):
                gw[i, j] = gw[i, j] + r2[b, i, j]
                if c is not None:
                    r = rep[b, i, j] / c[i, j]
                    gc[i, j] = gc[i, j] + r * r * c[i, j] * div[b, j]
    return y, gi, gw, gc


@pytest.mark.parametrize('tt', TYPES, ids=IDS)
@pytest.mark.parametrize('weighted', [False, True])
@pytest.mark.parametrize('B', [0, 1, 5])
def test_euclidean(B, weighted, tt):
    dt = tt.dtype
    R = dt.type
    I, J = 9, 4
    vector = B == 0
    Bn = max(B, 1)
    x = values(Bn * I, dt, awkward=False).reshape(Bn, I)
    w = values(I * J, dt, awkward=False).reshape(I, J)
    c = (RNG.random((I, J)) + 0.5).astype(dt) if weighted else None
    go = values(Bn * J, dt, awkward=False).reshape(Bn, J)
    y, gi, gw, gc = _euclid_ref(x, w, c, go, R)
    xin = T(x[0] if vector else x, tt)
    gin = T(go[0] if vector else go, tt)
    out = empty(tt)
    if weighted:
        D.WeightedEuclidean_updateOutput(xin, out, T(w, tt), T(c, tt))
    else:
        D.Euclidean_updateOutput(xin, out, T(w, tt))
    same(out.arr(), y, dt)
    g = empty(tt)
    if weighted:
        D.WeightedEuclidean_updateGradInput(xin, gin, g, T(w, tt), T(c, tt), out)
    else:
        D.Euclidean_updateGradInput(xin, gin, g, T(w, tt), out)
    same(g.arr(), gi, dt)
    # scale 1: axpy with alpha -1 / 1 rounds once whether or not the BLAS fuses
    gwt, gct = T(np.zeros((I, J)), tt), T(np.zeros((I, J)), tt)
    if weighted:
        D.WeightedEuclidean_accGradParameters(xin, gin, gwt, gct, T(w, tt), T(c, tt), out, 1)
        same(gct.arr(), gc, dt)
    else:
        D.Euclidean_accGradParameters(xin, gin, gwt, T(w, tt), out, 1)
    same(gwt.arr(), R(0) - gw, dt)
