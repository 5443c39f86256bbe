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
    np.sum(g, axis=(2, 4), out=gi.reshape(-1, H, W))


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


@kernel
def SpatialUpSamplingBilinear_updateOutput(input, output, oH, oW):
    _bilinear_check(input, oH, oW)
    x = _xp.ascontiguous(input.arr())
    H, W = input.size[-2:]
    mh = _dev(_interp_matrix(H, oH, x.dtype), x)
    mw = _dev(_interp_matrix(W, oW, x.dtype), x)
    y = out(output, input.size[:-2] + (oH, oW))
    np.matmul(np.matmul(mh, x), mw.T, out=y)


@kernel
def SpatialUpSamplingBilinear_updateGradInput(gradOutput, gradInput, N, C, H, W, oH, oW):
    want = (N, C, oH, oW)
    if tuple(gradOutput.size) != want:
        raise TorchError('Need gradOutput of size %s but got gradOutput to be of shape: %s'
                         % (_shape_str(want), _shape_str(gradOutput.size)))
    g = _xp.ascontiguous(gradOutput.arr())
    mh = _dev(_interp_matrix(H, oH, g.dtype), g)
    mw = _dev(_interp_matrix(W, oW, g.dtype), g)
    gi = out(gradInput, (N, C, H, W))
    np.matmul(np.matmul(mh.T, g), mw, out=gi)
