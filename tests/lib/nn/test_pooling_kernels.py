"""Pooling, padding and up-sampling kernels against loop references written from THNN's
definitions (window bounds, tie-breaking of max, divisors of average pooling, index layouts)."""
import itertools
import math
import zlib

import numpy as np
import pytest

from luatorch.lib import types
from luatorch.lib.errors import TorchError
from luatorch.lib.nn import conv, load_all, pooling
from luatorch.lib.tensor import empty, from_array
from tests.helpers import odd_values

K = load_all()
RNG = np.random.default_rng(5)


@pytest.fixture(autouse=True)
def _seed(request):
    """Each test draws the same values whatever runs before it (xdist reorders tests: one
    order left test_adaptive_max_pooling_nan_and_inf_windows_follow_thnn without the window
    with no winner it checks for)."""
    global RNG
    RNG = np.random.default_rng(zlib.crc32(request.node.name.encode()))
D, F, L = types.Double, types.Float, types.Long


def T(a, tt=D):
    return from_array(np.asarray(a, dtype=tt.dtype), tt)


def out_size(n, k, s, p, dil, ceil_mode):
    num = n - (dil * (k - 1) + 1) + 2 * p
    o = (math.ceil(num / s) if ceil_mode else math.floor(num / s)) + 1
    if p and (o - 1) * s >= n + p:
        o -= 1
    return o


def ref_maxpool(x, k, s, p, dil, ceil_mode):
    """THNN's SpatialDilatedMaxPooling loop for x (B, H, W): output and 1-based indices (taps in
    the input only, from maxval = -inf, maxindex = -1; a tap wins when 'val > maxval': a NaN never
    wins, ties keep the first tap; no winner: -inf and the index 0)."""
    B, H, W = x.shape
    oh, ow = (out_size(H, k[0], s[0], p[0], dil[0], ceil_mode),
              out_size(W, k[1], s[1], p[1], dil[1], ceil_mode))
    y = np.zeros((B, oh, ow))
    ind = np.zeros((B, oh, ow), np.int64)
    for b, i, j in itertools.product(range(B), range(oh), range(ow)):
        hs, ws = i * s[0] - p[0], j * s[1] - p[1]
        he, we = min(hs + (k[0] - 1) * dil[0] + 1, H), min(ws + (k[1] - 1) * dil[1] + 1, W)
        while hs < 0:
            hs += dil[0]
        while ws < 0:
            ws += dil[1]
        best, bi = -np.inf, -1
        for yy in range(hs, he, dil[0]):
            for xx in range(ws, we, dil[1]):
                if x[b, yy, xx] > best:
                    best, bi = x[b, yy, xx], yy * W + xx
        y[b, i, j], ind[b, i, j] = best, bi + 1
    return y, ind


MAX_CASES = [  # (shape, k, s, p, ceil)
    ((2, 6, 6), (2, 2), (2, 2), (0, 0), False),
    ((3, 5, 7), (2, 2), (2, 2), (0, 0), True),
    ((2, 7, 6), (3, 3), (2, 2), (1, 1), False),
    ((2, 7, 6), (3, 2), (2, 1), (1, 1), True),
    ((2, 3, 8, 9), (3, 3), (1, 1), (1, 0), False),     # overlapping windows, batch
    ((1, 9, 9), (4, 3), (3, 2), (2, 1), True),
]


@pytest.fixture(params=[False, True], ids=['serial', 'threads'])
def threads(request, monkeypatch):
    """Run a test once as is and once with the big loops split between 3 threads."""
    if request.param:
        monkeypatch.setattr(conv, '_THREADS', 3)
        monkeypatch.setattr(conv, '_PARALLEL_MIN', 0)
        monkeypatch.setattr(pooling, '_GEOM', {})


@pytest.mark.parametrize('case', MAX_CASES)
@pytest.mark.parametrize('tt', [D, F])
def test_spatial_max_pooling(case, tt, threads):
    shape, k, s, p, ceil_mode = case
    x = RNG.integers(0, 4, shape).astype(tt.dtype)          # many ties: the first max wins
    y, ind = ref_maxpool(x.reshape((-1,) + shape[-2:]), k, s, p, (1, 1), ceil_mode)
    X, out, I, gi = T(x, tt), empty(tt), empty(L), empty(tt)
    h, w = K['SpatialMaxPooling_updateOutput'](X, out, I, k[1], k[0], s[1], s[0], p[1], p[0],
                                               ceil_mode)
    assert (h, w) == shape[-2:]
    assert out.size == shape[:-2] + y.shape[1:]
    np.testing.assert_array_equal(out.arr().reshape(y.shape), y)
    np.testing.assert_array_equal(I.arr().reshape(ind.shape), ind)
    g = RNG.standard_normal(out.size).astype(tt.dtype)
    K['SpatialMaxPooling_updateGradInput'](X, T(g, tt), gi, I, k[1], k[0], s[1], s[0], p[1], p[0],
                                           ceil_mode)
    ref = np.zeros((ind.shape[0], shape[-2] * shape[-1]))
    for b, v in enumerate(ind.reshape(ind.shape[0], -1)):
        np.add.at(ref[b], v - 1, g.reshape(ind.shape[0], -1)[b])
    np.testing.assert_allclose(gi.arr().reshape(ref.shape), ref, rtol=1e-6)


