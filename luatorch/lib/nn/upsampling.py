"""Spatial up-sampling: nearest neighbour (integer scale) and bilinear (corners aligned).

Bilinear interpolation is separable: output = Mh @ input @ Mw^T with two small interpolation
matrices (weights computed as Torch does, the source coordinate in single precision); the
gradient is Mh^T @ gradOutput @ Mw.
"""
from functools import lru_cache

import numpy as np

from . import kernel
from ._util import out
from .conv import _dev, _shape_str
from .. import xp as _xp
from ..errors import TorchError


def _nearest_check(input, gradOutput, s):
    if s <= 1:
        raise TorchError('scale_factor must be greater than 1, but got: %d' % s)
    if input.dim() not in (3, 4):
        raise TorchError('3D or 4D input tensor expected but got: %s' % _shape_str(input.size))
    want = tuple(input.size[:-2]) + (input.size[-2] * s, input.size[-1] * s)
    if gradOutput is not None and tuple(gradOutput.size) != want:
        raise TorchError('Need gradOutput of size %s but got gradOutput to be of shape: %s'
                         % (_shape_str(want), _shape_str(gradOutput.size)))
    return want


@kernel
def SpatialUpSamplingNearest_updateOutput(input, output, scale_factor):
    s = int(scale_factor)
    want = _nearest_check(input, None, s)
    H, W = input.size[-2:]
    y = out(output, want)
    y.reshape((-1, H, s, W, s))[...] = input.arr().reshape(-1, H, 1, W, 1)


@kernel
def SpatialUpSamplingNearest_updateGradInput(input, gradOutput, gradInput, scale_factor):
    s = int(scale_factor)
    _nearest_check(input, gradOutput, s)
    H, W = input.size[-2:]
    gi = out(gradInput, input.size)
    g = gradOutput.arr().reshape(-1, H, s, W, s)
    r = gi.reshape(-1, H, W)
    if type(r) is not np.ndarray:
        np.sum(g, axis=(2, 4), out=r)
        return
    # THNN: from zero, += each of the s x s outputs, row by row (real maths)
    r[...] = 0
    for y in range(s):
        for x in range(s):
            r += g[:, :, y, :, x]


@lru_cache(maxsize=256)
def _interp_matrix(n_in, n_out, dtype):
    """(n_out, n_in) bilinear interpolation weights, corners aligned (Torch's float maths)."""
    m = np.zeros((n_out, n_in), dtype)
    if n_in == n_out:
        m[np.arange(n_out), np.arange(n_out)] = 1
        return m
    f = np.float32
    r = f(n_in - 1) / f(n_out - 1) if n_out > 1 else f(0)
    src = r * np.arange(n_out, dtype=f)
    i0 = src.astype(np.int64)
    i1 = i0 + (i0 < n_in - 1)
    lam1 = (src - i0).astype(dtype)
    lam0 = (1 - lam1).astype(dtype)
    j = np.arange(n_out)
    m[j, i0] += lam0
    m[j, i1] += lam1
    return m


def _bilinear_check(input, oH, oW):
    if input.dim() != 4:
        raise TorchError('4D input tensor expected but got: %s' % _shape_str(input.size))
    H, W = input.size[-2:]
    if not (H > 0 and W > 0 and oH > 0 and oW > 0):
        raise TorchError('input and output sizes should be greater than 0, but got input (H: %d, '
                         'W: %d) output (H: %d, W: %d)' % (H, W, oH, oW))


@lru_cache(maxsize=256)
def _interp_taps(n_in, n_out, dtype):
    """THNN's per-output source index i0, step to the next one (0 at the last) and the weights
    lambda1 = src - i0, lambda0 = 1 - lambda1 (src = float ratio * index in float)."""
    f = np.float32
    r = f(n_in - 1) / f(n_out - 1) if n_out > 1 else f(0)
    src = r * np.arange(n_out, dtype=f)
    i0 = src.astype(np.int64)
    step = (i0 < n_in - 1).astype(np.int64)
    lam1 = (src - i0.astype(f)).astype(dtype)
    lam0 = (dtype.type(1) - lam1).astype(dtype)
    return i0, step, lam0, lam1


