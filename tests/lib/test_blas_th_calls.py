"""The float/double BLAS ops of luatorch.lib.blas make TH's BLAS calls, bit for bit.

The references here follow THTensorMath.c's addmm/addmv/addr/addbmm/baddbmm/dot on copies of
the tensors' buffers and call OpenBLAS through its Fortran interface (dgemm_, dgemv_, dger_,
ddot_: the calls THBlas makes), independently of luatorch/lib/thblas.py (which uses the cblas
interface). Results are compared through integer views (bits, NaN and signed zeros included).
"""
import ctypes
import glob
import os

import numpy as np
import pytest

from luatorch.lib import blas, thblas
from luatorch.lib import tensor as T
from luatorch.lib import types
from luatorch.lib.tensor import Tensor
from bitlevel import bits


def _lib():
    here = os.path.dirname(np.__file__)
    for path in sorted(glob.glob(os.path.join(here, os.pardir, 'numpy.libs',
                                              'libscipy_openblas64_*.so'))):
        lib = ctypes.CDLL(path)
        if hasattr(lib, 'scipy_dgemm_64_'):
            return lib
    return None


LIB = _lib()
pytestmark = pytest.mark.skipif(LIB is None or not thblas.available(np.float64)
                                or os.environ.get('LUATORCH_CBLAS', '1') == '0',
                                reason="numpy's OpenBLAS not at hand")
R = np.random.RandomState(7)
TYPES = [types.Double, types.Float]
I64 = ctypes.c_int64


def same_bits(a, b):
    assert a.shape == b.shape
    np.testing.assert_array_equal(bits(a), bits(b))


# ----------------------------------------------------------------------------- reference TH


class RT:
    """A reference tensor: a flat buffer, an offset, sizes and strides (as THTensor)."""

    def __init__(self, buf, off, size, stride):
        self.buf, self.off, self.size, self.stride = buf, off, tuple(size), tuple(stride)

    @staticmethod
    def of(t):
        return RT(t.storage.data.copy(), t.offset, t.size, t.stride)

    def view(self):
        it = self.buf.itemsize
        return np.ndarray(self.size, self.buf.dtype, self.buf, self.off * it,
                          tuple(s * it for s in self.stride))

    def addr(self):
        return self.buf.ctypes.data + self.off * self.buf.itemsize

    def clone(self):
        v = np.ascontiguousarray(self.view()).reshape(-1).copy()
        return RT(v, 0, self.size, tuple(s // v.itemsize for s in
                                         np.empty(self.size, v.dtype).strides))

    def contiguous(self):
        n = 1
        for sz, st in zip(reversed(self.size), reversed(self.stride)):
            if sz != 1:
                if st != n:
                    return self.clone()
                n *= sz
        return self

    def select(self, i):
        return RT(self.buf, self.off + i * self.stride[0], self.size[1:], self.stride[1:])


def fortran(name, dtype):
    return getattr(LIB, 'scipy_%s%s_64_' % ('d' if dtype == np.float64 else 's', name))


def real(dtype, v):
    return (ctypes.c_double if dtype == np.float64 else ctypes.c_float)(v)


def ch(c):
    return ctypes.c_char(c.encode())


def f_gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc):
    # THBlas_(gemm)'s adjustments of one-row / one-column leading dimensions
    if n == 1:
        ldc = m
    if ta == 't' and m == 1:
        lda = k
    if ta == 'n' and k == 1:
        lda = m
    if tb == 't' and k == 1:
        ldb = n
    if tb == 'n' and n == 1:
        ldb = k
    dt = c.buf.dtype
    fn = fortran('gemm', dt)
    fn.restype = None
    fn(ctypes.byref(ch(ta)), ctypes.byref(ch(tb)), ctypes.byref(I64(m)), ctypes.byref(I64(n)),
       ctypes.byref(I64(k)), ctypes.byref(real(dt, alpha)), ctypes.c_void_p(a.addr()),
       ctypes.byref(I64(lda)), ctypes.c_void_p(b.addr()), ctypes.byref(I64(ldb)),
       ctypes.byref(real(dt, beta)), ctypes.c_void_p(c.addr()), ctypes.byref(I64(ldc)))