@pytest.mark.parametrize('shape', [(6, 28, 28), (16, 10, 10), (4, 6, 9, 8), (3, 7, 5)])
@pytest.mark.parametrize('cfg', [((2, 2), (2, 2), (0, 0), False), ((2, 2), (2, 2), (1, 1), True),
                                 ((3, 3), (2, 2), (1, 1), False), ((2, 2), (1, 1), (0, 0), False)])
@pytest.mark.parametrize('tt', [D, F])
def test_max_pooling_host_path_matches_the_general_one(shape, cfg, tt):
    # the kernel's host path (_max_forward_host, the direct scatter) against _max_forward and
    # _scatter_into: the same bits with ties, NaN, +-inf and signed zeros
    k, s, p, ceil_mode = cfg
    x = RNG.integers(-2, 3, shape).astype(tt.dtype)
    f = x.reshape(-1)
    f[::7] = -0.0
    f[::11] = np.nan
    f[::13] = np.inf
    f[::17] = -np.inf
    X, out, I, gi = T(x, tt), empty(tt), empty(L), empty(tt)
    K['SpatialMaxPooling_updateOutput'](X, out, I, k[1], k[0], s[1], s[0], p[1], p[0], ceil_mode)
    g = pooling._geometry(pooling._MaxGeom, X.size, k, s, p, (1, 1), ceil_mode, 2)
    out2, I2 = empty(tt), empty(L)
    pos = pooling._out(I2, g.ysize, g.ystrides).reshape(g.B, g.P)
    pooling._max_forward(X, out2, g, pos, g.base1)
    assert out.size == out2.size and out.arr().tobytes() == out2.arr().tobytes()
    np.testing.assert_array_equal(I.arr(), I2.arr())
    go = RNG.standard_normal(out.size).astype(tt.dtype)
    K['SpatialMaxPooling_updateGradInput'](X, T(go, tt), gi, I, k[1], k[0], s[1], s[0], p[1],
                                           p[0], ceil_mode)
    gi2 = empty(tt, X.size)
    idx = I.arr().reshape(g.B, g.P) + g.plane_starts()
    live = I.arr().reshape(g.B, g.P) > 0          # (index 0: no winner, skipped)
    pooling._scatter_into(gi2.arr(), idx[live], go.reshape(g.B, g.P)[live], g.unique)
    assert gi.arr().tobytes() == gi2.arr().tobytes()


def _grad_ref(ind, g, plane):
    """Reference max pooling gradient: g added at the 1-based indices, per plane (THNN skips
    the index 0 of a window without a winner)."""
    ref = np.zeros((ind.shape[0], plane))
    for b, (v, gb) in enumerate(zip(ind.reshape(ind.shape[0], -1),
                                     g.reshape(ind.shape[0], -1))):
        assert ((v >= 0) & (v <= plane)).all()
        np.add.at(ref[b], v[v > 0] - 1, gb[v > 0])
    return ref


NAN_CASES = [  # (shape, k, s, p, dil, ceil)
    ((3, 7, 6), (3, 3), (2, 2), (1, 1), (1, 1), False),
    ((2, 2, 6, 7), (3, 3), (2, 2), (1, 1), (1, 1), True),
    ((2, 8, 8), (3, 2), (1, 2), (1, 1), (1, 1), True),
    ((2, 9, 10), (3, 2), (2, 1), (1, 1), (2, 3), True),
    ((2, 6, 6), (2, 2), (2, 2), (0, 0), (1, 1), False),
]


