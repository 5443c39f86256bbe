"""TH's BLAS layer (THBlas_gemm/gemv/ger/dot/scal for float and double) on numpy's own OpenBLAS.

Torch7's addmm, addmv, addr, dot... call the BLAS with a given structure (one gemm onto the
result, gemv accumulating into y, ger, per-run dots) and OpenBLAS's bits depend on it: with
beta 1 gemm adds each depth block's partial product into C, gemv_n adds column blocks into y,
ger updates a column at a time with a fused multiply-add. These wrappers take TH's arguments
(column-major, Fortran conventions, leading dimensions and increments in elements) and make
the same call, with THBlas's own adjustments first (a leading dimension of a one-column
operand becomes its row count; a one-element vector gets increment 1) and its C loop where
THBlas keeps one (gemv with a non-positive leading dimension or increment).

An array argument stands for TH's pointer: a host numpy array whose first element is where
the pointer points (e.g. `storage[offset:]`), read or written through the given dimensions;
the caller answers for the bounds (as in C). The functions are found in numpy's bundled
OpenBLAS (the tables cblas.py loads); without it (another
numpy build, LUATORCH_CBLAS=0) the same formulas run in numpy (the values, not the bits).
`gemm_ok`/`gemv_ok`/`ger_ok` say whether OpenBLAS would accept the arguments (it prints an
error and does nothing otherwise).
"""

import numpy as np
from numpy.lib.stride_tricks import as_strided

from . import cblas

_COL_MAJOR = 102
_FLAG = {'n': 111, 'N': 111, 't': 112, 'T': 112}


_DOT, _SCAL = cblas._DOT, cblas._SCAL


_ptr = cblas._ptr


def _mat(a, rows, cols, ld):
    """The column-major rows x cols matrix at a's first element with leading dimension ld."""
    it = a.itemsize
    return as_strided(a, (rows, cols), (it, ld * it))


def _vec(x, n, inc):
    it = x.itemsize
    return as_strided(x, (n,), (inc * it,))


def available(dtype):
    """Whether the calls of `dtype` reach the BLAS (else numpy computes them)."""
    dt = np.dtype(dtype)
    return dt in cblas._GEMM and dt in cblas._GEMV and dt in cblas._GER and dt in _DOT


# ----------------------------------------------------------------------------- gemm


def _gemm_lds(transa, transb, m, n, k, lda, ldb, ldc):
    """THBlas_gemm's adjustments of the leading dimensions for one-row/one-column operands."""
    ta = transa in 'tT'
    tb = transb in 'tT'
    if n == 1:
        ldc = m
    if ta:
        if m == 1:
            lda = k
    elif k == 1:
        lda = m
    if tb:
        if k == 1:
            ldb = n
    elif n == 1:
        ldb = k
    return lda, ldb, ldc


def gemm_ok(transa, transb, m, n, k, lda, ldb, ldc):
    """Whether the BLAS accepts these gemm arguments (after THBlas's adjustments)."""
    lda, ldb, ldc = _gemm_lds(transa, transb, m, n, k, lda, ldb, ldc)
    ra = k if transa in 'tT' else m
    rb = n if transb in 'tT' else k
    return (m >= 0 and n >= 0 and k >= 0 and lda >= max(1, ra) and ldb >= max(1, rb)
            and ldc >= max(1, m))


def gemm(transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc):
    """THBlas_gemm: c = alpha * op(a) op(b) + beta * c, column-major (m x n result, depth k)."""
    lda, ldb, ldc = _gemm_lds(transa, transb, m, n, k, lda, ldb, ldc)
    fn = cblas._GEMM.get(c.dtype)
    if fn is not None and a.dtype == c.dtype and b.dtype == c.dtype:
        fn(_COL_MAJOR, _FLAG[transa], _FLAG[transb], m, n, k, float(alpha), _ptr(a), lda,
           _ptr(b), ldb, float(beta), _ptr(c), ldc)
        return
    if not (m and n):
        return
    dt = c.dtype.type
    cm = _mat(c, m, n, ldc)
    if k == 0:
        cm[...] = 0 if beta == 0 else cm * dt(beta)
        return
    am = _mat(a, k, m, lda).T if transa in 'tT' else _mat(a, m, k, lda)
    bm = _mat(b, n, k, ldb).T if transb in 'tT' else _mat(b, k, n, ldb)
    prod = np.matmul(am, bm) * dt(alpha)
    cm[...] = prod if beta == 0 else cm * dt(beta) + prod


# ----------------------------------------------------------------------------- gemv


