"""Loss functions (criteria): kernels return the loss as a Python number.

Arithmetic follows THNN's C code for each criterion so that printed losses are Torch's to the last
digit: sums run in the tensor's own type (`real sum = 0; sum += term;`, in element order), terms
that C computes in double (log, exp, `0.5 * z * z`) are computed in float64 and rounded where C
rounds them, and the few criteria that nn writes in Lua (tensor ops, `:sum()` in accreal) follow
those ops. Targets may be a tensor of any type (converted like THNN's `target:long()` for class
indices) and, where Torch accepts one, a plain number.
"""
import math
from array import array as _array

import numpy as np

from . import kernel
from ._util import like, out
from .. import xp as _xp
from ..errors import TorchError, typename

F64 = np.dtype(np.float64)
EPS = 1e-12          # BCECriterion's EPS
_SEQ_DOUBLE = 1 << 14  # ClassNLLCriterion's fast batch path: up to this many rows


def _desc(t):
    return '[%s]' % ' x '.join(map(str, t.size))


def _real(input):
    dt = input.ttype.dtype
    if not input.ttype.is_float:
        raise TorchError('%s: criteria need a FloatTensor or DoubleTensor input'
                         % input.ttype.tensor_name)
    return dt


def _flat(t, dtype):
    """t's elements in TH's order (row-major over its logical shape), as dtype."""
    a = t.arr().reshape(-1)
    return a if a.dtype == dtype else a.astype(dtype)


def _pair(input, target, what='target'):
    """input and target as arrays of input's type and of one shape (input's, or flat when the
    sizes differ), THNN_CHECK_NELEMENT first."""
    if not hasattr(target, 'arr'):
        raise TorchError('%s should be a tensor (got %s)' % (what, typename(target)))
    n1, n2 = input.nelement(), target.nelement()
    if n1 != n2:
        raise TorchError('input and %s have different number of elements: input%s has %d '
                         'elements, while %s%s has %d elements'
                         % (what, _desc(input), n1, what, _desc(target), n2))
    dt = _real(input)
    if input.size == target.size:
        x, y = input.arr(), target.arr()
        return x, (y if y.dtype == dt else y.astype(dt)), dt
    return _flat(input, dt), _flat(target, dt), dt


_F32 = np.dtype(np.float32)
_I32 = np.dtype(np.int32)


def _loop32(s, terms):
    """`sum += term` for a float sum and double terms, in Python: s (a float holding a float32
    value) plus each term in double, rounded to float each time (array('f') is C's cast)."""
    buf = _array('f', (s,))
    for t in terms:
        buf[0] = s + t
        s = buf[0]
    return s


def _seq32_of64(t64):
    """C's `float sum = 0; sum += (double term);` over a float64 vector, bit for bit, at numpy
    speed: float32 prefix sums of the terms rounded to float are taken as a guess (a chunk at a
    time) and checked step by step against the double-then-round step; the first step that
    differs is replaced by the true one and the guess resumes from there. A guess is wrong only
    when rounding the term first moves the sum across a rounding boundary (about 1/k at step k
    of a same-signed sum), so a few passes do; stretches of frequent corrections run in a
    Python loop."""
    n = t64.size
    if n <= 64:
        return _F32.type(_loop32(0.0, t64.tolist()))
    t32 = t64.astype(_F32)
    s = _F32.type(0)
    i, c = 0, 512
    while i < n:
        j = min(n, i + c)
        buf = np.empty(j - i + 1, _F32)
        buf[0] = s
        buf[1:] = t32[i:j]
        p = np.add.accumulate(buf)
        q = (p[:-1].astype(F64) + t64[i:j]).astype(_F32)
        ok = q.view(_I32) == p[1:].view(_I32)
        m = int(ok.argmin())
        if ok[m]:
            s, i, c = p[-1], j, min(c * 4, 1 << 18)
            continue
        s, i = q[m], i + m + 1
        if m < 32:                  # corrections close together: the plain loop for a while
            k = min(n, i + 256)
            s = _F32.type(_loop32(float(s), t64[i:k].tolist()))
            i, c = k, 512
    return s


def _seqsum(terms, dtype):
    """THNN's `real sum = 0; for (...) sum += term;` over terms in element order, each partial
    sum rounded to dtype, bit for bit; the sum as a number of dtype (a numpy scalar, whatever
    the array's module). Terms of dtype are added as C adds them (np.add.accumulate is
    sequential, unlike np.sum); float64 terms of a float sum go through _seq32_of64 (C adds them
    in double and rounds each partial sum to float). C's sum starts at +0, so it is never -0
    (accumulate starts at the first term: adding +0 at the end restores that).
    On a device the terms are summed there in dtype, as cunn sums them (its accreal is the
    element type): the step-by-step rounding of float64 terms is the CPU's (it would read the
    terms back to the host)."""
    n = terms.size
    if n == 0:
        return dtype.type(0)
    if dtype != F64 and terms.dtype != dtype and type(terms) is np.ndarray:
        return _seq32_of64(terms.astype(F64, copy=False).ravel())
    return dtype.type(_xp.scalar(np.add.accumulate(terms.ravel(), dtype=dtype)[-1]) + 0.0)


def _negsum(terms, dtype):
    """`real sum = 0; for (...) sum -= term;`: 0 - (the sum of the terms): the same bits, and +0
    (never -0) where the sum is zero, as C's subtraction from +0 gives."""
    return dtype.type(0) - _seqsum(terms, dtype)