def f_gemv(tr, m, n, alpha, a, lda, x, incx, beta, y, incy):
    if n == 1:
        lda = m
    assert lda > 0 and incx > 0 and incy > 0
    dt = y.buf.dtype
    fn = fortran('gemv', dt)
    fn.restype = None
    fn(ctypes.byref(ch(tr)), ctypes.byref(I64(m)), ctypes.byref(I64(n)),
       ctypes.byref(real(dt, alpha)), ctypes.c_void_p(a.addr()), ctypes.byref(I64(lda)),
       ctypes.c_void_p(x.addr()), ctypes.byref(I64(incx)), ctypes.byref(real(dt, beta)),
       ctypes.c_void_p(y.addr()), ctypes.byref(I64(incy)))


def f_ger(m, n, alpha, x, incx, y, incy, a, lda):
    if n == 1:
        lda = m
    dt = a.buf.dtype
    fn = fortran('ger', dt)
    fn.restype = None
    fn(ctypes.byref(I64(m)), ctypes.byref(I64(n)), ctypes.byref(real(dt, alpha)),
       ctypes.c_void_p(x.addr()), ctypes.byref(I64(incx)), ctypes.c_void_p(y.addr()),
       ctypes.byref(I64(incy)), ctypes.c_void_p(a.addr()), ctypes.byref(I64(lda)))


def f_dot(n, x, incx, y, incy):
    if n == 1:
        incx = incy = 1
    dt = x.buf.dtype
    fn = fortran('dot', dt)
    fn.restype = ctypes.c_double if dt == np.float64 else ctypes.c_float
    return fn(ctypes.byref(I64(n)), ctypes.c_void_p(x.addr()), ctypes.byref(I64(incx)),
              ctypes.c_void_p(y.addr()), ctypes.byref(I64(incy)))


def ref_prepare(res, t, copy):
    """r_ of THTensorMath: t itself, or res (None: a new contiguous tensor) holding t's values
    (copied when `copy`)."""
    if res is t:
        return t
    if res is None:
        res = RT(np.zeros(int(np.prod(t.size)), t.buf.dtype), 0, t.size,
                 np.empty(t.size, np.int8).strides)
    if copy:
        res.view()[...] = t.view()
    return res


def ref_addmm(r, beta, alpha, m1, m2):
    if r.stride[0] == 1 and r.stride[1] != 0:
        tr, rr = 'n', r
    elif r.stride[1] == 1 and r.stride[0] != 0:
        tr, rr = 't', r
        m1, m2 = m2, m1
    else:
        tr = 'n'
        m, n = r.size
        rr = RT(np.ascontiguousarray(r.view().T).reshape(-1).copy(), 0, (m, n), (1, m))
    i, j = (0, 1) if tr == 'n' else (1, 0)

    def operand(x):
        if x.stride[i] == 1 and x.stride[j] != 0:
            return 'n', x, x.stride[j]
        if x.stride[j] == 1 and x.stride[i] != 0:
            return 't', x, x.stride[i]
        c = x.contiguous()
        f = 't' if tr == 'n' else 'n'
        return f, c, (c.stride[j] if f == 'n' else c.stride[i])

    fa, a, lda = operand(m1)
    fb, b, ldb = operand(m2)
    f_gemm(fa, fb, rr.size[i], rr.size[j], a.size[j], alpha, a, lda, b, ldb, beta, rr,
           rr.stride[j])
    if rr is not r:
        r.view()[...] = rr.view()


def ref_addmv(r, beta, alpha, mat, vec):
    if mat.stride[0] == 1:
        f_gemv('n', mat.size[0], mat.size[1], alpha, mat, mat.stride[1], vec, vec.stride[0],
               beta, r, r.stride[0])
    else:
        c = mat if mat.stride[1] == 1 else mat.contiguous()
        f_gemv('t', mat.size[1], mat.size[0], alpha, c, c.stride[0], vec, vec.stride[0], beta,
               r, r.stride[0])