def gemv_ok(trans, m, n, lda, incx, incy):
    """Whether THBlas_gemv's call reaches a BLAS that accepts it (a non-positive leading
    dimension or increment goes to THBlas's own loop instead: also fine)."""
    if n == 1:
        lda = m
    if lda <= 0 or incx <= 0 or incy <= 0:
        return True
    return m >= 0 and n >= 0 and lda >= max(1, m)


def scal(n, a, x, incx):
    """THBlas_scal: x = a * x."""
    if n == 1:
        incx = 1
    fn = _SCAL.get(x.dtype)
    if fn is not None:
        fn(n, float(a), _ptr(x), incx)
        return
    if n <= 0 or incx <= 0:
        return
    v = _vec(x, n, incx)
    v[...] = 0 if a == 0 else v * x.dtype.type(a)


def gemv(trans, m, n, alpha, a, lda, x, incx, beta, y, incy):
    """THBlas_gemv: y = alpha * op(a) x + beta * y, a column-major m x n."""
    if n == 1:
        lda = m
    if lda > 0 and incx > 0 and incy > 0:
        fn = cblas._GEMV.get(y.dtype)
        if fn is not None and a.dtype == y.dtype and x.dtype == y.dtype:
            fn(_COL_MAJOR, _FLAG[trans], m, n, float(alpha), _ptr(a), lda, _ptr(x), incx,
               float(beta), _ptr(y), incy)
            return
        if not (m and n):
            return
        dt = y.dtype.type
        am = _mat(a, m, n, lda)
        if trans in 'tT':
            am = am.T
        yv = _vec(y, am.shape[0], incy)
        prod = np.dot(am, _vec(x, am.shape[1], incx)) * dt(alpha)
        yv[...] = prod if beta == 0 else yv * dt(beta) + prod
        return
    _gemv_loop(trans, m, n, alpha, a, lda, x, incx, beta, y, incy)


def _gemv_loop(trans, m, n, alpha, a, lda, x, incx, beta, y, incy):
    """THBlas_gemv's C loop (no BLAS), in its order and element type; a, x, y are 1-D views
    from the pointers to the end of their buffers, increments and lda >= 0 (tensor strides)."""
    dt = y.dtype.type
    alpha, beta = dt(alpha), dt(beta)
    if trans in 'tT':
        # y[i] = beta * y[i] + alpha * (sum over j in order of x[j] * a[j + lda i])
        sums = np.zeros(n, y.dtype)
        rows = np.arange(n) * lda
        for j in range(m):
            sums = sums + x[j * incx] * a[rows + j]
        for i in range(n):
            if beta == 0:
                y[i * incy] = alpha * sums[i]
            else:
                y[i * incy] = beta * y[i * incy] + alpha * sums[i]
        return
    if beta != 1:
        scal(m, beta, y, incy)
    rows = np.arange(m)
    for j in range(n):
        z = alpha * x[j * incx]
        col = a[rows + lda * j]
        if incy > 0:
            yv = _vec(y, m, incy)
            yv[...] = yv + z * col
        else:
            for i in range(m):
                y[i * incy] = y[i * incy] + z * col[i]


# ----------------------------------------------------------------------------- ger, dot


def ger_ok(m, n, incx, incy, lda):
    """Whether the BLAS accepts THBlas_ger's arguments (OpenBLAS refuses zero increments)."""
    if n == 1:
        lda = m
    return m >= 0 and n >= 0 and incx != 0 and incy != 0 and lda >= max(1, m)


def ger(m, n, alpha, x, incx, y, incy, a, lda):
    """THBlas_ger: a += alpha * x y^T, a column-major m x n."""
    if n == 1:
        lda = m
    fn = cblas._GER.get(a.dtype)
    if fn is not None and x.dtype == a.dtype and y.dtype == a.dtype:
        fn(_COL_MAJOR, m, n, float(alpha), _ptr(x), incx, _ptr(y), incy, _ptr(a), lda)
        return
    if not (m and n) or alpha == 0:
        return
    dt = a.dtype.type
    am = _mat(a, m, n, lda)
    am += np.multiply.outer(_vec(x, m, incx), _vec(y, n, incy) * dt(alpha))


def dot(n, x, incx, y, incy):
    """THBlas_dot: the BLAS dot product of n elements, returned as the element type's value
    (a Python float)."""
    if n == 1:
        incx = incy = 1
    fn = _DOT.get(x.dtype)
    if fn is not None and y.dtype == x.dtype:
        return float(x.dtype.type(fn(n, _ptr(x), incx, _ptr(y), incy)))
    if n <= 0:
        return 0.0
    return float(np.dot(_vec(x, n, incx), _vec(y, n, incy)))
