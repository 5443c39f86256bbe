"""Torch7's bits for nn.Sum/Mean/Max/Min/Replicate and the average-type pooling kernels
(SpatialAveragePooling, VolumetricAveragePooling, SpatialAdaptiveAveragePooling,
SpatialSubSampling, TemporalSubSampling), DoubleTensor and FloatTensor: each result is compared
bit for bit with a per-element reference written from TH's / THNN's C loops (`real` and
`accreal` sums in the C's order, one rounding per assignment)."""
import math

import numpy as np
import pytest

from luatorch.lib import types
from luatorch.lib.nn import load_all
from luatorch.lib.tensor import empty, from_array
from bitlevel import bits

K = load_all()
RNG = np.random.default_rng(11)
TT = {np.float64: types.Double, np.float32: types.Float}
DTYPES = [np.float64, np.float32]


def T(a, dt):
    return from_array(np.asarray(a, dtype=dt), TT[dt])


def E(dt):
    return empty(TT[dt])


def same(got, ref):
    got, ref = np.asarray(got), np.asarray(ref, dtype=got.dtype)
    assert got.shape == ref.shape
    bad = bits(got) != bits(ref)
    assert not bad.any(), '%d of %d differ; first at %s: %r vs %r' % (
        bad.sum(), bad.size, np.argwhere(bad)[0], got[bad][0], ref[bad][0])


def values(shape, dt, odd=True):
    """Magnitudes over several decades (so the order of a sum shows in its bits), with 0 and -0."""
    x = RNG.standard_normal(shape) * 10.0 ** RNG.integers(-3, 4, shape)
    if odd:
        flat = x.reshape(-1)
        flat[RNG.random(flat.size) < 0.05] = 0.0
        flat[RNG.random(flat.size) < 0.05] = -0.0
    return x.astype(dt)


def r(dt, v):
    """Assignment to a `real`."""
    return dt(v)


# ----------------------------------------------------------------------------- TH sum, Sum, Mean


def ref_th_sum(x, ax, unit_stride, dt):
    """THTensor_(sum): `accreal sum = 0; sum += x` (unit stride) else r zeroed, `r = r + x` in
    real, along ax in order."""
    xm = np.moveaxis(x, ax, -1)
    res = np.empty(xm.shape[:-1], dt)
    for idx in np.ndindex(*xm.shape[:-1]):
        if unit_stride:
            s = 0.0
            for v in xm[idx]:
                s = s + float(v)
            res[idx] = r(dt, s)
        else:
            s = dt(0)
            for v in xm[idx]:
                s = r(dt, s + v)
            res[idx] = s
    return res


@pytest.mark.parametrize('dt', DTYPES)
@pytest.mark.parametrize('dim', [1, 2, 3])
@pytest.mark.parametrize('avg', [False, True])
def test_sum_mean(dt, dim, avg):
    x = values((5, 23, 19), dt)
    x[0, :, 0] = -0.0
    x[:, 0, :] = -0.0
    xt = T(x, dt)
    o = E(dt)
    K['Sum_updateOutput'](xt, o, dim, avg, True)
    ref = ref_th_sum(x, dim - 1, xt.stride[dim - 1] == 1, dt)
    if avg:
        ref = (ref / dt(x.shape[dim - 1])).astype(dt)
    same(o.arr(), ref)
    g = values(ref.shape, dt)
    gi = E(dt)
    K['Sum_updateGradInput'](xt, T(g, dt), gi, dim, avg)
    gref = np.broadcast_to(np.expand_dims(g, dim - 1), x.shape)
    if avg:
        gref = gref / dt(x.shape[dim - 1])
    same(gi.arr(), gref)


@pytest.mark.parametrize('dt', DTYPES)
def test_sum_special_values(dt):
    x = np.array([[-0.0, -0.0, -0.0], [np.inf, 1.0, -np.inf], [np.nan, 1.0, 2.0],
                  [1e30, -1e30, 1.0], [-0.0, 0.0, -0.0]], dt)
    for dim in (1, 2):
        xt = T(x, dt)
        o = E(dt)
        K['Sum_updateOutput'](xt, o, dim, False, True)
        ref = ref_th_sum(x, dim - 1, xt.stride[dim - 1] == 1, dt)
        assert np.array_equal(np.isnan(o.arr()), np.isnan(ref))
        keep = ~np.isnan(ref)
        same(o.arr()[keep], ref[keep])
    assert bits(o.arr())[0] == 0         # all -0: +0, as C's sum from 0