@pytest.mark.parametrize('case', NAN_CASES)
@pytest.mark.parametrize('tt', [D, F])
def test_max_pooling_nan_and_inf_windows_follow_thnn(case, tt, threads):
    # THNN scans only the taps inside the input with 'val > maxval' from -inf: a NaN never wins;
    # a window whose real taps are all NaN and/or -inf has no winner: output -inf, index 0, and
    # the backward pass skips it. Next to the padding such windows used to record a padding
    # position.
    shape, k, s, p, dil, ceil_mode = case
    x = RNG.integers(-2, 3, shape).astype(tt.dtype)
    planes = x.reshape((-1,) + shape[-2:])
    planes[0, :2, :2] = np.nan                       # a corner: all-NaN windows with padding
    planes[-1, -2:, :3] = -np.inf                    # all -inf windows
    planes[-1, :3, -2:] = np.nan
    planes[1].reshape(-1)[::5] = np.nan              # NaN among finite taps (some windows: 2)
    planes[1, -3:, -3:] = [[np.nan, -np.inf, np.nan], [-np.inf, np.nan, -np.inf],
                           [np.nan, np.nan, -np.inf]]   # NaN and -inf only
    y, ind = ref_maxpool(planes, k, s, p, dil, ceil_mode)
    assert (ind == 0).any() or dil != (1, 1)
    X, out, I, gi = T(x, tt), empty(tt), empty(L), empty(tt)
    args = (k[1], k[0], s[1], s[0], p[1], p[0], ceil_mode, dil[1], dil[0])
    K['SpatialMaxPooling_updateOutput'](X, out, I, *args)
    np.testing.assert_array_equal(out.arr().reshape(y.shape), y)
    np.testing.assert_array_equal(I.arr().reshape(ind.shape), ind)
    g = RNG.standard_normal(out.size).astype(tt.dtype)
    K['SpatialMaxPooling_updateGradInput'](X, T(g, tt), gi, I, *args)
    ref = _grad_ref(ind, g, shape[-2] * shape[-1])
    np.testing.assert_allclose(gi.arr().reshape(ref.shape), ref, rtol=1e-6)


@pytest.mark.parametrize('tt', [D, F])
def test_volumetric_max_pooling_nan_windows_with_padding(tt, threads):
    x = RNG.integers(0, 5, (2, 5, 6, 7)).astype(tt.dtype)
    x[0, :2, :2, :2] = np.nan
    x[1, 2, 3, ::2] = np.nan
    x[1, -2:, -3:, -2:] = -np.inf                   # the last windows: -inf and NaN only
    x[1, -2:, -3:, -1] = np.nan
    k, s, p = (3, 3, 3), (2, 2, 2), (1, 1, 1)
    o = [out_size(x.shape[1 + i], k[i], s[i], p[i], 1, False) for i in range(3)]
    out, I, gi = empty(tt), empty(L), empty(tt)
    args = (3, 3, 3, 2, 2, 2, 1, 1, 1, False)
    K['VolumetricMaxPooling_updateOutput'](T(x, tt), out, I, *args)
    ind = I.arr()
    g = RNG.standard_normal(out.size).astype(tt.dtype)
    ref = np.zeros(x.shape)
    nowin = 0
    for c, t, i, j in itertools.product(range(2), *[range(v) for v in o]):
        start = (t * s[0] - p[0], i * s[1] - p[1], j * s[2] - p[2])
        best, off = -np.inf, (-1, -1, -1)       # THNN: 'val > maxval', a NaN never wins
        for a, b, d in itertools.product(*[range(v) for v in k]):
            z, y, w = start[0] + a, start[1] + b, start[2] + d
            if 0 <= z < 5 and 0 <= y < 6 and 0 <= w < 7 and x[c, z, y, w] > best:
                best, off = x[c, z, y, w], (a, b, d)
        np.testing.assert_array_equal(out.arr()[c, t, i, j], best)
        assert ind[c, t, i, j] == (off[0] & 255) + ((off[1] & 255) << 8) + ((off[2] & 255) << 16)
        if off[0] >= 0:     # no winner (bytes 255): THNN's gradient lands outside; none here
            ref[c, start[0] + off[0], start[1] + off[1], start[2] + off[2]] += g[c, t, i, j]
        else:
            nowin += 1
    assert nowin > 0
    K['VolumetricMaxPooling_updateGradInput'](T(x, tt), T(g, tt), gi, I, *args)
    np.testing.assert_allclose(gi.arr(), ref, rtol=1e-6)


def test_dilated_max_pooling():
    x = RNG.standard_normal((2, 9, 10))
    y, ind = ref_maxpool(x, (3, 2), (2, 1), (1, 1), (2, 3), True)
    out, I = empty(D), empty(L)
    K['SpatialMaxPooling_updateOutput'](T(x), out, I, 2, 3, 1, 2, 1, 1, True, 3, 2)
    np.testing.assert_array_equal(out.arr(), y)
    np.testing.assert_array_equal(I.arr(), ind)


def test_max_pooling_errors():
    out, I = empty(D), empty(L)
    with pytest.raises(TorchError, match='pad should be smaller than half of kernel size'):
        K['SpatialMaxPooling_updateOutput'](T(np.zeros((1, 5, 5))), out, I, 2, 2, 2, 2, 2, 0, False)
    with pytest.raises(TorchError, match='Output size is too small'):
        K['SpatialMaxPooling_updateOutput'](T(np.zeros((1, 1, 5))), out, I, 2, 2, 2, 2, 0, 0, False)
    with pytest.raises(TorchError, match='3D or 4D input tensor expected'):
        K['SpatialMaxPooling_updateOutput'](T(np.zeros(5)), out, I, 2, 2, 2, 2, 0, 0, False)