def _accsum(a):
    """THTensor_(sumall) (`x:sum()` in Lua): `accreal sum = 0; sum += x` in element order, accreal
    being double for both real types; a Python float."""
    if a.size == 0:
        return 0.0
    return float(_xp.scalar(np.add.accumulate(a.reshape(-1), dtype=F64)[-1])) + 0.0


def _accsum_rows(a):
    """THTensor_(sum)(r, a, 2) on a contiguous matrix: each row summed in order in accreal
    (double), `*r = (real)sum`: a float64 vector (round it to real where C stores it)."""
    if a.shape[1] == 0:
        return np.zeros(a.shape[0], F64)
    return np.add.accumulate(a, axis=1, dtype=F64)[:, -1] + 0.0


def _average(s, n, dtype, sizeAverage):
    """`if (sizeAverage) sum /= nElement;` in the tensor's type; the loss as a Python float."""
    if sizeAverage:
        s = dtype.type(_xp.scalar(s)) / dtype.type(n) if n else (float('nan') if s == 0 else float('inf'))
    return float(s)


def _norm(n, dtype, sizeAverage, scale=1.0):
    """`real norm = sizeAverage ? scale/(real)n : scale` (computed in double, stored as real)."""
    if sizeAverage:
        return dtype.type(scale / float(dtype.type(n))) if n else dtype.type(np.inf)
    return dtype.type(scale)


def _grad(gradInput, input, values):
    """gradInput resized like input and filled with values (of input's shape, or flat)."""
    gi = like(gradInput, input)
    gi[...] = values if np.shape(values) == gi.shape else np.reshape(values, gi.shape)
    return gi


# --------------------------------------------------------------------------- pointwise losses

@kernel
def MSECriterion_updateOutput(input, target, sizeAverage):
    x, y, dt = _pair(input, target)
    z = x - y
    z *= z
    return _average(_seqsum(z, dt), x.size, dt, sizeAverage)


@kernel
def MSECriterion_updateGradInput(input, target, gradInput, sizeAverage):
    x, y, dt = _pair(input, target)
    norm = _norm(x.size, dt, sizeAverage, 2.0)
    z = x - y
    z *= norm
    _grad(gradInput, input, z)


@kernel
def AbsCriterion_updateOutput(input, target, sizeAverage):
    x, y, dt = _pair(input, target)
    return _average(_seqsum(np.abs(x - y), dt), x.size, dt, sizeAverage)


@kernel
def AbsCriterion_updateGradInput(input, target, gradInput, sizeAverage):
    x, y, dt = _pair(input, target)
    norm = _norm(x.size, dt, sizeAverage)
    _grad(gradInput, input, np.where(x - y >= 0, norm, -norm))


@kernel
def SmoothL1Criterion_updateOutput(input, target, sizeAverage):
    x, y, dt = _pair(input, target)
    z = np.abs(x - y).astype(F64)
    terms = np.where(z < 1, 0.5 * z * z, z - 0.5)
    return _average(_seqsum(terms, dt), x.size, dt, sizeAverage)


@kernel
def SmoothL1Criterion_updateGradInput(input, target, gradInput, sizeAverage):
    x, y, dt = _pair(input, target)
    norm = _norm(x.size, dt, sizeAverage)
    d = x - y
    g = d * norm
    g[d < -1] = -norm
    g[d > 1] = norm
    _grad(gradInput, input, g)


@kernel
def MarginCriterion_updateOutput(input, target, sizeAverage, margin):
    x, y, dt = _pair(input, target)
    z = dt.type(margin) - x * y
    return _average(_seqsum(np.where(z > 0, z, dt.type(0)), dt), x.size, dt, sizeAverage)


@kernel
def MarginCriterion_updateGradInput(input, target, gradInput, sizeAverage, margin):
    x, y, dt = _pair(input, target)
    norm = _norm(x.size, dt, sizeAverage)
    _grad(gradInput, input, np.where(x * y < dt.type(margin), -norm * y, 0))


@kernel
def SoftMarginCriterion_updateOutput(input, target, sizeAverage):
    x, y, dt = _pair(input, target)
    with np.errstate(over='ignore'):        # exp overflows to inf, as in C
        z = np.log(1.0 + np.exp((-x * y).astype(F64))).astype(dt)
    return _average(_seqsum(z, dt), x.size, dt, sizeAverage)


@kernel
def SoftMarginCriterion_updateGradInput(input, target, gradInput, sizeAverage):
    x, y, dt = _pair(input, target)
    norm = _norm(x.size, dt, sizeAverage)
    with np.errstate(over='ignore', invalid='ignore'):
        z = np.exp((-y * x).astype(F64)).astype(dt)
        _grad(gradInput, input, ((-norm * y * z) / (1.0 + z.astype(F64))).astype(dt))


@kernel
def DistKLDivCriterion_updateOutput(input, target, sizeAverage):
    x, y, dt = _pair(input, target)
    t = y.astype(F64)
    pos = t > 0
    with np.errstate(divide='ignore', invalid='ignore'):
        terms = np.where(pos, t * (np.log(np.where(pos, t, 1.0)) - x), 0.0)
    return _average(_seqsum(terms, dt), x.size, dt, sizeAverage)


@kernel
def DistKLDivCriterion_updateGradInput(input, target, gradInput, sizeAverage):
    x, y, dt = _pair(input, target)
    norm = _norm(x.size, dt, sizeAverage)
    _grad(gradInput, input, np.where(y > 0, norm * -y, 0))