@pytest.mark.parametrize('dt', DTYPES)
def test_sum_1d_and_long(dt):
    x = values(1000, dt)
    o = E(dt)
    K['Sum_updateOutput'](T(x, dt), o, 1, False, True)
    same(o.arr(), ref_th_sum(x, 0, True, dt).reshape(1))
    x2 = values((300, 2), dt)        # the batch dimension: a real sum
    K['Sum_updateOutput'](T(x2, dt), o, 1, False, True)
    same(o.arr(), ref_th_sum(x2, 0, False, dt))


@pytest.mark.parametrize('dt', DTYPES)
def test_replicate_grad(dt):
    x = values((4, 6), dt)
    g = values((4, 5, 6), dt)
    gi = E(dt)
    gt = T(g, dt)
    K['Replicate_updateGradInput'](T(x, dt), gt, gi, 2)
    same(gi.arr(), ref_th_sum(g, 1, gt.stride[1] == 1, dt))
    x = values((4, 1), dt)
    g = values((4, 9), dt)          # along the last (unit-stride) dimension: in double
    K['Replicate_updateGradInput'](T(x, dt), T(g, dt), gi, 2)
    same(gi.arr().reshape(-1), ref_th_sum(g, 1, True, dt))


# ----------------------------------------------------------------------------- Max, Min


def ref_extremum(x, ax, is_max):
    """TH's max/min: the first NaN, else the first extremum ('!(v <= best)'); 0-based index."""
    xm = np.moveaxis(x, ax, -1)
    val = np.empty(xm.shape[:-1], x.dtype)
    ind = np.empty(xm.shape[:-1], np.int64)
    for idx in np.ndindex(*xm.shape[:-1]):
        row = xm[idx]
        best, bi = row[0], 0
        for i, v in enumerate(row):
            if not ((v <= best) if is_max else (v >= best)):
                best, bi = v, i
                if math.isnan(v):
                    break
        val[idx], ind[idx] = best, bi
    return val, ind


@pytest.mark.parametrize('dt', DTYPES)
@pytest.mark.parametrize('name', ['Max', 'Min'])
@pytest.mark.parametrize('dim', [1, 2, 3])
def test_max_min(dt, name, dim):
    x = RNG.integers(-3, 4, (4, 9, 40)).astype(dt)     # many ties
    x[x == 0] = np.where(RNG.random((x == 0).sum()) < 0.5, -0.0, 0.0)
    x[1, 2, 3] = np.nan
    x[2, 5, 7] = np.nan
    x[2, 1, 7] = -np.nan
    x[3, 4, 9] = np.inf
    x[3, 6, 9] = -np.inf
    o, ind = E(dt), empty(types.Long)
    K[name + '_updateOutput'](T(x, dt), o, ind, dim)
    val, i = ref_extremum(x, dim - 1, name == 'Max')
    same(o.arr(), val)
    assert np.array_equal(ind.arr().reshape(i.shape), i + 1)
    g = values(val.shape, dt)
    gi = E(dt)
    K[name + '_updateGradInput'](T(x, dt), T(g, dt), gi, ind, dim)
    ref = np.zeros(x.shape, dt)
    np.put_along_axis(ref, np.expand_dims(i, dim - 1), np.expand_dims(g, dim - 1), dim - 1)
    same(gi.arr(), ref)


@pytest.mark.parametrize('dt', DTYPES)
def test_max_1d_signed_zero(dt):
    x = np.array([-0.0, 0.0, -0.0], dt)
    for name, want in (('Max', -0.0), ('Min', -0.0)):
        o, ind = E(dt), empty(types.Long)
        K[name + '_updateOutput'](T(x, dt), o, ind, 1)
        same(o.arr(), np.array([want], dt))
        assert ind.arr().tolist() == [1]


# ----------------------------------------------------------------------------- average pooling


def pool_out(n, k, s, p, ceil_mode):
    num = n - k + 2 * p
    o = (math.ceil(num / s) if ceil_mode else math.floor(num / s)) + 1
    if p and (o - 1) * s >= n + p:
        o -= 1
    return o


