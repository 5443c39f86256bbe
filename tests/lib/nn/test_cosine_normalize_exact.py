"""nn.Cosine, nn.Normalize and FeatureLPPooling, bit for bit against per-element references
written from nn's Lua (the TH operations it calls) and THNN's C, for DoubleTensor and
FloatTensor: float op float in float, anything with a double (a literal, accreal, a Lua number)
in double, a store to `real` rounds once, sums in element order. pow/powf/sqrt are libm's
(ctypes); the BLAS steps (addmv, addmm, addr) are luatorch's torch ops, themselves TH-exact."""
import ctypes
import ctypes.util
import math
import zlib

import numpy as np
import pytest

from luatorch.lib import blas, types
from luatorch.lib import tensor as TT
from luatorch.lib.nn import distance as D
from luatorch.lib.nn import pooling_more as P
from luatorch.lib.tensor import empty, from_array

TYPES = [types.Double, types.Float]
IDS = ['double', 'float']
RNG = np.random.default_rng(7)
_M = ctypes.CDLL(ctypes.util.find_library('m'))
for _f, _c in (('pow', ctypes.c_double), ('powf', ctypes.c_float),
               ('sqrt', ctypes.c_double), ('sqrtf', ctypes.c_float)):
    getattr(_M, _f).restype = _c
    getattr(_M, _f).argtypes = [_c] * (2 if _f.startswith('pow') else 1)


@pytest.fixture(autouse=True)
def _seed(request):
    global RNG
    RNG = np.random.default_rng(zlib.crc32(request.node.name.encode()))


def T(a, tt):
    return from_array(np.ascontiguousarray(np.asarray(a, dtype=tt.dtype)), tt)


def same(got, ref):
    g = np.ascontiguousarray(got).reshape(-1)
    r = np.ascontiguousarray(ref, dtype=g.dtype).reshape(-1)
    assert g.shape == r.shape
    it = np.int64 if g.dtype.itemsize == 8 else np.int32
    ok = (g.view(it) == r.view(it)) | (np.isnan(g) & np.isnan(r))
    assert ok.all(), 'differ at %s (%d of %d): got %r, want %r' % (
        np.flatnonzero(~ok)[:5], (~ok).sum(), ok.size, g[~ok][:5], r[~ok][:5])


def cpow(R, a, b):
    """TH_MATH_NAME(pow) of real a and real b."""
    if R is np.float32:
        return np.float32(_M.powf(float(a), float(np.float32(b))))
    return np.float64(_M.pow(float(a), float(b)))


def csqrt(R, a):
    return R(_M.sqrtf(float(a))) if R is np.float32 else R(_M.sqrt(float(a)))


def norm_dim(R, m, p=2.0):
    """THTensor_(norm)(r, m, p, last dim): accreal sum of pow(fabs(x), p) in order, then
    pow(sum, 1.0/p), both in real's libm (the sum rounded to real for powf)."""
    res = []
    for row in m:
        s = 0.0
        for v in row:
            s += float(cpow(R, abs(R(v)), p))
        res.append(cpow(R, R(s), 1.0 / p))
    return np.array(res, R)


def normall2(x):
    s = 0.0
    for v in x:
        z = float(v)
        s += z * z
    return math.sqrt(s) + 1e-12


def ew(R, a, b, op):
    """An element-wise TH op in real over broadcast arrays."""
    a, b = np.broadcast_arrays(np.asarray(a, R), np.asarray(b, R))
    o = np.empty(a.shape, R)
    for i in np.ndindex(a.shape):
        o[i] = op(R(a[i]), R(b[i]))
    return o


def div(R, a, b):
    return ew(R, a, b, lambda u, v: u / v)


def mul(R, a, b):
    return ew(R, a, b, lambda u, v: u * v)


def sum_last(R, m):
    """sum along a unit-stride dimension: accreal in order, rounded to real."""
    out = []
    for row in m:
        s = 0.0
        for v in row:
            s += float(v)
        out.append(R(s))
    return np.array(out, R)