def ref_addr(r, beta, alpha, v1, v2):
    v = r.view()
    if beta == 0:
        v[...] = 0
    elif beta != 1:
        v *= v.dtype.type(beta)
    if r.stride[0] == 1:
        f_ger(v1.size[0], v2.size[0], alpha, v1, v1.stride[0], v2, v2.stride[0], r, r.stride[1])
    elif r.stride[1] == 1:
        f_ger(v2.size[0], v1.size[0], alpha, v2, v2.stride[0], v1, v1.stride[0], r, r.stride[0])
    else:
        c = r.clone()
        f_ger(v2.size[0], v1.size[0], alpha, v2, v2.stride[0], v1, v1.stride[0], c, c.stride[0])
        v[...] = c.view()


# ----------------------------------------------------------------------------- operands


def make(vals, tt, layout):
    """A tensor of the given values: 'c' contiguous, 't' a transposed view of a contiguous
    buffer, 's' every other column of a wider buffer, 'o' a window at an offset in a larger
    matrix (leading dimension > columns), 'x' (vectors) stride 3."""
    vals = np.asarray(vals, tt.dtype)
    if layout == 'c':
        return T.from_array(vals, tt)
    if layout == 't':
        base = T.from_array(np.ascontiguousarray(vals.T), tt)
        return T.transpose(base, 1, 2)
    if vals.ndim == 1:
        base = T.from_array(np.zeros(3 * len(vals) + 2, tt.dtype), tt)
        base.arr()[2::3] = vals
        return Tensor(tt, base.storage, 2, vals.shape, (3,))
    r, c = vals.shape
    if layout == 's':
        big = np.zeros((r, 2 * c), tt.dtype)
        big[:, ::2] = vals
        base = T.from_array(big, tt)
        return Tensor(tt, base.storage, 0, (r, c), (2 * c, 2))
    big = np.zeros((r + 2, c + 3), tt.dtype)
    big[1:r + 1, 2:c + 2] = vals
    base = T.from_array(big, tt)
    return Tensor(tt, base.storage, c + 3 + 2, (r, c), (c + 3, 1))


def rnd(shape, tt):
    return R.standard_normal(shape).astype(tt.dtype)


MAT_LAYOUTS = ['c', 't', 's', 'o']
SCALARS = [(1, 1), (0, 1), (1, 0.3), (0.7, 1.3), (0, -2.1)]


# ----------------------------------------------------------------------------- addmm


@pytest.mark.parametrize('tt', TYPES, ids=lambda t: t.name)
@pytest.mark.parametrize('K', [7, 280, 700])
@pytest.mark.parametrize('la', MAT_LAYOUTS)
@pytest.mark.parametrize('lb', MAT_LAYOUTS)
def test_addmm_layouts(tt, K, la, lb):
    M, N = 23, 17
    for beta, alpha in SCALARS[:4] if (la, lb) == ('c', 'c') else [SCALARS[3]]:
        t = make(rnd((M, N), tt), tt, 'c')
        m1, m2 = make(rnd((M, K), tt), tt, la), make(rnd((K, N), tt), tt, lb)
        got = blas.addmm(None, beta, t, alpha, m1, m2)
        rt = ref_prepare(None, RT.of(t), beta != 0)
        ref_addmm(rt, beta, alpha, RT.of(m1), RT.of(m2))
        same_bits(got.arr(), rt.view())


@pytest.mark.parametrize('tt', TYPES, ids=lambda t: t.name)
@pytest.mark.parametrize('lr', ['c', 't', 's', 'o', 'same'])
@pytest.mark.parametrize('beta,alpha', SCALARS)
def test_addmm_result_layouts(tt, lr, beta, alpha):
    M, N, K = 19, 13, 400
    tv = rnd((M, N), tt)
    if beta == 0:
        tv[0, 0] = np.nan          # not read: TH's gemm with beta 0 overwrites
    t = make(tv, tt, 'c' if lr == 'same' else 'o')
    res = t if lr == 'same' else make(rnd((M, N), tt), tt, lr)
    m1, m2 = make(rnd((M, K), tt), tt, 'c'), make(rnd((K, N), tt), tt, 't')
    rres = RT.of(res)
    rt = rres if lr == 'same' else RT.of(t)
    out = blas.addmm(res, beta, t, alpha, m1, m2)
    assert out is res
    ref_addmm(ref_prepare(rres, rt, beta != 0), beta, alpha, RT.of(m1), RT.of(m2))
    same_bits(res.arr(), rres.view())
    if lr != 'same':
        same_bits(t.arr(), tv)             # t untouched


