"""Direct calls into the BLAS that numpy itself uses (its bundled OpenBLAS: gemm, gemv, ger,
axpy, dot, scal for float and double), for what numpy has no single call for, and to make the
calls TH makes (its results' bits depend on the call: see docs/DEVELOPING.md): the rank-1
update A += alpha x y^T (ger, TH's addr), C = alpha A B + beta C onto C (gemm: TH's addmm; no
temporary product), y += alpha x (axpy, TH's in-place cadd of contiguous tensors: every
`x:add(value, y)`), gemv (TH's addmv); thblas.py takes TH's own argument conventions on top.

The library is found where numpy's wheels bundle it (numpy.libs/libscipy_openblas*, ILP64
symbols `scipy_cblas_?ger64_`); with any other numpy build (or LUATORCH_CBLAS=0) the tables are
empty, the functions return False and callers keep their numpy code.
"""
import ctypes
import glob
import os
import threading

import numpy as np

_ROW_MAJOR = 101


def _signatures():
    """BLAS routine -> its cblas argument types and result type, given the C real type."""
    i64, p, e = ctypes.c_int64, ctypes.c_void_p, ctypes.c_int       # (e: an enum)
    return {
        'ger': (lambda r: [e, i64, i64, r, p, i64, p, i64, p, i64], None),
        'gemm': (lambda r: [e, e, e, i64, i64, i64, r, p, i64, p, i64, r, p, i64], None),
        'gemv': (lambda r: [e, e, i64, i64, r, p, i64, p, i64, r, p, i64], None),
        'axpy': (lambda r: [i64, r, p, i64, p, i64], None),
        'dot': (lambda r: [i64, p, i64, p, i64], True),
        'scal': (lambda r: [i64, r, p, i64], None),
    }


def _load():
    """{routine: {dtype: ctypes function}} from numpy's bundled OpenBLAS (ILP64 symbols
    scipy_cblas_<d|s><routine>64_), and the library; empty tables and None where it is not
    found."""
    tables = {name: {} for name in _signatures()}
    if os.environ.get('LUATORCH_CBLAS', '1') == '0':
        return tables, None
    here = os.path.dirname(np.__file__)
    for path in sorted(glob.glob(os.path.join(here, os.pardir, 'numpy.libs',
                                              'libscipy_openblas64_*.so'))):
        try:
            lib = ctypes.CDLL(path)      # already loaded by numpy: the same instance and threads
        except OSError:
            continue
        for name, (args, returns) in _signatures().items():
            for dt, real, c in ((np.dtype(np.float64), ctypes.c_double, 'd'),
                                (np.dtype(np.float32), ctypes.c_float, 's')):
                fn = getattr(lib, 'scipy_cblas_%s%s64_' % (c, name), None)
                if fn is not None:
                    fn.argtypes = args(real)
                    fn.restype = real if returns else None
                    tables[name][dt] = fn
        if tables['gemm']:
            return tables, lib
    return tables, None


_TABLES, _LIB = _load()
_GER, _GEMM, _GEMV, _AXPY, _DOT, _SCAL = (_TABLES[n] for n in ('ger', 'gemm', 'gemv', 'axpy',
                                                                'dot', 'scal'))
_addr = ctypes.c_char.from_buffer


def _thread_calls():
    get = getattr(_LIB, 'scipy_openblas_get_num_threads64_', None)
    put = getattr(_LIB, 'scipy_openblas_set_num_threads64_', None)
    if get is None or put is None:
        return None
    get.argtypes, get.restype = [], ctypes.c_int
    put.argtypes, put.restype = [ctypes.c_int], None
    return get, put


_THREAD_CALLS = _thread_calls()
_single = [0, 0]        # how many callers want one BLAS thread now; the count to restore
_single_lock = threading.Lock()


class one_thread:
    """`with one_thread():` BLAS calls made inside (from any thread) run on one thread each:
    for code that splits its own work between threads, each part calling the BLAS (two
    callers of a threaded OpenBLAS at once wait on each other and wake its idle threads for
    every call: a convolution's per-sample GEMMs ran 2-6x slower). Nests; the BLAS's count is
    restored when the last one leaves."""
    __slots__ = ()

    def __enter__(self):
        if _THREAD_CALLS is not None:
            with _single_lock:
                if _single[0] == 0:
                    _single[1] = _THREAD_CALLS[0]()
                    if _single[1] > 1:
                        _THREAD_CALLS[1](1)
                _single[0] += 1
        return self

    def __exit__(self, *exc):
        if _THREAD_CALLS is not None:
            with _single_lock:
                _single[0] -= 1
                if _single[0] == 0 and _single[1] > 1:
                    _THREAD_CALLS[1](_single[1])
        return False