def sum_first(R, m):
    """sum along dimension 1 of a contiguous matrix with more than one column: in real."""
    s = np.zeros(m.shape[1], R)
    for row in m:
        for j, v in enumerate(row):
            s[j] = R(s[j] + R(v))
    return s


def axpy(R, y, a, x):
    # alpha a power of two: the fused and unfused BLAS axpy agree
    return ew(R, y, x, lambda u, v: u + R(a) * v)


# ----------------------------------------------------------------------------- Cosine references


def cos_forward(tt, x, w):
    R = tt.dtype.type
    wn = norm_dim(R, w) + R(1e-12)
    if x.ndim == 1:
        o = T(np.zeros(w.shape[0]), tt)
        blas.addmv(o, 1, o, 1, T(w, tt), T(x, tt))
        n = normall2(x)
        y = div(R, div(R, o.arr(), wn), R(n))
        return y, wn, None
    o = T(np.zeros((x.shape[0], w.shape[0])), tt)
    blas.addmm(o, 0, o, 1, T(x, tt), TT.transpose(T(w, tt)))
    xn = norm_dim(R, x) + R(1e-12)
    y = div(R, div(R, o.arr(), wn[None, :]), xn[:, None])
    return y, wn, xn


def cos_backward(tt, x, w, g, y, wn, xn):
    R = tt.dtype.type
    if x.ndim == 1:
        n = normall2(x)
        w_ = T(div(R, div(R, w, wn[:, None]), R(n)), tt)
        blas.addr(w_, 1, w_, -1 / (n * n), T(y, tt), T(x, tt))
        gi = T(np.zeros(x.shape), tt)
        blas.addmv(gi, 0, gi, 1, TT.transpose(w_), T(g, tt))
        return gi.arr()
    gi = div(R, x, xn[:, None])
    s = sum_last(R, mul(R, g, y))
    gi = T(mul(R, gi, s[:, None]), tt)
    go = T(div(R, g, wn[None, :]), tt)
    blas.addmm(gi, -1, gi, 1, go, T(w, tt))
    return div(R, gi.arr(), xn[:, None])


def cos_accgrad(tt, x, w, g, y, wn, xn, gw, scale):
    R = tt.dtype.type
    gw = T(gw, tt)
    if x.ndim == 1:
        n = normall2(x)
        go = div(R, g, wn)
        blas.addr(gw, 1, gw, scale / n, T(go, tt), T(x, tt))
        go = mul(R, div(R, go, wn), y)
        w_ = mul(R, w, go[:, None])
        return axpy(R, gw.arr(), -scale, w_)
    go = mul(R, g, y)
    s = sum_last(R, go.T) if go.shape[1] == 1 else sum_first(R, go)
    s = div(R, s, wn)
    w_ = T(mul(R, w, s[:, None]), tt)
    inp = T(div(R, x, xn[:, None]), tt)
    blas.addmm(w_, -1, w_, 1, TT.transpose(T(g, tt)), inp)
    w_ = div(R, w_.arr(), wn[:, None])
    return axpy(R, gw.arr(), scale, w_)


# from 16 rows on (weight, batch) the kernel sums rows through their transposition: batch and
# weight of 16+ rows, a single input column, a single output column
COS_SHAPES = [((7,), 5), ((37,), 3), ((4, 9), 6), ((3, 41), 1), ((1, 6), 4), ((5, 3), 2),
              ((6,), 20), ((20, 7), 18), ((17, 1), 16), ((16, 3), 1), ((18, 2), 3)]


