"""Small helpers shared by the nn kernels."""
import os

import numpy as np

from ..errors import TorchError
from ..tensor import resize


# LUATORCH_NN_EXACT_BLAS=1: the convolutions and nn.Linear make exactly THNN's BLAS calls (one
# GEMM per sample with its m, n, k, the bias inside them, alpha = scale): Torch7's bits on this
# OpenBLAS and thread count. Off by default: those bits depend on the BLAS build and its thread
# count anyway (Torch7 on another machine gets others), and the calls cost LeNet at batch 32 a
# third of its speed (one GEMM per batch, padded rows, numpy's products otherwise). The
# element-wise maths, sums and libm calls are Torch7's in both modes.
EXACT_BLAS = os.environ.get('LUATORCH_NN_EXACT_BLAS', '0') == '1'


def th_sum(a, ax, acc=np.float64):
    """THTensor_(sum)(r, a, ax) of a host array, as an array of a's type without that axis: per
    output element a sum from +0 in index order, in accreal (acc: double for float types) where
    a's stride along ax is one element, else in a's type (TH adds the slices into the zeroed
    result one by one)."""
    if a.shape[ax] == 0:
        return np.zeros(a.shape[:ax] + a.shape[ax + 1:], a.dtype)
    unit = a.strides[ax] == a.itemsize or a.shape[ax] == 1
    dt = acc if unit else a.dtype
    s = np.add.accumulate(a, axis=ax, dtype=dt).take(-1, axis=ax)
    s += s.dtype.type(0)    # C's sum starts at +0: all -0 sums to +0
    return s.astype(a.dtype, copy=False)


def ones(n, dtype):
    """n ones of dtype, kept and read-only (the vector THNN's gemv calls sum with)."""
    key = (n, np.dtype(dtype))
    v = _ONES.get(key)
    if v is None:
        if len(_ONES) > 64:
            _ONES.clear()
        v = _ONES[key] = np.ones(n, dtype)
        v.flags.writeable = False
    return v


_ONES = {}


def out(t, size):
    """Resize t (TH's resizeNd) and return its numpy view (contiguous)."""
    if t.size == size or t.size == tuple(size):
        a = t.arr()
        if a.flags.c_contiguous:
            return a
    resize(t, size)
    return t.arr()


def like(t, src):
    """Resize t to src's size; its numpy view."""
    return out(t, src.size)


def check(cond, msg):
    if not cond:
        raise TorchError(msg)


def ndim_check(t, dims, what='input'):
    """Torch's '<dims>D tensor expected' check."""
    if t.dim() not in dims:
        raise TorchError('%s must be a %s tensor' % (
            what, ' or '.join('%dD' % d for d in dims)))


def seq_rows(a, plus_zero=True):
    """a[0] + a[1] + ... along axis 0 in that order, each partial sum rounded to a's type: C's
    `sum += a[i]` loop for every element of a[0] at once, started at +0 (plus_zero; else at
    a[0]). numpy reduces an outer axis of a C-contiguous array row after row (pairwise
    summation is only for the inner axis); a single column is accumulated (np.add.accumulate
    is always sequential)."""
    a = np.ascontiguousarray(a)
    if a.shape[0] == 0:
        return np.zeros(a.shape[1:], a.dtype)
    if a[0].size > 1:
        r = np.add.reduce(a, axis=0)
    else:
        r = np.add.accumulate(a.reshape(a.shape[0]))[-1:].reshape(a.shape[1:])
    if plus_zero:
        r += 0      # +0 + a[0] + ...: an all -0 sum is +0 (nothing else changes)
    return r
