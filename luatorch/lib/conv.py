"""Convolutions of maths.md: conv2, xcorr2, conv3, xcorr3 with 'V' (valid) or 'F' (full) mode.

Forms, by the dimensions of input x and kernel k (n = 2 or 3 spatial dimensions):
  x nD,     k nD       -> one image with one kernel (TH's convNDmul)
  x (n+1)D, k (n+1)D   -> plane i of x with kernel i (convNDcmul)
  x (n+1)D, k (n+2)D   -> out[q] = sum_p x[p] * k[q][p] (convNDmv)
A convolution flips the kernel; a cross-correlation (xcorr) does not. A full convolution is the
valid one of the input padded with kernel-size - 1 zeros on every side.
"""
import numpy as np

from .blas import invalid, same_type, store, values
from .errors import TorchError
from .registry import torch_op

_TH_NAMES = {2: 'conv2D', 3: 'conv3D'}


def _windows(x, ksize, nsp):
    """Sliding windows over the last nsp axes: shape x.shape[:-nsp] + out + ksize."""
    return np.lib.stride_tricks.sliding_window_view(x, ksize, axis=tuple(range(x.ndim - nsp, x.ndim)))


def _pad_full(x, ksize, nsp):
    pad = [(0, 0)] * (x.ndim - nsp) + [(k - 1, k - 1) for k in ksize]
    return np.pad(x, pad)


def convolve(x, k, nsp, mode, kind):
    """Numpy arrays x, k of one of the three forms -> the result array."""
    if kind == 'C':
        k = np.flip(k, axis=tuple(range(k.ndim - nsp, k.ndim)))
    ksize = k.shape[-nsp:]
    if mode == 'F':
        x = _pad_full(x, ksize, nsp)
    w = _windows(x, ksize, nsp)
    sp = 'abc'[:nsp]
    ks = 'uvw'[:nsp]
    if x.ndim == nsp and k.ndim == nsp:
        return np.tensordot(w, k, axes=nsp)
    if x.ndim == nsp + 1 and k.ndim == nsp + 1:
        return np.einsum('p%s%s,p%s->p%s' % (sp, ks, ks, sp), w, k)
    # k: q x p x kernel; w: p x out x kernel
    axes_k = [1] + list(range(2, 2 + nsp))
    axes_w = [0] + list(range(1 + nsp, 1 + 2 * nsp))
    return np.tensordot(k, w, axes=(axes_k, axes_w))


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