_addressof = ctypes.addressof
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
    fn(_ROW_MAJOR, m, n, alpha, _ptr(x), sx // it, _ptr(y), sy // it,
       _ptr(a), n)
    return True


def _ptr(a):
    """Address of a host array's first element: through the buffer protocol (~0.3 us) for a
    writeable C-contiguous array or the transpose of one, the array interface (~1.5 us: a dict
    each time) otherwise."""
    if a.flags.writeable and a.size:
        if a.flags.c_contiguous:
            return _addressof(_addr(a))
        if a.ndim == 2 and a.flags.f_contiguous:
            return _addressof(_addr(a.T))
    return a.__array_interface__['data'][0]


_TRANS, _NO_TRANS = 112, 111


def gemm_tn_acc(a, b, c):
    """c += a.T @ b in place for host matrices a (k, m), b (k, n), c (m, n) of one float type, all
    C-contiguous, m, n >= 2 (numpy takes other routes for vectors); False (nothing done) where
    the BLAS is not at hand or the arrays do not fit. The same BLAS call numpy's matmul makes for
    a.T @ b, with beta 1: each element is c + (a.T @ b) rounded once, as the temporary and the
    add give it (bit for bit while k is within one of OpenBLAS's depth blocks, a few hundred;
    deeper, the blocks' partial sums are added to c one by one: the last bits may differ)."""
    fn = _GEMM.get(c.dtype)
    if (fn is None or type(c) is not np.ndarray or type(a) is not np.ndarray
            or type(b) is not np.ndarray or a.dtype != c.dtype or b.dtype != c.dtype
            or c.ndim != 2 or a.ndim != 2 or b.ndim != 2 or not c.flags.writeable
            or not (c.flags.c_contiguous and a.flags.c_contiguous and b.flags.c_contiguous)):
        return False
    k, m = a.shape
    n = b.shape[1]
    if m < 2 or n < 2 or k < 1 or b.shape[0] != k or c.shape != (m, n):
        return False
    pa, pb = _ptr(a), _ptr(b)
    if pa == pb:       # numpy computes a.T @ a with syrk
        return False
    fn(_ROW_MAJOR, _TRANS, _NO_TRANS, m, n, k, 1.0, pa, m, pb, n, 1.0, _ptr(c), n)
    return True


def axpy(alpha, x, y):
    """y += alpha * x in place, for C-contiguous host arrays of one float type and the same
    size that do not overlap (or are the same array): TH's in-place cadd of contiguous tensors
    is this BLAS call, so its bits (each element y + alpha x rounded once where the BLAS fuses
    the multiply and add, as OpenBLAS does on FMA machines) are Torch7's. False (nothing done)
    where the BLAS is not at hand or the arrays do not fit."""
    fn = _AXPY.get(y.dtype)
    if (fn is None or type(y) is not np.ndarray or type(x) is not np.ndarray
            or x.dtype != y.dtype or x.size != y.size or not y.flags.writeable
            or not (y.flags.c_contiguous and x.flags.c_contiguous)):
        return False
    if not y.size:
        return True
    py, px = _ptr(y), _ptr(x)
    nb = y.nbytes
    if px != py and px < py + nb and py < px + nb:     # overlapping, not the same
        return False
    fn(y.size, float(alpha), px, 1, py, 1)
    return True


def gemv_t_acc(alpha, a, x, y):
    """y += alpha * a^T x for a C-contiguous (n, m) host matrix a (TH's addmv(y, 1, y, alpha,
    a:t(), x): BLAS gemv('n', m, n, alpha, a, m, x, 1, 1, y, 1) column-major); False where the
    library or the layout does not allow it (callers keep their numpy code)."""
    fn = _GEMV.get(y.dtype)
    if (fn is None or not all(type(v) is np.ndarray and v.dtype == y.dtype and v.flags.c_contiguous
                              for v in (a, x, y)) or not y.flags.writeable):
        return False
    n, m = a.shape
    if x.shape != (n,) or y.shape != (m,):
        return False
    if m and n:
        fn(102, 111, m, n, float(alpha), _ptr(a), m, _ptr(x), 1, 1.0, _ptr(y), 1)
    return True


