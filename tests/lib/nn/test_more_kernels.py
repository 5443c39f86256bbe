"""Kernels of more.py, sparse.py, pooling_more.py and conv_more.py against loop references
written from THNN's definitions (sequential per-entry updates, window bounds, index layouts)."""
import itertools
import math

import numpy as np
import pytest

from luatorch.lib import types
from luatorch.lib.errors import TorchError
from luatorch.lib.nn import load_all
from luatorch.lib.nn.sparse import _group_sum, _rounds
from luatorch.lib.tensor import empty, from_array
from tests.helpers import odd_values

K = load_all()
RNG = np.random.default_rng(7)
D, F, L = types.Double, types.Float, types.Long


def T(a, tt=D):
    return from_array(np.asarray(a, dtype=tt.dtype), tt)


def E(tt=D):
    return empty(tt)


# ----------------------------------------------------------------------------- sparse helpers

def test_group_sum_and_rounds():
    keys = np.array([3, 1, 3, 0, 1, 3])
    vals = np.arange(12.).reshape(6, 2)
    k, s = _group_sum(keys, vals)
    assert k.tolist() == [0, 1, 3]
    np.testing.assert_array_equal(s, [[6, 7], [10, 12], [14, 17]])
    rounds = _rounds(keys)
    # every position once; no key twice in a round; a key's occurrences in order
    assert sorted(np.concatenate(rounds).tolist()) == list(range(6))
    for r in rounds:
        assert len(set(keys[r].tolist())) == len(r)
    assert [p for r in rounds for p in r if keys[p] == 3] == [0, 2, 5]


def ref_index_linear_update(w, b, gw, gb, keys, off, wd, lr, norm):
    """THNN's IndexLinear_updateParameters loop (outDim > 1)."""
    w, b = w.copy(), b - lr * gb
    out = b.size
    for j, key in enumerate(keys):
        row = w[key + off]
        lrj, wdj = lr, wd
        g = gw[j]
        if norm:
            lrj, wdj = lr * row[norm - 2], wd * row[norm - 2]
            for k in range(out):
                row[norm - 1] -= g[k] * row[norm + k] * lrj
            g = g[out:]
        v = row[norm:norm + out]
        if wd:
            v -= v * wdj
        v -= g * lrj
    return w, b