@pytest.mark.parametrize('tt', TYPES, ids=lambda t: t.name)
def test_addmm_vector_shapes(tt):
    """One-row / one-column operands: THBlas's leading-dimension adjustments."""
    for M, K, N in [(1, 300, 9), (9, 300, 1), (1, 1, 1), (7, 1, 5), (1, 400, 1)]:
        for la in ('c', 't'):
            t = make(rnd((M, N), tt), tt, 'c')
            m1, m2 = make(rnd((M, K), tt), tt, la), make(rnd((K, N), tt), tt, 'c')
            got = blas.addmm(None, 1, t, 0.5, m1, m2)
            rt = ref_prepare(None, RT.of(t), True)
            ref_addmm(rt, 1, 0.5, RT.of(m1), RT.of(m2))
            same_bits(got.arr(), rt.view())


def test_addmm_differs_from_numpy_deep():
    """The test is not vacuous: past OpenBLAS's depth block, the call's bits differ from
    numpy's product-then-add for a good share of the elements."""
    tt = types.Double
    t, m1, m2 = rnd((40, 30), tt), rnd((40, 700), tt), rnd((700, 30), tt)
    got = blas.addmm(None, 1, T.from_array(t, tt), 1, T.from_array(m1, tt), T.from_array(m2, tt))
    assert np.mean(got.arr() != t + m1 @ m2) > 0.1


@pytest.mark.parametrize('tt', TYPES, ids=lambda t: t.name)
def test_mm_and_method_forms(tt):
    M, K, N = 21, 333, 11
    a, b = make(rnd((M, K), tt), tt, 't'), make(rnd((K, N), tt), tt, 'c')
    rt = ref_prepare(None, RT(np.zeros(M * N, tt.dtype), 0, (M, N), (N, 1)), False)
    ref_addmm(rt, 0, 1, RT.of(a), RT.of(b))
    same_bits(blas.mm(None, a, b).arr(), rt.view())
    res = make(rnd((M, N), tt), tt, 't')             # a transposed result keeps its strides
    rres = RT.of(res)
    rres.view()[...] = 0
    ref_addmm(rres, 0, 1, RT.of(a), RT.of(b))
    assert blas.mm(res, a, b) is res and res.stride == (1, M)
    same_bits(res.arr(), rres.view())
    # r:addmm(v1, v2, m1, m2) with r = t
    r = make(rnd((M, N), tt), tt, 'c')
    rr = RT.of(r)
    blas.addmm(r, 0.5, 2.0, a, b)
    ref_addmm(rr, 0.5, 2.0, RT.of(a), RT.of(b))
    same_bits(r.arr(), rr.view())


# ----------------------------------------------------------------------------- addmv


@pytest.mark.parametrize('tt', TYPES, ids=lambda t: t.name)
@pytest.mark.parametrize('K', [9, 300, 1500])
@pytest.mark.parametrize('lm', MAT_LAYOUTS)
@pytest.mark.parametrize('lv', ['c', 'x'])
@pytest.mark.parametrize('beta,alpha', SCALARS)
def test_addmv(tt, K, lm, lv, beta, alpha):
    M = 37
    t = make(rnd(M, tt), tt, 'c')
    mat, vec = make(rnd((M, K), tt), tt, lm), make(rnd(K, tt), tt, lv)
    got = blas.addmv(None, beta, t, alpha, mat, vec)
    rt = ref_prepare(None, RT.of(t), True)
    ref_addmv(rt, beta, alpha, RT.of(mat), RT.of(vec))
    same_bits(got.arr(), rt.view())
    # in place (res == t), and a strided result
    for res in (t, make(rnd(M, tt), tt, 'x')):
        rres = RT.of(res)
        blas.addmv(res, beta, t, alpha, mat, vec)
        ref_addmv(ref_prepare(rres, rres if res is t else RT.of(t), True), beta, alpha,
                  RT.of(mat), RT.of(vec))
        same_bits(res.arr(), rres.view())