def _bce_weights(weights, input, target, shape):
    """BCECriterion's weights (in `shape`): a vector per element, or one per column of a batch."""
    if weights is None:
        return None
    w = weights.arr()
    if target.dim() != 1:
        if target.dim() < 2 or weights.nelement() != target.size[1]:
            raise TorchError('BCECriterion: weights must have one entry per column of the '
                             'target (weights%s, target%s)' % (_desc(weights), _desc(target)))
        w = np.broadcast_to(w.reshape(1, -1), target.size)
    if w.size != input.nelement():
        raise TorchError('input and weights have different number of elements: input%s has %d '
                         'elements, while weights%s has %d elements'
                         % (_desc(input), input.nelement(), _desc(weights), w.size))
    return w.astype(input.ttype.dtype).reshape(shape)


@kernel
def BCECriterion_updateOutput(input, target, sizeAverage, weights):
    x, y, dt = _pair(input, target)
    w = _bce_weights(weights, input, target, x.shape)
    bad = (x < 0) | (x > 1) | np.isnan(x)
    if bad.any():
        raise TorchError('input value should be between 0~1, but got %f'
                         % float(x.reshape(-1)[np.flatnonzero(bad)[0]]))
    x64, y64 = x.astype(F64), y.astype(F64)
    terms = np.log(x64 + EPS) * y64 + np.log(1.0 - x64 + EPS) * (1.0 - y64)
    if w is not None:
        terms *= w
    return _average(_negsum(terms, dt), x.size, dt, sizeAverage)


@kernel
def BCECriterion_updateGradInput(input, target, gradInput, sizeAverage, weights):
    x, y, dt = _pair(input, target)
    w = _bce_weights(weights, input, target, x.shape)
    norm = _norm(x.size, dt, sizeAverage)
    x64 = x.astype(F64)
    g = (((-norm) * (y - x)).astype(F64) / ((1.0 - x64 + EPS) * (x64 + EPS))).astype(dt)
    if w is not None:
        g *= w
    _grad(gradInput, input, g)


# --------------------------------------------------------------------------- class indices

def _indices(target):
    """Class indices (1-based, as int64) of a tensor or a number: `target:long()`."""
    if hasattr(target, 'arr'):
        a = target.arr()
        return a.reshape(-1).astype(np.int64), target.dim()
    if isinstance(target, bool) or not isinstance(target, (int, float)):
        raise TorchError('target should be a number or a tensor')
    return np.array([int(target)], np.int64), 1


def _class_weights(weights, n_classes, dt, fmt):
    if weights is None:
        return None
    if weights.nelement() != n_classes:
        raise TorchError(fmt % (n_classes, _desc(weights)))
    return _flat(weights, dt)


def _assert_range(t, n_classes):
    if t.size and (t.min() < 0 or t.max() >= n_classes):
        raise TorchError("Assertion `cur_target >= 0 && cur_target < n_classes' failed. ")


def _nll_setup(input, target, weights, ignoreIndex):
    dt = _real(input)
    nd = input.dim()
    if nd > 2:
        raise TorchError('input tensor should be 1D or 2D')
    tgt, tdim = _indices(target)
    if tdim > 1:
        raise TorchError('multi-target not supported')
    n_classes = input.size[-1] if nd else 0
    w = _class_weights(weights, n_classes, dt,
                       'weight tensor should be defined either for all %d classes or no '
                       'classes but got weight tensor of shape: %s')
    if nd == 1:
        tgt = tgt[:1]
    elif tgt.size != input.size[0]:
        raise TorchError("Assertion `THIndexTensor_(size)(target, 0) == batch_size' failed. ")
    keep = tgt != ignoreIndex
    rows = np.flatnonzero(keep)
    cls = tgt[keep] - 1
    _assert_range(cls, n_classes)
    return dt, nd, w, rows, cls


def _set1(t, v):
    if t is not None:
        a = t.arr()
        if a.shape == (1,):
            a[0] = v
        else:
            out(t, (1,))[0] = v


def _nll_vector(input, target, weights, ignoreIndex):
    """The one-sample case (the hot path of per-sample training): (dtype, 0-based class or None
    when ignored, its weight or None)."""
    dt = _real(input)
    tt = type(target)
    if tt is int or tt is float:
        c = int(target)
    else:
        tgt, tdim = _indices(target)
        if tdim > 1:
            raise TorchError('multi-target not supported')
        c = int(tgt[0])
    if c == ignoreIndex:
        return dt, None, None
    n = input.size[0]
    if not 1 <= c <= n:
        raise TorchError("Assertion `cur_target >= 0 && cur_target < n_classes' failed. ")
    if weights is None:
        return dt, c - 1, None
    if weights.nelement() != n:
        raise TorchError('weight tensor should be defined either for all %d classes or no '
                         'classes but got weight tensor of shape: %s' % (n, _desc(weights)))
    return dt, c - 1, dt.type(_xp.scalar(weights.arr().reshape(-1)[c - 1]))


_U64 = np.dtype(np.uint64)
_I64 = np.dtype(np.int64)
_ROW_STARTS = {}


def _row_starts(B, C):
    """(B,) int64: the flat position of each row's first element in a contiguous (B, C) array
    (cached by shape)."""
    r = _ROW_STARTS.get((B, C))
    if r is None:
        if len(_ROW_STARTS) > 64:
            _ROW_STARTS.clear()
        r = _ROW_STARTS[(B, C)] = np.arange(B, dtype=np.int64) * C
    return r


