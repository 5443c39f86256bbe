"""Pooling: max and average (Spatial, Volumetric, Temporal), adaptive, unpooling, sub-sampling.

Windows are strided views of the (padded) input; a max pool copies them once, taps first, into
a (K, ..., P) block and reduces over the K taps. Indices keep Torch's layouts
(SpatialMaxPooling: 1-based flat position in the input plane; TemporalMaxPooling: 0-based offset
in the window; VolumetricMaxPooling: the window offsets packed as bytes t | h<<8 | w<<16;
SpatialAdaptiveMaxPooling: (2, ..., oH, oW) 1-based y then x offsets in the window).
Gradients scatter back with one fancy assignment when windows cannot overlap, else bincount.
"""
from functools import lru_cache
from math import prod

import numpy as np

from . import kernel
from ._util import out
from . import conv as _conv
from .conv import (_arange, _dev, _empty, _full, _host, _out, _shape_str, _strided, _view, _zeros,
                   parallel)
from ..tensor import contiguous_strides
from .. import cblas
from .. import xp as _xp
from ..errors import TorchError


# ----------------------------------------------------------------------------- geometry

def _pool_sizes(S, k, s, p, dil, ceil_mode):
    o = []
    for i in range(len(S)):
        num = S[i] - (dil[i] * (k[i] - 1) + 1) + 2 * p[i]
        n = (-(-num // s[i]) if ceil_mode else num // s[i]) + 1
        if p[i] and (n - 1) * s[i] >= S[i] + p[i]:
            n -= 1
        o.append(n)
    return tuple(o)


def _pool_check(input, k, s, p, dil, ceil_mode, nd, pad_word='smaller than'):
    return _pool_check_size(input.size, k, s, p, dil, ceil_mode, nd, pad_word)


def _pool_check_size(size, k, s, p, dil, ceil_mode, nd, pad_word='smaller than'):
    names = 'THW'[-nd:]
    if any(v <= 0 for v in k):
        raise TorchError('kernel size should be greater than zero, but got %s' % ' '.join(
            'k%s: %d' % (n, v) for n, v in zip(names, k)))
    if any(v <= 0 for v in s):
        raise TorchError('stride should be greater than zero, but got %s' % ' '.join(
            'd%s: %d' % (n, v) for n, v in zip(names, s)))
    if any(v <= 0 for v in dil):
        raise TorchError('dilation should be greater than zero')
    if len(size) not in (nd + 1, nd + 2):
        raise TorchError('%dD or %dD input tensor expected but got: %s'
                         % (nd + 1, nd + 2, _shape_str(size)))
    if any(k[i] // 2 < p[i] for i in range(nd)):
        raise TorchError('pad should be %s half of kernel size, but got %s' % (pad_word, ', '.join(
            ['pad%s = %d' % (n, v) for n, v in zip(names[::-1], p[::-1])]
            + ['k%s = %d' % (n, v) for n, v in zip(names[::-1], k[::-1])])))
    S = size[-nd:]
    o = _pool_sizes(S, k, s, p, dil, ceil_mode)
    if any(v < 1 for v in o):
        C = size[-nd - 1]
        raise TorchError('Given input size: (%s). Calculated output size: (%s). Output size is '
                         'too small' % ('x'.join(map(str, (C,) + S)), 'x'.join(map(str, (C,) + o))))
    return S, o


def _grad_check(gradOutput, input, o, nd):
    want = tuple(input.size[:-nd]) + tuple(o)
    if tuple(gradOutput.size) != want:
        raise TorchError('Need gradOutput of size %s but got gradOutput to be of shape: %s'
                         % (_shape_str(want), _shape_str(gradOutput.size)))


def _planes(a, nd):
    """View a ([N,] C, *S) as (NC, *S)."""
    return a.reshape((-1,) + a.shape[a.ndim - nd:])


def _extent(S, k, s, p, dil, o):
    """Length of the padded line the windows cover (from -p)."""
    return tuple(max(S[i] + 2 * p[i], (o[i] - 1) * s[i] + dil[i] * (k[i] - 1) + 1)
                 for i in range(len(S)))


def _padded(x, S, p, L, fill):
    """x (B, *S) placed at offset p in an array (B, *L) filled with `fill`; x itself when no
    padding is needed."""
    nd = len(S)
    if not any(p) and all(L[i] <= S[i] for i in range(nd)):
        return x
    xp = _full(x, x.shape[:1] + tuple(L), fill)
    src = tuple(slice(0, min(S[i], L[i] - p[i])) for i in range(nd))
    dst = tuple(slice(p[i], p[i] + min(S[i], L[i] - p[i])) for i in range(nd))
    xp[(slice(None),) + dst] = x[(slice(None),) + src]
    return xp


def _win(xp, k, o, s, dil):
    """Windows of xp (B, *L): a view (B, *o, *k)."""
    st = xp.strides[1:]
    return _strided(xp, xp.shape[:1] + tuple(o) + tuple(k), xp.strides[:1]
                    + tuple(a * b for a, b in zip(st, s)) + tuple(a * b for a, b in zip(st, dil)))


def _scatter_into(target, idx, vals, unique):
    """target (contiguous) = zeros with vals added at the flat positions idx."""
    t = target.reshape(-1)
    if unique:
        t[...] = 0
        t[idx.reshape(-1)] = vals.reshape(-1)
    else:
        t[...] = np.bincount(_xp.on_side(idx, vals).reshape(-1), vals.reshape(-1), minlength=t.size)


def _live(pos, g, live):
    """The positions pos[live] and the gradOutput values g (in live's shape) of those windows:
    the windows without a winner (THNN's index -1) left out of the scatter."""
    return pos[live], _xp.ascontiguous(g).reshape(live.shape)[_xp.on_side(live, g)]


_NO_TAP = 0xFFFFFF       # the window offsets -1, -1, -1 as THNN's bytes (255 each)


def _pack_taps(t, h, w, at):
    """THNN's volumetric max index: the offsets (t, h, w) of the max in its window as the bytes
    of one long; _NO_TAP where `at` (the tap or position found) is negative (no winner)."""
    packed = (t + (h << 8)) + (w << 16)
    if at.size and at.min() < 0:
        packed[at < 0] = _NO_TAP
    return packed


def _unpack_live(ind):
    """(ind with 0 for _NO_TAP, the mask of the windows with a winner or None when all have
    one): THNN's gradient for a window without one goes outside the input (undefined); none
    here."""
    if ind.size and ind.max() == _NO_TAP:
        live = np.not_equal(ind, _NO_TAP)
        return np.where(live, ind, 0), live
    return ind, None


def _no_overlap(k, s, dil):
    return all(s[i] >= dil[i] * (k[i] - 1) + 1 for i in range(len(k)))


class _MaxGeom:
    """Everything about a max pooling that depends only on the input size and the options."""

    def __init__(self, size, k, s, p, dil, ceil_mode, nd):
        S, o = _pool_check_size(size, k, s, p, dil, ceil_mode, nd)
        self.nd, self.k, self.s, self.p, self.dil = nd, k, s, p, dil
        self.S, self.o = S, o
        self.V = prod(S)
        self.B = prod(size[:-nd])
        self.P, self.K = prod(o), prod(k)
        self.L = _extent(S, k, s, p, dil, o)
        self.pad = any(p) or any(self.L[i] > S[i] for i in range(nd))
        self.unique = _no_overlap(k, s, dil)
        # flat position (in its plane) of each window's first tap, and of each tap from it
        strides = [prod(S[i + 1:]) for i in range(nd)]
        base = np.zeros(o, np.int64)
        off = np.zeros(k, np.int64)
        for i in range(nd):
            sh = [1] * nd
            sh[i] = -1
            base = base + ((np.arange(o[i]) * s[i] - p[i]) * strides[i]).reshape(sh)
            off = off + (np.arange(k[i]) * dil[i] * strides[i]).reshape(sh)
        self.base = base.reshape(-1)
        self.base1 = self.base + 1
        self.off = off.reshape(-1)
        K = self.K
        self.rank = np.arange(K, 0, -1, dtype=np.uint8 if K < 256 else np.int32)[:, None]
        self.rank3 = self.rank[:, :, None]
        self.tapsfirst = tuple(range(1 + nd, 1 + 2 * nd)) + tuple(range(1 + nd))
        self.off_by_rank = np.concatenate([[0], self.off[::-1]])     # [r] = off[K - r]
        self.planes = None
        # the windows of the contiguous padded input, taps first: (*k, B, *o)
        sp = [prod(self.L[i + 1:]) for i in range(nd)]
        self.wshape = tuple(k) + (self.B,) + tuple(o)
        self.wstrides = (tuple(a * d for a, d in zip(sp, dil)) + (prod(self.L),)
                         + tuple(a * t for a, t in zip(sp, s)))
        self.wbytes = {}
        self.xshape = (self.B,) + tuple(S)
        self.ysize = tuple(size[:-nd]) + tuple(o)
        self.ystrides = contiguous_strides(self.ysize)
        self.split = _conv._THREADS > 1 and self.B * self.P * K >= _conv._PARALLEL_MIN

    def padded(self, xb):
        if not self.pad:
            return _xp.ascontiguous(xb)
        return _padded(xb, self.S, self.p, self.L, -np.inf)

    def plane_starts(self):
        """(B, 1): flat start of each plane, minus 1 (Torch's indices are 1-based)."""
        if self.planes is None:
            self.planes = (np.arange(self.B, dtype=np.int64) * self.V - 1)[:, None]
        return self.planes


_GEOM = {}


def _geometry(cls, *key):
    g = _GEOM.get((cls,) + key)
    if g is None:
        if len(_GEOM) > 512:
            _GEOM.clear()
        g = _GEOM[(cls,) + key] = cls(*key)
    return g


# ----------------------------------------------------------------------------- max pooling (N-d)

def _odd_windows(w, m, pos, g, base, none, zeros=False):
    """Redo, as THNN scans them (_first_above, from -inf: a NaN never wins, a window without a
    tap above -inf has no winner), the windows whose max m is NaN or -inf, in place in m and pos
    ((B', P), pos of w's module): the first tap's position (+ base[p] when base is given), or
    `none` for no winner. The padding taps hold -inf: they never win. The '==' selection of the
    callers finds no tap for a NaN max and may find a padding tap for a -inf one."""
    r = _first_above(w, m, None, 0, -np.inf, -1, zeros)
    if r is None:
        return
    (bi, pi), t = r
    off = np.take(_dev(g.off, t), t)        # (t = -1, no winner: replaced below)
    if base is not None:
        off = off + np.take(base, pi)
    pos[bi, pi] = np.where(np.less(t, 0), none, off)


def _setup(input, output, g):
    """The padded input, output as (B, P), and the byte strides of the windows' view of it."""
    xp = g.padded(input.arr().reshape(g.xshape))
    y = _out(output, g.ysize, g.ystrides).reshape(g.B, g.P)
    it = xp.itemsize
    st = g.wbytes.get(it)
    if st is None:
        st = g.wbytes[it] = tuple(v * it for v in g.wstrides)
    return xp, y, st


def _max_forward(input, output, g, pos, base=None, none=0):
    """Max pooling into output; pos (B, P) receives the flat offset (in its input plane) of each
    window's max from the window's first tap, plus `base` ((P,), when given).

    The windows are copied taps-first, w (K, B*P); the max is w.max(0) and the first tap holding
    it (Torch scans with '>', so the first wins ties) is K - max_k((K - k) * (w[k] == max));
    _odd_windows then redoes the windows whose max is NaN or -inf (`none`: the pos of a window
    without a winner)."""
    xp, y, st = _setup(input, output, g)
    v = _view(xp, g.wshape, st)         # (*k, B, *o)
    zeros = _neg_zero(xp)
    table = _dev(g.off_by_rank, xp)
    base = None if base is None else _dev(base, xp)

    def part(lo, hi):
        w = _empty(xp, (g.K, hi - lo, g.P))
        np.copyto(w.reshape(g.k + (hi - lo,) + g.o), v if hi - lo == g.B else
                  v[(slice(None),) * g.nd + (slice(lo, hi),)])
        m = w.max(0, out=y[lo:hi])
        first = np.equal(w, m)
        first = (first * _dev(g.rank3, first)).max(0)
        p = pos[lo:hi]
        if type(p) is type(first):
            np.take(_dev(table, first), first.astype(np.intp), out=p)
            if base is not None:
                p += base
            _odd_windows(w, m, p, g, base, none, zeros)
        else:   # indices on the other side (a module whose indices tensor stayed on the host)
            r = np.take(_dev(table, first), first.astype(np.intp))
            if base is not None:
                r = r + base
            _odd_windows(w, m, r, g, base, none, zeros)
            _xp.put(p, r)

    if g.split and _host(xp):
        parallel(part, g.B, g.B * g.P * g.K)
    else:
        part(0, g.B)


def _max_forward_host(input, output, g, pos, base):
    """_max_forward's operations in one pass for host arrays (no thread split, no device
    copies); pos (B, P) is a contiguous host array."""
    xp, y, st = _setup(input, output, g)
    w = np.empty((g.K, g.B, g.P), xp.dtype)
    np.copyto(w.reshape(g.wshape), np.ndarray(g.wshape, xp.dtype, xp, 0, st))
    m = _maxr(w, 0, out=y)
    first = _maxr(np.multiply(np.equal(w, m), g.rank3), 0)
    # the ranks are 0..K, all inside the table: 'wrap' only spares take's buffered 'raise' check
    np.take(g.off_by_rank, first.astype(np.intp), out=pos, mode='wrap')
    pos += base
    _odd_windows(w, m, pos, g, base, 0, _neg_zero(xp))


def _neg_zero(a):
    """Whether the host float array a holds a -0 (its bits read as an integer of its width are
    the smallest such integer): then the windows whose max is zero are redone, as numpy's max of
    a tie of -0 and +0 may take either sign where THNN keeps the first tap's."""
    it = _INT_OF.get(a.dtype)
    if it is None or type(a) is not np.ndarray or a.size == 0:
        return False
    if not a.flags.c_contiguous:
        a = np.ascontiguousarray(a)
    return _minr(a.reshape(-1).view(it[0])) == it[1]


_INT_OF = {np.dtype(f): (i, np.iinfo(i).min) for f, i in
           ((np.float64, np.int64), (np.float32, np.int32), (np.float16, np.int16))}
_maxr = np.maximum.reduce
_minr = np.minimum.reduce
_cnz = np.count_nonzero


@kernel
def SpatialMaxPooling_updateOutput(input, output, indices, kW, kH, dW, dH, padW, padH, ceil_mode,
                                   dilationW=1, dilationH=1):
    g = _geometry(_MaxGeom, input.size, (kH, kW), (dH, dW), (padH, padW),
                  (dilationH, dilationW), bool(ceil_mode), 2)
    pos = _out(indices, g.ysize, g.ystrides).reshape(g.B, g.P)
    if type(pos) is np.ndarray and type(input.storage.data) is np.ndarray and not g.split:
        _max_forward_host(input, output, g, pos, g.base1)
    else:
        _max_forward(input, output, g, pos, g.base1)
    return g.S


@kernel
def SpatialMaxPooling_updateGradInput(input, gradOutput, gradInput, indices, kW, kH, dW, dH,
                                      padW, padH, ceil_mode, dilationW=1, dilationH=1):
    g = _geometry(_MaxGeom, input.size, (kH, kW), (dH, dW), (padH, padW),
                  (dilationH, dilationW), bool(ceil_mode), 2)
    if gradOutput.size != g.ysize:
        _grad_check(gradOutput, input, g.o, 2)
    ind = indices.arr()
    idx = ind.reshape(g.B, g.P) + _dev(g.plane_starts(), ind)
    go = gradOutput.arr()
    if ind.size and (_cnz(ind) < ind.size if type(ind) is np.ndarray else ind.min() < 1):
        # index 0: a window without a winner (no tap above -inf); THNN skips it
        idx, go = _live(idx, go, np.greater(ind.reshape(g.B, g.P), 0))
    _scatter_into(out(gradInput, input.size), idx, go, g.unique)


@kernel
def VolumetricMaxPooling_updateOutput(input, output, indices, kT, kW, kH, dT, dW, dH,
                                      padT, padW, padH, ceil_mode):
    g = _geometry(_MaxGeom, input.size, (kT, kH, kW), (dT, dH, dW), (padT, padH, padW),
                  (1, 1, 1), bool(ceil_mode), 3)
    pos = _empty(input.arr(), (g.B, g.P), np.int64)
    _max_forward(input, output, g, pos, None, -1)
    # Torch packs the offsets (t, h, w) of the max in its window as bytes of one long; a window
    # without a winner (no tap above -inf) keeps its offsets -1: the bytes 255
    ot, rem = np.divmod(pos, g.S[1] * g.S[2])
    oh, ow = np.divmod(rem, g.S[2])
    ind = out(indices, output.size).reshape(pos.shape)
    _xp.put(ind, _pack_taps(ot, oh, ow, pos))     # (indices may be on the other side)


@kernel
def VolumetricMaxPooling_updateGradInput(input, gradOutput, gradInput, indices, kT, kW, kH,
                                         dT, dW, dH, padT, padW, padH, ceil_mode):
    g = _geometry(_MaxGeom, input.size, (kT, kH, kW), (dT, dH, dW), (padT, padH, padW),
                  (1, 1, 1), bool(ceil_mode), 3)
    _grad_check(gradOutput, input, g.o, 3)
    ind, live = _unpack_live(indices.arr().reshape(g.B, g.P))
    a = ((ind & 255) * kH + ((ind >> 8) & 255)) * kW + ((ind >> 16) & 255)
    idx = np.take(_dev(g.off, ind), a) + _dev(g.base, ind) + _dev(g.plane_starts(), ind) + 1
    go = gradOutput.arr()
    if live is not None:
        idx, go = _live(idx, go, live)
    _scatter_into(out(gradInput, input.size), idx, go, g.unique)


# ----------------------------------------------------------------------------- average pooling

@lru_cache(maxsize=256)
def _avg_divisor(S, k, s, p, o, count_include_pad, dtype):
    """The divisor of each window (a host array, cached)."""
    div = np.ones((), dtype)
    nd = len(S)
    for i in range(nd):
        start = np.arange(o[i]) * s[i] - p[i]
        end = np.minimum(start + k[i], S[i] + p[i])
        if count_include_pad:
            n = end - start
        else:
            n = np.minimum(end, S[i]) - np.maximum(start, 0)
        sh = [1] * nd
        sh[i] = -1
        div = div * n.astype(dtype).reshape(sh)
    return div


def _taps(k, s, o):
    """For each window offset, in THNN's loop order (row-major: t, h, w), the slices of the
    padded input it reads for all the windows."""
    nd = len(k)
    return [(slice(None),) + tuple(slice(off[i], off[i] + s[i] * (o[i] - 1) + 1, s[i])
                                   for i in range(nd)) for off in np.ndindex(*k)]


def _sum_windows(xb, S, k, s, p, o, target):
    """Sums of the windows of xb (B, *S) (zero padding) into target (B, *o), as THNN's
    `real sum = 0; sum += x` over the window in row-major order, in the element type (the
    padding's zeros change no bits: such a sum is never -0)."""
    xp = _padded(xb, S, p, _extent(S, k, s, p, (1,) * len(S), o), 0)
    taps = _taps(k, s, o)
    np.add(xp[taps[0]], 0.0, out=target)     # 0 + x: -0 becomes +0 as in C
    for sl in taps[1:]:
        target += xp[sl]
    return target


def _spread(gb, S, k, s, p, o, target):
    """Adjoint of _sum_windows: each value of gb (B, *o) added to every pixel of its window,
    into target (B, *S) zeroed first; where windows overlap, a pixel gets its windows' values
    in THNN's order (the output windows in row-major order: the offsets in reverse)."""
    nd = len(S)
    dil = (1,) * nd
    B = gb.shape[0]
    g = gb.reshape(gb.shape + (1,) * nd)
    if all(k[i] == s[i] and o[i] * s[i] == S[i] for i in range(nd)) and not any(p):
        # the windows tile the input exactly
        np.add(g, 0.0, out=_win(target, k, o, s, dil))     # 0 + v
        return target
    xp = _zeros(gb, (B,) + _extent(S, k, s, p, dil, o))
    if _no_overlap(k, s, dil):
        _win(xp, k, o, s, dil)[...] += g
    else:
        for sl in reversed(_taps(k, s, o)):
            xp[sl] += gb
    target[...] = xp[(slice(None),) + tuple(slice(p[i], p[i] + S[i]) for i in range(nd))]
    return target


def _avg_forward(input, output, k, s, p, ceil_mode, count_include_pad, nd, pad_word):
    S, o = _pool_check(input, k, s, p, (1,) * nd, ceil_mode, nd, pad_word)
    xb = _planes(input.arr(), nd)
    y = out(output, input.size[:-nd] + o)
    yb = _sum_windows(xb, S, k, s, p, o, y.reshape(xb.shape[:1] + o))
    yb /= _dev(_avg_divisor(S, k, s, p, o, bool(count_include_pad), y.dtype), y)


def _avg_backward(input, gradOutput, gradInput, k, s, p, ceil_mode, count_include_pad, nd,
                  pad_word):
    S, o = _pool_check(input, k, s, p, (1,) * nd, ceil_mode, nd, pad_word)
    _grad_check(gradOutput, input, o, nd)
    g = gradOutput.arr()
    gb = _planes(g, nd) / _dev(_avg_divisor(S, k, s, p, o, bool(count_include_pad), g.dtype), g)
    _spread(gb, S, k, s, p, o, _planes(out(gradInput, input.size), nd))


@kernel
def SpatialAveragePooling_updateOutput(input, output, kW, kH, dW, dH, padW, padH, ceil_mode,
                                       count_include_pad):
    _avg_forward(input, output, (kH, kW), (dH, dW), (padH, padW), ceil_mode, count_include_pad, 2,
                 'smaller than')


@kernel
def SpatialAveragePooling_updateGradInput(input, gradOutput, gradInput, kW, kH, dW, dH, padW, padH,
                                          ceil_mode, count_include_pad):
    _avg_backward(input, gradOutput, gradInput, (kH, kW), (dH, dW), (padH, padW), ceil_mode,
                  count_include_pad, 2, 'smaller than')


@kernel
def VolumetricAveragePooling_updateOutput(input, output, kT, kW, kH, dT, dW, dH):
    _avg_forward(input, output, (kT, kH, kW), (dT, dH, dW), (0, 0, 0), False, True, 3,
                 'not greater than')


@kernel
def VolumetricAveragePooling_updateGradInput(input, gradOutput, gradInput, kT, kW, kH, dT, dW, dH):
    _avg_backward(input, gradOutput, gradInput, (kT, kH, kW), (dT, dH, dW), (0, 0, 0), False, True,
                  3, 'not greater than')


# ----------------------------------------------------------------------------- sub-sampling

def _subsampling_check2(input, weight, kW, kH, dW, dH):
    if kW <= 0 or kH <= 0:
        raise TorchError('kernel size should be greater than zero, but got kH: %d kW: %d' % (kH, kW))
    if dW <= 0 or dH <= 0:
        raise TorchError('stride should be greater than zero, but got dH: %d dW: %d' % (dH, dW))
    if input.dim() not in (3, 4):
        raise TorchError('3D or 4D input tensor expected but got: %s' % _shape_str(input.size))
    if input.size[-3] != weight.nelement():
        raise TorchError('invalid number of input planes')
    H, W = input.size[-2:]
    if W < kW or H < kH:
        raise TorchError('input image smaller than kernel size')
    return (H, W), ((H - kH) // dH + 1, (W - kW) // dW + 1)


def _plane_vec(v, input, nd=2):
    """Per-plane vector v (C,) repeated for the (B = N*C) planes of input."""
    a = v.arr()
    return np.tile(a, input.nelement() // (a.size * prod(input.size[-nd:]))).reshape(
        (-1,) + (1,) * nd)


@kernel
def SpatialSubSampling_updateOutput(input, output, weight, bias, kW, kH, dW, dH):
    S, o = _subsampling_check2(input, weight, kW, kH, dW, dH)
    xb = _planes(input.arr(), 2)
    y = out(output, input.size[:-2] + o)
    yb = _sum_windows(xb, S, (kH, kW), (dH, dW), (0, 0), o, y.reshape(xb.shape[:1] + o))
    yb *= _plane_vec(weight, input)
    yb += _plane_vec(bias, input)


@kernel
def SpatialSubSampling_updateGradInput(input, gradOutput, gradInput, weight, kW, kH, dW, dH):
    S, o = _subsampling_check2(input, weight, kW, kH, dW, dH)
    _grad_check(gradOutput, input, o, 2)
    gb = _planes(gradOutput.arr(), 2) * _plane_vec(weight, input)
    _spread(gb, S, (kH, kW), (dH, dW), (0, 0), o, _planes(out(gradInput, input.size), 2))


def _acc_per_sample(grad, sums, scale):
    """THNN's `grad[k] += scale * sum` for each sample in order (sums (N, C) in real; scale an
    accreal: the product and the addition in double, rounded to real)."""
    a = grad.arr()
    if not _host(a):
        a += (scale * sums).sum(0).astype(a.dtype)
        return
    for s in sums:
        a[...] = a.astype(np.float64) + scale * s.astype(np.float64)


def _seq_sum(a):
    """`real sum = 0; sum += a[..., i]` over the last axis in order, in a's type."""
    if not _host(a):
        return a.sum(-1)
    if a.shape[-1] == 0:
        return np.zeros(a.shape[:-1], a.dtype)
    return np.add.accumulate(a, axis=-1)[..., -1] + a.dtype.type(0)


@kernel
def SpatialSubSampling_accGradParameters(input, gradOutput, gradWeight, gradBias, kW, kH, dW, dH,
                                         scale):
    """THNN, per plane k and sample p: gradBias[k] += scale * (the sum of its gradOutput),
    gradWeight[k] += scale * (the sum over outputs, then window taps, of g * x), each sum in
    real in that order."""
    S, o = _subsampling_check2(input, gradWeight, kW, kH, dW, dH)
    _grad_check(gradOutput, input, o, 2)
    C = gradWeight.nelement()
    xb = _planes(input.arr(), 2)
    win = _win(xb, (kH, kW), o, (dH, dW), (1, 1))                  # (B, oH, oW, kH, kW)
    g = gradOutput.arr().reshape(xb.shape[:1] + o)
    terms = g[..., None, None] * win
    sw = _seq_sum(terms.reshape(-1, C, o[0] * o[1] * kH * kW))
    sb = _seq_sum(g.reshape(-1, C, o[0] * o[1]))
    _acc_per_sample(gradBias, sb, scale)
    _acc_per_sample(gradWeight, sw, scale)


# ----------------------------------------------------------------------------- adaptive pooling

def _adaptive_check(input, oW, oH):
    if input.dim() not in (3, 4):
        raise TorchError('3D or 4D (batch mode) tensor expected for input, but got: %s'
                         % _shape_str(input.size))
    if oW <= 0 or oH <= 0:
        raise TorchError('output size should be greater than zero, but got oW: %d oH: %d' % (oW, oH))


def _adaptive_bounds(n_in, n_out, f32):
    i = np.arange(n_out)
    if f32:   # Torch's max pooling computes floor(i / o * n) in single precision
        f = np.float32
        start = np.floor(i.astype(f) / f(n_out) * f(n_in)).astype(np.int64)
        end = np.ceil((i + 1).astype(f) / f(n_out) * f(n_in)).astype(np.int64)
    else:
        start = (i * n_in) // n_out
        end = -((-(i + 1) * n_in) // n_out)
    return start, end


@lru_cache(maxsize=256)
def _adaptive_gather(n_in, n_out):
    """(idx (o, K), valid (o, K), start (o,)) for the variable windows of one dimension (host
    arrays, cached)."""
    start, end = _adaptive_bounds(n_in, n_out, True)
    K = int((end - start).max())
    j = np.arange(K)
    idx = start[:, None] + j
    valid = idx < end[:, None]
    return np.minimum(idx, n_in - 1), valid, start, K


@kernel
def SpatialAdaptiveMaxPooling_updateOutput(input, output, indices, oW, oH):
    _adaptive_check(input, oW, oH)
    x = input.arr()
    H, W = input.size[-2:]
    xb = x.reshape(-1, H, W)
    ry, vy, _, KH = _adaptive_gather(H, oH)
    rx, vx, _, KW = _adaptive_gather(W, oW)
    g = xb[:, _dev(ry, x)[:, None, :, None], _dev(rx, x)[None, :, None, :]]   # (B, oH, oW, KH, KW)
    valid = vy[:, None, :, None] & vx[None, :, None, :]
    if not valid.all():
        g = np.where(_dev(valid, x), g, -np.inf)
    g = g.reshape(xb.shape[0], oH, oW, KH * KW)
    a = g.argmax(-1)
    y = out(output, input.size[:-2] + (oH, oW))
    m = g.max(-1, out=y.reshape(a.shape))
    # THNN starts from maxval = -FLT_MAX: NaN and values <= -FLT_MAX never win; a window with
    # no winner gives -FLT_MAX and maxindex -1, stored as C's (-1 / kW) + 1 and (-1 % kW) + 1
    # with kW the window's own width (1 and 0, or 0 and 1 when kW is 1)
    _first_above(g, m, a, 3, g.dtype.type(-np.finfo(np.float32).max), -1, _neg_zero(x))
    iy, ix = a // KW, a % KW
    if a.size and a.min() < 0:
        one = _dev(np.broadcast_to((vx.sum(1) == 1)[None, :], (oH, oW)), a)
        iy = np.where(a < 0, np.where(one, -1, 0), iy)
        ix = np.where(a < 0, np.where(one, 0, -1), ix)
    ind = out(indices, (2,) + input.size[:-2] + (oH, oW)).reshape((2,) + a.shape)
    _xp.put(ind[0], iy)                             # (indices may be on the other side)
    _xp.put(ind[1], ix)
    ind += 1


@kernel
def SpatialAdaptiveMaxPooling_updateGradInput(input, gradOutput, gradInput, indices):
    H, W = input.size[-2:]
    oH, oW = gradOutput.size[-2:]
    _, _, sy, _ = _adaptive_gather(H, oH)
    _, _, sx, _ = _adaptive_gather(W, oW)
    ind = indices.arr().reshape(2, -1, oH, oW)
    B = ind.shape[1]
    pos = (ind[0] - 1 + _dev(sy, ind)[:, None]) * W + (ind[1] - 1 + _dev(sx, ind)[None, :])
    pos += (_arange(ind, B) * (H * W))[:, None, None]
    g = gradOutput.arr()
    if pos.size and pos.min() < 0:
        # a window without a winner (see above) sends its gradient one element before its
        # first tap (THNN's sum), into the plane before; before the first plane (THNN writes
        # outside the tensor) it is dropped
        pos, g = _live(pos, g, np.greater_equal(pos, 0))
    _scatter_into(out(gradInput, input.size), pos, g, False)


@lru_cache(maxsize=256)
def _adaptive_avg_tables(n_in, n_out):
    """THNN's average windows of one dimension, [floor((float)(i*n_in)/n_out),
    ceil((float)((i+1)*n_in)/n_out)), as host tables (cached): their lengths k; for the
    forward, per tap offset d, the input index of each window's tap (clipped) and whether the
    window has it; for the backward, per rank r, the r-th window holding each input element
    (windows in order) and whether there is one."""
    f = np.float32
    i = np.arange(n_out)
    start = np.floor((i * n_in).astype(f) / f(n_out)).astype(np.int64)
    end = np.ceil(((i + 1) * n_in).astype(f) / f(n_out)).astype(np.int64)
    k = end - start
    d = np.arange(int(k.max()))[:, None]
    fwd = (np.minimum(start + d, n_in - 1), d < k)
    j = np.arange(n_in)
    inside = (j[None, :] >= start[:, None]) & (j[None, :] < end[:, None])   # (n_out, n_in)
    count = inside.sum(0)
    first = np.argmax(inside, axis=0)
    r = np.arange(max(int(count.max()), 1))[:, None]
    bwd = (np.minimum(first + r, n_out - 1), r < count)
    return k, fwd, bwd


def _masked_add(target, v, m):
    """target += v where m (else + 0, which changes no bits of a sum started at +0)."""
    if m.all():
        target += v
    else:
        target += np.where(m, v, 0)


# Host arrays: blocks of planes are copied transposed, (positions, planes), so that one step of
# THNN's loops (a tap of every window, or a rank of every input element's windows) is, for all
# the planes of a block at once, a gather of whole rows and one contiguous addition (faster than
# adding strided views): the same additions, in the same order, as THNN's per-window loops.
_AAP_BLOCK = 1 << 22    # bytes of input (forward) / of gradInput (backward) per block of planes
_AAP_T = 64             # planes per transposing copy


def _aap_pass(m, src):
    """(dst, src) of one pass: dst None when every row has it (m all true), else the rows that
    have it; src their source rows."""
    m, src = m.reshape(-1), src.reshape(-1).astype(np.intp)
    if m.all():
        return None, src
    return np.flatnonzero(m), src[m]


class _AapPlan:
    """THNN's adaptive average pooling of an (H, W) plane into (oH, oW) as passes over the flat
    windows (P = oH*oW) and flat positions (H*W), in THNN's order of additions.

    fwd: per window tap (dy, dx), row-major: (dst, src) from _aap_pass (dst: windows, src: their
    tap's positions);
    bwd: per rank pair (ry, rx), ry-major (each element gets its windows in row-major order):
    (dst, src) from _aap_pass (dst: positions, src: their window);
    dw, dh: each flat window's kW and kH, as a column."""

    def __init__(self, H, W, oH, oW):
        kh, (ry, my), (iy, ny) = _adaptive_avg_tables(H, oH)
        kw, (rx, mx), (ix, nx) = _adaptive_avg_tables(W, oW)
        self.fwd = [_aap_pass(my[a][:, None] & mx[b][None, :], ry[a][:, None] * W + rx[b][None, :])
                    for a in range(len(ry)) for b in range(len(rx))]
        self.bwd = [_aap_pass(ny[a][:, None] & nx[b][None, :], iy[a][:, None] * oW + ix[b][None, :])
                    for a in range(len(iy)) for b in range(len(ix))]
        self.dw = np.tile(kw, oH)[:, None]
        self.dh = np.repeat(kh, oW)[:, None]


@lru_cache(maxsize=64)
def _aap_plan(H, W, oH, oW):
    return _AapPlan(H, W, oH, oW)


def _aap_add(acc, src, dst, idx, tmp):
    """acc[dst] += the rows idx of src (dst None: all of acc, through tmp)."""
    if dst is None:
        np.take(src, idx, axis=0, out=tmp, mode='clip')    # ('clip': no buffered bounds check)
        acc += tmp
    else:
        acc[dst] += np.take(src, idx, axis=0, mode='clip')


def _aap_blocks(B, plane_bytes, itemsize, fn):
    """fn(lo, hi, n) on [lo, hi) parts of the B planes (one per thread), to be done in blocks of
    n planes: about _AAP_BLOCK bytes of planes, n * itemsize an odd number of 64-byte lines when
    above one (the transposed copies are rows of n planes: a power-of-two stride makes them
    several times slower)."""
    per = max(1, _AAP_BLOCK // max(plane_bytes, 1))
    line = 64 // itemsize

    def part(lo, hi):
        n = -(-(hi - lo) // -(-(hi - lo) // per))          # equal blocks
        if n > line:
            n += line - n % (2 * line)
        fn(lo, hi, min(n, hi - lo))

    parallel(part, B, B * plane_bytes // 8)


def _aap_forward_host(xb, y, plan):
    """y (B, P) = THNN's averages of the windows of xb (B, H, W) (host arrays)."""
    B, H, W = xb.shape
    P, HW, dt = y.shape[1], H * W, y.dtype
    dw, dh = plan.dw.astype(dt), plan.dh.astype(dt)

    def run(lo, hi, n):
        bx, ba, bt = np.empty(HW * n, dt), np.empty(P * n, dt), np.empty(P * n, dt)
        for a in range(lo, hi, n):
            m = min(hi, a + n) - a
            xt, acc, tmp = (b[:k * m].reshape(k, m) for b, k in ((bx, HW), (ba, P), (bt, P)))
            xt3 = xt.reshape(H, W, m)
            for c in range(0, m, _AAP_T):
                np.copyto(xt3[:, :, c:c + _AAP_T],
                          xb[a + c:a + min(m, c + _AAP_T)].transpose(1, 2, 0))
            acc[...] = 0                                     # real sum = 0; sum += val ...
            for dst, src in plan.fwd:
                _aap_add(acc, xt, dst, src, tmp)
            acc /= dw                                        # sum / kW / kH
            acc /= dh
            np.copyto(y[a:a + m], acc.T)

    _aap_blocks(B, HW * dt.itemsize, dt.itemsize, run)


def _aap_backward_host(gb, gi, plan):
    """gi (B, H*W) = THNN's spreading of gb (B, P) over the windows (host arrays)."""
    B, P = gb.shape
    HW, dt = gi.shape[1], gi.dtype
    dw, dh = plan.dw.astype(dt), plan.dh.astype(dt)

    def run(lo, hi, n):
        bv, bz = np.empty(P * n, dt), np.empty(P * n, dt)
        ba, bt = np.empty(HW * n, dt), np.empty(HW * n, dt)
        for a in range(lo, hi, n):
            m = min(hi, a + n) - a
            v, v0, acc, tmp = (b[:k * m].reshape(k, m) for b, k in
                               ((bv, P), (bz, P), (ba, HW), (bt, HW)))
            np.copyto(v, gb[a:a + m].T)
            v /= dw                                          # gradOutput / kW / kH
            v /= dh
            passes = plan.bwd
            if passes[0][0] is None:        # every element is in a window: gradInput = 0 + v
                np.add(v, 0, out=v0)
                np.take(v0, passes[0][1], axis=0, out=acc, mode='clip')
                passes = passes[1:]
            else:
                acc[...] = 0
            for dst, src in passes:
                _aap_add(acc, v, dst, src, tmp)
            for c in range(0, m, _AAP_T):
                np.copyto(gi[a + c:a + min(m, c + _AAP_T)], acc[:, c:c + _AAP_T].T)

    _aap_blocks(B, HW * dt.itemsize, dt.itemsize, run)


@kernel
def SpatialAdaptiveAveragePooling_updateOutput(input, output, oW, oH):
    """THNN: per window `real sum = 0; sum += x` in row-major order, then sum / kW / kH."""
    _adaptive_check(input, oW, oH)
    x = input.arr()
    H, W = input.size[-2:]
    xb = _planes(x, 2)
    y = out(output, input.size[:-2] + (oH, oW))
    yb = y.reshape(xb.shape[:1] + (oH, oW))
    if _host(x) and _host(y) and yb.size and H * W:
        _aap_forward_host(xb, yb.reshape(-1, oH * oW), _aap_plan(H, W, oH, oW))
        return
    kh, (ry, my), _ = _adaptive_avg_tables(H, oH)
    kw, (rx, mx), _ = _adaptive_avg_tables(W, oW)
    yb[...] = 0
    for dy in range(len(ry)):
        rows = _dev(ry[dy], x)[:, None]
        for dx in range(len(rx)):
            m = my[dy][:, None] & mx[dx][None, :]
            _masked_add(yb, xb[:, rows, _dev(rx[dx], x)[None, :]], _dev(m, x))
    yb /= _dev(kw.astype(y.dtype), y)
    yb /= _dev(kh.astype(y.dtype), y)[:, None]


@kernel
def SpatialAdaptiveAveragePooling_updateGradInput(input, gradOutput, gradInput):
    """THNN: gradInput zeroed, then for each window in row-major order `gi += g / kW / kH` on
    every element of the window."""
    H, W = input.size[-2:]
    oH, oW = gradOutput.size[-2:]
    g = gradOutput.arr()
    gi = out(gradInput, input.size)
    gib = gi.reshape((-1, H, W))
    if _host(g) and _host(gi) and gi.size and g.size == gib.shape[0] * oH * oW:
        _aap_backward_host(g.reshape(-1, oH * oW), gib.reshape(-1, H * W), _aap_plan(H, W, oH, oW))
        return
    kh, _, (iy, my) = _adaptive_avg_tables(H, oH)
    kw, _, (ix, mx) = _adaptive_avg_tables(W, oW)
    gb = _planes(g, 2) / _dev(kw.astype(g.dtype), g)
    gb /= _dev(kh.astype(g.dtype), g)[:, None]
    gib[...] = 0
    for ry in range(len(iy)):
        rows = _dev(iy[ry], g)[:, None]
        for rx in range(len(ix)):
            m = my[ry][:, None] & mx[rx][None, :]
            _masked_add(gib, gb[:, rows, _dev(ix[rx], g)[None, :]], _dev(m, g))


# ----------------------------------------------------------------------------- max unpooling

def _unpool_check(input, indices, oW, oH):
    if input.dim() not in (3, 4):
        raise TorchError('3D or 4D (batch mode) tensor expected for input, but got: %s'
                         % _shape_str(input.size))
    if tuple(indices.size) != tuple(input.size):
        raise TorchError('input and indices should have the same shape: %s vs %s' % (
            _shape_str(input.size), _shape_str(indices.size)))


@kernel
def SpatialMaxUnpooling_updateOutput(input, output, indices, oW, oH):
    _unpool_check(input, indices, oW, oH)
    iH, iW = input.size[-2:]
    B = input.nelement() // (iH * iW)
    idx = indices.arr().reshape(B, -1) - 1
    bad = (idx < 0) | (idx >= oH * oW)
    if bad.any():
        raise TorchError('found an invalid max index %d (output volumes are of size %dx%d)'
                         % (int(idx[bad][0]), oH, oW))
    y = out(output, input.size[:-2] + (oH, oW))
    y[...] = 0
    idx = idx + (_arange(idx, B) * (oH * oW))[:, None]
    y.reshape(-1)[idx.reshape(-1)] = input.arr().reshape(-1)


@kernel
def SpatialMaxUnpooling_updateGradInput(input, gradOutput, gradInput, indices, oW, oH):
    _unpool_check(input, indices, oW, oH)
    if tuple(gradOutput.size[-2:]) != (oH, oW):
        raise TorchError('Inconsistent gradOutput size. oheight= %d, owidth= %d, gradOutput: %dx%d'
                         % (oH, oW, gradOutput.size[-2], gradOutput.size[-1]))
    iH, iW = input.size[-2:]
    B = input.nelement() // (iH * iW)
    ind = indices.arr()
    idx = ind.reshape(B, -1) - 1 + (_arange(ind, B) * (oH * oW))[:, None]
    gi = out(gradInput, input.size)
    np.take(gradOutput.arr().reshape(-1), idx.reshape(-1), out=gi.reshape(-1))


def _first_above(w, m, a, axis, floor, none, zeros=False):
    """Redo, as THNN scans them ('if (val > maxval)' from maxval = floor: a NaN never wins, ties
    keep the first tap), the windows whose max m is NaN or not above floor, in place in m and in
    the tap numbers a (w's taps along `axis`; m and a are w's shape without it): the max of the
    taps above floor and the first tap holding it, or floor and `none` when no tap is above it.
    zeros: also the windows whose max is zero (the input holds a -0: numpy's max of a tie of -0
    and +0 may take either sign, THNN keeps the first tap's; see _neg_zero).
    Taps that are not to be scanned must already hold NaN or a value <= floor. The one rule of
    every max pooling here; a may be None. Returns None when no window is redone, else (sel,
    taps): the redone windows' index arrays into m and their tap numbers (`none`: no winner)."""
    if m.size == 0:
        return None
    lo = _minr(m, None) if type(m) is np.ndarray else m.min()
    if lo > floor and not zeros:    # (NaN compares False: the NaN windows are redone)
        return None
    redo = np.logical_not(np.greater(m, floor))
    if zeros:
        redo |= np.equal(m, 0)
    sel = np.nonzero(redo)
    wb = np.moveaxis(w, axis, -1)[sel]                  # (n, K) the taps of those windows
    above = np.greater(wb, floor)
    v = np.where(above, wb, floor)
    mm = v.max(1)
    t = np.argmax(np.logical_and(above, np.equal(v, mm[:, None])), 1)
    m[sel] = v[_arange(v, v.shape[0]), t]       # (the first tap's zero when +0 and -0 tie)
    t = np.where(above.any(1), t, none)
    if a is not None:
        a[sel] = t
    return sel, t


# ----------------------------------------------------------------------------- temporal

def _temporal_check(input, kW, dW):
    if kW <= 0:
        raise TorchError('kernel size should be greater than zero, but got kW: %d' % kW)
    if dW <= 0:
        raise TorchError('stride should be greater than zero, but got dW: %d' % dW)
    if input.dim() not in (2, 3):
        raise TorchError('2D or 3D (batch mode) tensor expected for input, but got: %s'
                         % _shape_str(input.size))
    T = input.size[-2]
    if T < kW:
        raise TorchError('input sequence smaller than kernel size. Got: %d, Expected: %d' % (T, kW))
    return (T - kW) // dW + 1


def _tframes(x, kW, dW, nout):
    st = x.strides
    return _strided(x, (x.shape[0], nout, kW, x.shape[2]), (st[0], st[1] * dW, st[1], st[2]))


@kernel
def TemporalMaxPooling_updateOutput(input, output, indices, kW, dW):
    nout = _temporal_check(input, kW, dW)
    x = input.arr()
    x3 = x.reshape((-1,) + x.shape[-2:])
    w = _tframes(x3, kW, dW, nout)
    y = out(output, input.size[:-2] + (nout, input.size[-1]))
    ind = out(indices, output.size)
    a = w.argmax(axis=2)
    m = np.max(w, axis=2, out=y.reshape(x3.shape[0], nout, -1))
    _first_above(w, m, a, 2, -np.inf, -1, _neg_zero(x))
    _xp.put(ind.reshape(x3.shape[0], nout, -1), a)      # (indices: either side)


@kernel
def TemporalMaxPooling_updateGradInput(input, gradOutput, gradInput, indices, kW, dW):
    nout = _temporal_check(input, kW, dW)
    if tuple(gradOutput.size[-2:]) != (nout, input.size[-1]):
        raise TorchError('Need gradOutput of size %s but got gradOutput to be of shape: %s' % (
            _shape_str(input.size[:-2] + (nout, input.size[-1])), _shape_str(gradOutput.size)))
    T, F = input.size[-2:]
    B = input.nelement() // (T * F)
    ind = indices.arr().reshape(B, nout, F)
    pos = (ind + (_arange(ind, nout) * dW)[:, None]) * F + _arange(ind, F)
    pos += (_arange(ind, B) * (T * F))[:, None, None]
    g = gradOutput.arr()
    if ind.size and ind.min() < 0:      # -1: a window without a tap above -inf, no gradient
        pos, g = _live(pos, g, np.greater_equal(ind, 0))
    _scatter_into(out(gradInput, input.size), pos, g, dW >= kW)


def _subsampling_check(input, kW, dW, frameSize=None):
    if kW <= 0:
        raise TorchError('kernel size should be greater than zero, but got kW: %d' % kW)
    if dW <= 0:
        raise TorchError('stride should be greater than zero, but got dW: %d' % dW)
    if input.dim() != 2:
        raise TorchError('2D or 3D (batch mode) tensor expected for input, but got: %s'
                         % _shape_str(input.size))
    if frameSize is not None and input.size[1] != frameSize:
        raise TorchError('invalid input frame size.  Got: %d, Expected: %d'
                         % (input.size[1], frameSize))
    if input.size[0] < kW:
        raise TorchError('input sequence smaller than kernel size.  Got %d, Expected: %d'
                         % (input.size[0], kW))
    return (input.size[0] - kW) // dW + 1


def _twindow_sums(input, kW, dW, nout):
    """THTensor_(sum)(r, window, 0, 1) of each window (kW frames) in order: in real along a
    non-unit stride, in double (rounded to real) when the frames have stride 1."""
    x = input.arr()
    w = _tframes(x[None], kW, dW, nout)[0]             # (nout, kW, F)
    if not _host(x):
        return w.sum(1)
    dt = np.float64 if input.stride[0] == 1 else x.dtype
    return (np.add.accumulate(w, axis=1, dtype=dt)[:, -1] + 0.0).astype(x.dtype, copy=False)


@kernel
def TemporalSubSampling_updateOutput(input, output, weight, bias, kW, dW, inputFrameSize):
    """THNN, per output frame: the window's sum, times weight, plus bias."""
    nout = _subsampling_check(input, kW, dW, inputFrameSize)
    y = out(output, (nout, inputFrameSize))
    y[...] = _twindow_sums(input, kW, dW, nout)
    y *= weight.arr()
    y += bias.arr()


@kernel
def TemporalSubSampling_updateGradInput(input, gradOutput, gradInput, weight, kW, dW):
    """THNN: gradInput zeroed, then each output frame's weight * g added to its window's frames,
    frames in order (so the offsets in reverse)."""
    nout = _subsampling_check(input, kW, dW)
    gw = gradOutput.arr() * weight.arr()
    gi = out(gradInput, input.size)
    gi[...] = 0
    for j in reversed(range(kW)):
        gi[j:j + dW * (nout - 1) + 1:dW] += gw


@kernel
def TemporalSubSampling_accGradParameters(input, gradOutput, gradWeight, gradBias, kW, dW, scale):
    """THNN, per output frame k in order: gradWeight += scale * sum_k * g_k (addcmul, in real),
    gradBias:add(scale, g_k) (BLAS axpy when contiguous); scale rounded to real first."""
    nout = _subsampling_check(input, kW, dW)
    s = _twindow_sums(input, kW, dW, nout)
    g = gradOutput.arr()
    gwa, gba = gradWeight.arr(), gradBias.arr()
    sc = gwa.dtype.type(scale)
    t = (sc * s) * g
    if not _host(g):
        gwa += t.sum(0)
        gba += sc * g.sum(0)
        return
    gwa[...] = np.add.accumulate(np.concatenate([gwa.reshape(1, -1), t]), axis=0)[-1]
    for k in range(nout):
        gk = g[k]
        if not (gk.flags.c_contiguous and cblas.axpy(sc, gk, gba)):
            gba += sc * gk
