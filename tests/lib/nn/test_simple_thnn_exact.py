"""Bit-level checks of the simple / table / normalisation / up-sampling kernels against
per-element Python transcriptions of Torch7's C and Lua (THNN, TH), for Double and Float.

The references are plain loops over scalars: `R(v)` rounds to the tensor's real type (numpy
scalars of that type do real maths), Python floats are C doubles (accreal), and sums are added
one by one as the C loops do. BLAS results (axpy, gemm, gemv) are the same BLAS called directly.
"""
import ctypes

import numpy as np
import pytest

from luatorch.lib import cblas, types
from luatorch.lib.nn import load_all
from luatorch.lib.tensor import empty, from_array
from bitlevel import bits

K = load_all()
TYPES = [types.Double, types.Float]
IDS = ['double', 'float']


def T(a, tt):
    return from_array(np.array(a, dtype=tt.dtype), tt)


def same(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape
    bad = bits(got) != bits(want)
    assert not bad.any(), '%d of %d differ, e.g. %r vs %r' % (
        bad.sum(), bad.size, got[bad][:3], want[bad][:3])


def rng(seed=0):
    return np.random.default_rng(seed)


def fma_axpy(alpha, x, y):
    """The BLAS axpy (what TH's in-place cadd calls) on copies: the reference's own call."""
    y = y.copy()
    if not cblas.axpy(y.dtype.type(alpha), np.ascontiguousarray(x), y):
        pytest.skip('no BLAS at hand')
    return y


# ----------------------------------------------------------------------------- BatchNormalization

def ref_bn_forward(x, w, b, rm, rv, train, momentum, eps):
    R = x.dtype.type
    N, C = x.shape[:2]
    xs = x.reshape(N, C, -1)
    n = xs.shape[0] * xs.shape[2]
    y = np.empty_like(xs)
    rm, rv = rm.copy(), rv.copy()
    sm, ss = np.empty(C, x.dtype), np.empty(C, x.dtype)
    for f in range(C):
        vals = [xs[i, f, j] for i in range(N) for j in range(xs.shape[2])]
        if train:
            acc = 0.0
            for v in vals:
                acc += float(v)
            mean = R(R(acc) / R(n))
            acc = 0.0
            for v in vals:
                acc += float(R(v - mean) * R(v - mean))
            invstd = R(0) if (acc == 0 and eps == 0) else R(1 / np.sqrt(acc / n + eps))
            sm[f], ss[f] = mean, invstd
            rm[f] = R(momentum * float(mean) + (1 - momentum) * float(rm[f]))
            rv[f] = R(momentum * (acc / (n - 1)) + (1 - momentum) * float(rv[f]))
        else:
            mean = rm[f]
            invstd = R(1 / np.sqrt(float(rv[f]) + eps))
        wf = R(1) if w is None else w[f]
        bf = R(0) if b is None else b[f]
        for i in range(N):
            for j in range(xs.shape[2]):
                y[i, f, j] = ((xs[i, f, j] - mean) * invstd) * wf + bf
    return y.reshape(x.shape), rm, rv, sm, ss


def ref_bn_backward(x, g, w, rm, rv, sm, ss, gw, gb, train, scale, eps):
    R = x.dtype.type
    N, C = x.shape[:2]
    xs, gs = x.reshape(N, C, -1), g.reshape(N, C, -1)
    n = xs.shape[0] * xs.shape[2]
    gi = np.empty_like(xs)
    gw, gb = gw.copy(), gb.copy()
    for f in range(C):
        wf = R(1) if w is None else w[f]
        if train:
            mean, invstd = sm[f], ss[f]
        else:
            mean, invstd = rm[f], R(1 / np.sqrt(float(rv[f]) + eps))
        pos = [(i, j) for i in range(N) for j in range(xs.shape[2])]
        tot = 0.0
        for i, j in pos:
            tot += float(gs[i, f, j])
        dotp = 0.0
        for i, j in pos:
            dotp += float(R(xs[i, f, j] - mean) * gs[i, f, j])
        for i, j in pos:
            if train:
                k = R(R(dotp) * invstd * invstd / R(n))
                t = R((xs[i, f, j] - mean) * k)
                gi[i, f, j] = R((float(gs[i, f, j]) - tot / n - float(t)) * float(invstd)
                                * float(wf))
            else:
                gi[i, f, j] = gs[i, f, j] * invstd * wf
        gw[f] = R(float(gw[f]) + scale * dotp * float(invstd))
        gb[f] = R(float(gb[f]) + scale * tot)
    return gi.reshape(x.shape), gw, gb


@pytest.mark.parametrize('tt', TYPES, ids=IDS)
@pytest.mark.parametrize('shape', [(7, 3), (3, 2, 3, 4), (40, 1), (3, 1, 5, 6)])
@pytest.mark.parametrize('affine', [True, False])
def test_batchnorm_train_evaluate_exact(tt, shape, affine):
    check_batchnorm(tt, shape, affine)


@pytest.mark.parametrize('tt', TYPES, ids=IDS)
@pytest.mark.parametrize('shape', [(9, 3, 2, 5), (5, 1, 4, 4), (13, 4)])
def test_batchnorm_blocks_and_threads_exact(tt, shape, monkeypatch):
    # the host passes in blocks of one or two samples, split between two threads: the same bits
    from luatorch.lib.nn import conv, normalization
    monkeypatch.setattr(normalization, '_BLOCK', 2 * shape[1] * int(np.prod(shape[2:])))
    monkeypatch.setattr(conv, '_THREADS', 2)
    monkeypatch.setattr(conv, '_PARALLEL_MIN', 0)
    check_batchnorm(tt, shape, True)


def check_batchnorm(tt, shape, affine):
    r = rng(1)
    dt = tt.dtype
    x = (r.standard_normal(shape) * 3 + 1).astype(dt)
    g = r.standard_normal(shape).astype(dt)
    C = shape[1]
    w = r.random(C).astype(dt) if affine else None
    b = r.standard_normal(C).astype(dt) if affine else None
    rm0 = (r.standard_normal(C) * 0.1).astype(dt)
    rv0 = (1 + r.random(C)).astype(dt)
    gw0, gb0 = r.standard_normal(C).astype(dt), r.standard_normal(C).astype(dt)
    for train in (True, False):
        rm, rv = T(rm0, tt), T(rv0, tt)
        sm, ss, out = empty(tt), empty(tt), empty(tt)
        W = None if w is None else T(w, tt)
        B = None if b is None else T(b, tt)
        K['BatchNormalization_updateOutput'](T(x, tt), out, W, B, rm, rv, sm, ss, train, 0.1,
                                             1e-5)
        y, erm, erv, esm, ess = ref_bn_forward(x, w, b, rm0, rv0, train, 0.1, 1e-5)
        same(out.arr(), y)
        if train:
            same(rm.arr(), erm)
            same(rv.arr(), erv)
            same(sm.arr(), esm)
            same(ss.arr(), ess)
        gi, gwt, gbt = empty(tt), T(gw0, tt), T(gb0, tt)
        K['BatchNormalization_backward'](T(x, tt), T(g, tt), gi, gwt, gbt, W, rm, rv, sm, ss,
                                         train, 0.7, 1e-5)
        egi, egw, egb = ref_bn_backward(x, g, w, rm.arr(), rv.arr(), sm.arr(), ss.arr(), gw0,
                                        gb0, train, 0.7, 1e-5)
        same(gi.arr(), egi)
        same(gwt.arr(), egw)
        same(gbt.arr(), egb)


# ----------------------------------------------------------------------------- LRN

def ref_th_pow(v, e):
    R = type(v)
    e = R(e)
    if e == -1:
        return R(1) / v
    return np.power(v, e)


def ref_lrn(x, g, size, alpha, beta, k):
    R = x.dtype.type
    N, C = x.shape[:2]
    L = (size - 1) // 2
    sc = np.zeros_like(x)
    for n in range(N):
        for idx in np.ndindex(*x.shape[2:]):
            sq = [x[(n, c) + idx] * x[(n, c) + idx] for c in range(C)]
            s = R(0)
            for c in range(min(L + 1, C)):
                s = s + sq[c]
            col = [s]
            for c in range(1, C):
                s = col[-1]
                if c + L < C:
                    s = s + sq[c + L]
                if c - L - 1 >= 0:
                    s = s - sq[c - L - 1]
                col.append(s)
            for c in range(C):
                sc[(n, c) + idx] = col[c] * R(alpha / size) + R(k)
    y = np.empty_like(x)
    for i in np.ndindex(*x.shape):
        y[i] = ref_th_pow(sc[i], -beta) * x[i]
    gi = np.empty_like(x)
    v = R(-(2 * alpha * beta / size))
    for n in range(N):
        for idx in np.ndindex(*x.shape[2:]):
            pad = [R(0)] * (C + size - 1)
            for c in range(C):
                i = (n, c) + idx
                pad[c + L] = g[i] * y[i] / sc[i]
                gi[i] = ref_th_pow(sc[i], -beta) * g[i]
            if len(x.shape[2:]) and int(np.prod(x.shape[2:])) == 1:
                a = 0.0
                for c in range(size - 1):
                    a += float(pad[c])
                acc = R(a)
            else:
                acc = R(0)
                for c in range(size - 1):
                    acc = acc + pad[c]
            for c in range(C):
                i = (n, c) + idx
                acc = acc + pad[c + size - 1]
                gi[i] = gi[i] + (v * x[i]) * acc
                acc = acc - pad[c]
    return y, sc, gi


@pytest.mark.parametrize('tt', TYPES, ids=IDS)
@pytest.mark.parametrize('size,beta', [(1, 0.75), (3, 0.75), (5, 1.0), (5, 0.6)])
@pytest.mark.parametrize('shape', [(2, 6, 3, 4), (7, 1, 1)])
def test_cross_map_lrn_exact(tt, size, beta, shape):
    r = rng(2)
    x = r.standard_normal(shape).astype(tt.dtype)
    g = r.standard_normal(shape).astype(tt.dtype)
    xb, gb = (x, g) if x.ndim == 4 else (x[None], g[None])
    y, sc, gi = ref_lrn(xb, gb, size, 0.3, beta, 2)
    out, scale, gin = empty(tt), empty(tt), empty(tt)
    K['SpatialCrossMapLRN_updateOutput'](T(x, tt), out, scale, size, 0.3, beta, 2)
    same(out.arr(), y.reshape(x.shape))
    same(scale.arr().reshape(sc.shape), sc)
    K['SpatialCrossMapLRN_updateGradInput'](T(x, tt), T(g, tt), gin, scale, out, size, 0.3,
                                            beta, 2)
    same(gin.arr(), gi.reshape(x.shape))


@pytest.mark.parametrize('tt', TYPES, ids=IDS)
def test_power_is_libm(tt):
    # the references' np.power on scalars is the C library's pow / powf
    lib = ctypes.CDLL('libm.so.6')
    f = lib.powf if tt is types.Float else lib.pow
    c = ctypes.c_float if tt is types.Float else ctypes.c_double
    f.argtypes, f.restype = [c, c], c
    a = (rng(3).random(2000) * 5 + 0.1).astype(tt.dtype)
    want = np.array([f(float(v), -0.75) for v in a], tt.dtype)
    same(np.power(a, tt.dtype.type(-0.75)), want)


# ----------------------------------------------------------------------------- CMul, CAdd, Add, Mul

@pytest.mark.parametrize('tt', TYPES, ids=IDS)
@pytest.mark.parametrize('case', ['flat', 'batch', 'bcast'])
def test_cmul_cadd_exact(tt, case):
    r = rng(4)
    dt = tt.dtype
    R = dt.type
    pshape, xshape = {'flat': ((3, 4), (12,)), 'batch': ((3, 4), (5, 3, 4)),
                      'bcast': ((1, 3, 1), (4, 3, 5))}[case]
    x = r.standard_normal(xshape).astype(dt)
    g = r.standard_normal(xshape).astype(dt)
    g.reshape(-1)[0] = 0                  # a zero gradient: 0 + w * 0 is +0 whatever w's sign
    p = r.standard_normal(pshape).astype(dt)
    p.reshape(-1)[0] = -abs(p.reshape(-1)[0])
    acc0 = r.standard_normal(pshape).astype(dt)
    scale = 0.37
    if case == 'batch':
        xv, gv, pv = x.reshape(5, -1), g.reshape(5, -1), p.reshape(1, -1)
    elif case == 'flat':
        xv, gv, pv = x.reshape(p.shape), g.reshape(p.shape), p
    else:
        xv, gv, pv = x, g, p
    bp = np.broadcast_to(pv, xv.shape)
    # CMul forward / gradInput (copy then cmul; zero then addcmul(1, w, g))
    o, gi = empty(tt), empty(tt)
    K['CMul_updateOutput'](T(x, tt), o, T(p, tt))
    same(o.arr(), (xv * bp).reshape(xshape))
    K['CMul_updateGradInput'](T(x, tt), T(g, tt), gi, T(p, tt))
    want = np.array([R(0) + (R(1) * a) * b for a, b in zip(bp.ravel(), gv.ravel())], dt)
    same(gi.arr(), want.reshape(xshape))
    # CMul accGradParameters
    gw = T(acc0, tt)
    K['CMul_accGradParameters'](T(x, tt), T(g, tt), gw, scale)
    if case == 'flat':
        want = np.array([a + (R(scale) * b) * c for a, b, c in
                         zip(acc0.ravel(), xv.ravel(), gv.ravel())], dt).reshape(pshape)
    else:
        prod = xv * gv
        red = [d for d in range(prod.ndim) if pv.shape[d] != prod.shape[d]]
        for d in red:       # TH's sum: accreal along a unit stride, else real from zero
            unit = int(np.prod(prod.shape[d + 1:])) == 1
            s = np.zeros(prod.shape[:d] + (1,) + prod.shape[d + 1:], dt)
            for idx in np.ndindex(*s.shape):
                a = 0.0 if unit else R(0)
                for i in range(prod.shape[d]):
                    j = idx[:d] + (i,) + idx[d + 1:]
                    a = a + (float(prod[j]) if unit else prod[j])
                s[idx] = R(a)
            prod = s
        want = fma_axpy(scale, prod.reshape(pshape), acc0)
    same(gw.arr(), want)
    # CAdd forward / accGradParameters
    o = empty(tt)
    K['CAdd_updateOutput'](T(x, tt), o, T(p, tt))
    same(o.arr(), (xv + bp).reshape(xshape))
    gbias = T(acc0, tt)
    K['CAdd_accGradParameters'](T(x, tt), T(g, tt), gbias, scale)
    if case == 'flat':
        want = fma_axpy(scale, g.reshape(pshape), acc0)
    else:                  # add(scale, gradOutput) into the expanded bias, element by element
        want = np.broadcast_to(pv, xv.shape).copy()
        acc = acc0.reshape(pv.shape).copy()
        for idx in np.ndindex(*xv.shape):
            pidx = tuple(0 if pv.shape[d] == 1 else i for d, i in enumerate(idx))
            acc[pidx] = acc[pidx] + R(scale) * gv[idx]
        want = acc.reshape(pshape)
    same(gbias.arr(), want)


@pytest.mark.parametrize('tt', TYPES, ids=IDS)
def test_add_mul_exact(tt):
    r = rng(5)
    dt = tt.dtype
    R = dt.type
    x = r.standard_normal((6, 4)).astype(dt)
    g = r.standard_normal((6, 4)).astype(dt)
    g[0, 0] = 0
    scale = 0.37
    # Add, scalar: gradBias[1] + scale * sum (Lua doubles; sum one by one in double)
    gb = T([0.25], tt)
    K['Add_accGradParameters'](T(x, tt), T(g, tt), gb, scale)
    tot = 0.0
    for v in g.ravel():
        tot += float(v)
    same(gb.arr(), np.array([0.25 + scale * tot], dt))
    # Add, same size: add(scale, gradOutput) is the BLAS axpy
    b0 = r.standard_normal((6, 4)).astype(dt)
    gb = T(b0, tt)
    K['Add_accGradParameters'](T(x, tt), T(g, tt), gb, scale)
    same(gb.arr(), fma_axpy(scale, g, b0))
    # Add, batch: addmv(scale, gradOutput:t(), ones) is one BLAS gemv: with scale 1 and a
    # zero start it is the column sums as the BLAS forms them; check against a
    # double-accumulated sum within a last-bit tolerance only (the gemv kernel's order)
    b1 = np.zeros(4, dt)
    gb = T(b1, tt)
    K['Add_accGradParameters'](T(x, tt), T(g, tt), gb, 1)
    np.testing.assert_allclose(gb.arr(), g.astype(np.float64).sum(0), rtol=1e-5)
    # Mul: 0 + w * g; gradWeight + scale * dot (doubles)
    w = T([-1.5], tt)
    gi = empty(tt)
    K['Mul_updateGradInput'](T(x, tt), T(g, tt), gi, w)
    same(gi.arr(), np.array([R(0) + R(-1.5) * v for v in g.ravel()], dt).reshape(g.shape))
    gw = T([0.5], tt)
    K['Mul_accGradParameters'](T(x, tt), T(g, tt), gw, scale)
    dot = float(np.dot(x.ravel(), g.ravel()))
    same(gw.arr(), np.array([0.5 + scale * dot], dt))


# ----------------------------------------------------------------------------- Bilinear

@pytest.mark.parametrize('tt', TYPES, ids=IDS)
def test_bilinear_exact(tt):
    r = rng(6)
    dt = tt.dtype
    R = dt.type
    B, I, J, Kk = 5, 3, 4, 3
    x1 = r.standard_normal((B, I)).astype(dt)
    x2 = r.standard_normal((B, J)).astype(dt)
    w = r.standard_normal((Kk, I, J)).astype(dt)
    bias = r.standard_normal(Kk).astype(dt)
    g = r.standard_normal((B, Kk)).astype(dt)
    o = empty(tt)
    K['Bilinear_updateOutput'](T(x1, tt), T(x2, tt), o, T(w, tt), T(bias, tt))
    want = np.empty((B, Kk), dt)
    for k in range(Kk):
        p = x1 @ w[k]                        # the gemm TH's mm calls
        for b in range(B):
            a = 0.0
            for j in range(J):
                a += float(p[b, j] * x2[b, j])
            want[b, k] = R(a) + bias[k]
    same(o.arr(), want)
    g1, g2 = empty(tt), empty(tt)
    K['Bilinear_updateGradInput'](T(x1, tt), T(x2, tt), T(g, tt), g1, g2, T(w, tt))
    e1, e2 = np.zeros_like(x1), np.zeros_like(x2)
    for k in range(Kk):
        a, c = x2 @ w[k].T, x1 @ w[k]
        for b in range(B):
            for i in range(I):
                e1[b, i] = a[b, i] * g[b, k] if k == 0 else e1[b, i] + a[b, i] * g[b, k]
            for j in range(J):
                e2[b, j] = (R(0) + c[b, j]) * g[b, k] if k == 0 else e2[b, j] + c[b, j] * g[b, k]
    same(g1.arr(), e1)
    same(g2.arr(), e2)
    gw0 = r.standard_normal((Kk, I, J)).astype(dt)
    gb0 = r.standard_normal(Kk).astype(dt)
    gw, gb = T(gw0, tt), T(gb0, tt)
    K['Bilinear_accGradParameters'](T(x1, tt), T(x2, tt), T(g, tt), gw, None, 1)
    K['Bilinear_accGradParameters'](T(x1, tt), T(x2, tt), T(g, tt), T(gw0, tt), gb, 0.5)
    ew = gw0.copy()
    for k in range(Kk):
        buff = x1 * g[:, k:k + 1]
        if not cblas.gemm_tn_acc(buff, x2.copy(), ew[k]):
            pytest.skip('no BLAS at hand')
    same(gw.arr(), ew)
    s = np.zeros(Kk, dt)
    for b in range(B):
        s = s + g[b]
    same(gb.arr(), fma_axpy(0.5, s, gb0))


# ----------------------------------------------------------------------------- LookupTable

@pytest.mark.parametrize('tt', TYPES, ids=IDS)
@pytest.mark.parametrize('freq', [False, True])
def test_lookup_table_acc_exact(tt, freq):
    r = rng(7)
    dt = tt.dtype
    R = dt.type
    idx = np.array([[2, 5, 2, 1], [5, 2, 3, 7]])
    g = r.standard_normal((2, 4, 3)).astype(dt)
    gw0 = r.standard_normal((8, 3)).astype(dt)
    gw = T(gw0, tt)
    count = empty(types.Long)
    K['LookupTable_accGradParameters'](T(idx, types.Long), T(g, tt), gw, count, freq, 7, 0.3)
    want = gw0.copy()
    cnt = np.bincount(idx.ravel() - 1, minlength=8)
    for i, k in enumerate(idx.ravel()):
        if k == 7:                             # the padding value
            continue
        s = R(0.3)
        if freq:
            s = s / R(cnt[k - 1])
        want[k - 1] = fma_axpy(s, g.reshape(-1, 3)[i], want[k - 1])
    same(gw.arr(), want)


@pytest.mark.parametrize('tt', TYPES, ids=IDS)
@pytest.mark.parametrize('p', [1, 2, 3])
def test_lookup_table_renorm_exact(tt, p):
    r = rng(8)
    dt = tt.dtype
    R = dt.type
    w0 = (r.standard_normal((6, 7)) * 2).astype(dt)
    w = T(w0, tt)
    K['LookupTable_renorm'](T([3, 1, 3, 5], types.Long), w, 1.5, p)
    want = w0.copy()
    mx, pp = R(1.5), R(p)
    for k in (1, 3, 5):
        row = want[k - 1]
        norm = R(0)
        for v in row:
            if pp == 1:
                norm = R(float(norm) + abs(float(v)))
            elif pp == 2:
                norm = norm + v * v
            else:
                norm = R(float(norm) + float(np.power(abs(float(v)), float(pp))))
        norm = R(np.power(float(norm), 1.0 / float(pp)))
        if norm > mx:
            f = R(float(mx) / (float(norm) + 1e-7))
            want[k - 1] = np.array([v * f for v in row], dt)
    same(w.arr(), want)


# ----------------------------------------------------------------------------- up-sampling

@pytest.mark.parametrize('tt', TYPES, ids=IDS)
def test_upsampling_nearest_exact(tt):
    r = rng(9)
    x = r.standard_normal((2, 3, 2, 3)).astype(tt.dtype)
    g = r.standard_normal((2, 3, 6, 9)).astype(tt.dtype)
    gi = empty(tt)
    K['SpatialUpSamplingNearest_updateGradInput'](T(x, tt), T(g, tt), gi, 3)
    want = np.zeros_like(x)
    for i in np.ndindex(*x.shape):
        a = tt.dtype.type(0)
        for yy in range(3):
            for xx in range(3):
                a = a + g[i[0], i[1], 3 * i[2] + yy, 3 * i[3] + xx]
        want[i] = a
    same(gi.arr(), want)


def ref_taps(n_in, n_out, R):
    f = np.float32
    r = f(n_in - 1) / f(n_out - 1) if n_out > 1 else f(0)
    taps = []
    for o in range(n_out):
        src = r * f(o)
        i0 = int(src)
        step = 1 if i0 < n_in - 1 else 0
        l1 = R(src - f(i0))
        taps.append((i0, step, R(1) - l1, l1))
    return taps


@pytest.mark.parametrize('tt', TYPES, ids=IDS)
@pytest.mark.parametrize('osize', [(7, 5), (3, 3), (1, 6)])
def test_upsampling_bilinear_exact(tt, osize):
    r = rng(10)
    dt = tt.dtype
    R = dt.type
    N, C, H, W = 2, 2, 3, 3
    oH, oW = osize
    x = r.standard_normal((N, C, H, W)).astype(dt)
    g = r.standard_normal((N, C, oH, oW)).astype(dt)
    o, gi = empty(tt), empty(tt)
    K['SpatialUpSamplingBilinear_updateOutput'](T(x, tt), o, oH, oW)
    K['SpatialUpSamplingBilinear_updateGradInput'](T(g, tt), gi, N, C, H, W, oH, oW)
    if (oH, oW) == (H, W):
        same(o.arr(), x)
        same(gi.arr(), g + R(0))
        return
    th, tw = ref_taps(H, oH, R), ref_taps(W, oW, R)
    want = np.empty((N, C, oH, oW), dt)
    wgi = np.zeros_like(x)
    for h2, (h1, hp, h0l, h1l) in enumerate(th):
        for w2, (w1, wp, w0l, w1l) in enumerate(tw):
            for n in range(N):
                for c in range(C):
                    p = x[n, c]
                    want[n, c, h2, w2] = (h0l * (w0l * p[h1, w1] + w1l * p[h1, w1 + wp])
                                          + h1l * (w0l * p[h1 + hp, w1]
                                                   + w1l * p[h1 + hp, w1 + wp]))
                    q, v = wgi[n, c], g[n, c, h2, w2]
                    q[h1, w1] += h0l * w0l * v
                    q[h1, w1 + wp] += h0l * w1l * v
                    q[h1 + hp, w1] += h1l * w0l * v
                    q[h1 + hp, w1 + wp] += h1l * w1l * v
    same(o.arr(), want)
    same(gi.arr(), wgi)


# ----------------------------------------------------------------------------- CAddTable, CMulTable

@pytest.mark.parametrize('tt', TYPES, ids=IDS)
def test_cadd_cmul_table_exact(tt):
    r = rng(11)
    a = r.standard_normal((4, 5)).astype(tt.dtype)
    b = r.standard_normal((4, 5)).astype(tt.dtype)
    g = r.standard_normal((4, 5)).astype(tt.dtype)
    o = empty(tt)
    assert K['CAddTable_updateOutput2'](o, T(a, tt), T(b, tt)) is not False
    same(o.arr(), np.array([u + v for u, v in zip(a.ravel(), b.ravel())]).reshape(a.shape))
    assert K['CMulTable_updateOutput2'](o, T(a, tt), T(b, tt)) is not False
    same(o.arr(), np.array([u * v for u, v in zip(a.ravel(), b.ravel())]).reshape(a.shape))
    ga, gb = empty(tt), empty(tt)
    assert K['CMulTable_updateGradInput2'](T(g, tt), T(a, tt), T(b, tt), ga, gb) is not False
    same(ga.arr(), np.array([u * v for u, v in zip(g.ravel(), b.ravel())]).reshape(a.shape))
    same(gb.arr(), np.array([u * v for u, v in zip(g.ravel(), a.ravel())]).reshape(a.shape))