def _nll_batch_fast(x, target, weights, ignoreIndex):
    """The common batch case (a contiguous host (B, C) input, a 1-D LongTensor of B in-range
    targets, no weights, an ignoreIndex that is no class): the flat positions of the picked
    elements; None when the general path must run (it also raises the errors)."""
    if weights is not None or type(x) is not np.ndarray or not x.flags.c_contiguous:
        return None
    t = getattr(target, 'arr', None)
    if t is None:
        return None
    t = t()
    B, C = x.shape
    if (type(t) is not np.ndarray or t.dtype != _I64 or t.shape != (B,) or not 0 < B <= _SEQ_DOUBLE
            or type(ignoreIndex) not in (int, float) or 1 <= ignoreIndex <= C):
        return None
    cls = t - 1
    # one reduction checks 0 <= cls < C (negative classes wrap to huge unsigned values)
    if not np.maximum.reduce(cls.view(_U64)) < C:
        return None
    cls += _row_starts(B, C)
    return cls


def _total_weight(total_weight, dt):
    """The total weight stored by updateOutput, as a number of dt (1 when there is none)."""
    if total_weight is None:
        return dt.type(1)
    a = total_weight.arr()
    if type(a) is np.ndarray and a.shape == (1,):
        return dt.type(a[0])
    return dt.type(_xp.scalar(a.reshape(-1)[0]))


@kernel
def ClassNLLCriterion_updateOutput(input, target, output, sizeAverage, weights, total_weight,
                                   ignoreIndex):
    """Returns (loss, total weight); also stores them in output and total_weight (1 element)."""
    if len(input.size) == 1:
        dt, c, wc = _nll_vector(input, target, weights, ignoreIndex)
        if c is None:
            tw = loss = dt.type(0)
        else:
            tw = dt.type(1) if wc is None else wc
            loss = -input.arr()[c] * tw
    else:
        dt = _real(input)
        x = input.arr()
        flat = _nll_batch_fast(x, target, weights, ignoreIndex) if len(input.size) == 2 else None
        if flat is not None:
            # the picked elements summed in order in dt (as _seqsum does for terms of dt)
            tw = dt.type(flat.size)
            # `output -= x` from +0: 0 - sum (+0, not -0, for a zero sum; exact in Python)
            loss = dt.type(0.0 - np.add.accumulate(x.reshape(-1)[flat])[-1].item())
        else:
            dt, nd, w, rows, cls = _nll_setup(input, target, weights, ignoreIndex)
            if w is None:
                tw = dt.type(cls.size)
                loss = _negsum(x[rows, cls], dt)
            else:
                cw = w[cls]
                tw = _seqsum(cw, dt)
                loss = _negsum(x[rows, cls] * cw, dt)
    if sizeAverage and tw and tw != 1:      # (loss / 1 in dt would change no bit)
        loss = dt.type(_xp.scalar(loss / tw))
    _set1(output, loss)
    _set1(total_weight, tw)
    return float(loss), float(tw)


@kernel
def ClassNLLCriterion_updateGradInput(input, target, gradInput, sizeAverage, weights,
                                      total_weight, ignoreIndex):
    dt = _real(input)
    gi = like(gradInput, input)
    gi.fill(0)
    tw = _total_weight(total_weight, dt)
    if not tw > 0:
        return
    if len(input.size) == 1:
        dt, c, wc = _nll_vector(input, target, weights, ignoreIndex)
        if c is not None:
            gi[c] = -wc if (not sizeAverage and wc is not None) else -1
        return
    if len(input.size) == 2 and type(gi) is np.ndarray and gi.flags.c_contiguous:
        flat = _nll_batch_fast(input.arr(), target, weights, ignoreIndex)
        if flat is not None:
            # -1 (divided by the total weight in dt) at each picked position
            g = dt.type(-1)
            gi.reshape(-1)[flat] = g / tw if sizeAverage else g
            return
    dt, nd, w, rows, cls = _nll_setup(input, target, weights, ignoreIndex)
    g = -w[cls] if w is not None else np.full(cls.size, -1, dt)
    if sizeAverage:
        g = g / tw
    gi[rows, cls] = g


def _spatial_nll_setup(input, target, weights):
    dt = _real(input)
    if not hasattr(target, 'arr') or target.dim() != 3:
        raise TorchError("bad argument #3 to 'SpatialClassNLLCriterion' (only batches of spatial "
                         "targets supported (3D tensors) but got targets of dimension: %d)"
                         % (target.dim() if hasattr(target, 'arr') else 1))
    if input.dim() != 4:
        raise TorchError("bad argument #2 to 'SpatialClassNLLCriterion' (only batches of spatial "
                         "inputs supported (4D tensors), but got input of dimension: %d)"
                         % input.dim())
    B, C, H, W = input.size
    if weights is not None and weights.nelement() != C:
        raise TorchError('weight tensor should be defined either for all or no classes')
    if target.size != (B, H, W):
        raise TorchError('size mismatch (got input: %dx%dx%dx%d, target: %dx%dx%d)'
                         % ((B, C, H, W) + tuple(target.size)))
    cls = target.arr().astype(np.int64) - 1
    _assert_range(cls, C)
    w = _flat(weights, dt) if weights is not None else None
    return dt, cls, w


@kernel
def SpatialClassNLLCriterion_updateOutput(input, target, output, sizeAverage, weights,
                                          total_weight):
    dt, cls, w = _spatial_nll_setup(input, target, weights)
    B = input.size[0]
    x = input.arr()
    picked = np.take_along_axis(x, cls[:, None], 1)[:, 0]      # (B, H, W)
    if w is None:
        tw = dt.type(cls.size)
        loss = _negsum(picked, dt)
    else:
        cw = w[cls]
        tw = _seqsum(cw, dt)
        loss = _negsum(picked * cw, dt)
    if sizeAverage and tw:
        loss = dt.type(_xp.scalar(loss / tw))
    del B
    _set1(output, loss)
    _set1(total_weight, tw)
    return float(loss), float(tw)


