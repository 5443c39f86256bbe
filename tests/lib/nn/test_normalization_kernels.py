"""BatchNormalization and SpatialCrossMapLRN kernels against THNN's per-feature definitions."""
import numpy as np
import pytest

from luatorch.lib import types
from luatorch.lib.nn import load_all
from luatorch.lib.tensor import empty, from_array

K = load_all()
RNG = np.random.default_rng(3)
D = types.Double


def T(a, tt=D):
    return from_array(np.asarray(a, dtype=tt.dtype), tt)


@pytest.mark.parametrize('shape', [(5, 3), (4, 2, 3, 3), (3, 2, 2, 3, 2)])
@pytest.mark.parametrize('affine', [True, False])
def test_batchnorm_train_then_evaluate(shape, affine):
    x = RNG.standard_normal(shape) * 3 + 1
    C = shape[1]
    axes = tuple(i for i in range(len(shape)) if i != 1)
    n = x.size // C
    w, b = (T(RNG.random(C)), T(RNG.standard_normal(C))) if affine else (None, None)
    rm, rv = T(np.zeros(C) + 0.5), T(np.ones(C) * 2)
    sm, ss, out = empty(D), empty(D), empty(D)
    K['BatchNormalization_updateOutput'](T(x), out, w, b, rm, rv, sm, ss, True, 0.1, 1e-5)
    bs = (1, C) + (1,) * (len(shape) - 2)
    mean = x.mean(axes)
    var = ((x - mean.reshape(bs)) ** 2).sum(axes)
    invstd = 1 / np.sqrt(var / n + 1e-5)
    y = (x - mean.reshape(bs)) * invstd.reshape(bs)
    if affine:
        y = y * w.arr().reshape(bs) + b.arr().reshape(bs)
    np.testing.assert_allclose(out.arr(), y, atol=1e-12)
    np.testing.assert_allclose(sm.arr(), mean)
    np.testing.assert_allclose(ss.arr(), invstd)
    np.testing.assert_allclose(rm.arr(), 0.1 * mean + 0.9 * 0.5)
    np.testing.assert_allclose(rv.arr(), 0.1 * var / (n - 1) + 0.9 * 2)
    # backward in training mode
    g = RNG.standard_normal(shape)
    gi = empty(D)
    gw, gb = (T(np.zeros(C)), T(np.zeros(C))) if affine else (None, None)
    K['BatchNormalization_backward'](T(x), T(g), gi, gw, gb, w, rm, rv, sm, ss, True, 2.0, 1e-5)
    xhat = (x - mean.reshape(bs)) * invstd.reshape(bs)
    dot = (g * xhat).sum(axes)
    wv = w.arr().reshape(bs) if affine else 1
    ref = (g - g.mean(axes).reshape(bs) - xhat * (dot / n).reshape(bs)) * invstd.reshape(bs) * wv
    np.testing.assert_allclose(gi.arr(), ref, atol=1e-10)
    if affine:
        np.testing.assert_allclose(gw.arr(), 2 * dot, atol=1e-10)
        np.testing.assert_allclose(gb.arr(), 2 * g.sum(axes), atol=1e-10)
    # evaluate mode uses the running statistics
    K['BatchNormalization_updateOutput'](T(x), out, w, b, rm, rv, sm, ss, False, 0.1, 1e-5)
    inv = 1 / np.sqrt(rv.arr() + 1e-5)
    y = (x - rm.arr().reshape(bs)) * inv.reshape(bs)
    if affine:
        y = y * w.arr().reshape(bs) + b.arr().reshape(bs)
    np.testing.assert_allclose(out.arr(), y, atol=1e-12)
    K['BatchNormalization_backward'](T(x), T(g), gi, None, None, w, rm, rv, sm, ss, False, 1, 1e-5)
    np.testing.assert_allclose(gi.arr(), g * (inv * (w.arr() if affine else 1)).reshape(bs),
                               atol=1e-12)


def ref_lrn(x, size, alpha, beta, k):
    N, C = x.shape[:2]
    half = (size - 1) // 2
    scale = np.zeros_like(x)
    for c in range(C):
        lo, hi = max(0, c - half), min(C, c + half + 1)
        scale[:, c] = k + alpha / size * (x[:, lo:hi] ** 2).sum(1)
    return x * scale ** -beta, scale


@pytest.mark.parametrize('size', [1, 3, 5])
def test_cross_map_lrn(size):
    x = RNG.standard_normal((2, 6, 3, 4))
    out, sc, gi = empty(D), empty(D), empty(D)
    K['SpatialCrossMapLRN_updateOutput'](T(x), out, sc, size, 0.3, 0.75, 2)
    y, scale = ref_lrn(x, size, 0.3, 0.75, 2)
    np.testing.assert_allclose(out.arr(), y, atol=1e-12)
    np.testing.assert_allclose(sc.arr(), scale, atol=1e-12)
    # gradient against finite differences of sum(y * g)
    g = RNG.standard_normal(x.shape)
    K['SpatialCrossMapLRN_updateGradInput'](T(x), T(g), gi, sc, out, size, 0.3, 0.75, 2)
    eps = 1e-6
    num = np.zeros_like(x)
    for idx in np.ndindex(*x.shape):
        d = np.zeros_like(x)
        d[idx] = eps
        num[idx] = ((ref_lrn(x + d, size, 0.3, 0.75, 2)[0] - ref_lrn(x - d, size, 0.3, 0.75, 2)[0])
                    * g).sum() / (2 * eps)
    np.testing.assert_allclose(gi.arr(), num, atol=1e-6)