@pytest.mark.parametrize('ceil_mode', [False, True])
def test_volumetric_max_pooling_packs_window_offsets(ceil_mode, threads):
    x = RNG.integers(0, 5, (2, 5, 6, 7)).astype(float)
    k, s, p = (2, 3, 2), (2, 2, 1), (1, 1, 0)
    o = [out_size(x.shape[1 + i], k[i], s[i], p[i], 1, ceil_mode) for i in range(3)]
    out, I, gi = empty(D), empty(L), empty(D)
    K['VolumetricMaxPooling_updateOutput'](T(x), out, I, 2, 2, 3, 2, 1, 2, 1, 0, 1, ceil_mode)
    assert out.size == (2,) + tuple(o)
    ind = I.arr()
    for c, t, i, j in itertools.product(range(2), *[range(v) for v in o]):
        start = (t * s[0] - p[0], i * s[1] - p[1], j * s[2] - p[2])
        best, off = -np.inf, None
        for a, b, d in itertools.product(*[range(v) for v in k]):
            z, y, w = start[0] + a, start[1] + b, start[2] + d
            if 0 <= z < 5 and 0 <= y < 6 and 0 <= w < 7 and x[c, z, y, w] > best:
                best, off = x[c, z, y, w], (a, b, d)
        assert out.arr()[c, t, i, j] == best
        assert ind[c, t, i, j] == off[0] + (off[1] << 8) + (off[2] << 16)
    g = RNG.standard_normal(out.size)
    K['VolumetricMaxPooling_updateGradInput'](T(x), T(g), gi, I, 2, 2, 3, 2, 1, 2, 1, 0, 1,
                                              ceil_mode)
    ref = np.zeros_like(x)
    for c, t, i, j in itertools.product(range(2), *[range(v) for v in o]):
        v = ind[c, t, i, j]
        ref[c, t * s[0] - p[0] + (v & 255), i * s[1] - p[1] + ((v >> 8) & 255),
            j * s[2] - p[2] + ((v >> 16) & 255)] += g[c, t, i, j]
    np.testing.assert_allclose(gi.arr(), ref)


def ref_avgpool(x, k, s, p, ceil_mode, count_include_pad):
    B, H, W = x.shape
    oh, ow = out_size(H, k[0], s[0], p[0], 1, ceil_mode), out_size(W, k[1], s[1], p[1], 1, ceil_mode)
    y = np.zeros((B, oh, ow))
    div = np.zeros((oh, ow))
    for i, j in itertools.product(range(oh), range(ow)):
        hs, ws = i * s[0] - p[0], j * s[1] - p[1]
        he, we = min(hs + k[0], H + p[0]), min(ws + k[1], W + p[1])
        pool = (he - hs) * (we - ws)
        hs, ws, he, we = max(hs, 0), max(ws, 0), min(he, H), min(we, W)
        div[i, j] = pool if count_include_pad else (he - hs) * (we - ws)
        y[:, i, j] = x[:, hs:he, ws:we].sum((1, 2)) / div[i, j]
    return y, div


AVG_CASES = [  # (shape, k, s, p, ceil, count_include_pad)
    ((2, 4, 4), (2, 2), (2, 2), (0, 0), False, True),
    ((2, 5, 5), (2, 2), (2, 2), (0, 0), True, True),
    ((1, 4, 4), (3, 3), (2, 2), (1, 1), False, True),
    ((1, 4, 4), (3, 3), (2, 2), (1, 1), False, False),
    ((2, 2, 7, 6), (3, 2), (2, 1), (1, 1), True, False),
    ((1, 6, 5), (3, 3), (1, 1), (0, 0), False, True),
]


@pytest.mark.parametrize('case', AVG_CASES)
def test_spatial_average_pooling(case):
    shape, k, s, p, ceil_mode, cip = case
    x = RNG.standard_normal(shape)
    xb = x.reshape((-1,) + shape[-2:])
    y, div = ref_avgpool(xb, k, s, p, ceil_mode, cip)
    out, gi = empty(D), empty(D)
    geo = (k[1], k[0], s[1], s[0], p[1], p[0], ceil_mode, cip)
    K['SpatialAveragePooling_updateOutput'](T(x), out, *geo)
    np.testing.assert_allclose(out.arr().reshape(y.shape), y, atol=1e-12)
    g = RNG.standard_normal(out.size)
    K['SpatialAveragePooling_updateGradInput'](T(x), T(g), gi, *geo)
    H, W = shape[-2:]
    ref = np.zeros_like(xb)
    gb = g.reshape(y.shape)
    for i, j in itertools.product(range(y.shape[1]), range(y.shape[2])):
        hs, ws = max(i * s[0] - p[0], 0), max(j * s[1] - p[1], 0)
        he, we = min(i * s[0] - p[0] + k[0], H), min(j * s[1] - p[1] + k[1], W)
        ref[:, hs:he, ws:we] += (gb[:, i, j] / div[i, j])[:, None, None]
    np.testing.assert_allclose(gi.arr().reshape(ref.shape), ref, atol=1e-12)