def ref_avgpool(x, g, k, s, p, ceil_mode, cip, dt):
    """THNN's Volumetric/SpatialAveragePooling loops for x (B, *S) (nd 2 or 3): output and
    gradInput for gradOutput g."""
    nd = len(k)
    S = x.shape[1:]
    o = tuple(pool_out(S[i], k[i], s[i], p[i], ceil_mode) for i in range(nd))
    y = np.zeros((x.shape[0],) + o, dt)
    gi = np.zeros(x.shape, dt)
    for b in range(x.shape[0]):
        for oi in np.ndindex(*o):
            st = [oi[i] * s[i] - p[i] for i in range(nd)]
            en = [min(st[i] + k[i], S[i] + p[i]) for i in range(nd)]
            pool = math.prod(en[i] - st[i] for i in range(nd))
            st = [max(v, 0) for v in st]
            en = [min(en[i], S[i]) for i in range(nd)]
            div = pool if cip else math.prod(en[i] - st[i] for i in range(nd))
            taps = list(np.ndindex(*[en[i] - st[i] for i in range(nd)]))
            sm = dt(0)
            for t in taps:
                sm = r(dt, sm + x[(b,) + tuple(st[i] + t[i] for i in range(nd))])
            y[(b,) + oi] = r(dt, dt(0) + r(dt, sm / dt(div)))
            if g is not None:
                z = g[(b,) + oi]
                for t in taps:
                    pos = (b,) + tuple(st[i] + t[i] for i in range(nd))
                    gi[pos] = r(dt, gi[pos] + r(dt, z / dt(div)))
    return y, gi


SPATIAL = [  # k, s, p, ceil_mode, count_include_pad, size
    ((3, 3), (1, 1), (1, 1), False, True, (9, 8)),
    ((3, 3), (1, 1), (1, 1), False, False, (9, 8)),
    ((3, 2), (2, 1), (1, 0), True, True, (8, 9)),
    ((3, 3), (2, 2), (1, 1), True, False, (8, 10)),
    ((2, 2), (2, 2), (0, 0), False, True, (8, 6)),      # tiling
    ((2, 3), (3, 3), (0, 0), True, True, (7, 8)),       # no overlap, ceil
    ((4, 4), (1, 1), (2, 1), False, False, (6, 7)),
]


@pytest.mark.parametrize('dt', DTYPES)
@pytest.mark.parametrize('cfg', SPATIAL)
def test_spatial_average_pooling(dt, cfg):
    k, s, p, ceil_mode, cip, S = cfg
    x = values((2, 3) + S, dt)
    y0, _ = ref_avgpool(x.reshape((-1,) + S), None, k, s, p, ceil_mode, cip, dt)
    g = values((2, 3) + y0.shape[1:], dt)
    y, gi = ref_avgpool(x.reshape((-1,) + S), g.reshape(y0.shape), k, s, p, ceil_mode, cip, dt)
    geo = (k[1], k[0], s[1], s[0], p[1], p[0], ceil_mode, cip)
    o = E(dt)
    K['SpatialAveragePooling_updateOutput'](T(x, dt), o, *geo)
    same(o.arr(), y.reshape(g.shape))
    gt = E(dt)
    K['SpatialAveragePooling_updateGradInput'](T(x, dt), T(g, dt), gt, *geo)
    same(gt.arr(), gi.reshape(x.shape))


@pytest.mark.parametrize('dt', DTYPES)
def test_spatial_average_pooling_special(dt):
    x = np.zeros((1, 4, 4), dt)
    x[0, 0, 0] = np.inf
    x[0, 3, 3] = np.nan
    x[0, 1:3, 1:3] = -0.0
    g = np.full((1, 2, 2), -0.0, dt)
    geo = (2, 2, 2, 2, 0, 0, False, True)
    o, gi = E(dt), E(dt)
    K['SpatialAveragePooling_updateOutput'](T(x, dt), o, *geo)
    ref, _ = ref_avgpool(x, None, (2, 2), (2, 2), (0, 0), False, True, dt)
    assert np.isnan(o.arr()[0, 1, 1]) and o.arr()[0, 0, 0] == np.inf
    same(o.arr()[0, :, 0], ref[0, :, 0])
    K['SpatialAveragePooling_updateGradInput'](T(x, dt), T(g, dt), gi, *geo)
    same(gi.arr(), np.zeros((1, 4, 4), dt))        # 0 + -0 = +0


