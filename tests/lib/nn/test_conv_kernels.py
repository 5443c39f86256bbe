"""The convolution kernels of luatorch/lib/nn/conv.py against direct loop references (one output
position at a time, as THNN's definitions read), forward, gradInput and accGradParameters."""
import itertools

import numpy as np
import pytest

from luatorch.lib import types
from luatorch.lib.errors import TorchError
from luatorch.lib.nn import conv, load_all
from luatorch.lib.tensor import empty, from_array

K = load_all()
RNG = np.random.default_rng(11)


def T(a, tt=types.Double):
    return from_array(np.asarray(a, dtype=tt.dtype), tt)


def ref_conv(x, w, b, s, p, dil):
    """x (N, C, *S), w (O, C, *k): direct N-d convolution (cross-correlation) with zero padding."""
    nd = w.ndim - 2
    k = w.shape[2:]
    xp = np.pad(x, [(0, 0), (0, 0)] + [(v, v) for v in p])
    o = [(xp.shape[2 + i] - dil[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(nd)]
    y = np.zeros((x.shape[0], w.shape[0]) + tuple(o))
    for pos in itertools.product(*[range(v) for v in o]):
        sl = tuple(slice(pos[i] * s[i], pos[i] * s[i] + dil[i] * (k[i] - 1) + 1, dil[i])
                   for i in range(nd))
        win = xp[(slice(None), slice(None)) + sl]               # (N, C, *k)
        y[(slice(None), slice(None)) + pos] = np.tensordot(win, w, axes=(range(1, 2 + nd),
                                                                         range(1, 2 + nd)))
    if b is not None:
        y += b.reshape((1, -1) + (1,) * nd)
    return y


def ref_conv_grads(x, w, g, s, p, dil):
    """(gradInput, gradWeight, gradBias) of ref_conv by the chain rule, one position at a time."""
    nd = w.ndim - 2
    k = w.shape[2:]
    xp = np.pad(x, [(0, 0), (0, 0)] + [(v, v) for v in p])
    gxp = np.zeros_like(xp)
    gw = np.zeros_like(w)
    for pos in itertools.product(*[range(v) for v in g.shape[2:]]):
        sl = tuple(slice(pos[i] * s[i], pos[i] * s[i] + dil[i] * (k[i] - 1) + 1, dil[i])
                   for i in range(nd))
        gp = g[(slice(None), slice(None)) + pos]                  # (N, O)
        gxp[(slice(None), slice(None)) + sl] += np.tensordot(gp, w, axes=(1, 0))
        gw += np.tensordot(gp, xp[(slice(None), slice(None)) + sl], axes=(0, 0))
    inner = (slice(None), slice(None)) + tuple(slice(v, v + n) for v, n in zip(p, x.shape[2:]))
    return gxp[inner], gw, g.sum(axis=(0,) + tuple(range(2, 2 + nd)))


CASES = [  # (N or None, C, O, S, k, s, p, dil)
    (None, 2, 3, (7, 6), (3, 2), (1, 1), (0, 0), (1, 1)),
    (2, 3, 4, (9, 8), (3, 3), (2, 1), (1, 2), (1, 1)),
    (3, 1, 2, (6, 6), (2, 2), (2, 2), (0, 0), (1, 1)),       # windows tile: one assignment
    (2, 2, 3, (9, 10), (3, 2), (1, 2), (1, 0), (2, 3)),      # dilated
    (1, 4, 2, (5, 5), (1, 1), (1, 1), (0, 0), (1, 1)),       # pointwise
    (2, 3, 6, (12, 12), (5, 5), (1, 1), (0, 0), (1, 1)),     # O=6: rows padded for the GEMM
]


@pytest.fixture(params=[False, True], ids=['serial', 'threads'])
def threads(request, monkeypatch):
    """Run a test once as is and once with the big loops split between 3 threads."""
    if request.param:
        monkeypatch.setattr(conv, '_THREADS', 3)
        monkeypatch.setattr(conv, '_PARALLEL_MIN', 0)
        monkeypatch.setattr(conv, '_GEOMS', {})


@pytest.mark.parametrize('case', CASES)
@pytest.mark.parametrize('tt', [types.Double, types.Float])
def test_spatial_convolution(case, tt, threads):
    N, C, O, S, k, s, p, dil = case
    xs = (N or 1, C) + S
    x = RNG.standard_normal(xs)
    w = RNG.standard_normal((O, C) + k)
    b = RNG.standard_normal(O)
    y = ref_conv(x, w, b, s, p, dil)
    g = RNG.standard_normal(y.shape)
    gx, gw, gb = ref_conv_grads(x, w, g, s, p, dil)
    sq = (lambda a: a) if N else (lambda a: a[0])
    X, W, B = T(sq(x), tt), T(w, tt), T(b, tt)
    out, fin, fgi, gi = empty(tt), empty(tt), empty(tt), empty(tt)
    geo = (k[1], k[0], s[1], s[0], p[1], p[0])
    if dil == (1, 1):
        K['SpatialConvolutionMM_updateOutput'](X, out, W, B, fin, fgi, *geo)
    else:
        K['SpatialDilatedConvolution_updateOutput'](X, out, W, B, fin, fgi, *geo, dil[1], dil[0])
    tol = 1e-10 if tt is types.Double else 1e-4
    assert out.size == sq(y).shape
    np.testing.assert_allclose(out.arr(), sq(y), rtol=tol, atol=tol)
    G = T(sq(g), tt)
    GW, GB = T(np.zeros_like(w), tt), T(np.zeros(O), tt)
    if dil == (1, 1):
        K['SpatialConvolutionMM_updateGradInput'](X, G, gi, W, fin, fgi, *geo)
        K['SpatialConvolutionMM_accGradParameters'](X, G, GW, GB, fin, fgi, *geo, 0.5)
    else:
        K['SpatialDilatedConvolution_updateGradInput'](X, G, gi, W, fin, *geo, dil[1], dil[0])
        K['SpatialDilatedConvolution_accGradParameters'](X, G, GW, GB, fin, fgi, *geo, dil[1],
                                                         dil[0], 0.5)
    np.testing.assert_allclose(gi.arr(), sq(gx), rtol=tol, atol=tol)
    np.testing.assert_allclose(GW.arr(), 0.5 * gw, rtol=tol, atol=tol)
    np.testing.assert_allclose(GB.arr(), 0.5 * gb, rtol=tol, atol=tol)


@pytest.mark.parametrize('bias', [True, False])
def test_batch_unfolded_and_multiplied_sample_by_sample_in_threads(bias, monkeypatch):
    # a GEMM a sample, each sample's columns made by the thread that multiplies them: the
    # columns kept in finput, each sample's output its own product (BLAS on one thread) + bias
    from luatorch.lib import cblas
    monkeypatch.setattr(conv, '_THREADS', 2)
    monkeypatch.setattr(conv, '_PARALLEL_MIN', 0)
    monkeypatch.setattr(conv, '_ONEGEMM', False)
    monkeypatch.setattr(conv, '_GEOMS', {})
    x = RNG.standard_normal((3, 2, 24, 24))
    w = RNG.standard_normal((8, 2, 3, 3))
    b = RNG.standard_normal(8) if bias else None
    out, fin, fgi = empty(types.Double), empty(types.Double), empty(types.Double)
    K['SpatialConvolutionMM_updateOutput'](T(x), out, T(w), None if b is None else T(b), fin, fgi,
                                           3, 3, 1, 1, 1, 1)
    np.testing.assert_allclose(out.arr(), ref_conv(x, w, b, (1, 1), (1, 1), (1, 1)), rtol=1e-10,
                               atol=1e-10)
    xp = np.pad(x, [(0, 0), (0, 0), (1, 1), (1, 1)])
    cols = np.stack([np.stack([xp[n, c, i:i + 24, j:j + 24].reshape(-1) for c in range(2)
                               for i in range(3) for j in range(3)]) for n in range(3)])
    assert np.array_equal(fin.arr().reshape(cols.shape), cols)
    with cblas.one_thread():
        want = np.matmul(w.reshape(8, 18), cols)
    if b is not None:
        want += b[:, None]
    assert np.array_equal(out.arr().reshape(want.shape).view(np.int64), want.view(np.int64))


def test_mm_weight_layout_and_no_bias():
    x = RNG.standard_normal((2, 3, 5, 5))
    w = RNG.standard_normal((4, 3, 3, 3))
    out = empty(types.Double)
    K['SpatialConvolutionMM_updateOutput'](T(x), out, T(w.reshape(4, 27)), None, empty(types.Double),
                                           empty(types.Double), 3, 3, 1, 1, 1, 1)
    np.testing.assert_allclose(out.arr(), ref_conv(x, w, None, (1, 1), (1, 1), (1, 1)), atol=1e-12)


def test_non_contiguous_input_gives_identical_results():
    x = RNG.standard_normal((2, 3, 8, 7))
    w = T(RNG.standard_normal((4, 3, 3, 3)))
    b = T(RNG.standard_normal(4))
    xt = T(np.ascontiguousarray(x.transpose(0, 1, 3, 2)))
    from luatorch.lib.tensor import transpose
    xnc = transpose(xt, 3, 4)                       # same values as x, not contiguous
    o1, o2 = empty(types.Double), empty(types.Double)
    K['SpatialConvolutionMM_updateOutput'](T(x), o1, w, b, empty(types.Double), None, 3, 3, 1, 1, 1, 1)
    K['SpatialConvolutionMM_updateOutput'](xnc, o2, w, b, empty(types.Double), None, 3, 3, 1, 1, 1, 1)
    assert np.array_equal(o1.arr(), o2.arr())


def test_errors():
    w = T(np.zeros((2, 3, 3, 3)))
    args = (empty(types.Double), w, None, empty(types.Double), empty(types.Double), 3, 3, 1, 1, 0, 0)
    with pytest.raises(TorchError, match='3D or 4D input tensor expected'):
        K['SpatialConvolutionMM_updateOutput'](T(np.zeros((3, 5))), *args)
    with pytest.raises(TorchError, match='Output size is too small'):
        K['SpatialConvolutionMM_updateOutput'](T(np.zeros((3, 2, 5))), *args)
    with pytest.raises(TorchError, match=r'input.size\[0\] == 3'):
        K['SpatialConvolutionMM_updateOutput'](T(np.zeros((2, 5, 5))), *args)
    with pytest.raises(TorchError, match='same type'):
        K['SpatialConvolutionMM_updateOutput'](T(np.zeros((3, 5, 5)), types.Float), *args)
    with pytest.raises(TorchError, match='kernel size should be greater than zero'):
        K['SpatialConvolutionMM_updateOutput'](T(np.zeros((3, 5, 5))), empty(types.Double), w, None,
                                               None, None, 0, 3, 1, 1, 0, 0)


@pytest.mark.parametrize('batch', [False, True])
def test_volumetric_convolution(batch):
    x = RNG.standard_normal((2, 2, 5, 6, 5))
    w = RNG.standard_normal((3, 2, 2, 3, 2))
    b = RNG.standard_normal(3)
    s, p = (1, 2, 1), (1, 0, 1)
    y = ref_conv(x, w, b, s, p, (1, 1, 1))
    g = RNG.standard_normal(y.shape)
    gx, gw, gb = ref_conv_grads(x, w, g, s, p, (1, 1, 1))
    sq = (lambda a: a) if batch else (lambda a: a[0])
    if not batch:
        x, y, g, gx = x[:1], y[:1], g[:1], gx[:1]
        gw, gb = ref_conv_grads(x, w, g, s, p, (1, 1, 1))[1:]
    X, W = T(sq(x)), T(w)
    out, fin, gi = empty(types.Double), empty(types.Double), empty(types.Double)
    # argument order (kT, kW, kH, dT, dW, dH, padT, padW, padH)
    geo = (2, 2, 3, 1, 1, 2, 1, 1, 0)
    K['VolumetricConvolution_updateOutput'](X, out, W, T(b), fin, *geo)
    np.testing.assert_allclose(out.arr(), sq(y), atol=1e-10)
    GW, GB = T(np.zeros_like(w)), T(np.zeros(3))
    K['VolumetricConvolution_updateGradInput'](X, T(sq(g)), gi, W, fin, empty(types.Double), *geo)
    K['VolumetricConvolution_accGradParameters'](X, T(sq(g)), GW, GB, fin, *geo, 1)
    np.testing.assert_allclose(gi.arr(), sq(gx), atol=1e-10)
    np.testing.assert_allclose(GW.arr(), gw, atol=1e-10)
    np.testing.assert_allclose(GB.arr(), gb, atol=1e-10)


def ref_full_conv(x, w, b, s, p, adj):
    """Transposed convolution: every input pixel adds w[c] times itself into the output."""
    N, C, H, W = x.shape
    kh, kw = w.shape[2:]
    oh, ow = (H - 1) * s[0] - 2 * p[0] + kh + adj[0], (W - 1) * s[1] - 2 * p[1] + kw + adj[1]
    yp = np.zeros((N, w.shape[1], oh + 2 * p[0] + kh, ow + 2 * p[1] + kw))
    for i in range(H):
        for j in range(W):
            yp[:, :, i * s[0]:i * s[0] + kh, j * s[1]:j * s[1] + kw] += np.tensordot(
                x[:, :, i, j], w, axes=(1, 0))
    y = yp[:, :, p[0]:p[0] + oh, p[1]:p[1] + ow]
    return y + b.reshape(1, -1, 1, 1)


@pytest.mark.parametrize('batch', [False, True])
def test_full_convolution(batch):
    x = RNG.standard_normal((2, 3, 4, 5))
    w = RNG.standard_normal((3, 2, 3, 4))
    b = RNG.standard_normal(2)
    s, p, adj = (2, 3), (1, 1), (1, 2)
    y = ref_full_conv(x, w, b, s, p, adj)
    g = RNG.standard_normal(y.shape)
    # the transposed convolution's adjoint is the convolution: gradInput = conv(g, w)
    gx = ref_conv(g, w, None, s, p, (1, 1))
    gw = ref_conv_grads(g, w, x, s, p, (1, 1))[1]     # d<x, conv(g, w)>/dw
    if not batch:
        x, y, g, gx = x[0], y[0], g[0], gx[0]
        gw = ref_conv_grads(g[None], w, x[None], s, p, (1, 1))[1]
    out, gi = empty(types.Double), empty(types.Double)
    geo = (4, 3, 3, 2, 1, 1, 2, 1)                    # kW, kH, dW, dH, padW, padH, adjW, adjH
    K['SpatialFullConvolution_updateOutput'](T(x), out, T(w), T(b), None, None, *geo)
    np.testing.assert_allclose(out.arr(), y, atol=1e-10)
    K['SpatialFullConvolution_updateGradInput'](T(x), T(g), gi, T(w), None, *geo)
    np.testing.assert_allclose(gi.arr(), gx, atol=1e-10)
    GW, GB = T(np.zeros_like(w)), T(np.zeros(2))
    K['SpatialFullConvolution_accGradParameters'](T(x), T(g), GW, GB, None, None, *geo, 2)
    np.testing.assert_allclose(GW.arr(), 2 * gw, atol=1e-10)
    np.testing.assert_allclose(GB.arr(), 2 * g.sum(axis=tuple(i for i in range(g.ndim) if i != g.ndim - 3)),
                               atol=1e-10)


@pytest.mark.parametrize('batch', [False, True])
def test_temporal_convolution(batch):
    x = RNG.standard_normal((2, 9, 3))            # (N, T, F)
    w = RNG.standard_normal((4, 2 * 3))           # (out, kW * F)
    b = RNG.standard_normal(4)
    kW, dW = 2, 3
    n = (9 - kW) // dW + 1
    y = np.stack([x[:, t * dW:t * dW + kW].reshape(2, -1) @ w.T + b for t in range(n)], 1)
    g = RNG.standard_normal(y.shape)
    gx = np.zeros_like(x)
    for t in range(n):
        gx[:, t * dW:t * dW + kW] += (g[:, t] @ w).reshape(2, kW, 3)
    gw = sum(g[:, t].T @ x[:, t * dW:t * dW + kW].reshape(2, -1) for t in range(n))
    if not batch:
        x, y, g, gx = x[0], y[0], g[0], gx[0]
        gw = sum(np.outer(g[t], x[t * dW:t * dW + kW].reshape(-1)) for t in range(n))
    out, gi = empty(types.Double), empty(types.Double)
    K['TemporalConvolution_updateOutput'](T(x), out, T(w), T(b), kW, dW, 3, 4)
    np.testing.assert_allclose(out.arr(), y, atol=1e-12)
    K['TemporalConvolution_updateGradInput'](T(x), T(g), gi, T(w), kW, dW)
    np.testing.assert_allclose(gi.arr(), gx, atol=1e-12)
    GW, GB = T(np.zeros_like(w)), T(np.zeros(4))
    K['TemporalConvolution_accGradParameters'](T(x), T(g), GW, GB, kW, dW, 1)
    np.testing.assert_allclose(GW.arr(), gw, atol=1e-12)
    with pytest.raises(TorchError, match='invalid input frame size'):
        K['TemporalConvolution_updateOutput'](T(np.zeros((5, 2))), out, T(w), T(b), kW, dW, 3, 4)
    with pytest.raises(TorchError, match='input sequence smaller than kernel size'):
        K['TemporalConvolution_updateOutput'](T(np.zeros((1, 3))), out, T(w), T(b), kW, dW, 3, 4)
