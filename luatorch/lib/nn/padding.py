"""Spatial padding: zero, reflection and replication (negative pads crop).

Reflection/replication are a gather through per-axis index maps; their gradients scatter back
with bincount (a border pixel receives from several output positions).
"""
from functools import lru_cache

import numpy as np

from . import kernel
from ._util import out
from .conv import _arange, _dev, _shape_str
from ..errors import TorchError


def _check(input, what='3D or 4D (batch mode) tensor expected for input, but got: %s'):
    if input.dim() not in (3, 4):
        raise TorchError(what % _shape_str(input.size) if '%s' in what else what)


def _sizes(input, l, r, t, b):
    H, W = input.size[-2:]
    oH, oW = H + t + b, W + l + r
    if oW < 1 or oH < 1:
        raise TorchError('input (H: %d, W: %d)is too small. Calculated output H: %d W: %d'
                         % (H, W, oH, oW))
    return H, W, oH, oW


def _crop(n, lo, hi):
    """(input slice, output slice) along one axis for pads lo/hi (negative = crop)."""
    i0, o0 = max(0, -lo), max(0, lo)
    m = n - i0 - max(0, -hi)
    return slice(i0, i0 + m), slice(o0, o0 + m)


@kernel
def SpatialZeroPadding_updateOutput(input, output, pad_l, pad_r, pad_t, pad_b):
    _check(input, 'input must be 3 or 4-dimensional')
    H, W = input.size[-2:]
    oH, oW = H + pad_t + pad_b, W + pad_l + pad_r
    if oW < 1 or oH < 1:
        raise TorchError('input is too small')
    y = out(output, input.size[:-2] + (oH, oW))
    y[...] = 0
    ih, oh = _crop(H, pad_t, pad_b)
    iw, ow = _crop(W, pad_l, pad_r)
    y[..., oh, ow] = input.arr()[..., ih, iw]


@kernel
def SpatialZeroPadding_updateGradInput(input, gradOutput, gradInput, pad_l, pad_r, pad_t, pad_b):
    _check(input, 'input must be 3 or 4-dimensional')
    H, W = input.size[-2:]
    gi = out(gradInput, input.size)
    gi[...] = 0
    ih, oh = _crop(H, pad_t, pad_b)
    iw, ow = _crop(W, pad_l, pad_r)
    gi[..., ih, iw] = gradOutput.arr()[..., oh, ow]


def _reflect_map(n, lo, on):
    j = np.arange(on)
    i0, o0 = max(0, -lo), max(0, lo)
    ip = np.where(j < lo, lo * 2 - j, np.where(j < n + lo, j, (n + lo - 1) * 2 - j))
    return ip - o0 + i0


def _replicate_map(n, lo, on):
    j = np.arange(on)
    i0, o0 = max(0, -lo), max(0, lo)
    ip = np.where(j < lo, lo, np.where(j < n + lo, j, n + lo - 1))
    return ip - o0 + i0


@lru_cache(maxsize=256)
def _maps(kind, H, W, l, t, oH, oW):
    """The input row and column of each output row and column (host arrays, cached)."""
    f = _reflect_map if kind == 'reflect' else _replicate_map
    my, mx = f(H, t, oH), f(W, l, oW)
    if my.size and (my.min() < 0 or my.max() >= H) or mx.size and (mx.min() < 0 or mx.max() >= W):
        raise TorchError('padding size should be less than the corresponding input dimension, '
                         'but got: padding (%d, %d) at dimension of input (H: %d, W: %d)'
                         % (l, t, H, W))
    return my, mx


@lru_cache(maxsize=256)
def _flat_positions(kind, H, W, l, t, oH, oW):
    """Flat input position of each output pixel of a plane (host array, cached)."""
    my, mx = _maps(kind, H, W, l, t, oH, oW)
    return (my[:, None] * W + mx[None, :]).reshape(-1)


def _pad_forward(kind, input, output, l, r, t, b):
    _check(input)
    H, W, oH, oW = _sizes(input, l, r, t, b)
    my, mx = _maps(kind, H, W, l, t, oH, oW)
    x = input.arr()
    y = out(output, input.size[:-2] + (oH, oW))
    y[...] = x[..., _dev(my, x)[:, None], _dev(mx, x)[None, :]]


def _pad_backward(kind, input, gradOutput, gradInput, l, r, t, b):
    _check(input)
    H, W, oH, oW = _sizes(input, l, r, t, b)
    if tuple(gradOutput.size[-2:]) != (oH, oW):
        raise TorchError('gradOutput width unexpected. Expected: %d, Got: %d'
                         % (oW, gradOutput.size[-1]) if gradOutput.size[-1] != oW else
                         'gradOutput height unexpected. Expected: %d, Got: %d'
                         % (oH, gradOutput.size[-2]))
    my, mx = _maps(kind, H, W, l, t, oH, oW)
    B = input.nelement() // (H * W)
    g = gradOutput.arr()
    flat = _flat_positions(kind, H, W, l, t, oH, oW)
    pos = _dev(flat, g).reshape(1, -1) + (_arange(g, B) * (H * W))[:, None]
    gi = np.bincount(pos.reshape(-1), g.reshape(-1), minlength=B * H * W).astype(g.dtype, copy=False)
    out(gradInput, input.size)[...] = gi.reshape(input.size)


@kernel
def SpatialReflectionPadding_updateOutput(input, output, pad_l, pad_r, pad_t, pad_b):
    _pad_forward('reflect', input, output, pad_l, pad_r, pad_t, pad_b)


@kernel
def SpatialReflectionPadding_updateGradInput(input, gradOutput, gradInput, pad_l, pad_r, pad_t,
                                             pad_b):
    _pad_backward('reflect', input, gradOutput, gradInput, pad_l, pad_r, pad_t, pad_b)


@kernel
def SpatialReplicationPadding_updateOutput(input, output, pad_l, pad_r, pad_t, pad_b):
    _pad_forward('replicate', input, output, pad_l, pad_r, pad_t, pad_b)


@kernel
def SpatialReplicationPadding_updateGradInput(input, gradOutput, gradInput, pad_l, pad_r, pad_t,
                                              pad_b):
    _pad_backward('replicate', input, gradOutput, gradInput, pad_l, pad_r, pad_t, pad_b)