@pytest.mark.parametrize('dt', DTYPES)
@pytest.mark.parametrize('k,s', [((2, 2, 2), (1, 1, 1)), ((2, 3, 2), (2, 2, 1)),
                                 ((2, 2, 2), (2, 2, 2))])
def test_volumetric_average_pooling(dt, k, s):
    S = (5, 6, 5)
    x = values((2,) + S, dt)
    y0, _ = ref_avgpool(x, None, k, s, (0, 0, 0), False, True, dt)
    g = values(y0.shape, dt)
    y, gi = ref_avgpool(x, g, k, s, (0, 0, 0), False, True, dt)
    o, gt = E(dt), E(dt)
    K['VolumetricAveragePooling_updateOutput'](T(x, dt), o, k[0], k[2], k[1], s[0], s[2], s[1])
    same(o.arr(), y)
    K['VolumetricAveragePooling_updateGradInput'](T(x, dt), T(g, dt), gt, k[0], k[2], k[1],
                                                  s[0], s[2], s[1])
    same(gt.arr(), gi)


def adaptive_bounds(a, b, c):
    f = np.float32
    return (int(math.floor(f(a * c) / f(b))), int(math.ceil(f((a + 1) * c) / f(b))))


@pytest.mark.parametrize('dt', DTYPES)
@pytest.mark.parametrize('S,o', [((7, 9), (3, 4)), ((5, 6), (5, 6)), ((4, 3), (7, 5)),
                                 ((10, 10), (1, 1))])
def test_adaptive_average_pooling(dt, S, o):
    x = values((2, 2) + S, dt)
    g = values((2, 2) + o, dt)
    y = np.zeros(g.shape, dt)
    gi = np.zeros(x.shape, dt)
    for b in np.ndindex(2, 2):
        for i in range(o[0]):
            y0, y1 = adaptive_bounds(i, o[0], S[0])
            for j in range(o[1]):
                x0, x1 = adaptive_bounds(j, o[1], S[1])
                kh, kw = y1 - y0, x1 - x0
                sm = dt(0)
                for yy in range(y0, y1):
                    for xx in range(x0, x1):
                        sm = r(dt, sm + x[b + (yy, xx)])
                y[b + (i, j)] = r(dt, r(dt, sm / dt(kw)) / dt(kh))
                v = r(dt, r(dt, g[b + (i, j)] / dt(kw)) / dt(kh))
                for yy in range(y0, y1):
                    for xx in range(x0, x1):
                        gi[b + (yy, xx)] = r(dt, gi[b + (yy, xx)] + v)
    ot, gt = E(dt), E(dt)
    K['SpatialAdaptiveAveragePooling_updateOutput'](T(x, dt), ot, o[1], o[0])
    same(ot.arr(), y)
    K['SpatialAdaptiveAveragePooling_updateGradInput'](T(x, dt), T(g, dt), gt)
    same(gt.arr(), gi)


def ref_adaptive_planes(x, g, o, dt):
    """test_adaptive_average_pooling's loops for all the planes at once: numpy's element-wise
    operations over the leading axes, each element rounded to `real` per assignment as above."""
    S = x.shape[-2:]
    y = np.zeros(g.shape, dt)
    gi = np.zeros(x.shape, dt)
    for i in range(o[0]):
        y0, y1 = adaptive_bounds(i, o[0], S[0])
        for j in range(o[1]):
            x0, x1 = adaptive_bounds(j, o[1], S[1])
            kh, kw = y1 - y0, x1 - x0
            sm = np.zeros(x.shape[:-2], dt)
            for yy in range(y0, y1):
                for xx in range(x0, x1):
                    sm = (sm + x[..., yy, xx]).astype(dt)
            y[..., i, j] = ((sm / dt(kw)).astype(dt) / dt(kh)).astype(dt)
            v = ((g[..., i, j] / dt(kw)).astype(dt) / dt(kh)).astype(dt)
            for yy in range(y0, y1):
                for xx in range(x0, x1):
                    gi[..., yy, xx] = (gi[..., yy, xx] + v).astype(dt)
    return y, gi


def run_adaptive(x, g, o, dt):
    ot, gt = E(dt), E(dt)
    K['SpatialAdaptiveAveragePooling_updateOutput'](x, ot, o[1], o[0])
    K['SpatialAdaptiveAveragePooling_updateGradInput'](x, g, gt)
    return ot.arr(), gt.arr()