@pytest.mark.parametrize('tt', TYPES, ids=IDS)
@pytest.mark.parametrize('shape,nout', COS_SHAPES)
@pytest.mark.parametrize('scale', [1, 0.5])
def test_cosine(tt, shape, nout, scale):
    # scale 1: Torch7's bits; nn leaves scale off the second term (vector input) or off
    # everything (batch): the kernel scales the whole gradient (exact here for a power of 2)
    x = RNG.standard_normal(shape).astype(tt.dtype)
    w = RNG.uniform(-1, 1, (nout, shape[-1])).astype(tt.dtype)
    g = RNG.standard_normal(shape[:-1] + (nout,)).astype(tt.dtype)
    gw0 = RNG.standard_normal(w.shape).astype(tt.dtype)
    inp, wt, out, wnT, xnT = T(x, tt), T(w, tt), empty(tt), empty(tt), empty(tt)
    D.Cosine_updateOutput(inp, out, wt, wnT, xnT)
    y, wn, xn = cos_forward(tt, x, w)
    same(out.arr(), y)
    same(wnT.arr()[:, 0], wn)
    if xn is not None:
        same(xnT.arr()[:, 0], xn)
    gi = empty(tt)
    D.Cosine_updateGradInput(inp, T(g, tt), gi, wt, out, wnT, xnT)
    assert gi.size == inp.size
    same(gi.arr(), cos_backward(tt, x, w, g, y, wn, xn))
    gw = T(gw0, tt)
    D.Cosine_accGradParameters(inp, T(g, tt), gw, wt, out, wnT, xnT, scale)
    same(gw.arr(), cos_accgrad(tt, x, w, g, y, wn, xn, gw0, scale))


# ----------------------------------------------------------------------------- Normalize


def th_pow(R, a, e):
    """THTensor_(pow)(r, a, e), e converted to real, element by element."""
    e = R(e)
    if e == 1:
        f = lambda v: v
    elif e == 2:
        f = lambda v: v * v
    elif e == 3:
        f = lambda v: v * v * v
    elif e == 0.5:
        f = lambda v: csqrt(R, v)
    elif e == -0.5:
        f = lambda v: R(1) / csqrt(R, v)
    elif e == -1:
        f = lambda v: R(1.0 / float(v))
    elif e == -2:
        f = lambda v: R(1) / (v * v)
    else:
        f = lambda v: cpow(R, v, e)
    o = np.empty(a.shape, R)
    for i in np.ndindex(a.shape):
        o[i] = f(R(a[i]))
    return o


def norm_forward(tt, x, p, eps):
    R = tt.dtype.type
    x2 = x.reshape(-1, x.shape[-1])
    if p == math.inf:
        a = np.abs(x2)
        idx = np.array([int(np.argmax(r)) for r in a])
        nv = np.array([R(a[k, j] + R(eps)) for k, j in enumerate(idx)], R)
        npv = None
    else:
        buf = th_pow(R, np.abs(x2) if p % 2 != 0 else x2, p)
        npv = np.array([R(v + R(eps)) for v in sum_last(R, buf)], R)
        nv = th_pow(R, npv, 1 / p)
        idx = None
    y = div(R, x2, nv[:, None])
    return y.reshape(x.shape), nv, npv, idx


def norm_backward(tt, x, g, p, eps, nv, npv, idx):
    R = tt.dtype.type
    x2 = x.reshape(-1, x.shape[-1])
    g2 = g.reshape(x2.shape)
    if p == math.inf:
        gi = mul(R, nv[:, None], g2)
        buf = np.zeros_like(x2)
        for k, j in enumerate(idx):
            buf[k, j] = R(x2[k, j]) / nv[k]
    else:
        gi = mul(R, npv[:, None], g2)
        if p % 2 != 0:
            a = np.abs(x2)
            if p < 2:
                a = ew(R, a, R(eps), lambda u, v: u + v)
            buf = mul(R, th_pow(R, a, p - 2), x2)
        elif p == 2:
            buf = x2.copy()
        else:
            buf = mul(R, th_pow(R, x2, p - 2), x2)
    cross = sum_last(R, mul(R, x2, g2))
    buf = mul(R, buf, cross[:, None])
    gi = ew(R, gi, buf, lambda u, v: u - v)
    cr = mul(R, nv, nv) if p == math.inf else mul(R, npv, nv)
    return div(R, gi, cr[:, None]).reshape(x.shape)