def test_volumetric_average_pooling():
    x = RNG.standard_normal((2, 2, 5, 6, 7))
    out, gi = empty(D), empty(D)
    K['VolumetricAveragePooling_updateOutput'](T(x), out, 2, 3, 2, 1, 2, 2)   # kT kW kH dT dW dH
    ref = np.zeros((2, 2, 4, 3, 3))
    for t, i, j in itertools.product(range(4), range(3), range(3)):
        ref[:, :, t, i, j] = x[:, :, t:t + 2, 2 * i:2 * i + 2, 2 * j:2 * j + 3].mean((2, 3, 4))
    np.testing.assert_allclose(out.arr(), ref, atol=1e-12)
    g = RNG.standard_normal(ref.shape)
    K['VolumetricAveragePooling_updateGradInput'](T(x), T(g), gi, 2, 3, 2, 1, 2, 2)
    rg = np.zeros_like(x)
    for t, i, j in itertools.product(range(4), range(3), range(3)):
        rg[:, :, t:t + 2, 2 * i:2 * i + 2, 2 * j:2 * j + 3] += g[:, :, t, i, j][..., None, None, None] / 12
    np.testing.assert_allclose(gi.arr(), rg, atol=1e-12)


@pytest.mark.parametrize('shape,o', [((2, 7, 5), (3, 2)), ((2, 3, 8, 8), (4, 4)), ((1, 5, 9), (5, 4))])
def test_adaptive_pooling(shape, o):
    x = RNG.integers(0, 3, shape).astype(float)
    H, W = shape[-2:]
    xb = x.reshape((-1, H, W))
    ymax = np.zeros((xb.shape[0],) + o)
    yavg = np.zeros_like(ymax)
    iy, ix = np.zeros(ymax.shape, np.int64), np.zeros(ymax.shape, np.int64)
    for i, j in itertools.product(range(o[0]), range(o[1])):
        hs, he = math.floor(i / o[0] * H), math.ceil((i + 1) / o[0] * H)
        ws, we = math.floor(j / o[1] * W), math.ceil((j + 1) / o[1] * W)
        win = xb[:, hs:he, ws:we].reshape(xb.shape[0], -1)
        a = win.argmax(1)
        ymax[:, i, j] = win.max(1)
        iy[:, i, j], ix[:, i, j] = a // (we - ws) + 1, a % (we - ws) + 1
        yavg[:, i, j] = win.mean(1)
    out, I = empty(D), empty(L)
    K['SpatialAdaptiveMaxPooling_updateOutput'](T(x), out, I, o[1], o[0])
    np.testing.assert_array_equal(out.arr().reshape(ymax.shape), ymax)
    assert I.size == (2,) + shape[:-2] + o
    np.testing.assert_array_equal(I.arr()[0].reshape(iy.shape), iy)
    np.testing.assert_array_equal(I.arr()[1].reshape(ix.shape), ix)
    g = RNG.standard_normal(out.size)
    gi = empty(D)
    K['SpatialAdaptiveMaxPooling_updateGradInput'](T(x), T(g), gi, I)
    ref = np.zeros_like(xb)
    gb = g.reshape(ymax.shape)
    for b, i, j in itertools.product(range(xb.shape[0]), range(o[0]), range(o[1])):
        ref[b, math.floor(i / o[0] * H) + iy[b, i, j] - 1,
            math.floor(j / o[1] * W) + ix[b, i, j] - 1] += gb[b, i, j]
    np.testing.assert_allclose(gi.arr().reshape(ref.shape), ref)
    K['SpatialAdaptiveAveragePooling_updateOutput'](T(x), out, o[1], o[0])
    np.testing.assert_allclose(out.arr().reshape(yavg.shape), yavg, atol=1e-12)


def test_max_unpooling_inverts_pooling():
    x = RNG.random((2, 3, 6, 8)) + 0.5
    out, I = empty(D), empty(L)
    K['SpatialMaxPooling_updateOutput'](T(x), out, I, 2, 2, 2, 2, 0, 0, False)
    up, gi = empty(D), empty(D)
    K['SpatialMaxUnpooling_updateOutput'](out, up, I, 8, 6)
    u = up.arr()
    assert u.shape == x.shape
    mask = u != 0
    np.testing.assert_array_equal(u[mask], x[mask])
    np.testing.assert_array_equal(u.reshape(2, 3, 3, 2, 4, 2).max((3, 5)), out.arr())
    g = RNG.standard_normal(x.shape)
    K['SpatialMaxUnpooling_updateGradInput'](out, T(g), gi, I, 8, 6)
    np.testing.assert_array_equal(gi.arr(), g.reshape(-1)[
        (I.arr() - 1 + (np.arange(6) * 48).reshape(2, 3, 1, 1)).reshape(-1)].reshape(out.size))
    with pytest.raises(TorchError, match='invalid max index'):
        K['SpatialMaxUnpooling_updateOutput'](out, up, I, 3, 3)


