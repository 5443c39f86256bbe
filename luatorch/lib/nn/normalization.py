"""Normalisation: BatchNormalization (any number of trailing dims) and SpatialCrossMapLRN."""
from functools import lru_cache

import numpy as np

from . import kernel
from ._util import out
from .conv import _dev, _zeros
from ..errors import TorchError


def _axes(x):
    return (0,) + tuple(range(2, x.ndim))


def _bshape(x):
    """Shape that broadcasts a per-feature vector against x (N, C, ...)."""
    return (x.shape[1],) + (1,) * (x.ndim - 2)


@kernel
def BatchNormalization_updateOutput(input, output, weight, bias, running_mean, running_var,
                                    save_mean, save_std, train, momentum, eps):
    x = input.arr()
    if x.ndim == 1:
        raise TorchError('BatchNormalization: input must have a batch dimension')
    C = x.shape[1]
    n = x.size // C
    axes = _axes(x)
    bs = _bshape(x)
    acc = np.float64
    if train:
        mean = x.mean(axes, dtype=acc)
        xc = x - mean.astype(x.dtype).reshape(bs)
        ssum = (xc * xc).sum(axes, dtype=acc)
        with np.errstate(divide='ignore'):
            invstd = np.where((ssum == 0) & (eps == 0), 0.0, 1.0 / np.sqrt(ssum / n + eps))
        out(save_mean, (C,))[...] = mean
        out(save_std, (C,))[...] = invstd
        rm = running_mean.arr()
        rm *= (1 - momentum)
        rm += momentum * mean
        rv = running_var.arr()
        rv *= (1 - momentum)
        rv += momentum * ssum / max(n - 1, 1)
    else:
        mean = running_mean.arr().astype(acc)
        invstd = 1.0 / np.sqrt(running_var.arr().astype(acc) + eps)
    scale = invstd if weight is None else invstd * weight.arr()
    shift = -mean * scale
    if bias is not None:
        shift = shift + bias.arr()
    y = out(output, input.size)
    np.multiply(x, scale.astype(x.dtype).reshape(bs), out=y)
    y += shift.astype(x.dtype).reshape(bs)


@kernel
def BatchNormalization_backward(input, gradOutput, gradInput, gradWeight, gradBias, weight,
                                running_mean, running_var, save_mean, save_std, train, scale, eps):
    x = input.arr()
    g = gradOutput.arr()
    if tuple(input.size) != tuple(gradOutput.size):
        raise TorchError('input and gradOutput shapes do not match: input [%s], gradOutput [%s]' % (
            ' x '.join(map(str, input.size)), ' x '.join(map(str, gradOutput.size))))
    C = x.shape[1]
    n = x.size // C
    axes = _axes(x)
    bs = _bshape(x)
    acc = np.float64
    if train:
        mean = save_mean.arr().astype(acc)
        invstd = save_std.arr().astype(acc)
    else:
        mean = running_mean.arr().astype(acc)
        invstd = 1.0 / np.sqrt(running_var.arr().astype(acc) + eps)
    xc = x - mean.astype(x.dtype).reshape(bs)
    gsum = g.sum(axes, dtype=acc)
    dotp = (xc * g).sum(axes, dtype=acc)
    w = 1.0 if weight is None else weight.arr().astype(acc)
    if gradInput is not None:
        gi = out(gradInput, input.size)
        if train:
            k = dotp * invstd * invstd / n
            np.multiply(xc, (-k).astype(x.dtype).reshape(bs), out=gi)
            gi += g
            gi -= (gsum / n).astype(x.dtype).reshape(bs)
            gi *= (invstd * w).astype(x.dtype).reshape(bs)
        else:
            np.multiply(g, (invstd * w).astype(x.dtype).reshape(bs), out=gi)
    if gradWeight is not None:
        gradWeight.arr().__iadd__(scale * dotp * invstd)
    if gradBias is not None:
        gradBias.arr().__iadd__(scale * gsum)


# ----------------------------------------------------------------------------- LRN

@lru_cache(maxsize=64)
def _window_bounds(C, lo, hi):
    return np.minimum(np.arange(C) + hi + 1, C), np.maximum(np.arange(C) - lo, 0)


def _window_sum(a, lo, hi):
    """Sum over channels c-lo..c+hi (clipped) along axis 1 of a (N, C, ...)."""
    C = a.shape[1]
    cs = _zeros(a, (a.shape[0], C + 1) + a.shape[2:])
    np.cumsum(a, axis=1, out=cs[:, 1:])
    top, bot = _window_bounds(C, lo, hi)
    return cs[:, _dev(top, a)] - cs[:, _dev(bot, a)]


def _lrn_check(input):
    if input.dim() not in (3, 4):
        raise TorchError('Input must be 3D or 4D')


@kernel
def SpatialCrossMapLRN_updateOutput(input, output, scale, size, alpha, beta, k):
    _lrn_check(input)
    x = input.arr()
    xb = x if x.ndim == 4 else x[None]
    lo = (size - 1) // 2
    hi = size - 1 - lo
    sc = out(scale, xb.shape)
    sc[...] = _window_sum(xb * xb, lo, hi)
    sc *= alpha / size
    sc += k
    y = out(output, input.size)
    np.power(sc.reshape(x.shape), -beta, out=y)
    y *= x


@kernel
def SpatialCrossMapLRN_updateGradInput(input, gradOutput, gradInput, scale, output, size, alpha,
                                       beta, k):
    _lrn_check(input)
    x = input.arr()
    sh = (1,) + x.shape if x.ndim == 3 else x.shape
    xb = x.reshape(sh)
    g = gradOutput.arr().reshape(sh)
    sc = scale.arr().reshape(sh)
    y = output.arr().reshape(sh)
    lo = (size - 1) // 2
    hi = size - 1 - lo
    ratio = g * y / sc
    acc = _window_sum(ratio, hi, lo)
    gi = out(gradInput, input.size).reshape(sh)
    np.power(sc, -beta, out=gi)
    gi *= g
    acc *= xb
    acc *= 2.0 * alpha * beta / size
    gi -= acc
