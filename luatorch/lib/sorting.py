"""Sorting and order statistics (maths.md): sort, topk, kthvalue, median, mode.

Each returns (values, LongTensor of 1-based indices) and accepts result tensors first
(`torch.sort(resval, resind, x)`), as TH's declarations in TensorMath.lua do. The dimension
defaults to the last one; kthvalue, median and mode keep it with size 1.

Sorting is stable here (equal keys keep their order); TH's quicksort is not, so the indices of
equal values may differ from Torch's (values never do). topk with sort=false returns the
elements in the order TH's quickselect leaves them, which this module reproduces; on a device,
in cutorch's order (the index order: elements beyond the k-th value, then its ties).
"""
import numpy as np

from . import types
from .errors import TorchError
from .reduce import dim0, fn, put
from .registry import LAST, REQUIRED, parse

_ORDER = ('T', None), ('I', None)


def _expected(args, rest):
    t = next((a for a in args if hasattr(a, 'ttype')), None)
    n = t.ttype.tensor_name[len('torch.'):] if t is not None else 'Tensor'
    return '[*%s*] [*LongTensor*] %s %s' % (n, n, rest)


def sort_indices(a, axis, descending=False):
    """Stable argsort along axis; descending keeps equal keys in their original order too."""
    if not descending:
        return np.argsort(a, axis=axis, kind='stable')
    n = a.shape[axis]
    idx = np.argsort(np.flip(a, axis), axis=axis, kind='stable')
    return np.flip(n - 1 - idx, axis)


def _results(rv, ri, t, vals, idx):
    return put(rv, t.ttype, vals), put(ri, t.ttype.twin(types.Long), idx + 1)


# ----------------------------------------------------------------------------- sort


@fn('sort')
def sort(*args):
    rv, ri, t, d, desc = parse(args, _ORDER + (('t', REQUIRED), ('d', LAST), ('b', False)),
                               _expected(args, '[index] [boolean]'))
    d = dim0(t, d, 'sort', 2, 'invalid dimension %d')
    a = t.arr()
    idx = sort_indices(a, d, desc)
    return _results(rv, ri, t, np.take_along_axis(a, idx, axis=d), idx)


# ----------------------------------------------------------------------------- topk


def quickselect(v, ix, k):
    """Reorder list v (and ix with it) so that v[k] is the k-th smallest (0-based), everything
    before it no larger and everything after no smaller, exactly as TH's quickselect leaves them:
    median-of-three pivot moved to the front, then Hoare partitioning of the active range."""
    lo, hi = 0, len(v) - 1
    while hi > lo:
        if hi == lo + 1:
            if v[lo] > v[hi]:
                v[lo], v[hi] = v[hi], v[lo]
                ix[lo], ix[hi] = ix[hi], ix[lo]
            return
        mid = (lo + hi) >> 1
        a = lo + 1
        v[mid], v[a] = v[a], v[mid]
        ix[mid], ix[a] = ix[a], ix[mid]
        for x, y in ((a, hi), (lo, hi), (a, lo)):
            if v[x] > v[y]:
                v[x], v[y] = v[y], v[x]
                ix[x], ix[y] = ix[y], ix[x]
        piv = v[lo]
        i, j = a, hi
        while True:
            i += 1
            while v[i] < piv:
                i += 1
            j -= 1
            while v[j] > piv:
                j -= 1
            if j < i:
                break
            v[i], v[j] = v[j], v[i]
            ix[i], ix[j] = ix[j], ix[i]
        v[lo], v[j] = v[j], v[lo]
        ix[lo], ix[j] = ix[j], ix[lo]
        if j <= k:
            lo = i
        if j >= k:
            hi = j - 1


def _topk_unsorted(rows, k, largest):
    """TH's selection order for each row of a 2-D array: indices (n_rows, k)."""
    if type(rows) is not np.ndarray:
        return _topk_index_order(rows, k, largest)
    n = rows.shape[1]
    out = np.empty((rows.shape[0], k), np.int64)
    cut = n - k if largest else 0
    for r, row in enumerate(rows.tolist()):
        ix = list(range(n))
        if largest:
            if cut > 0:
                quickselect(row, ix, cut - 1)
        else:
            quickselect(row, ix, k - 1)
        out[r] = ix[cut:cut + k]
    return out