@pytest.mark.parametrize('batch', [False, True])
def test_temporal_max_pooling(batch):
    x = RNG.integers(0, 4, (2, 9, 3)).astype(float)
    kW, dW = 3, 2
    n = (9 - kW) // dW + 1
    win = np.stack([x[:, t * dW:t * dW + kW] for t in range(n)], 1)      # (N, n, kW, F)
    y, ind = win.max(2), win.argmax(2)
    g = RNG.standard_normal(y.shape)
    gx = np.zeros_like(x)
    for b, t, f in itertools.product(range(2), range(n), range(3)):
        gx[b, t * dW + ind[b, t, f], f] += g[b, t, f]
    if not batch:
        x, y, ind, g, gx = x[0], y[0], ind[0], g[0], gx[0]
    out, I, gi = empty(D), empty(L), empty(D)
    K['TemporalMaxPooling_updateOutput'](T(x), out, I, kW, dW)
    np.testing.assert_array_equal(out.arr(), y)
    np.testing.assert_array_equal(I.arr(), ind)          # 0-based offsets in the window
    K['TemporalMaxPooling_updateGradInput'](T(x), T(g), gi, I, kW, dW)
    np.testing.assert_allclose(gi.arr(), gx)


def test_temporal_and_spatial_subsampling():
    x = RNG.standard_normal((7, 3))
    w, b = RNG.standard_normal(3), RNG.standard_normal(3)
    out, gi = empty(D), empty(D)
    K['TemporalSubSampling_updateOutput'](T(x), out, T(w), T(b), 3, 2, 3)
    ref = np.stack([x[2 * t:2 * t + 3].sum(0) * w + b for t in range(3)])
    np.testing.assert_allclose(out.arr(), ref, atol=1e-12)
    g = RNG.standard_normal(ref.shape)
    K['TemporalSubSampling_updateGradInput'](T(x), T(g), gi, T(w), 3, 2)
    rg = np.zeros_like(x)
    for t in range(3):
        rg[2 * t:2 * t + 3] += g[t] * w
    np.testing.assert_allclose(gi.arr(), rg, atol=1e-12)
    xs = RNG.standard_normal((2, 3, 6, 5))
    K['SpatialSubSampling_updateOutput'](T(xs), out, T(w), T(b), 2, 3, 1, 2)   # kW kH dW dH
    ref = np.zeros((2, 3, 2, 4))
    for i, j in itertools.product(range(2), range(4)):
        ref[:, :, i, j] = xs[:, :, 2 * i:2 * i + 3, j:j + 2].sum((2, 3)) * w + b
    np.testing.assert_allclose(out.arr(), ref, atol=1e-12)


def test_padding_modes():
    x = RNG.standard_normal((2, 4, 5))
    out, gi = empty(D), empty(D)
    for kind, mode in (('Reflection', 'reflect'), ('Replication', 'edge')):
        K['Spatial%sPadding_updateOutput' % kind](T(x), out, 2, 1, 3, 0)      # l r t b
        ref = np.pad(x, [(0, 0), (3, 0), (2, 1)], mode=mode)
        np.testing.assert_array_equal(out.arr(), ref)
        g = RNG.standard_normal(ref.shape)
        K['Spatial%sPadding_updateGradInput' % kind](T(x), T(g), gi, 2, 1, 3, 0)
        # the adjoint: <pad(x), g> == <x, gi>
        assert np.isclose((ref * g).sum(), (x * gi.arr()).sum())
    K['SpatialZeroPadding_updateOutput'](T(x), out, 1, -2, 0, 2)
    ref = np.pad(x, [(0, 0), (0, 2), (1, 0)])[:, :, :-2]
    np.testing.assert_array_equal(out.arr(), ref)
    with pytest.raises(TorchError, match='padding size should be less than'):
        K['SpatialReflectionPadding_updateOutput'](T(x), out, 5, 0, 0, 0)


def test_upsampling():
    x = RNG.standard_normal((2, 3, 4))
    out, gi = empty(D), empty(D)
    K['SpatialUpSamplingNearest_updateOutput'](T(x), out, 3)
    np.testing.assert_array_equal(out.arr(), x.repeat(3, 1).repeat(3, 2))
    g = RNG.standard_normal(out.size)
    K['SpatialUpSamplingNearest_updateGradInput'](T(x), T(g), gi, 3)
    np.testing.assert_allclose(gi.arr(), g.reshape(2, 3, 3, 4, 3).sum((2, 4)))
    x4 = RNG.standard_normal((1, 2, 3, 4))
    K['SpatialUpSamplingBilinear_updateOutput'](T(x4), out, 5, 7)
    ref = np.zeros((1, 2, 5, 7))
    for i, j in itertools.product(range(5), range(7)):
        hr, wr = np.float32(np.float32(2) / np.float32(4) * i), np.float32(np.float32(3) / np.float32(6) * j)
        h, w = int(hr), int(wr)
        hp, wp = int(h < 2), int(w < 3)
        l1, m1 = hr - h, wr - w
        ref[..., i, j] = ((1 - l1) * ((1 - m1) * x4[..., h, w] + m1 * x4[..., h, w + wp])
                          + l1 * ((1 - m1) * x4[..., h + hp, w] + m1 * x4[..., h + hp, w + wp]))
    np.testing.assert_allclose(out.arr(), ref, atol=1e-12)
    g = RNG.standard_normal(out.size)
    K['SpatialUpSamplingBilinear_updateGradInput'](T(g), gi, 1, 2, 3, 4, 5, 7)
    assert np.isclose((ref * g).sum(), (x4 * gi.arr()).sum())