@kernel
def SpatialClassNLLCriterion_updateGradInput(input, target, gradInput, sizeAverage, weights,
                                             total_weight):
    dt, cls, w = _spatial_nll_setup(input, target, weights)
    gi = like(gradInput, input)
    gi.fill(0)
    tw = dt.type(_xp.scalar(total_weight.arr().reshape(-1)[0]))
    if tw <= 0:
        return
    normalize = tw if sizeAverage else dt.type(1)
    g = (-w[cls] if w is not None else _xp.module_of(gi).full(cls.shape, -1, dt)) / normalize
    np.put_along_axis(gi, cls[:, None], g[:, None].astype(dt), 1)


def _margin_setup(input, target):
    dt = _real(input)
    if input.dim() not in (1, 2):
        raise TorchError("bad argument #2 to 'MultiMarginCriterion' (vector or matrix expected)")
    tgt, tdim = _indices(target)
    if input.dim() == 1:
        nframe, dim = 1, input.size[0]
        tgt = tgt[:1]
    else:
        nframe, dim = input.size
        if tdim != 1 or tgt.size != nframe:
            raise TorchError("bad argument #3 to 'MultiMarginCriterion' (inconsistent target size)")
    if tgt.size and (tgt.min() < 1 or tgt.max() > dim):
        raise TorchError("bad argument #3 to 'MultiMarginCriterion' (target out of range)")
    x = input.arr().reshape(nframe, dim)
    if x.dtype != dt:
        x = x.astype(dt)
    return dt, x, tgt - 1, nframe, dim


def _multimargin_z(x, cls, dt, margin):
    rows = np.arange(x.shape[0])
    z = (dt.type(margin) - x[rows, cls])[:, None] + x
    active = z > 0
    active[rows, cls] = False
    return z, active, rows


@kernel
def MultiMarginCriterion_updateOutput(input, target, sizeAverage, p, weights, margin):
    dt, x, cls, nframe, dim = _margin_setup(input, target)
    z, active, _ = _multimargin_z(x, cls, dt, margin)
    h = z if p == 1 else z * z
    if weights is not None:
        h = h * _flat(weights, dt)[cls][:, None]
    s = _seqsum(np.where(active, h, dt.type(0)), dt)
    s = dt.type(s / dt.type(dim))
    if sizeAverage:
        s = dt.type(s / dt.type(nframe))
    return float(s)


@kernel
def MultiMarginCriterion_updateGradInput(input, target, gradInput, sizeAverage, p, weights,
                                         margin):
    dt, x, cls, nframe, dim = _margin_setup(input, target)
    g = dt.type(1.0 / float(dt.type(nframe * dim)) if sizeAverage else 1.0 / float(dt.type(dim)))
    z, active, rows = _multimargin_z(x, cls, dt, margin)
    h = np.full_like(z, g, dtype=dt) if p == 1 else (dt.type(2) * g) * z
    if weights is not None:
        h = h * _flat(weights, dt)[cls][:, None]
    h = np.where(active, h, dt.type(0))
    gi = out(gradInput, input.size).reshape(nframe, dim)
    gi[...] = h
    gi[rows, cls] = dt.type(0) - np.add.accumulate(h, axis=1, dtype=dt)[:, -1]


def _multilabel_setup(input, target):
    dt = _real(input)
    if input.dim() not in (1, 2):
        raise TorchError("bad argument #2 to 'MultiLabelMarginCriterion' "
                         "(vector or matrix expected)")
    if not hasattr(target, 'arr'):
        raise TorchError('MultiLabelMarginCriterion: target should be a tensor')
    if input.dim() == 1:
        nframe, dim = 1, input.size[0]
        ok = target.dim() == 1 and target.size[0] == dim
    else:
        nframe, dim = input.size
        ok = target.dim() == 2 and target.size == (nframe, dim)
    if not ok:
        raise TorchError("bad argument #3 to 'MultiLabelMarginCriterion' "
                         "(inconsistent target size)")
    x = input.arr().reshape(nframe, dim)
    tgt = _xp.on_side(target.arr(), x).astype(np.int64).reshape(nframe, dim)
    if tgt.size and (tgt.min() < 0 or tgt.max() > dim):
        raise TorchError("bad argument #3 to 'MultiLabelMarginCriterion' (target out of range)")
    if x.dtype != dt:
        x = x.astype(dt)
    # the targets of a row are its entries up to the first 0
    valid = np.cumprod(tgt > 0, axis=1).astype(bool)
    cls = np.where(valid, tgt - 1, 0)
    rows = _xp.module_of(x).arange(nframe)[:, None]
    is_target = np.zeros_like(x, dtype=bool)
    is_target[np.broadcast_to(rows, cls.shape)[valid], cls[valid]] = True
    # z[t, j, d] = 1 - x[t, target j] + x[t, d], counted where j is a target and d is not
    z = (dt.type(1) - x[rows, cls])[:, :, None] + x[:, None, :]
    active = (z > 0) & valid[:, :, None] & ~is_target[:, None, :]
    return dt, z, active, is_target, cls, valid, nframe, dim


@kernel
def MultiLabelMarginCriterion_updateOutput(input, target, isTarget, sizeAverage):
    dt, z, active, is_target, _, _, nframe, dim = _multilabel_setup(input, target)
    if isTarget is not None:
        out(isTarget, target.size)[...] = is_target.reshape(target.size)
    s = _seqsum(np.where(active, z, dt.type(0)), dt)
    s = dt.type(s / dt.type(dim))
    if sizeAverage:
        s = dt.type(s / dt.type(nframe))
    return float(s)