@pytest.mark.parametrize('norm,wd', [(0, 0), (0, 0.1), (4, 0), (4, 0.05)])
def test_index_linear_update_parameters(norm, wd):
    n, out = 5, 3
    w = RNG.standard_normal((n, out + norm))
    if norm:
        w[:, 2] = RNG.uniform(0.5, 1.5, n)
    b = RNG.standard_normal(out)
    keys = np.array([2, 4, 2, 1, 2, 5])          # 1-based, repeated
    gw = RNG.standard_normal((keys.size, out * (2 if norm else 1)))
    gb = RNG.standard_normal(out)
    tw, tb = T(w), T(b)
    K['IndexLinear_updateParameters'](T(gw), T(gb), tw, tb, T(keys, L), -1, wd, 0.3)
    rw, rb = ref_index_linear_update(w, b, gw, gb, keys, -1, wd, 0.3, norm)
    np.testing.assert_allclose(tw.arr(), rw, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(tb.arr(), rb, rtol=1e-12)


def test_index_linear_forward_and_grads():
    n, out = 6, 4
    w = RNG.standard_normal((n, out))
    b = RNG.standard_normal(out)
    keys, vals, sizes = np.array([1, 4, 4, 6, 2]), RNG.standard_normal(5), np.array([3, 2])
    y = E()
    K['IndexLinear_updateOutput'](T(keys, L), -1, T(vals), T(sizes, L), y, T(w), T(b), E(), True)
    dense = np.zeros((2, n))
    np.add.at(dense, (np.repeat([0, 1], sizes), keys - 1), vals)
    np.testing.assert_allclose(y.arr(), dense @ w + b, rtol=1e-12)
    g = RNG.standard_normal((2, out))
    gw, gb = E(), T(np.zeros(out))
    K['IndexLinear_accGradParameters'](T(keys, L), -1, T(vals), T(sizes, L), T(g), gw, gb, T(w),
                                       T(b), 0, 0.5)
    np.testing.assert_allclose(gw.arr(), 0.5 * vals[:, None] * g[np.repeat([0, 1], sizes)])
    np.testing.assert_allclose(gb.arr(), 0.5 * g.sum(0))
    with pytest.raises(TorchError):
        K['IndexLinear_updateOutput'](T([9], L), -1, T([1.]), T([1], L), y, T(w), T(b), E(), True)


def test_sparse_linear_kernels():
    w, b = RNG.standard_normal((3, 5)), RNG.standard_normal(3)
    coo = np.array([[1, 2, 0.5], [1, 5, -1], [2, 1, 2], [2, 2, 1]])
    y = E()
    K['SparseLinear_updateOutput'](T(coo), y, T(w), T(b), 2, True)
    dense = np.zeros((2, 5))
    dense[coo[:, 0].astype(int) - 1, coo[:, 1].astype(int) - 1] = coo[:, 2]
    np.testing.assert_allclose(y.arr(), dense @ w.T + b, rtol=1e-12)
    g = RNG.standard_normal((2, 3))
    gw, gb = T(np.zeros((3, 5))), T(np.zeros(3))
    K['SparseLinear_accGradParameters'](T(coo), T(g), gw, gb, T(w), 0.1, 2)
    np.testing.assert_allclose(gw.arr(), 2 * g.T @ dense + 0.1 * w, rtol=1e-12)
    np.testing.assert_allclose(gb.arr(), 2 * g.sum(0))
    # sparse update: column 3 and 4 are untouched
    tw = T(w)
    K['SparseLinear_updateParameters'](tw, T(b), gw, gb, T(coo), 0.5)
    np.testing.assert_allclose(tw.arr()[:, [2, 3]], w[:, [2, 3]])
    np.testing.assert_allclose(tw.arr()[:, [0, 1, 4]], (w - 0.5 * gw.arr())[:, [0, 1, 4]])


# ----------------------------------------------------------------------------- pooling

def test_volumetric_dilated_max_pooling_loop():
    x = RNG.random((2, 5, 6, 7))
    k, s, p, dil = (2, 3, 2), (1, 2, 2), (1, 1, 0), (2, 1, 3)
    y, ind = E(), E(L)
    K['VolumetricDilatedMaxPooling_updateOutput'](T(x), y, ind, k[0], k[2], k[1], s[0], s[2], s[1],
                                                  p[0], p[2], p[1], dil[0], dil[2], dil[1], False)
    o = [(x.shape[1 + d] + 2 * p[d] - dil[d] * (k[d] - 1) - 1) // s[d] + 1 for d in range(3)]
    assert y.size == (2,) + tuple(o)
    for c, a, bb, cc in itertools.product(range(2), *map(range, o)):
        best, arg = -np.inf, None
        for z, yy, xx in itertools.product(*map(range, k)):
            t = [a * s[0] - p[0] + z * dil[0], bb * s[1] - p[1] + yy * dil[1],
                 cc * s[2] - p[2] + xx * dil[2]]
            if all(0 <= t[d] < x.shape[1 + d] for d in range(3)) and x[c][tuple(t)] > best:
                best, arg = x[c][tuple(t)], (z, yy, xx)
        assert y.arr()[c, a, bb, cc] == best
        assert ind.arr()[c, a, bb, cc] == arg[0] | arg[1] << 8 | arg[2] << 16
    g = RNG.random(y.size)
    gi = E()
    K['VolumetricDilatedMaxPooling_updateGradInput'](T(x), T(g), gi, ind, k[0], k[2], k[1], s[0],
                                                     s[2], s[1], p[0], p[2], p[1], dil[0], dil[2],
                                                     dil[1], False)
    assert gi.arr().sum() == pytest.approx(g.sum())


@pytest.mark.parametrize('tt', [D, F])
def test_fractional_windows(tt):
    x = RNG.random((1, 2, 9, 11)).astype(tt.dtype)
    u = RNG.random((1, 2, 2)).astype(tt.dtype)
    y, ind = E(tt), E(L)
    K['SpatialFractionalMaxPooling_updateOutput'](T(x, tt), y, 4, 3, 2, 3, ind, T(u, tt))

    def starts(sample, n, o, pool):
        f = tt.dtype.type
        alpha = f(n - pool) / f(o - 1)
        return [int(f(i + sample) * alpha) - int(f(sample) * alpha) for i in range(o - 1)] + [n - pool]
    for pl in range(2):
        hs = starts(u[0, pl, 1], 9, 3, 3)
        ws = starts(u[0, pl, 0], 11, 4, 2)
        for i, j in itertools.product(range(3), range(4)):
            win = x[0, pl, hs[i]:hs[i] + 3, ws[j]:ws[j] + 2]
            assert y.arr()[0, pl, i, j] == win.max()
            r, c = np.unravel_index(win.argmax(), win.shape)
            assert ind.arr()[0, pl, i, j] == (hs[i] + r) * 11 + ws[j] + c + 1


def _odd_values(shape, tt=D):
    return odd_values(RNG, shape, tt.dtype)


@pytest.mark.parametrize('tt', [D, F])
def test_volumetric_dilated_max_pooling_nan_windows_follow_thnn(tt):
    # THNN scans the taps inside the input with 'if (val > maxval)' from -inf, offsets -1: a
    # NaN never wins, ties keep the first tap, no winner leaves -inf and bytes 255 (its
    # gradient, outside the input in THNN, is dropped)
    x = _odd_values((3, 5, 6, 7), tt)
    x[0] = np.nan
    x[1] = np.where(RNG.random(x[1].shape) < .5, np.nan, -np.inf)
    k, s, p, dil = (2, 3, 2), (1, 2, 2), (1, 1, 0), (2, 1, 3)
    o = [(x.shape[1 + d] + 2 * p[d] - dil[d] * (k[d] - 1) - 1) // s[d] + 1 for d in range(3)]
    y, ind = E(tt), E(L)
    K['VolumetricDilatedMaxPooling_updateOutput'](T(x, tt), y, ind, k[0], k[2], k[1], s[0], s[2],
                                                  s[1], p[0], p[2], p[1], dil[0], dil[2], dil[1],
                                                  False)
    g = RNG.standard_normal(y.size).astype(tt.dtype)
    ry, ri, rg = np.zeros(y.size, tt.dtype), np.zeros(y.size, np.int64), np.zeros_like(x)
    for c, a, bb, cc in itertools.product(range(3), *map(range, o)):
        best, arg, at = -np.inf, (-1, -1, -1), None
        for z, yy, xx in itertools.product(*map(range, k)):
            t = (a * s[0] - p[0] + z * dil[0], bb * s[1] - p[1] + yy * dil[1],
                 cc * s[2] - p[2] + xx * dil[2])
            if all(0 <= t[d] < x.shape[1 + d] for d in range(3)) and x[c][t] > best:
                best, arg, at = x[c][t], (z, yy, xx), t
        ry[c, a, bb, cc] = best
        ri[c, a, bb, cc] = (arg[0] & 255) | (arg[1] & 255) << 8 | (arg[2] & 255) << 16
        if at is not None:
            rg[c][at] += g[c, a, bb, cc]
    assert (ri == 0xFFFFFF).any()
    np.testing.assert_array_equal(y.arr(), ry)
    np.testing.assert_array_equal(ind.arr(), ri)
    gi = E(tt)
    K['VolumetricDilatedMaxPooling_updateGradInput'](T(x, tt), T(g, tt), gi, ind, k[0], k[2], k[1],
                                                     s[0], s[2], s[1], p[0], p[2], p[1], dil[0],
                                                     dil[2], dil[1], False)
    np.testing.assert_allclose(gi.arr(), rg, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('tt', [D, F])
def test_fractional_max_pooling_nan_windows_follow_thnn(tt):
    # THNN: 'if (val > maxVal)' from -inf (a NaN never wins, ties keep the first tap), then
    # THAssert(maxVal != -THInf): a window without a tap above -inf is an error
    x = _odd_values((2, 2, 9, 11), tt)
    x[np.isinf(x) & (x < 0)] = 1.5          # no -inf, a number in every other column: every
    x[..., ::2][np.isnan(x[..., ::2])] = 1.5    # window keeps a winner...
    x[0, 0, 0, 0], x[0, 0, 0, 1], x[1, 1, 8, 10] = np.nan, 3.0, np.nan
    u = RNG.random((2, 2, 2)).astype(tt.dtype)
    f = tt.dtype.type

    def starts(sample, n, o, pool):
        alpha = f(n - pool) / f(o - 1)
        return [int(f(i + sample) * alpha) - int(f(sample) * alpha) for i in range(o - 1)] + [n - pool]
    ry, ri = np.zeros((2, 2, 3, 4), tt.dtype), np.zeros((2, 2, 3, 4), np.int64)
    for b, pl in itertools.product(range(2), range(2)):
        hs, ws = starts(u[b, pl, 1], 9, 3, 3), starts(u[b, pl, 0], 11, 4, 2)
        for i, j in itertools.product(range(3), range(4)):
            best, at = -np.inf, -1
            for h2, w2 in itertools.product(range(hs[i], hs[i] + 3), range(ws[j], ws[j] + 2)):
                if x[b, pl, h2, w2] > best:
                    best, at = x[b, pl, h2, w2], h2 * 11 + w2
            assert at >= 0
            ry[b, pl, i, j], ri[b, pl, i, j] = best, at + 1
    y, ind = E(tt), E(L)
    K['SpatialFractionalMaxPooling_updateOutput'](T(x, tt), y, 4, 3, 2, 3, ind, T(u, tt))
    np.testing.assert_array_equal(y.arr(), ry)
    np.testing.assert_array_equal(ind.arr(), ri)
    g = RNG.standard_normal(ry.shape).astype(tt.dtype)
    rg = np.zeros((2, 2, 99), tt.dtype)
    for b, pl, i, j in itertools.product(range(2), range(2), range(3), range(4)):
        rg[b, pl, ri[b, pl, i, j] - 1] += g[b, pl, i, j]
    gi = E(tt)
    K['SpatialFractionalMaxPooling_updateGradInput'](T(x, tt), T(g, tt), gi, 4, 3, 2, 3, ind)
    np.testing.assert_allclose(gi.arr().reshape(rg.shape), rg, rtol=1e-5, atol=1e-6)
    # ...until one is all NaN / -inf
    for bad in (np.nan, -np.inf):
        x2 = x.copy()
        x2[:, :, :, :] = bad
        x2[..., 0] = np.where(np.arange(9)[:, None] % 2 == 0, np.nan, -np.inf)[:, 0]
        with pytest.raises(TorchError, match="Assertion `maxVal != -THInf' failed"):
            K['SpatialFractionalMaxPooling_updateOutput'](T(x2, tt), y, 4, 3, 2, 3, ind, T(u, tt))
    xv = _odd_values((1, 2, 6, 5, 4), tt)   # ([N,] C, H, W, T)
    xv[np.isinf(xv) & (xv < 0)] = 1.5
    xv[..., ::2][np.isnan(xv[..., ::2])] = 1.5
    xv[0, 1, 0, 0, 0] = np.nan
    xv[0, 1, 0, 0, 1] = 2.0
    uv = RNG.random((1, 2, 3)).astype(tt.dtype)
    yv, iv = E(tt), E(L)
    K['VolumetricFractionalMaxPooling_updateOutput'](T(xv, tt), yv, 2, 2, 2, 2, 2, 2, iv, T(uv, tt))
    flat = xv.reshape(2, -1)
    np.testing.assert_array_equal(yv.arr().reshape(2, -1),
                                  np.take_along_axis(flat, iv.arr().reshape(2, -1) - 1, 1))
    assert not np.isnan(yv.arr()).any()
    xv[:] = np.nan
    with pytest.raises(TorchError, match="Assertion `maxVal != -THInf' failed"):
        K['VolumetricFractionalMaxPooling_updateOutput'](T(xv, tt), yv, 2, 2, 2, 2, 2, 2, iv, T(uv, tt))


def test_feature_lp_pooling_loop():
    x = RNG.random((2, 9, 3))
    y = E()
    K['FeatureLPPooling_updateOutput'](T(x), y, 2.0, 3, 2, True)
    want = np.stack([np.sqrt((x[:, 2 * f:2 * f + 3] ** 2).sum(1)) for f in range(4)], 1)
    np.testing.assert_allclose(y.arr(), want, rtol=1e-12)
    g = RNG.random(y.size)
    gi = E()
    K['FeatureLPPooling_updateGradInput'](T(g), T(x), y, gi, 2.0, 3, 2, True)
    ref = np.zeros_like(x)
    for f in range(4):
        ref[:, 2 * f:2 * f + 3] += g[:, f:f + 1] * x[:, 2 * f:2 * f + 3] / y.arr()[:, f:f + 1]
    np.testing.assert_allclose(gi.arr(), ref, rtol=1e-12)


# ----------------------------------------------------------------------------- convolutions

def test_local_convolution_loop():
    x = RNG.random((2, 5, 4))
    kH, kW, oH, oW = 2, 2, 4, 3
    w = RNG.random((oH, oW, 3, 2, kH, kW))
    b = RNG.random((3, oH, oW))
    y = E()
    K['SpatialConvolutionLocal_updateOutput'](T(x), y, T(w), T(b), kW, kH, 1, 1, 0, 0, 4, 5, oW, oH)
    for o, i, j in itertools.product(range(3), range(oH), range(oW)):
        ref = b[o, i, j] + (w[i, j, o] * x[:, i:i + kH, j:j + kW]).sum()
        assert y.arr()[o, i, j] == pytest.approx(ref, rel=1e-12)


def test_volumetric_full_convolution_loop():
    x = RNG.random((2, 2, 3, 2))
    w = RNG.random((2, 3, 2, 2, 3))
    b = RNG.random(3)
    s, p, adj = (2, 1, 2), (1, 0, 1), (1, 0, 0)
    y = E()
    K['VolumetricFullConvolution_updateOutput'](T(x), y, T(w), T(b), E(), E(), s[0], s[2], s[1],
                                                p[0], p[2], p[1], adj[0], adj[2], adj[1])
    o = [(x.shape[1 + d] - 1) * s[d] - 2 * p[d] + w.shape[2 + d] + adj[d] for d in range(3)]
    ref = np.zeros([3] + [o[d] + 2 * p[d] + w.shape[2 + d] for d in range(3)])
    for c, t, h, ww in itertools.product(range(2), *map(range, x.shape[1:])):
        ref[:, t * s[0]:t * s[0] + 2, h * s[1]:h * s[1] + 2, ww * s[2]:ww * s[2] + 3] += \
            x[c, t, h, ww] * w[c]
    ref = ref[:, p[0]:p[0] + o[0], p[1]:p[1] + o[1], p[2]:p[2] + o[2]] + b[:, None, None, None]
    np.testing.assert_allclose(y.arr(), ref, rtol=1e-12)
