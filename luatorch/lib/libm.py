"""The C library's element-wise functions, bit for bit, where numpy computes its own.

TH applies libm element by element (TH_MATH_NAME: `tanh` for a DoubleTensor, `tanhf` for a
FloatTensor), and THNN's Tanh is THTensor_(tanh). numpy 2 brings its own vectorised float64 tanh
(a last-bit difference from glibc's for about 30% of inputs) and its own float32 exp, log, sin,
cos and tanh; its float32 log1p, tan, sinh, cosh, atan, asin, acos and expm1 loops, and its
float64 loops other than tanh, call libm (checked element by element against libm through ctypes
in tests/lib/test_libm.py).

tanh here is glibc's formula (fdlibm's s_tanh.c / s_tanhf.c) on libm's expm1 in the array's own
type: for |x| >= 1, 1 - 2 / (expm1(2|x|) + 2), below, -t / (t + 2) with t = expm1(-2|x|), with
x's sign (other C libraries may round their tanh differently; Torch7 on glibc, the common case,
gets these bits). The formula's special cases need no code of their own: from |x| = 22 (and at
inf) the first form rounds to exactly 1, below 2^-55 the second gives |x| exactly, and NaN stays
NaN.
"""
import numpy as np

from . import xp as _xp

# numpy's float32 loops that are libm's float functions (the others: evaluate in double)
FLOAT32_LIBM = frozenset(('log1p', 'tan', 'sinh', 'cosh', 'atan', 'asin', 'acos', 'expm1'))

_EXACT_TYPES = (np.dtype(np.float64), np.dtype(np.float32))


def _expm1(t):
    np.expm1(t, out=t)


def tanh(x, out=None, expm1=_expm1):
    """libm's tanh (tanhf for float32) of the array x, into out when given (out may be x).
    expm1(t) computes libm's expm1 of the contiguous array t in place (most of the time goes
    there: a caller may split it between threads)."""
    if type(x) is not np.ndarray or x.dtype not in _EXACT_TYPES:
        return _xp.module_of(x).tanh(x, out=out)
    one = x.dtype.type(1)
    two = one + one
    with np.errstate(all='ignore'):
        a = np.abs(x)
        big = a >= one
        t = np.multiply(a, np.where(big, two, -two))
        expm1(t)
        d = t + two
        # (t / d for the small branch: -t / d but for the sign, which copysign sets)
        z = np.where(big, one - two / d, t / d)
        return np.copysign(z, x, out=out)