@kernel
def MultiLabelMarginCriterion_updateGradInput(input, target, gradInput, isTarget, sizeAverage):
    dt, z, active, is_target, cls, valid, nframe, dim = _multilabel_setup(input, target)
    g = dt.type(1.0 / float(dt.type(nframe * dim)) if sizeAverage else 1.0 / float(dt.type(dim)))
    plus = active.sum(axis=1)                    # times g is added to each non-target d
    hits = np.where(valid, active.sum(axis=2), 0)
    # times g is taken from each target d: the hits of the target entries j naming d
    d = _xp.module_of(cls).arange(dim)
    minus = ((cls[:, :, None] == d) * hits[:, :, None]).sum(axis=1)
    # k additions of g in a row, rounded each time as C does: a table of partial sums
    kmax = int(max(plus.max(), minus.max())) if plus.size else 0
    table = np.concatenate(([dt.type(0)], np.add.accumulate(np.full(kmax, g, dt), dtype=dt)))
    table = _xp.on_side(table, plus)
    gi = out(gradInput, input.size).reshape(nframe, dim)
    gi[...] = table[plus] - table[minus]
    if isTarget is not None:
        out(isTarget, target.size)[...] = is_target.reshape(target.size)


# --------------------------------------------------------------------------- nn's Lua criteria

def _target_array(y, dt, ref):
    """y (a tensor or a number) as a flat array of dt, on the side of array ref."""
    if hasattr(y, 'arr'):
        return _flat(y, dt)
    return _xp.array_like(ref, [y], dt)


def _label_array(y, dt, ref):
    """y as a flat array, a tensor in its own type (Lua compares it with -1 / 1 as it is), a
    number as real (nn stores it in a tensor of the input's type first)."""
    if hasattr(y, 'arr'):
        return y.arr().reshape(-1)
    return _xp.array_like(ref, [y], dt)


@kernel
def MultiLabelSoftMarginCriterion_updateOutput(input, target, sigmoidOutput, sizeAverage,
                                               weights):
    dt = _real(input)
    x = _flat(input, dt)
    t = _flat(target, dt)
    if t.size != x.size:
        raise TorchError('input and target have different number of elements')
    x64 = x.astype(F64)
    if sigmoidOutput is not None:
        with np.errstate(over='ignore'):
            out(sigmoidOutput, (x.size,))[...] = 1.0 / (1.0 + np.exp(-x64))
    ind = (x >= 0).astype(dt)
    b2 = (x * ind) * dt.type(-2) + x
    with np.errstate(over='ignore'):
        e = np.exp(b2.astype(F64)).astype(dt)          # :exp() (float: in double, rounded)
    e += dt.type(1)                                     # :add(1), in real
    b2 = np.log(e.astype(F64)).astype(dt)              # :log()
    b1 = (-ind + t) * x
    b2 = b2 - b1
    if weights is not None:
        w = weights.arr()
        if target.dim() != 1:
            w = np.broadcast_to(w.reshape(1, -1), target.size)
        b2 = b2 * w.reshape(-1).astype(dt)
    s = _accsum(b2)
    if sizeAverage:
        s = s / x.size
    return s


@kernel
def MultiLabelSoftMarginCriterion_updateGradInput(input, target, gradInput, sigmoidOutput,
                                                  sizeAverage, weights):
    dt = _real(input)
    x = _flat(input, dt)
    t = _flat(target, dt)
    if sigmoidOutput is not None and sigmoidOutput.nelement() == x.size:
        s = _flat(sigmoidOutput, dt)
    else:
        s = (1.0 / (1.0 + np.exp(-x.astype(F64)))).astype(dt)
    g = s - t
    if weights is not None:
        w = weights.arr()
        if target.dim() != 1:
            w = np.broadcast_to(w.reshape(1, -1), target.size)
        g = g * w.reshape(-1).astype(dt)
    if sizeAverage:
        g = g / dt.type(t.size)
    _grad(gradInput, input, g)


def _hinge_labels(y, dt, x):
    """nn.HingeEmbeddingCriterion's y as an array of x's size: its `buffer[torch.eq(y, -1)] = 0`
    is a maskedFill, which fails unless y (a number: one element) has as many elements."""
    yy = _label_array(y, dt, x)
    if yy.size != x.size:
        raise TorchError('Number of elements of destination tensor != Number of elements in mask')
    return yy


@kernel
def HingeEmbeddingCriterion_updateOutput(input, y, margin, sizeAverage):
    dt = _real(input)
    x = _flat(input, dt)
    yy = _hinge_labels(y, dt, x)
    s1 = _accsum(np.where(yy == -1, dt.type(0), x))
    hinge = dt.type(margin) - x                        # fill(margin):add(-1, input)
    hinge = np.where(hinge > 0, hinge, dt.type(0))     # cmax(0): NaN > 0 is false
    s2 = _accsum(np.where(yy == 1, dt.type(0), hinge))
    s = s1 + s2
    if sizeAverage is None or sizeAverage is True:
        s = s / x.size
    return s


@kernel
def HingeEmbeddingCriterion_updateGradInput(input, y, gradInput, margin, sizeAverage):
    dt = _real(input)
    x = _flat(input, dt)
    yy = _hinge_labels(y, dt, x)
    g = np.where((yy == -1) & (x > dt.type(margin)), dt.type(0), yy.astype(dt, copy=False))
    if sizeAverage is None or sizeAverage is True:
        g = g * dt.type(1.0 / x.size)
    _grad(gradInput, input, np.broadcast_to(g, x.shape))