_COL_MAJOR = 102
_TFLAG = {'n': _NO_TRANS, 'N': _NO_TRANS, 't': _TRANS, 'T': _TRANS}


def has_gemm(dtype):
    return np.dtype(dtype) in _GEMM


def gemm(transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc):
    """The Fortran-style (column-major) BLAS call gemm(transa, transb, m, n, k, alpha, a, lda, b,
    ldb, beta, c, ldc), as TH's THBlas_gemm makes it, on host arrays a, b, c of one float type
    (the addresses of their first elements); the caller answers for the bounds. False (nothing
    done) where the BLAS is not at hand."""
    fn = _GEMM.get(c.dtype)
    if fn is None or a.dtype != c.dtype or b.dtype != c.dtype:
        return False
    fn(_COL_MAJOR, _TFLAG[transa], _TFLAG[transb], m, n, k, float(alpha), _ptr(a), lda, _ptr(b),
       ldb, float(beta), _ptr(c), ldc)
    return True


def _lead(x):
    """(transposed, leading dimension) of a 2-D row-major view x with one unit stride, for the
    BLAS; None where neither stride is 1 (or the other is not positive)."""
    it = x.itemsize
    s0, s1 = x.strides
    r, cc = x.shape
    if (s1 == it or cc == 1) and s0 > 0 and s0 % it == 0 and s0 // it >= max(cc, 1):
        return False, s0 // it
    if (s0 == it or r == 1) and s1 > 0 and s1 % it == 0 and s1 // it >= max(r, 1):
        return True, s1 // it
    if r == 1 and cc == 1:
        return False, 1
    return None


def mm(alpha, a, b, beta, c):
    """c = alpha * a @ b + beta * c in place, one BLAS gemm (depth k = a.shape[1]), for 2-D host
    views a (m, k), b (k, n), c (m, n) of one float type, each with a unit stride in one of its
    dimensions (c in its rows). With beta 1 OpenBLAS adds each depth block's product into c
    (c + alpha * acc): the bits of TH's addmm onto c, whatever the layouts. False (nothing done)
    where the BLAS is not at hand or the arrays do not fit."""
    fn = _GEMM.get(c.dtype)
    if (fn is None or type(c) is not np.ndarray or type(a) is not np.ndarray
            or type(b) is not np.ndarray or a.dtype != c.dtype or b.dtype != c.dtype
            or not c.flags.writeable or a.ndim != 2 or b.ndim != 2 or c.ndim != 2):
        return False
    m, k = a.shape
    n = b.shape[1]
    if b.shape[0] != k or c.shape != (m, n):
        return False
    if not (m and n):
        return True
    if np.may_share_memory(c, a) or np.may_share_memory(c, b):
        return False        # (the BLAS would read what it has overwritten: numpy copies)
    lc = _lead(c)
    la, lb = _lead(a), _lead(b)
    if lc is None or lc[0] and m > 1 or la is None or lb is None:
        return False
    if k == 0:
        if beta != 1:
            c *= beta
        return True
    # row-major c = a b is column-major c^T = b^T a^T: gemm(m=n, n=m) with b first
    fn(_COL_MAJOR, _TRANS if lb[0] else _NO_TRANS, _TRANS if la[0] else _NO_TRANS, n, m, k,
       float(alpha), _ptr(b), lb[1], _ptr(a), la[1], float(beta), _ptr(c), lc[1])
    return True


def gemv(trans, m, n, alpha, a, lda, x, incx, beta, y, incy):
    """The Fortran-style (column-major) BLAS call gemv(trans, m, n, alpha, a, lda, x, incx, beta, y,
    incy) as TH's THBlas_gemv makes it, on host arrays of one float type (addresses of their first
    elements); False where the BLAS is not at hand."""
    fn = _GEMV.get(y.dtype)
    if fn is None or a.dtype != y.dtype or x.dtype != y.dtype:
        return False
    fn(_COL_MAJOR, _TFLAG[trans], m, n, float(alpha), _ptr(a), lda, _ptr(x), incx, float(beta),
       _ptr(y), incy)
    return True