@kernel
def SpatialUpSamplingBilinear_updateOutput(input, output, oH, oW):
    _bilinear_check(input, oH, oW)
    x = input.arr()
    if type(x) is not np.ndarray:
        return _bilinear_forward_device(input, output, oH, oW)
    H, W = input.size[-2:]
    y = out(output, input.size[:-2] + (oH, oW))
    if H == oH and W == oW:
        y[...] = x
        return
    # y = h0 * (w0 * x00 + w1 * x01) + h1 * (w0 * x10 + w1 * x11) (real maths)
    h0i, hs, h0l, h1l = _interp_taps(H, oH, x.dtype)
    w0i, ws, w0l, w1l = _interp_taps(W, oW, x.dtype)
    h1i, w1i = h0i + hs, w0i + ws
    rows0, rows1 = x[:, :, h0i], x[:, :, h1i]
    top = rows0[:, :, :, w0i] * w0l
    top += rows0[:, :, :, w1i] * w1l
    bot = rows1[:, :, :, w0i] * w0l
    bot += rows1[:, :, :, w1i] * w1l
    top *= h0l[:, None]
    bot *= h1l[:, None]
    np.add(top, bot, out=y)


@kernel
def SpatialUpSamplingBilinear_updateGradInput(gradOutput, gradInput, N, C, H, W, oH, oW):
    want = (N, C, oH, oW)
    if tuple(gradOutput.size) != want:
        raise TorchError('Need gradOutput of size %s but got gradOutput to be of shape: %s'
                         % (_shape_str(want), _shape_str(gradOutput.size)))
    g = gradOutput.arr()
    if type(g) is not np.ndarray:
        return _bilinear_backward_device(gradOutput, gradInput, N, C, H, W, oH, oW)
    gi = out(gradInput, (N, C, H, W))
    if H == oH and W == oW:
        np.add(g, g.dtype.type(0), out=gi)          # 0 + g
        return
    # THNN: gradInput from zero; for each output (row by row) its four taps, in the order
    # (h0, w0), (h0, w0 + 1), (h0 + 1, w0), (h0 + 1, w0 + 1), get += (h * w) * g (real maths)
    h0i, hs, h0l, h1l = _interp_taps(H, oH, g.dtype)
    w0i, ws, w0l, w1l = _interp_taps(W, oW, g.dtype)
    hi = np.stack([h0i, h0i, h0i + hs, h0i + hs], 1)              # (oH, 4)
    wi = np.stack([w0i, w0i + ws, w0i, w0i + ws], 1)              # (oW, 4)
    hl = np.stack([h0l, h0l, h1l, h1l], 1)
    wl = np.stack([w0l, w1l, w0l, w1l], 1)
    target = (hi[:, None, :] * W + wi[None, :, :]).reshape(-1)     # (oH, oW, 4) flat
    weight = (hl[:, None, :] * wl[None, :, :]).reshape(-1)
    gv = g.reshape(N * C, oH * oW).T                               # (oH*oW, NC)
    vals = gv[:, None, :] * weight.reshape(-1, 4)[:, :, None]       # (oH*oW, 4, NC)
    acc = np.zeros((H * W, N * C), g.dtype)
    np.add.at(acc, target, vals.reshape(-1, N * C))
    gi[...] = acc.T.reshape(N, C, H, W)


def _bilinear_forward_device(input, output, oH, oW):
    _bilinear_check(input, oH, oW)
    x = _xp.ascontiguous(input.arr())
    H, W = input.size[-2:]
    mh = _dev(_interp_matrix(H, oH, x.dtype), x)
    mw = _dev(_interp_matrix(W, oW, x.dtype), x)
    y = out(output, input.size[:-2] + (oH, oW))
    np.matmul(np.matmul(mh, x), mw.T, out=y)


def _bilinear_backward_device(gradOutput, gradInput, N, C, H, W, oH, oW):
    want = (N, C, oH, oW)
    if tuple(gradOutput.size) != want:
        raise TorchError('Need gradOutput of size %s but got gradOutput to be of shape: %s'
                         % (_shape_str(want), _shape_str(gradOutput.size)))
    g = _xp.ascontiguous(gradOutput.arr())
    mh = _dev(_interp_matrix(H, oH, g.dtype), g)
    mw = _dev(_interp_matrix(W, oW, g.dtype), g)
    gi = out(gradInput, (N, C, H, W))
    np.matmul(np.matmul(mh.T, g), mw, out=gi)