@kernel
def L1HingeEmbeddingCriterion_updateOutput(input1, input2, y, margin):
    a, b = input1.arr(), input2.arr()
    if a.size != b.size:
        raise TorchError('inconsistent tensor size')
    # input1:dist(input2, 1): `real sum = 0; sum += pow(fabs(a - b), 1)`, all in real
    dt = _real(input1)
    d = float(_seqsum(np.abs(a.reshape(-1) - b.reshape(-1).astype(a.dtype, copy=False)), dt))
    if y == -1:
        d = max(0.0, margin - d)
    return d


@kernel
def L1HingeEmbeddingCriterion_updateGradInput(input1, input2, gradInput1, gradInput2, y, margin,
                                              draws=None):
    """Sign of input1 - input2 (negated or zeroed for y == -1). Torch draws a random sign for
    every exact zero: returns how many there are; call again with `draws` (that many values in
    {1, 2}, from torch.random) to fill them."""
    a, b = input1.arr(), input2.arr()
    if a.size != b.size:
        raise TorchError('inconsistent tensor size')
    g1 = like(gradInput1, input1)
    like(gradInput2, input2)
    diff = (a - b.reshape(a.shape)).astype(a.dtype)
    zeros = ~((diff > 0) | (diff < 0))      # mathsign draws for 0 and NaN
    nz = int(zeros.sum())
    if nz and draws is None:
        return nz
    dist = _accsum(np.abs(diff))          # gradInput[1]:norm(1): accreal, in order
    g = np.sign(diff)
    if nz:
        g[zeros] = 2 * draws.arr().reshape(-1)[:nz] - 3
    if y == -1:
        g = np.zeros_like(g) if dist > margin else -g
    g1[...] = g
    # gradInput[2]:zero():add(-1, gradInput[1]): 0 - g, +0 where g is 0
    gradInput2.arr()[...] = (g.dtype.type(0) - g).reshape(gradInput2.size)
    return 0


def _cosine_forward(x1, x2, y, margin, dt):
    """CosineEmbeddingCriterion's forward in the order nn computes it (real ops, accreal sums)."""
    w1 = _accsum_rows(x1 * x2).astype(dt)
    eps = dt.type(1e-12)
    w22 = dt.type(1) / (_accsum_rows(x1 * x1).astype(dt) + eps)
    w32 = dt.type(1) / (_accsum_rows(x2 * x2).astype(dt) + eps)
    w = np.sqrt(w22 * w32)
    o = w1 * w
    neg, pos = y == -1, y == 1
    om = o - dt.type(margin)
    o = np.where(neg, np.where(om > 0, om, dt.type(0)), o)
    o = np.where(pos, dt.type(1) - o, o)
    return w1, w22, w32, w, o


def _cosine_inputs(input1, input2, y):
    dt = _real(input1)
    x1, x2 = input1.arr(), input2.arr()
    if x1.ndim == 1:
        x1, x2 = x1.reshape(1, -1), x2.reshape(1, -1)
    if x1.shape != x2.shape or x1.ndim != 2:
        raise TorchError('CosineEmbeddingCriterion: inputs must be two vectors or two matrices '
                         'of the same size')
    x1, x2 = x1.astype(dt, copy=False), x2.astype(dt, copy=False)
    yy = _label_array(y, dt, x1)
    if yy.size not in (1, x1.shape[0]):
        raise TorchError('CosineEmbeddingCriterion: target size mismatch')
    return dt, x1, x2, yy


@kernel
def CosineEmbeddingCriterion_updateOutput(input1, input2, y, margin, sizeAverage):
    dt, x1, x2, yy = _cosine_inputs(input1, input2, y)
    o = _cosine_forward(x1, x2, yy, margin, dt)[-1]
    s = _accsum(o)
    if sizeAverage:
        s = s / yy.size
    return s


@kernel
def CosineEmbeddingCriterion_updateGradInput(input1, input2, y, gradInput1, gradInput2, margin,
                                             sizeAverage):
    dt, x1, x2, yy = _cosine_inputs(input1, input2, y)
    w1, w22, w32, w, o = _cosine_forward(x1, x2, yy, margin, dt)
    g1 = (x2 - (w1 * w22)[:, None] * x1) * w[:, None]
    g2 = (x1 - (w1 * w32)[:, None] * x2) * w[:, None]
    zero = (o <= 0)[:, None]
    g1 = np.where(zero, dt.type(0), g1)
    g2 = np.where(zero, dt.type(0), g2)
    flip = np.broadcast_to(yy == 1, o.shape)[:, None]
    g1 = np.where(flip, -g1, g1)
    g2 = np.where(flip, -g2, g2)
    if sizeAverage:
        n = dt.type(yy.size)
        g1, g2 = g1 / n, g2 / n
    out(gradInput1, input1.size)[...] = g1.reshape(input1.size)
    out(gradInput2, input2.size)[...] = g2.reshape(input2.size)


@kernel
def MarginRankingCriterion_updateOutput(input1, input2, y, margin, sizeAverage):
    if not hasattr(y, 'arr'):
        a, b = input1.arr().reshape(-1), input2.arr().reshape(-1)
        return max(0.0, -y * (float(a[0]) - float(b[0])) + margin)
    dt = _real(input1)
    a, b = _flat(input1, dt), _flat(input2, dt)
    yy = _flat(y, dt)
    d = (-(a - b)) * yy + dt.type(margin)
    s = _accsum(np.where(d > 0, d, dt.type(0)))       # cmax(0): NaN > 0 is false
    if sizeAverage:
        s = s / yy.size
    return s


