"""Normalisation: BatchNormalization (any number of trailing dims) and SpatialCrossMapLRN."""
from functools import lru_cache

import numpy as np

from . import kernel
from ._util import out, seq_rows
from .conv import _dev, _host, _zeros, parallel
from .simple import seq_sum
from ..errors import TorchError
from ..pointwise import th_pow


def _axes(x):
    return (0,) + tuple(range(2, x.ndim))


def _bshape(x):
    """Shape that broadcasts a per-feature vector against x (N, C, ...)."""
    return (x.shape[1],) + (1,) * (x.ndim - 2)


def _per_feature(a):
    """(N, C, S) view of an (N, C, ...) array."""
    return a.reshape(a.shape[0], a.shape[1], -1)


# The host passes go over the batch a block of samples at a time, so that the steps of a pass
# find a block's planes (about this many elements) still in cache
_BLOCK = 1 << 16


def _blocks(lo, hi, per):
    """(start, stop) blocks of the samples lo..hi-1 (per: elements of one sample)."""
    step = max(1, _BLOCK // max(per, 1))
    return [(b, min(hi, b + step)) for b in range(lo, hi, step)]


def _feature_sums(N, C, S, terms, k):
    """THNN's per-feature accreal sums of k arrays: terms(lo, hi, f) gives them for samples
    lo..hi-1 and the features f (a slice), each (hi - lo, features, S). Each feature's elements
    are added one by one, sample by sample in memory order, into a double that starts at +0, as
    its TH_TENSOR_APPLY loop does: a block's elements are laid out as rows of the features (one
    row per sample and position) under a row holding the sums so far, and the rows are added
    one after another, every column at once (_util.seq_rows). Returns k float64 arrays (C,)."""
    sums = np.zeros((k, C))

    def part(c0, c1):
        c = c1 - c0
        if c == 0:
            return
        f = slice(c0, c1)
        acc = np.zeros(k * c)
        for lo, hi in _blocks(0, N, C * S):
            rows = np.empty((1 + (hi - lo) * S, k * c))
            rows[0] = acc
            body = rows[1:].reshape(hi - lo, S, k * c)
            for j, a in enumerate(terms(lo, hi, f)):
                body[:, :, j * c:(j + 1) * c] = a.transpose(0, 2, 1)
            acc = seq_rows(rows, False)
        sums[:, c0:c1] = acc.reshape(k, c)

    parallel(part, C, k * N * C * S)
    return sums


def _sweep(N, per, fn):
    """fn(lo, hi) over blocks of the N samples (per: elements of one), split between threads."""
    parallel(lambda lo, hi: [fn(b, e) for b, e in _blocks(lo, hi, per)], N, N * per)


def _col(v, dtype):
    return np.asarray(v, dtype)[:, None]


@kernel
def BatchNormalization_updateOutput(input, output, weight, bias, running_mean, running_var,
                                    save_mean, save_std, train, momentum, eps):
    x = input.arr()
    if x.ndim == 1:
        raise TorchError('BatchNormalization: input must have a batch dimension')
    if not _host(x):
        return _bn_forward_device(input, output, weight, bias, running_mean, running_var,
                                  save_mean, save_std, train, momentum, eps)
    # THNN's loop per feature f, `real` the element type, `accreal` double:
    #   mean = (real) sum / n; invstd = (real) (1 / sqrt(sum((x - mean)^2) / n + eps));
    #   running = (real) (momentum * stat + (1 - momentum) * running);
    #   y = (real) (((x - mean) * invstd) * w + b), w = 1 and b = 0 without affine.
    rt = x.dtype.type
    C = x.shape[1]
    n = x.size // C
    xs = _per_feature(x)
    N, S = xs.shape[0], xs.shape[2]
    f64 = np.float64
    if train:
        (s,) = _feature_sums(N, C, S, lambda lo, hi, f: (xs[lo:hi, f],), 1)
        mean = s.astype(rt) / rt(n)
        mc = _col(mean, rt)

        def squares(lo, hi, f):
            d = xs[lo:hi, f] - mc[f]
            d *= d
            return (d,)
        (ssum,) = _feature_sums(N, C, S, squares, 1)
        with np.errstate(divide='ignore', invalid='ignore'):
            invstd = (1 / np.sqrt(ssum / n + eps)).astype(rt)
            if eps == 0:
                invstd[ssum == 0] = 0
            unbiased = ssum / (n - 1)
        out(save_mean, (C,))[...] = mean
        out(save_std, (C,))[...] = invstd
        rm = running_mean.arr()
        rm[...] = momentum * mean.astype(f64) + (1 - momentum) * rm.astype(f64)
        rv = running_var.arr()
        rv[...] = momentum * unbiased + (1 - momentum) * rv.astype(f64)
    else:
        mean = running_mean.arr().astype(rt)
        invstd = (1 / np.sqrt(running_var.arr().astype(f64) + eps)).astype(rt)
    ys = out(output, input.size).reshape(xs.shape)
    mc, ic = _col(mean, rt), _col(invstd, rt)
    wc = None if weight is None else _col(weight.arr(), rt)
    bc = rt(0) if bias is None else _col(bias.arr(), rt)     # (+ 0: a -0 becomes +0)

    def normalize(lo, hi):
        y = ys[lo:hi]
        np.subtract(xs[lo:hi], mc, out=y)
        y *= ic
        if wc is not None:
            y *= wc
        y += bc
    _sweep(N, C * S, normalize)


@kernel
def BatchNormalization_backward(input, gradOutput, gradInput, gradWeight, gradBias, weight,
                                running_mean, running_var, save_mean, save_std, train, scale, eps):
    x = input.arr()
    g = gradOutput.arr()
    if tuple(input.size) != tuple(gradOutput.size):
        raise TorchError('input and gradOutput shapes do not match: input [%s], gradOutput [%s]' % (
            ' x '.join(map(str, input.size)), ' x '.join(map(str, gradOutput.size))))
    if not _host(x):
        return _bn_backward_device(input, gradOutput, gradInput, gradWeight, gradBias, weight,
                                   running_mean, running_var, save_mean, save_std, train, scale,
                                   eps)
    # THNN: sum = accreal sum of g; dotp = accreal sum of (real) ((x - mean) * g);
    # train: k = (real) dotp * invstd * invstd / n (real maths), gi = (x - mean) * k, then
    #   gi = (real) ((g - sum / n - gi) * invstd * w) (double maths: sum / n is accreal);
    # evaluate: gi = g * invstd * w; gw = (real) (gw + scale * dotp * invstd), gb likewise.
    rt = x.dtype.type
    C = x.shape[1]
    n = x.size // C
    xs, gs = _per_feature(x), _per_feature(g)
    N, S = xs.shape[0], xs.shape[2]
    f64 = np.float64
    if train:
        mean = save_mean.arr().astype(rt)
        invstd = save_std.arr().astype(rt)
    else:
        mean = running_mean.arr().astype(rt)
        invstd = (1 / np.sqrt(running_var.arr().astype(f64) + eps)).astype(rt)
    w = np.ones(C, rt) if weight is None else weight.arr().astype(rt)
    mc = _col(mean, rt)

    def terms(lo, hi, f):
        g = gs[lo:hi, f]
        d = xs[lo:hi, f] - mc[f]
        d *= g
        return g, d
    gsum, dotp = _feature_sums(N, C, S, terms, 2)
    if gradInput is not None:
        gi = out(gradInput, input.size).reshape(xs.shape)
        if train:
            kc = _col(dotp.astype(rt) * invstd * invstd / rt(n), rt)
            sc = _col(gsum / n, f64)
            ic, wc = _col(invstd, f64), _col(w, f64)

            def grad(lo, hi):
                d = xs[lo:hi] - mc
                d *= kc
                t = gs[lo:hi] - sc
                t -= d
                t *= ic
                t *= wc
                gi[lo:hi] = t
        else:
            ic, wc = _col(invstd, rt), _col(w, rt)

            def grad(lo, hi):
                np.multiply(gs[lo:hi], ic, out=gi[lo:hi])
                gi[lo:hi] *= wc
        _sweep(N, C * S, grad)
    if gradWeight is not None:
        gw = gradWeight.arr()
        gw[...] = gw.astype(f64) + scale * dotp * invstd.astype(f64)
    if gradBias is not None:
        gb = gradBias.arr()
        gb[...] = gb.astype(f64) + scale * gsum


def _bn_forward_device(input, output, weight, bias, running_mean, running_var,
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


def _bn_backward_device(input, gradOutput, gradInput, gradWeight, gradBias, weight,
                        running_mean, running_var, save_mean, save_std, train, scale, eps):
    """BatchNormalization_backward for device arrays (sizes already checked)."""
    x = input.arr()
    g = gradOutput.arr()
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


def _lrn_window(size):
    """Channels before (lo) and after (hi) the centre in the window (odd size: both
    (size - 1) / 2, as nn's loops over channels give)."""
    lo = (size - 1) // 2
    return lo, size - 1 - lo


@kernel
def SpatialCrossMapLRN_updateOutput(input, output, scale, size, alpha, beta, k):
    _lrn_check(input)
    x = input.arr()
    if not _host(x):
        return _lrn_forward_device(input, output, scale, size, alpha, beta, k)
    # nn's CPU code (real maths throughout): squares = x * x; the first channel's scale is
    # 0 + sq[0] + ... + sq[hi]; each next one is the previous + sq[c + hi] - sq[c - lo - 1]
    # (where they exist); then scale * (alpha / size) + k, output = scale ^ -beta * x.
    rt = x.dtype.type
    xb = x if x.ndim == 4 else x[None]
    C = xb.shape[1]
    lo, hi = _lrn_window(size)
    sq = xb * xb
    sc = out(scale, xb.shape)
    sc[:, 0] = 0
    for c in range(min(hi + 1, C)):
        sc[:, 0] += sq[:, c]
    for c in range(1, C):
        cur = sc[:, c]
        cur[...] = sc[:, c - 1]
        if c + hi < C:
            cur += sq[:, c + hi]
        if c - lo - 1 >= 0:
            cur -= sq[:, c - lo - 1]
    sc *= rt(alpha / size)
    sc += rt(k)
    y = out(output, input.size)
    th_pow(sc.reshape(x.shape), -beta, y)
    y *= x


@kernel
def SpatialCrossMapLRN_updateGradInput(input, gradOutput, gradInput, scale, output, size, alpha,
                                       beta, k):
    _lrn_check(input)
    x = input.arr()
    if not _host(x):
        return _lrn_backward_device(input, gradOutput, gradInput, scale, output, size, alpha,
                                    beta, k)
    # nn's CPU code (real maths): gi = scale ^ -beta * g; ratio = g * y / scale placed in a
    # zero-padded stack of C + size - 1 channels; a running window sum over it (started by
    # TH's sum of the first size - 1 channels, then + the next one, - the oldest one) gives
    # gi[c] += (-(2 alpha beta / size) * x[c]) * window (addcmul).
    rt = x.dtype.type
    sh = (1,) + x.shape if x.ndim == 3 else x.shape
    xb = x.reshape(sh)
    g = gradOutput.arr().reshape(sh)
    sc = scale.arr().reshape(sh)
    y = output.arr().reshape(sh)
    N, C = sh[:2]
    lo, hi = _lrn_window(size)
    gi = out(gradInput, input.size).reshape(sh)
    th_pow(sc, -beta, gi)
    gi *= g
    padded = np.zeros((N, C + size - 1) + sh[2:], x.dtype)
    ratio = padded[:, hi:hi + C]
    np.multiply(g, y, out=ratio)
    ratio /= sc
    # TH's sum over the first dimension of a (size - 1) x H x W block: in doubles along a
    # unit stride (H = W = 1), else in real from zero
    first = padded[:, :size - 1]
    if int(np.prod(sh[2:])) == 1:
        acc = seq_sum(first, 1, np.float64).astype(x.dtype)
    else:
        acc = seq_sum(first, 1, x.dtype)
    v = rt(-(2 * alpha * beta / size))
    for c in range(C):
        acc += padded[:, c + size - 1]
        t = v * xb[:, c]
        t *= acc
        gi[:, c] += t
        acc -= padded[:, c]


def _lrn_forward_device(input, output, scale, size, alpha, beta, k):
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


def _lrn_backward_device(input, gradOutput, gradInput, scale, output, size, alpha,
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