@pytest.mark.parametrize('tt', TYPES, ids=lambda t: t.name)
def test_mv(tt):
    for lm in MAT_LAYOUTS:
        mat, vec = make(rnd((29, 500), tt), tt, lm), make(rnd(500, tt), tt, 'c')
        rt = RT(np.zeros(29, tt.dtype), 0, (29,), (1,))
        ref_addmv(rt, 0, 1, RT.of(mat), RT.of(vec))
        same_bits(blas.mv(None, mat, vec).arr(), rt.view())


@pytest.mark.parametrize('tt', TYPES, ids=lambda t: t.name)
@pytest.mark.parametrize('trans', [False, True])
@pytest.mark.parametrize('beta', [1, 0, 0.5])
def test_addmv_expanded_vector_c_loop(tt, trans, beta):
    """A zero-stride vector: THBlas_(gemv) runs its own C loop (sequential sums in the type)."""
    M, K = 6, 40
    mv = rnd((M, K), tt)
    mat = make(mv, tt, 't' if trans else 'c')
    x = tt.dtype.type(R.standard_normal())
    vec = Tensor(tt, T.from_array(np.array([x], tt.dtype), tt).storage, 0, (K,), (0,))
    tv = rnd(M, tt)
    alpha = tt.dtype.type(0.75)
    got = blas.addmv(None, beta, T.from_array(tv, tt), 0.75, mat, vec).arr()
    b = tt.dtype.type(beta)
    exp = np.empty(M, tt.dtype)
    if trans:    # stride[0] == 1: 'n' loop: y = beta y (BLAS scal), then y += (alpha x_j) a_j
        y = tv.copy()
        if beta != 1:
            y = y * b
        for j in range(K):
            z = alpha * x
            for i in range(M):
                y[i] = y[i] + z * mv[i, j]
        exp = y
    else:        # 't' loop: per output a sequential sum, then beta y + alpha sum
        for i in range(M):
            s = tt.dtype.type(0)
            for j in range(K):
                s = s + x * mv[i, j]
            exp[i] = alpha * s if beta == 0 else b * tv[i] + alpha * s
    same_bits(got, exp)


# ----------------------------------------------------------------------------- addr, ger


@pytest.mark.parametrize('tt', TYPES, ids=lambda t: t.name)
@pytest.mark.parametrize('lr', ['new', 'c', 't', 's', 'same'])
@pytest.mark.parametrize('lv', ['c', 'x'])
@pytest.mark.parametrize('beta,alpha', SCALARS)
def test_addr(tt, lr, lv, beta, alpha):
    M, N = 70, 90
    t = make(rnd((M, N), tt), tt, 'c')
    v1, v2 = make(rnd(M, tt), tt, lv), make(rnd(N, tt), tt, 'c' if lv == 'x' else 'x')
    if lr == 'new':
        res, rres = None, ref_prepare(None, RT.of(t), True)
    elif lr == 'same':
        res = t
        rres = RT.of(t)
    else:
        res = make(rnd((M, N), tt), tt, lr)
        rres = ref_prepare(RT.of(res), RT.of(t), True)
    got = blas.addr(res, beta, t, alpha, v1, v2)
    ref_addr(rres, beta, alpha, RT.of(v1), RT.of(v2))
    same_bits(got.arr(), rres.view())


@pytest.mark.parametrize('tt', TYPES, ids=lambda t: t.name)
def test_ger(tt):
    v1, v2 = make(rnd(50, tt), tt, 'x'), make(rnd(60, tt), tt, 'c')
    rt = RT(np.zeros(3000, tt.dtype), 0, (50, 60), (60, 1))
    ref_addr(rt, 0, 1, RT.of(v1), RT.of(v2))
    same_bits(blas.ger(None, v1, v2).arr(), rt.view())