@pytest.mark.parametrize('tt', TYPES, ids=IDS)
@pytest.mark.parametrize('p', [2, 1, 3, 4, 1.5, 2.5, 0.5, 6, 1.3, math.inf])
@pytest.mark.parametrize('shape', [(11,), (3, 29), (1, 5), (4, 1)])
def test_normalize(tt, p, shape):
    x = RNG.standard_normal(shape).astype(tt.dtype)
    g = RNG.standard_normal(shape).astype(tt.dtype)
    eps = 1e-10
    inp = T(x, tt)
    out, nT, npT, iT = empty(tt), empty(tt), empty(tt), empty(types.Long)
    D.Normalize_updateOutput(inp, out, nT, npT, iT, p, eps)
    y, nv, npv, idx = norm_forward(tt, x, p, eps)
    assert out.size == inp.size
    same(out.arr(), y)
    same(nT.arr()[:, 0], nv)
    gi = empty(tt)
    D.Normalize_updateGradInput(inp, T(g, tt), gi, nT, npT, iT, p, eps)
    assert gi.size == inp.size
    same(gi.arr(), norm_backward(tt, x, g, p, eps, nv, npv, idx))


@pytest.mark.parametrize('tt', TYPES, ids=IDS)
@pytest.mark.parametrize('p', [2, 1, 3, 4, 1.5, 0.5, math.inf])
@pytest.mark.parametrize('shape', [(40, 9), (20, 1), (33, 16), (17, 3)])
def test_normalize_row_blocks(tt, p, shape, monkeypatch):
    # small blocks: several blocks of 16+ rows (sums through the transposition), a last one of
    # fewer (np.add.accumulate), one column; then output/gradInput in place of input/gradOutput
    monkeypatch.setattr(D, '_ROWS', 64)
    x = RNG.standard_normal(shape).astype(tt.dtype)
    x[3] = 0
    g = RNG.standard_normal(shape).astype(tt.dtype)
    eps = 1e-10
    y, nv, npv, idx = norm_forward(tt, x, p, eps)
    want = norm_backward(tt, x, g, p, eps, nv, npv, idx)
    inp = T(x, tt)
    out, nT, npT, iT = empty(tt), empty(tt), empty(tt), empty(types.Long)
    D.Normalize_updateOutput(inp, out, nT, npT, iT, p, eps)
    same(out.arr(), y)
    same(nT.arr()[:, 0], nv)
    if p != math.inf:
        same(npT.arr()[:, 0], npv)
    gi = empty(tt)
    D.Normalize_updateGradInput(inp, T(g, tt), gi, nT, npT, iT, p, eps)
    same(gi.arr(), want)
    gT = T(g, tt)
    D.Normalize_updateGradInput(inp, gT, gT, nT, npT, iT, p, eps)
    same(gT.arr(), want)
    D.Normalize_updateOutput(inp, inp, nT, npT, iT, p, eps)
    same(inp.arr(), y)


# ----------------------------------------------------------------------------- FeatureLPPooling


def flp_ref(R, x3, g3, power, width, stride):
    """THNN's loops on (batch, features, rest) arrays: output, gradInput."""
    B, F, K = x3.shape
    nout = (F - width) // stride + 1
    y = np.empty((B, nout, K), R)
    gi = np.zeros(x3.shape, R)
    for b in range(B):
        for k in range(K):
            for f in range(nout):
                v = 0.0
                for i in range(width):
                    v += _M.pow(float(x3[b, f * stride + i, k]), power)
                y[b, f, k] = R(_M.pow(v, 1.0 / power))
    for b in range(B):
        for k in range(K):
            for f in range(nout):
                o = y[b, f, k]
                if o == 0:
                    continue
                for i in range(width):
                    j = f * stride + i
                    q = R(x3[b, j, k]) / o
                    v = R(float(g3[b, f, k]) * _M.pow(float(q), power - 1.0))
                    gi[b, j, k] = R(gi[b, j, k] + v)
    return y, gi


@pytest.mark.parametrize('tt', TYPES, ids=IDS)
@pytest.mark.parametrize('power,width,stride,shape,batch', [
    (2.0, 2, 2, (9,), False), (2.0, 5, 1, (12, 3), False), (3.0, 4, 1, (2, 10, 3), True),
    (1.5, 3, 1, (3, 8), True), (2.5, 16, 4, (1, 20, 2, 2), True), (4.0, 7, 2, (11, 2, 2), False)])