@pytest.mark.parametrize('dt', DTYPES)
@pytest.mark.parametrize('shape,o,block,split', [
    # batch, overlapping windows of two sizes; blocks of ~40 planes rounded to an odd number of
    # cache lines, the planes split between two threads
    ((3, 50, 9, 13), (4, 5), 40, True),
    # 3-D input, one block of 130 planes (transposed 64 at a time)
    ((130, 6, 7), (4, 3), None, False),
    # output larger than the input: each element in many windows; blocks of 2 planes
    ((2, 3, 3, 5), (7, 8), 2, False),
    # windows tiling the plane exactly; one plane per block
    ((70, 8, 8), (4, 2), 1, False),
    # 1-wide planes, windows overlapping along H only
    ((4, 3, 11, 1), (3, 1), None, True),
])
def test_adaptive_average_pooling_blocks(dt, shape, o, block, split, monkeypatch):
    """The host path's blocks of planes, thread split, partial taps and ranks, against the same
    THNN loops."""
    from luatorch.lib.nn import conv, pooling
    if block:
        plane = shape[-2] * shape[-1] * np.dtype(dt).itemsize
        monkeypatch.setattr(pooling, '_AAP_BLOCK', block * plane)
    if split:
        monkeypatch.setattr(conv, '_THREADS', 2)
        monkeypatch.setattr(conv, '_PARALLEL_MIN', 0)
    x = values(shape, dt)
    g = values(shape[:-2] + o, dt)
    y, gi = ref_adaptive_planes(x, g, o, dt)
    got_y, got_gi = run_adaptive(T(x, dt), T(g, dt), o, dt)
    same(got_y, y)
    same(got_gi, gi)


@pytest.mark.parametrize('dt', DTYPES)
def test_adaptive_average_pooling_special_and_strided(dt):
    """-0 everywhere in a plane (a sum from +0 is +0), -0 gradients (0 + -0 is +0), inf, -inf and
    NaN; input and gradOutput given as transposed (non-contiguous) views."""
    from luatorch.lib.tensor import transpose
    x = values((2, 3, 10, 9), dt)
    x[0, 0] = -0.0
    x[0, 1, 2, 3], x[0, 1, 7, 7], x[1, 2, 5, 1] = np.inf, -np.inf, np.nan
    x[1, 1, 4, 4], x[1, 1, 4, 5] = np.inf, -np.inf
    o = (4, 6)
    g = values((2, 3) + o, dt)
    g[1, 0] = -0.0
    g[0, 2, 1, 1] = np.nan
    def strided(a):
        return transpose(T(np.ascontiguousarray(a.swapaxes(2, 3)), dt), 3, 4)

    with np.errstate(invalid='ignore'):                   # (inf - inf)
        y, gi = ref_adaptive_planes(x, g, o, dt)
        runs = [run_adaptive(T(x, dt), T(g, dt), o, dt),
                run_adaptive(strided(x), strided(g), o, dt)]
    for got_y, got_gi in runs:
        same(got_y, y)
        same(got_gi, gi)
    assert not np.signbit(y[0, 0]).any() and not np.signbit(gi[1, 0]).any()


# ----------------------------------------------------------------------------- sub-sampling