def test_addr_expanded_vector_gets_values():
    """OpenBLAS refuses a zero increment (TH prints its error and adds nothing): luatorch adds
    the values of a contiguous copy instead."""
    tt = types.Double
    v1 = Tensor(tt, T.from_array(np.array([2.0]), tt).storage, 0, (4,), (0,))
    v2 = T.from_array(np.arange(3.0), tt)
    got = blas.addr(None, 1, T.from_array(np.ones((4, 3)), tt), 1, v1, v2)
    np.testing.assert_array_equal(got.arr(), 1 + np.outer([2.0] * 4, np.arange(3.0)))


# ----------------------------------------------------------------------------- batches


@pytest.mark.parametrize('tt', TYPES, ids=lambda t: t.name)
@pytest.mark.parametrize('beta,alpha', SCALARS)
def test_baddbmm_addbmm_bmm(tt, beta, alpha):
    B, M, K, N = 3, 9, 310, 7
    b1 = T.from_array(rnd((B, M, K), tt), tt)
    b2 = T.transpose(T.from_array(rnd((B, N, K), tt), tt), 2, 3)    # batches of transposes
    r1, r2 = RT.of(b1), RT.of(b2)
    t3 = T.from_array(rnd((B, M, N), tt), tt)
    got = blas.baddbmm(None, beta, t3, alpha, b1, b2)
    rt = ref_prepare(None, RT.of(t3), beta != 0)
    for i in range(B):
        ref_addmm(rt.select(i), beta, alpha, r1.select(i), r2.select(i))
    same_bits(got.arr(), rt.view())

    t2 = T.from_array(rnd((M, N), tt), tt)
    got = blas.addbmm(None, beta, t2, alpha, b1, b2)
    rt = ref_prepare(None, RT.of(t2), beta != 0)
    for i in range(B):
        ref_addmm(rt, beta if i == 0 else 1, alpha, r1.select(i), r2.select(i))
    same_bits(got.arr(), rt.view())
    assert np.mean(got.arr() != beta * t2.arr() + alpha * np.einsum(
        'bmk,bkn->mn', b1.arr(), b2.arr())) > 0   # not numpy's one product of the batches

    rt = RT(np.zeros(B * M * N, tt.dtype), 0, (B, M, N), (M * N, N, 1))
    for i in range(B):
        ref_addmm(rt.select(i), 0, 1, r1.select(i), r2.select(i))
    same_bits(blas.bmm(None, b1, b2).arr(), rt.view())


# ----------------------------------------------------------------------------- dot


@pytest.mark.parametrize('tt', TYPES, ids=lambda t: t.name)
def test_dot(tt):
    a, b = rnd(5000, tt), rnd(5000, tt)
    ta, tb = T.from_array(a, tt), T.from_array(b, tt)
    assert blas.dot(ta, tb) == f_dot(5000, RT.of(tb), 1, RT.of(ta), 1)
    # a transposed matrix: one dot per row of the transposed view (TH_TENSOR_APPLY2's runs),
    # each dot's value summed in a double
    m = make(rnd((40, 60), tt), tt, 't')
    v = T.from_array(rnd((40, 60), tt), tt)
    rm, rv = RT.of(m), RT.of(v)
    total = 0.0
    for i in range(40):
        total += f_dot(60, RT(rv.buf, i * 60, (60,), (1,)), 1,
                       RT(rm.buf, i, (60,), (40,)), 40)
    assert blas.dot(m, v) == total
    # a strided vector against a contiguous one: one call with increments
    x = make(rnd(300, tt), tt, 'x')
    y = T.from_array(rnd(300, tt), tt)
    assert blas.dot(x, y) == f_dot(300, RT.of(y), 1, RT.of(x), 3)


def test_dot_integer_runs():
    """Integer dot: each run's sum wraps in the type, the runs add up in a long."""
    tt = types.Byte
    a = np.full((4, 100), 3, np.uint8)
    b = np.full((100, 4), 5, np.uint8)
    ta = T.from_array(a, tt)
    tb = T.transpose(T.from_array(b, tt), 1, 2)    # (4, 100), runs of 100 per row
    per_row = (100 * 15) % 256
    assert blas.dot(ta, tb) == 4 * per_row
    assert blas.dot(ta, T.from_array(a, tt)) == (400 * 9) % 256