def test_feature_lp_pooling(tt, power, width, stride, shape, batch):
    def zero(x3):
        x3[:, :width] = 0       # a zero output: skipped in backward
    check_feature_lp_pooling(tt, power, width, stride, shape, batch, zero)


def check_feature_lp_pooling(tt, power, width, stride, shape, batch, zero):
    """Forward and backward against flp_ref, bit for bit; zero(x3) zeroes some of the input
    (x3: the input as (batch, features, rest))."""
    R = tt.dtype.type
    x = RNG.standard_normal(shape).astype(tt.dtype)
    if power != int(power):
        x = np.abs(x)
    fd = 1 if batch else 0
    x3 = x.reshape((shape[0] if batch else 1, shape[fd], -1))
    zero(x3)
    nout = (shape[fd] - width) // stride + 1
    osize = list(shape)
    osize[fd] = nout
    g = RNG.standard_normal(osize).astype(tt.dtype)
    y3, gi3 = flp_ref(R, x3, g.reshape((x3.shape[0], nout, -1)), power, width, stride)
    inp, out, gi = T(x, tt), empty(tt), empty(tt)
    with np.errstate(all='ignore'):
        P.FeatureLPPooling_updateOutput(inp, out, power, width, stride, batch)
        assert list(out.size) == osize
        same(out.arr(), y3)
        P.FeatureLPPooling_updateGradInput(T(g, tt), inp, out, gi, power, width, stride, batch)
    assert gi.size == inp.size
    same(gi.arr(), gi3)


@pytest.mark.parametrize('tt', TYPES, ids=IDS)
@pytest.mark.parametrize('power', [1.0, 2.0, 3.0, 2.5])
@pytest.mark.parametrize('width,stride,shape,batch', [
    (2, 1, (5, 6, 2), True), (3, 3, (2, 7, 5), True), (2, 4, (9, 4), False),
    (2, 3, (3, 8), True), (4, 1, (2, 9, 3, 2), True)])
def test_feature_lp_pooling_blocks(tt, power, width, stride, shape, batch, monkeypatch):
    # small blocks: by samples (with a shorter last one) or along the rest; stride > width
    # (each window's own pow); power 1 and 2 (pow(v, 1) and a float's pow(v, 2) skip libm);
    # zero outputs in one sample only
    monkeypatch.setattr(P, '_FLP_BLOCK', 24)

    def zero(x3):
        x3[-1, :width, :1] = -0.0
    check_feature_lp_pooling(tt, power, width, stride, shape, batch, zero)


@pytest.mark.parametrize('tt', TYPES, ids=IDS)
def test_feature_lp_pooling_pow_shortcuts(tt):
    # power 2 and 3 over values of every scale (subnormal floats, huge ones, signed zeros): C's
    # pow(v, 2) of a float's value and pow(q, 1) are exact, the kernel multiplies instead
    R = tt.dtype.type
    info = np.finfo(tt.dtype)
    x = RNG.standard_normal((4, 40, 8)) * np.exp2(RNG.integers(-40, 40, (4, 40, 8)))
    x = x.astype(tt.dtype)
    x[0, :6, 0] = [info.smallest_subnormal, -info.smallest_subnormal, 0.0, -0.0, info.tiny,
                   info.max / 4]
    for power in (2.0, 3.0):
        g = RNG.standard_normal((4, 39, 8)).astype(tt.dtype)
        y3, gi3 = flp_ref(R, x, g, power, 2, 1)
        out, gi = empty(tt), empty(tt)
        with np.errstate(all='ignore'):
            P.FeatureLPPooling_updateOutput(T(x, tt), out, power, 2, 1, True)
            same(out.arr(), y3)
            P.FeatureLPPooling_updateGradInput(T(g, tt), T(x, tt), out, gi, power, 2, 1, True)
        same(gi.arr(), gi3)
