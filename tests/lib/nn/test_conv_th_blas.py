"""The convolution kernels bit for bit against THNN's BLAS call structure, made here through
ctypes with TH's exact arguments (cblas.gemm / cblas.gemv, column-major as THBlas calls them) and
plain loops for the sums: per sample forward gemm (depth C*K) beta 1 onto the bias-filled output,
gradInput gemm beta 0 then col2im tap by tap in order, accGradParameters gemm alpha scale beta 1
(depth P) into gradWeight and the bias sums (MM: per sample and plane a sum in the element type;
dilated and full: gemv with ones). Depths below and above OpenBLAS's depth block (C*K = 600, P =
900)."""
import numpy as np
import pytest

from luatorch.lib import cblas, types
from luatorch.lib.nn import load_all
from luatorch.lib.tensor import empty, from_array
from bitlevel import bits

K = load_all()


@pytest.fixture(autouse=True)
def exact_blas(monkeypatch):
    """These kernels make THNN's exact BLAS calls with LUATORCH_NN_EXACT_BLAS=1 (nn/_util.py)."""
    from luatorch.lib.nn import _util
    monkeypatch.setattr(_util, 'EXACT_BLAS', True)
pytestmark = pytest.mark.skipif(not cblas.has_gemm(np.float64), reason='no BLAS at hand')

TYPES = [types.Double, types.Float]


def T(a, tt):
    return from_array(np.ascontiguousarray(a, dtype=tt.dtype), tt)


def same(a, b):
    assert a.shape == b.shape
    d = bits(a) != bits(b)
    assert not d.any(), '%d of %d elements differ' % (d.sum(), d.size)