@kernel
def MarginRankingCriterion_updateGradInput(input1, input2, y, gradInput1, gradInput2, margin,
                                           sizeAverage):
    if not hasattr(y, 'arr'):
        a, b = input1.arr().reshape(-1), input2.arr().reshape(-1)
        dist = -y * (float(a[0]) - float(b[0])) + margin
        g1 = gradInput1.arr().reshape(-1)
        g2 = gradInput2.arr().reshape(-1)
        if g1.size == 0 or g2.size == 0:
            g1, g2 = out(gradInput1, (1,)), out(gradInput2, (1,))
        g1[0], g2[0] = (0, 0) if dist < 0 else (-y, y)
        return
    dt = _real(input1)
    a, b = _flat(input1, dt), _flat(input2, dt)
    yy = _flat(y, dt)
    d = (-(a - b)) * yy + dt.type(margin)
    mask = (d >= 0).astype(dt)
    g1, g2 = (-mask) * yy, mask * yy
    if sizeAverage:
        n = dt.type(yy.size)
        g1, g2 = g1 / n, g2 / n
    out(gradInput1, input1.size)[...] = g1.reshape(input1.size)
    out(gradInput2, input2.size)[...] = g2.reshape(input2.size)


@kernel
def WeightedMSECriterion_target(buffer, input, target, weight):
    """buffer = target * weight (the weight repeated over the rows of a batch)."""
    dt = _real(input)
    t = target.arr().astype(dt, copy=False)
    w = weight.arr().astype(dt, copy=False)
    buf = out(buffer, input.size)
    if input.dim() - 1 == weight.dim():
        buf[...] = t.reshape(input.size) * w[None]
    else:
        if t.size != w.size:
            raise TorchError('WeightedMSECriterion: weight and target sizes differ')
        buf[...] = t.reshape(input.size) * w.reshape(input.size)


@kernel
def ClassSimplexCriterion_simplex(result, nClasses):
    """result = the nClasses vertices of a regular simplex centred at the origin, unit norm, one
    per row, embedded in nClasses dimensions (the last column is zero)."""
    # nn's regsplex on a torch.zeros of the default type (result's): the norm is normall(2)
    # (`accreal z = x; sum += z*z` in order, then sqrt), the rest Lua arithmetic (double) on
    # the values as stored in the tensor
    dt = result.ttype.dtype if result.ttype.is_float else F64
    n = nClasses - 1
    a = np.zeros((n + 1, nClasses), dt)
    for k in range(n):
        if k == 0:
            a[0, 0] = 1.0
        else:
            z = a[k, :k].astype(F64)
            nrm = math.sqrt(_accsum(z * z))
            a[k, k] = math.sqrt(1 - nrm ** 2)
        akk = float(a[k, k])
        a[k + 1:, k] = (akk ** 2 - 1 - 1 / n) / akk
    out(result, a.shape)[...] = a


@kernel
def ClassSimplexCriterion_target(buffer, simplex, target):
    s = simplex.arr()
    if hasattr(target, 'arr'):
        if target.dim() != 1:
            raise TorchError('1D tensors only!')
        idx = target.arr().astype(np.int64) - 1
        if idx.size and (idx.min() < 0 or idx.max() >= s.shape[0]):
            raise TorchError('index out of range')
        out(buffer, (idx.size, s.shape[1]))[...] = s[idx]
    else:
        i = int(target) - 1
        if not 0 <= i < s.shape[0]:
            raise TorchError('index out of range')
        out(buffer, (s.shape[1],))[...] = s[i]


def _distance_ratio_inputs(X, Y):
    if X.nelement() != Y.nelement():
        raise TorchError("Number of distances don't match.")
    if X.size[:1] != Y.size[:1]:
        raise TorchError("Invalid distances' size.")
    dt = _real(X)
    x, y = X.arr().astype(dt, copy=False), Y.arr().astype(dt, copy=False).reshape(X.size)
    with np.errstate(over='ignore'):
        ex = np.exp(-x.astype(F64)).astype(dt)
        ey = np.exp(-y.astype(F64)).astype(dt)
    return dt, x, ex, ey, ex + ey


@kernel
def DistanceRatioCriterion_updateOutput(X, Y, sizeAverage):
    """mean over rows of X + log(exp(-X) + exp(-Y)) (X: distances of similar pairs, Y: of
    dissimilar ones)."""
    dt, x, _, _, s = _distance_ratio_inputs(X, Y)
    loss = x + np.log(s.astype(F64)).astype(dt)
    total = _accsum(loss)
    return total / X.size[0] if sizeAverage else total


@kernel
def DistanceRatioCriterion_updateGradInput(X, Y, dX, dY, sizeAverage):
    dt, _, ex, ey, s = _distance_ratio_inputs(X, Y)
    gx = -ex / s + dt.type(1)
    gy = -ey / s
    if sizeAverage:
        n = dt.type(X.size[0])
        gx, gy = gx / n, gy / n
    out(dX, X.size)[...] = gx
    out(dY, Y.size)[...] = gy.reshape(Y.size)


@kernel
def L1Cost_updateOutput(input):
    """sum |x| (accumulated in accreal, the result stored in the input's type)."""
    dt = _real(input)
    return float(dt.type(_accsum(np.abs(input.arr()))))


@kernel
def L1Cost_updateGradInput(input, gradInput):
    x = input.arr()
    _grad(gradInput, input, (x > 0).astype(x.dtype) - (x < 0))   # 0 (not -0, not NaN) at 0, NaN
