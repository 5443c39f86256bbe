"""Convolutions of maths.md: conv2, xcorr2, conv3, xcorr3 with 'V' (valid) or 'F' (full) mode.

Forms, by the dimensions of input x and kernel k (n = 2 or 3 spatial dimensions):
  x nD,     k nD       -> one image with one kernel (TH's convNDmul)
  x (n+1)D, k (n+1)D   -> plane i of x with kernel i (convNDcmul)
  x (n+1)D, k (n+2)D   -> out[q] = sum_p x[p] * k[q][p] (convNDmv)
A convolution flips the kernel; a cross-correlation (xcorr) does not. A full convolution is the
valid one of the input padded with kernel-size - 1 zeros on every side.
"""
import itertools

import numpy as np

from . import xp as _xp
from .blas import invalid, same_type, store, values
from .errors import TorchError
from .registry import torch_op

_TH_NAMES = {2: 'conv2D', 3: 'conv3D'}


def _flip(k, nsp):
    return k[(Ellipsis,) + (slice(None, None, -1),) * nsp]


def _bcast(w, p, nsp):
    """Kernel value(s) at position p, shaped to multiply a slice (leading dims kept)."""
    return w[(Ellipsis,) + p][(Ellipsis,) + (None,) * nsp]


def _valid(out, x, w, nsp):
    """out += valid cross-correlation of x with w, one kernel position after the other in
    row-major order: every output element accumulates its products in TH's loop order."""
    osz = out.shape[-nsp:]
    for p in np.ndindex(*w.shape[-nsp:]):
        xs = x[(Ellipsis,) + tuple(slice(q, q + n) for q, n in zip(p, osz))]
        out += _bcast(w, p, nsp) * xs


def _full(out, x, w, nsp, order):
    """out += full convolution of x with w (TH's outer-product loops); `order` gives the
    direction (+1 / -1) in which each kernel axis is walked, matching TH's accumulation order."""
    isz = x.shape[-nsp:]
    ranges = [range(k) if o > 0 else range(k - 1, -1, -1) for k, o in zip(w.shape[-nsp:], order)]
    for p in itertools.product(*ranges):
        out[(Ellipsis,) + tuple(slice(q, q + n) for q, n in zip(p, isz))] += _bcast(w, p, nsp) * x


def convolve(x, k, nsp, mode, kind):
    """Numpy arrays x, k of one of the three forms -> the result array, bit for bit as TH's
    conv2D*/conv3D* (THTensorConv.c) compute it: the same products summed in the same order."""
    full = mode == 'F'
    # valid: TH walks the flipped kernel for a convolution; full: for a cross-correlation
    w = _flip(k, nsp) if (kind == 'C') != full else k
    isz, ksz = x.shape[-nsp:], k.shape[-nsp:]
    osz = tuple(i + j - 1 if full else i - j + 1 for i, j in zip(isz, ksz))
    if full:
        # 2-D: TH's vectorised loop (input width >= 4) walks kernel rows backwards, columns
        # forwards; its scalar loop and the 3-D one walk every axis backwards
        order = (-1, 1) if nsp == 2 and isz[-1] >= 4 else (-1,) * nsp
        acc = lambda o, a, b: _full(o, a, b, nsp, order)  # noqa: E731
        per_plane = False
    else:
        acc = lambda o, a, b: _valid(o, a, b, nsp)  # noqa: E731
        # TH's scalar loops (3-D, or 2-D with fewer than 4 output columns) sum each plane's
        # products apart and add that sum to the output
        per_plane = nsp == 3 or osz[-1] < 4
    zeros = _xp.module_of(x).zeros
    if x.ndim == k.ndim:                 # mul / cmul: one kernel per plane
        out = zeros(x.shape[:-nsp] + osz, np.result_type(x.dtype, k.dtype))
        acc(out, x, w)
        return out
    # mv: out[q] = sum over input planes p of x[p] * k[q][p], plane after plane
    out = zeros((k.shape[0],) + osz, np.result_type(x.dtype, k.dtype))
    for p in range(x.shape[0]):
        if per_plane:
            s = np.zeros_like(out)
            acc(s, x[p], w[:, p])
            out += s
        else:
            acc(out, x[p], w[:, p])
    return out


def _conv(name, nsp, kind, res, x, k, mode='V'):
    args = ((res,) if res is not None else ()) + (x, k) + ((mode,) if mode != 'V' else ())
    tt = same_type(name, args)
    if mode not in ('V', 'F'):
        raise invalid(name, args, '')
    dx, dk = len(x.size), len(k.size)
    if (dx, dk) == (nsp, nsp):
        form = 'mul'
    elif (dx, dk) == (nsp + 1, nsp + 1):
        form = 'cmul'
    elif (dx, dk) == (nsp + 1, nsp + 2):
        form = 'mv'
    else:
        raise invalid(name, args, '')
    thname = _TH_NAMES[nsp] + form
    isz = x.size[-nsp:]
    ksz = k.size[-nsp:]
    if form == 'cmul' and x.size[0] != k.size[0]:
        raise TorchError("bad argument #2 to '%s' (invalid number of input/kernel planes)" % name)
    if form == 'mv' and k.size[1] != x.size[0]:
        raise TorchError("bad argument #2 to '%s' (invalid number of input planes)" % name)
    if mode == 'V' and any(i < j for i, j in zip(isz, ksz)):
        raise TorchError("bad argument #2 to '%s' (%s : Input image is smaller than kernel)"
                         % (name, thname))
    out = convolve(values(x), values(k), nsp, mode, kind)
    return store(res, tt, out)


@torch_op('conv2', 'tt', 'tts', inplace=False)
def conv2(res, x, k, mode='V'):
    return _conv('conv2', 2, 'C', res, x, k, mode)


@torch_op('xcorr2', 'tt', 'tts', inplace=False)
def xcorr2(res, x, k, mode='V'):
    return _conv('xcorr2', 2, 'X', res, x, k, mode)


@torch_op('conv3', 'tt', 'tts', inplace=False)
def conv3(res, x, k, mode='V'):
    return _conv('conv3', 3, 'C', res, x, k, mode)


@torch_op('xcorr3', 'tt', 'tts', inplace=False)
def xcorr3(res, x, k, mode='V'):
    return _conv('xcorr3', 3, 'X', res, x, k, mode)


__all__ = ['convolve', 'conv2', 'xcorr2', 'conv3', 'xcorr3']