# THNN's TemporalMaxPooling and SpatialAdaptiveMaxPooling scan a window with
# 'if (val > maxval)' from maxval = -inf (temporal) or -FLT_MAX (adaptive), maxindex = -1: a NaN
# never wins, ties keep the first tap, and a window with no tap above the start keeps it.

def _odd_values(shape, tt):
    return odd_values(RNG, shape, tt.dtype)


def _same(a, b):
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))     # (NaN == NaN, -0 == +0)


def _scan(vals, start):
    best, arg = start, -1
    for n, v in enumerate(vals):
        if v > best:
            best, arg = v, n
    return best, arg


@pytest.mark.parametrize('tt', [D, F])
@pytest.mark.parametrize('kW,dW', [(3, 2), (2, 2), (4, 1), (1, 1)])
def test_temporal_max_pooling_nan_and_inf_windows_follow_thnn(tt, kW, dW):
    x = _odd_values((3, 10, 4), tt)
    x[0, :5, 0] = np.nan                    # all-NaN windows
    x[1, :5, 1] = -np.inf                   # all -inf windows
    x[1, :5, 2] = [np.nan, -np.inf, np.nan, -np.inf, np.nan]
    x[2, :5, 3] = [np.nan, np.inf, np.nan, np.inf, 1]
    n = (10 - kW) // dW + 1
    y, ind = np.zeros((3, n, 4), tt.dtype), np.zeros((3, n, 4), np.int64)
    for b, t, f in itertools.product(range(3), range(n), range(4)):
        y[b, t, f], ind[b, t, f] = _scan(x[b, t * dW:t * dW + kW, f], -np.inf)
    g = RNG.standard_normal(y.shape).astype(tt.dtype)
    gx = np.zeros_like(x)
    for b, t, f in itertools.product(range(3), range(n), range(4)):
        if ind[b, t, f] != -1:
            gx[b, t * dW + ind[b, t, f], f] += g[b, t, f]
    out, I, gi = empty(tt), empty(L), empty(tt)
    K['TemporalMaxPooling_updateOutput'](T(x, tt), out, I, kW, dW)
    _same(out.arr(), y)
    _same(I.arr(), ind)                     # 0-based offsets, -1 for no winner
    K['TemporalMaxPooling_updateGradInput'](T(x, tt), T(g, tt), gi, I, kW, dW)
    np.testing.assert_allclose(gi.arr(), gx, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('tt', [D, F])
@pytest.mark.parametrize('shape,o', [((2, 3, 7, 5), (3, 2)), ((2, 6, 9), (4, 9)),
                                     ((3, 8, 6), (8, 3)), ((2, 5, 4), (5, 1))])
def test_adaptive_max_pooling_nan_and_inf_windows_follow_thnn(tt, shape, o):
    x = _odd_values(shape, tt)
    H, W = shape[-2:]
    xb = x.reshape(-1, H, W)
    xb[0, :3, :3] = np.nan                  # all-NaN windows (one at the plane's start)
    xb[-1, -3:, -3:] = -np.inf
    if tt is D:
        xb[1, 0, :] = -1e300                # below -FLT_MAX: never wins in THNN either
    fmax = float(np.finfo(np.float32).max)
    B = xb.shape[0]
    y = np.zeros((B,) + o, tt.dtype)
    iy, ix = np.zeros(y.shape, np.int64), np.zeros(y.shape, np.int64)
    hs = [int(math.floor(np.float32(i) / np.float32(o[0]) * np.float32(H))) for i in range(o[0] + 1)]
    ws = [int(math.floor(np.float32(j) / np.float32(o[1]) * np.float32(W))) for j in range(o[1] + 1)]
    he = [int(math.ceil(np.float32(i + 1) / np.float32(o[0]) * np.float32(H))) for i in range(o[0])]
    we = [int(math.ceil(np.float32(j + 1) / np.float32(o[1]) * np.float32(W))) for j in range(o[1])]
    for b, i, j in itertools.product(range(B), range(o[0]), range(o[1])):
        kw = we[j] - ws[j]
        y[b, i, j], m = _scan(xb[b, hs[i]:he[i], ws[j]:we[j]].reshape(-1), tt.dtype.type(-fmax))
        q, r = abs(m) // kw, abs(m) % kw    # C's truncating / and %
        iy[b, i, j], ix[b, i, j] = (q if m >= 0 else -q) + 1, (r if m >= 0 else -r) + 1
    out, I = empty(tt), empty(L)
    K['SpatialAdaptiveMaxPooling_updateOutput'](T(x, tt), out, I, o[1], o[0])
    _same(out.arr().reshape(y.shape), y)
    _same(I.arr()[0].reshape(iy.shape), iy)
    _same(I.arr()[1].reshape(ix.shape), ix)
    assert (iy == 0).any() or (ix == 0).any()
    g = RNG.standard_normal(y.shape).astype(tt.dtype)
    ref = np.zeros(B * H * W, tt.dtype)
    for b, i, j in itertools.product(range(B), range(o[0]), range(o[1])):
        at = b * H * W + (hs[i] + iy[b, i, j] - 1) * W + ws[j] + ix[b, i, j] - 1
        if at >= 0:                         # (THNN writes before the tensor: dropped)
            ref[at] += g[b, i, j]
    gi = empty(tt)
    K['SpatialAdaptiveMaxPooling_updateGradInput'](T(x, tt), T(g.reshape(out.size), tt), gi, I)
    np.testing.assert_allclose(gi.arr().reshape(-1), ref, rtol=1e-5, atol=1e-6)


# A window whose maximum is a tie of -0 and +0: THNN's scan keeps the first tap's zero (and its
# index); numpy's max may return either sign (its SIMD loop takes the later operand)

def _signed_zeros(shape, tt):
    x = RNG.choice(np.array([-0.0, 0.0, 0.0, -1.0], tt.dtype), size=shape)
    x.reshape(-1)[::9] = 1.0
    return x


def _bits_equal(a, b):
    a, b = np.ascontiguousarray(a), np.ascontiguousarray(b)
    assert a.shape == b.shape and a.tobytes() == b.tobytes()


@pytest.mark.parametrize('tt', [D, F])
@pytest.mark.parametrize('case', [((3, 8, 10), (2, 2), (2, 2), (0, 0), False),
                                  ((2, 3, 7, 9), (3, 3), (2, 2), (1, 1), True),
                                  ((2, 6, 6), (2, 2), (1, 1), (0, 0), False)])
def test_max_pooling_keeps_the_first_zeros_sign(case, tt, threads):
    shape, k, s, p, ceil_mode = case
    x = _signed_zeros(shape, tt)
    y, ind = ref_maxpool(x.reshape((-1,) + shape[-2:]), k, s, p, (1, 1), ceil_mode)
    out, I = empty(tt), empty(L)
    K['SpatialMaxPooling_updateOutput'](T(x, tt), out, I, k[1], k[0], s[1], s[0], p[1], p[0],
                                        ceil_mode)
    assert np.signbit(y).any() and (y == 0).sum() > np.signbit(y).sum() > 0   # both signs won
    _bits_equal(out.arr().reshape(y.shape), y.astype(tt.dtype))
    np.testing.assert_array_equal(I.arr().reshape(ind.shape), ind)


@pytest.mark.parametrize('tt', [D, F])
def test_temporal_volumetric_and_adaptive_max_keep_the_first_zeros_sign(tt):
    x = _signed_zeros((2, 12, 5), tt)
    out, I = empty(tt), empty(L)
    K['TemporalMaxPooling_updateOutput'](T(x, tt), out, I, 3, 2)
    want = np.array([[[_scan(x[b, t * 2:t * 2 + 3, f], -np.inf)[0] for f in range(5)]
                      for t in range(5)] for b in range(2)], tt.dtype)
    _bits_equal(out.arr(), want)
    # adaptive 6 -> 3 windows of 2 x 2 (the scan order of THNN: rows, then columns)
    xa = _signed_zeros((3, 6, 6), tt)
    K['SpatialAdaptiveMaxPooling_updateOutput'](T(xa, tt), out, I, 3, 3)
    fmax = tt.dtype.type(-np.finfo(np.float32).max)
    want = np.array([[[_scan(xa[b, 2 * i:2 * i + 2, 2 * j:2 * j + 2].reshape(-1), fmax)[0]
                       for j in range(3)] for i in range(3)] for b in range(3)], tt.dtype)
    _bits_equal(out.arr(), want)
    # volumetric 2 x 2 x 2 windows, stride 2: taps in t, h, w order
    xv = _signed_zeros((2, 4, 4, 4), tt)
    K['VolumetricMaxPooling_updateOutput'](T(xv, tt), out, I, 2, 2, 2, 2, 2, 2, 0, 0, 0, False)
    want = np.array([[[[_scan(xv[c, 2 * a:2 * a + 2, 2 * i:2 * i + 2, 2 * j:2 * j + 2].reshape(-1),
                              -np.inf)[0] for j in range(2)] for i in range(2)] for a in range(2)]
                     for c in range(2)], tt.dtype)
    _bits_equal(out.arr(), want)
