"""Direct calls into the BLAS that numpy itself uses, for the one level-2 update numpy has no
single call for: the rank-1 update A += alpha * x y^T (BLAS ger, what TH's addr calls).

numpy builds it as an outer product and an add, two passes over A and a temporary; ger is one
pass (3x faster for nn.Linear's per-sample weight gradient). The library is found where numpy's
wheels bundle it (numpy.libs/libscipy_openblas*, ILP64 symbols `scipy_cblas_?ger64_`); with any
other numpy build `ger` returns False and callers keep their numpy code.
"""
import ctypes
import glob
import os

import numpy as np

_ROW_MAJOR = 101


def _load():
    here = os.path.dirname(np.__file__)
    for path in sorted(glob.glob(os.path.join(here, os.pardir, 'numpy.libs', 'libscipy_openblas64_*.so'))):
        try:
            lib = ctypes.CDLL(path)      # already loaded by numpy: the same instance and threads
            fns = {np.dtype(np.float64): lib.scipy_cblas_dger64_,
                   np.dtype(np.float32): lib.scipy_cblas_sger64_}
        except (OSError, AttributeError):
            continue
        i64, p = ctypes.c_int64, ctypes.c_void_p
        for dt, fn in fns.items():
            real = ctypes.c_double if dt == np.float64 else ctypes.c_float
            fn.argtypes = [ctypes.c_int, i64, i64, real, p, i64, p, i64, p, i64]
            fn.restype = None
        return fns
    return {}


_GER = {} if os.environ.get('LUATORCH_CBLAS', '1') == '0' else _load()
_addr = ctypes.c_char.from_buffer
# below this many elements numpy's two passes cost less than the call through ctypes (~4 us)
_MIN_GER = 4096


def available(dtype):
    return np.dtype(dtype) in _GER


def ger(alpha, x, y, a):
    """a += alpha * outer(x, y) in place, for host vectors x (m,), y (n,) and a C-contiguous
    (m, n) matrix a, all of one float type; False (nothing done) where the BLAS is not at hand,
    the arrays do not fit it or a is small."""
    fn = _GER.get(a.dtype)
    if (fn is None or a.size < _MIN_GER or type(a) is not np.ndarray or not a.flags.c_contiguous or not a.size
            or x.dtype != a.dtype or y.dtype != a.dtype or type(x) is not np.ndarray
            or type(y) is not np.ndarray):
        return False
    it = a.itemsize
    sx, sy = x.strides[0], y.strides[0]
    if sx % it or sy % it or sx <= 0 or sy <= 0 or not a.flags.writeable:
        return False
    m, n = a.shape
    fn(_ROW_MAJOR, m, n, alpha, _address(x), sx // it, _address(y), sy // it,
       ctypes.addressof(_addr(a)), n)
    return True


def _address(v):
    """Address of a 1-D array's first element (a positive-strided view of writable memory)."""
    if v.flags.writeable and v.flags.c_contiguous:
        return ctypes.addressof(_addr(v))
    return v.__array_interface__['data'][0]