def _topk_index_order(rows, k, largest):
    """cutorch's topk(sorted=false) order for each row of a 2-D device array: the selected
    elements by index, those strictly beyond the k-th value first, then that value's ties."""
    kth = np.take_along_axis(rows, sort_indices(rows, 1, largest)[:, k - 1:k], axis=1)
    beyond = rows > kth if largest else rows < kth
    tie = rows == kth
    tie &= np.cumsum(tie, axis=1) <= k - beyond.sum(axis=1, keepdims=True)
    rank = np.where(beyond, 0, np.where(tie, 1, 2)).astype(np.int8)
    return np.argsort(rank, axis=1, kind='stable')[:, :k]


@fn('topk')
def topk(*args):
    rv, ri, t, k, d, largest, sorted_ = parse(
        args, _ORDER + (('t', REQUIRED), ('n', 1), ('d', LAST), ('b', False), ('b', False)),
        _expected(args, '[long] [index] [boolean] [boolean]'))
    d = dim0(t, d, 'topk', 3, 'dim not in range')
    k = int(k)
    n = t.size[d]
    if not 0 < k <= n:
        raise TorchError("bad argument #2 to 'topk' (k not in range for dimension)")
    a = t.arr()
    if sorted_:
        idx = sort_indices(a, d, largest)[(slice(None),) * d + (slice(0, k),)]
    else:
        moved = np.moveaxis(a, d, -1)
        rows = moved.reshape(-1, n)
        idx = _topk_unsorted(rows, k, largest).reshape(moved.shape[:-1] + (k,))
        idx = np.moveaxis(idx, -1, d)
    return _results(rv, ri, t, np.take_along_axis(a, idx, axis=d), idx)


# ----------------------------------------------------------------------------- kthvalue, median


def _kth(rv, ri, t, k, d, name):
    n = t.size[d]
    if not 0 < k <= n:
        raise TorchError("bad argument #2 to '%s' (selected index out of range)" % name)
    a = t.arr()
    idx = sort_indices(a, d)[(slice(None),) * d + (slice(k - 1, k),)]
    return _results(rv, ri, t, np.take_along_axis(a, idx, axis=d), idx)


@fn('kthvalue')
def kthvalue(*args):
    rv, ri, t, k, d = parse(args, _ORDER + (('t', REQUIRED), ('n', REQUIRED), ('d', LAST)),
                            _expected(args, 'long [index]'))
    d = dim0(t, d, 'kthvalue', 3, 'dimension out of range')
    return _kth(rv, ri, t, int(k), d, 'kthvalue')


@fn('median')
def median(*args):
    rv, ri, t, d = parse(args, _ORDER + (('t', REQUIRED), ('d', LAST)), _expected(args, '[index]'))
    d = dim0(t, d, 'median', 3, 'dimension out of range')
    return _kth(rv, ri, t, (t.size[d] - 1) // 2 + 1, d, 'median')


# ----------------------------------------------------------------------------- mode


@fn('mode')
def mode(*args):
    """Most frequent value along d (the smallest among equally frequent ones) and the index of
    one of its occurrences (TH: the last of its run after sorting)."""
    rv, ri, t, d = parse(args, _ORDER + (('t', REQUIRED), ('d', LAST)), _expected(args, '[index]'))
    d = dim0(t, d, 'mode', 3, 'dimension out of range')
    a = t.arr()
    n = t.size[d]
    moved = np.moveaxis(a, d, -1)
    rows = moved.reshape(-1, n)
    order = np.argsort(rows, axis=1, kind='stable')
    s = np.take_along_axis(rows, order, axis=1)
    ends = np.ones_like(s, dtype=bool)
    ends[:, :-1] = s[:, 1:] != s[:, :-1]
    starts = np.empty_like(ends)
    starts[:, 0] = True
    starts[:, 1:] = ends[:, :-1]
    # runs of equal values never cross rows: the i-th run start (row-major) pairs with the i-th
    # run end, and each run's length is written at its end
    e, b = np.flatnonzero(ends), np.flatnonzero(starts)
    freq = np.zeros_like(s, dtype=np.int64)
    freq.reshape(-1)[e] = e - b + 1
    best = np.argmax(freq, axis=1)[:, None]
    vals = np.take_along_axis(s, best, axis=1)
    idx = np.take_along_axis(order, best, axis=1)
    shape = moved.shape[:-1] + (1,)
    vals = np.moveaxis(vals.reshape(shape), -1, d)
    idx = np.moveaxis(idx.reshape(shape), -1, d)
    return _results(rv, ri, t, vals, idx)