@pytest.mark.parametrize('dt', DTYPES)
@pytest.mark.parametrize('k,s', [((3, 2), (2, 1)), ((2, 2), (2, 2)), ((3, 3), (1, 1))])
def test_spatial_subsampling(dt, k, s):
    kH, kW = k
    dH, dW = s
    N, C, H, W = 3, 2, 7, 8
    x = values((N, C, H, W), dt)
    w, b = values(C, dt, False), values(C, dt, False)
    oH, oW = (H - kH) // dH + 1, (W - kW) // dW + 1
    g = values((N, C, oH, oW), dt)
    scale = 0.3
    gw0, gb0 = values(C, dt, False), values(C, dt, False)
    y = np.zeros(g.shape, dt)
    gi = np.zeros(x.shape, dt)
    gw, gb = gw0.copy(), gb0.copy()
    for c in range(C):
        for n in range(N):
            for yy in range(oH):
                for xx in range(oW):
                    sm = dt(0)
                    for ky in range(kH):
                        for kx in range(kW):
                            sm = r(dt, sm + x[n, c, yy * dH + ky, xx * dW + kx])
                    y[n, c, yy, xx] = r(dt, b[c] + r(dt, w[c] * sm))
                    z = r(dt, g[n, c, yy, xx] * w[c])
                    for ky in range(kH):
                        for kx in range(kW):
                            p = (n, c, yy * dH + ky, xx * dW + kx)
                            gi[p] = r(dt, gi[p] + z)
            sm = dt(0)
            for v in g[n, c].reshape(-1):
                sm = r(dt, sm + v)
            gb[c] = r(dt, float(gb[c]) + scale * float(sm))
            sm = dt(0)
            for yy in range(oH):
                for xx in range(oW):
                    for ky in range(kH):
                        for kx in range(kW):
                            sm = r(dt, sm + r(dt, g[n, c, yy, xx] * x[n, c, yy * dH + ky,
                                                                         xx * dW + kx]))
            gw[c] = r(dt, float(gw[c]) + scale * float(sm))
    ot, gt = E(dt), E(dt)
    K['SpatialSubSampling_updateOutput'](T(x, dt), ot, T(w, dt), T(b, dt), kW, kH, dW, dH)
    same(ot.arr(), y)
    K['SpatialSubSampling_updateGradInput'](T(x, dt), T(g, dt), gt, T(w, dt), kW, kH, dW, dH)
    same(gt.arr(), gi)
    gwt, gbt = T(gw0, dt), T(gb0, dt)
    K['SpatialSubSampling_accGradParameters'](T(x, dt), T(g, dt), gwt, gbt, kW, kH, dW, dH, scale)
    same(gwt.arr(), gw)
    same(gbt.arr(), gb)


@pytest.mark.parametrize('dt', DTYPES)
@pytest.mark.parametrize('kW,dW,F', [(3, 2, 4), (4, 1, 3), (2, 2, 5), (3, 1, 1)])
def test_temporal_subsampling(dt, kW, dW, F):
    Tn = 11
    x = values((Tn, F), dt)
    w, b = values(F, dt, False), values(F, dt, False)
    nout = (Tn - kW) // dW + 1
    g = values((nout, F), dt)
    xt = T(x, dt)
    unit = xt.stride[0] == 1
    sums = np.zeros((nout, F), dt)
    for k in range(nout):
        for f in range(F):
            col = x[k * dW:k * dW + kW, f]
            sums[k, f] = ref_th_sum(col[None], 1, unit, dt)[0]
    y = np.zeros((nout, F), dt)
    gi = np.zeros(x.shape, dt)
    for k in range(nout):
        for f in range(F):
            y[k, f] = r(dt, r(dt, sums[k, f] * w[f]) + b[f])
            z = r(dt, w[f] * g[k, f])
            for j in range(kW):
                gi[k * dW + j, f] = r(dt, gi[k * dW + j, f] + z)
    ot, gt = E(dt), E(dt)
    K['TemporalSubSampling_updateOutput'](xt, ot, T(w, dt), T(b, dt), kW, dW, F)
    same(ot.arr(), y)
    K['TemporalSubSampling_updateGradInput'](xt, T(g, dt), gt, T(w, dt), kW, dW)
    same(gt.arr(), gi)
    scale = 0.7
    sc = dt(scale)
    gw0, gb0 = values(F, dt, False), values(F, dt, False)
    gw = gw0.copy()
    for k in range(nout):
        for f in range(F):
            gw[f] = r(dt, gw[f] + r(dt, r(dt, sc * sums[k, f]) * g[k, f]))
    gwt, gbt = T(gw0, dt), T(gb0, dt)
    K['TemporalSubSampling_accGradParameters'](xt, T(g, dt), gwt, gbt, kW, dW, scale)
    same(gwt.arr(), gw)
    # gradBias: one BLAS axpy per frame (fused or not: check the fused result where FMA is)
    gb = gb0.copy()
    for k in range(nout):
        for f in range(F):
            fused = r(dt, math.fma(float(sc), float(g[k, f]), float(gb[f]))) \
                if dt is np.float32 and hasattr(math, 'fma') else None
            plain = r(dt, gb[f] + r(dt, sc * g[k, f]))
            gb[f] = fused if fused is not None else plain
    assert np.allclose(gbt.arr(), gb, rtol=1e-5)