def im2col(x, k, s, p, dil):
    """x (C, *S) -> (C*K, P): THNN's unfolded copy."""
    nd = len(k)
    xp = np.pad(x, [(0, 0)] + [(v, v) for v in p])
    o = [(xp.shape[1 + i] - dil[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(nd)]
    rows = []
    for c in range(x.shape[0]):
        for off in np.ndindex(*k):
            sl = tuple(slice(off[i] * dil[i], off[i] * dil[i] + s[i] * (o[i] - 1) + 1, s[i])
                       for i in range(nd))
            rows.append(xp[(c,) + sl].reshape(-1))
    return np.array(rows, x.dtype), tuple(o)


def col2im(cols, shape, k, s, p, dil, o):
    """THNN's unfolded_acc / col2im: zero, then each (c, tap) row added in order."""
    nd = len(k)
    xp = np.zeros((shape[0],) + tuple(shape[1 + i] + 2 * p[i] for i in range(nd)), cols.dtype)
    r = 0
    for c in range(shape[0]):
        for off in np.ndindex(*k):
            sl = tuple(slice(off[i] * dil[i], off[i] * dil[i] + s[i] * (o[i] - 1) + 1, s[i])
                       for i in range(nd))
            xp[(c,) + sl] += cols[r].reshape(o)
            r += 1
    return xp[(slice(None),) + tuple(slice(p[i], p[i] + shape[1 + i]) for i in range(nd))]


def ref_forward(x, w, b, k, s, p, dil):
    """THNN per sample: output2d filled with the bias (or zeroed), then addmm(out, 1, out, 1, W,
    finput) = gemm('n', 'n', P, O, CK, 1, finput, P, W, CK, 1, out, P)."""
    O = w.shape[0]
    w2 = np.ascontiguousarray(w.reshape(O, -1))
    ys = []
    for xn in x:
        cols, o = im2col(xn, k, s, p, dil)
        CK, P = cols.shape
        y = np.zeros((O, P), x.dtype) if b is None else np.repeat(b[:, None], P, 1).astype(x.dtype)
        assert cblas.gemm('n', 'n', P, O, CK, 1, cols, P, w2, CK, 1, y, P)
        ys.append(y.reshape((O,) + o))
    return np.array(ys)


def ref_grad_input(x, w, go, k, s, p, dil):
    """gemm('n', 't', P, CK, O, 1, go_n, P, W, CK, 0, fgradInput, P), then col2im."""
    O = w.shape[0]
    w2 = np.ascontiguousarray(w.reshape(O, -1))
    CK = w2.shape[1]
    gis = []
    for xn, gn in zip(x, go):
        o = gn.shape[1:]
        P = int(np.prod(o))
        gc = np.zeros((CK, P), x.dtype)
        assert cblas.gemm('n', 't', P, CK, O, 1, np.ascontiguousarray(gn), P, w2, CK, 0, gc, P)
        gis.append(col2im(gc, xn.shape, k, s, p, dil, o))
    return np.array(gis)


def ref_acc(x, go, gw, gb, k, s, p, dil, scale, gemv_bias=False):
    """Per sample gemm('t', 'n', CK, O, P, scale, finput, P, go, P, 1, gw, CK); the bias: MM's
    `real sum = 0; sum += ...; gb[i] += scale*sum`, or gemv('t', P, O, scale, go, P, ones, 1, 1,
    gb, 1)."""
    dt = x.dtype.type
    O = gw.shape[0]
    gw = gw.reshape(O, -1).copy()
    gb = None if gb is None else gb.copy()
    for xn, gn in zip(x, go):
        cols, o = im2col(xn, k, s, p, dil)
        CK, P = cols.shape
        g2 = np.ascontiguousarray(gn.reshape(O, P))
        assert cblas.gemm('t', 'n', CK, O, P, scale, cols, P, g2, P, 1, gw, CK)
        if gb is None:
            continue
        if gemv_bias:
            assert cblas.gemv('t', P, O, scale, g2, P, np.ones(P, x.dtype), 1, 1, gb, 1)
        else:
            for i in range(O):
                acc = dt(0)
                for v in g2[i]:
                    acc = dt(acc + v)
                gb[i] = dt(gb[i] + dt(dt(scale) * acc))
    return gw, gb


SPATIAL = [  # (N or None, C, O, S, k, s, p, dil)
    (None, 3, 5, (12, 12), (3, 3), (1, 1), (0, 0), (1, 1)),
    (2, 3, 6, (12, 11), (3, 3), (2, 1), (1, 1), (1, 1)),
    (3, 2, 6, (20, 20), (5, 5), (1, 1), (0, 0), (1, 1)),          # O=6 (was rows padded)
    (2, 24, 7, (34, 34), (5, 5), (1, 1), (0, 0), (1, 1)),         # CK 600, P 900
    (None, 24, 7, (34, 34), (5, 5), (1, 1), (0, 0), (1, 1)),
    (2, 24, 5, (34, 34), (5, 5), (1, 1), (2, 2), (1, 1)),         # padded, P 1156
    (2, 3, 4, (13, 12), (3, 2), (1, 2), (1, 0), (2, 3)),          # dilated
    (2, 24, 5, (38, 38), (5, 5), (1, 1), (0, 0), (2, 2)),         # dilated, CK 600, P 900
    (3, 4, 16, (20, 20), (3, 3), (1, 1), (1, 1), (1, 1)),         # O 16: batch GEMM layouts
    (2, 3, 600, (22, 22), (3, 3), (1, 1), (0, 0), (1, 1)),        # gradInput depth O = 600
]


@pytest.mark.parametrize('bias', [True, False], ids=['bias', 'nobias'])
@pytest.mark.parametrize('scale', [1, -0.001])
@pytest.mark.parametrize('tt', TYPES, ids=['double', 'float'])
@pytest.mark.parametrize('case', SPATIAL)
def test_spatial(case, tt, scale, bias):
    N, C, O, S, k, s, p, dil = case
    rng = np.random.default_rng(5)
    dt = tt.dtype
    x = rng.standard_normal((N or 1, C) + S).astype(dt)
    w = (rng.standard_normal((O, C) + k) / 10).astype(dt)
    b = rng.standard_normal(O).astype(dt) if bias else None
    y = ref_forward(x, w, b, k, s, p, dil)
    go = rng.standard_normal(y.shape).astype(dt)
    gw0 = rng.standard_normal(w.shape).astype(dt)
    gb0 = rng.standard_normal(O).astype(dt) if bias else None
    dilated = dil != (1, 1)
    gi_ref = ref_grad_input(x, w, go, k, s, p, dil)
    gw_ref, gb_ref = ref_acc(x, go, gw0, gb0, k, s, p, dil, scale, dilated)
    sq = (lambda a: a) if N else (lambda a: a[0])
    X, W, B = T(sq(x), tt), T(w, tt), (T(b, tt) if bias else None)
    out, fin, fgi, gi = empty(tt), empty(tt), empty(tt), empty(tt)
    G = T(sq(go), tt)
    GW, GB = T(gw0, tt), (T(gb0, tt) if bias else None)
    geo = (k[1], k[0], s[1], s[0], p[1], p[0])
    if not dilated:
        K['SpatialConvolutionMM_updateOutput'](X, out, W, B, fin, fgi, *geo)
        K['SpatialConvolutionMM_updateGradInput'](X, G, gi, W, fin, fgi, *geo)
        K['SpatialConvolutionMM_accGradParameters'](X, G, GW, GB, fin, fgi, *geo, scale)
    else:
        dd = (dil[1], dil[0])
        K['SpatialDilatedConvolution_updateOutput'](X, out, W, B, fin, fgi, *geo, *dd)
        K['SpatialDilatedConvolution_updateGradInput'](X, G, gi, W, fin, *geo, *dd)
        K['SpatialDilatedConvolution_accGradParameters'](X, G, GW, GB, fin, fgi, *geo, *dd, scale)
    same(out.arr(), sq(y))
    same(gi.arr(), sq(gi_ref))
    same(GW.arr().reshape(O, -1), gw_ref)
    if bias:
        same(GB.arr(), gb_ref)


@pytest.mark.parametrize('tt', TYPES, ids=['double', 'float'])
@pytest.mark.parametrize('batch', [True, False])
def test_volumetric(tt, batch):
    rng = np.random.default_rng(6)
    dt = tt.dtype
    k, s, p, dil = (2, 5, 5), (1, 1, 1), (1, 0, 0), (1, 1, 1)      # CK 12*50 = 600
    x = rng.standard_normal((2 if batch else 1, 12, 3, 14, 14)).astype(dt)
    w = (rng.standard_normal((5, 12) + k) / 10).astype(dt)
    b = rng.standard_normal(5).astype(dt)
    y = ref_forward(x, w, b, k, s, p, dil)
    go = rng.standard_normal(y.shape).astype(dt)
    gw0, gb0 = np.zeros(w.shape, dt), np.zeros(5, dt)
    gi_ref = ref_grad_input(x, w, go, k, s, p, dil)
    gw_ref, gb_ref = ref_acc(x, go, gw0, gb0, k, s, p, dil, 0.5)
    sq = (lambda a: a) if batch else (lambda a: a[0])
    X, W = T(sq(x), tt), T(w, tt)
    out, fin, gi = empty(tt), empty(tt), empty(tt)
    GW, GB = T(gw0, tt), T(gb0, tt)
    geo = (2, 5, 5, 1, 1, 1, 1, 0, 0)
    K['VolumetricConvolution_updateOutput'](X, out, W, T(b, tt), fin, *geo)
    K['VolumetricConvolution_updateGradInput'](X, T(sq(go), tt), gi, W, fin, empty(tt), *geo)
    K['VolumetricConvolution_accGradParameters'](X, T(sq(go), tt), GW, GB, fin, *geo, 0.5)
    same(out.arr(), sq(y))
    same(gi.arr(), sq(gi_ref))
    same(GW.arr().reshape(5, -1), gw_ref)
    same(GB.arr(), gb_ref)


@pytest.mark.parametrize('tt', TYPES, ids=['double', 'float'])
@pytest.mark.parametrize('scale', [1, -0.001])
def test_full_acc_grad(tt, scale):
    """SpatialFullConvolution's accGradParameters: per sample gemm('t', 'n', nout*K, nin, H*W,
    scale, columns, H*W, input_n, H*W, 1, gw, nout*K) (depth: the input plane, 900 here) and the
    bias by gemv with ones."""
    rng = np.random.default_rng(7)
    dt = tt.dtype
    nin, nout, k, s, p = 4, 3, (3, 3), (1, 1), (1, 1)
    x = rng.standard_normal((2, nin, 30, 30)).astype(dt)
    w = rng.standard_normal((nin, nout) + k).astype(dt)
    go = rng.standard_normal((2, nout, 30, 30)).astype(dt)        # output size = input size
    gw0, gb0 = rng.standard_normal(w.shape).astype(dt), rng.standard_normal(nout).astype(dt)
    gw = gw0.reshape(nin, -1).copy()
    gb = gb0.copy()
    for n in range(2):
        cols, o = im2col(go[n], k, s, p, (1, 1))                 # (nout*K, H*W)
        HW = cols.shape[1]
        xn = np.ascontiguousarray(x[n].reshape(nin, HW))
        assert cblas.gemm('t', 'n', cols.shape[0], nin, HW, scale, cols, HW, xn, HW, 1, gw,
                          cols.shape[0])
        g2 = np.ascontiguousarray(go[n].reshape(nout, -1))
        assert cblas.gemv('t', g2.shape[1], nout, scale, g2, g2.shape[1],
                          np.ones(g2.shape[1], dt), 1, 1, gb, 1)
    GW, GB = T(gw0, tt), T(gb0, tt)
    geo = (3, 3, 1, 1, 1, 1, 0, 0)
    K['SpatialFullConvolution_accGradParameters'](T(x, tt), T(go, tt), GW, GB, None, None, *geo,
                                                  scale)
    same(GW.arr().reshape(nin, -1), gw)
    same(GB.arr(), gb)


def test_mm_matches_th_mapping():
    """cblas.mm on strided views is the column-major call TH's addmm makes (row-major c = a b as
    gemm(m = n, n = m) with b first), whatever the operands' layouts."""
    rng = np.random.default_rng(8)
    for dt in (np.float64, np.float32):
        a = rng.standard_normal((7, 900)).astype(dt)
        big = rng.standard_normal((3, 600, 900)).astype(dt)
        b = big.transpose(1, 0, 2)[:, 1, :].T                    # (900, 600), strided
        c0 = rng.standard_normal((7, 600)).astype(dt)
        c = c0.copy()
        assert cblas.mm(-0.001, a, b, 1, c)
        r = c0.copy()
        bc = np.ascontiguousarray(b.T)                            # (600, 900)
        assert cblas.gemm('t', 'n', 600, 7, 900, -0.001, bc, 900, a, 900, 1, r, 600)
        same(c, r)
