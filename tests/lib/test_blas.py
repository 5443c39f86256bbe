"""luatorch.lib.blas against numpy references: every calling form, every type, TH's errors."""
import numpy as np
import pytest

from luatorch.lib import blas
from luatorch.lib import tensor as T
from luatorch.lib import types
from luatorch.lib.errors import TorchError
from luatorch.lib.registry import OPS, resolve_function, resolve_method

R = np.random.RandomState(0)
INT_TYPES = [t for t in types.TYPES if not t.is_float]
FLOAT_TYPES = [t for t in types.TYPES if t.is_float]


def tens(a, tt=types.Double):
    return T.from_array(np.asarray(a), tt)


def fn(name, *args):
    """torch.NAME(args...) as the binding resolves it."""
    op = OPS[name]
    if not op.res:
        return op.fn(*args)
    res, srcs = resolve_function(op, args)
    assert srcs is not None, 'no form of %s matches' % name
    return op.fn(res, *srcs)


def meth(name, self, *args):
    """self:NAME(args...) as the binding resolves it."""
    op = OPS[name]
    if not op.res:
        return op.fn(self, *args)
    res, srcs = resolve_method(op, self, args)
    assert srcs is not None, 'no method form of %s matches' % name
    return op.fn(res, *srcs)


def arr(t):
    return np.array(t.arr())


def rnd(*shape):
    return R.randn(*shape)


def ints(*shape, lo=-5, hi=6):
    return R.randint(lo, hi, size=shape)


# ----------------------------------------------------------------------------- dot


def test_dot_double_and_float():
    x, y = rnd(7), rnd(7)
    assert fn('dot', tens(x), tens(y)) == pytest.approx(np.dot(x, y))
    f = fn('dot', tens(x, types.Float), tens(y, types.Float))
    assert f == float(np.dot(x.astype(np.float32), y.astype(np.float32)))
    assert isinstance(f, float)


def test_dot_views_tensors_as_vectors():
    a = tens(np.full((2, 2), 2.0))
    b = tens(np.full(4, 3.0))
    assert fn('dot', a, b) == 24
    assert meth('dot', a, b) == 24
    # a transposed (non-contiguous) view still dots in row-major order
    m = rnd(3, 4)
    mt = T.transpose(tens(m))
    assert fn('dot', mt, tens(np.arange(12.0))) == pytest.approx(np.dot(m.T.reshape(-1), np.arange(12.0)))


@pytest.mark.parametrize('tt', INT_TYPES)
def test_dot_integer_types_wrap_in_the_type(tt):
    x, y = ints(6, lo=0, hi=5), ints(6, lo=0, hi=5)
    r = fn('dot', tens(x, tt), tens(y, tt))
    assert isinstance(r, int)
    assert r == int(np.dot(x, y))
    if tt.name == 'Byte':
        assert fn('dot', tens([200], tt), tens([2], tt)) == 144


def test_dot_errors():
    with pytest.raises(TorchError, match='inconsistent tensor size'):
        fn('dot', tens(rnd(3)), tens(rnd(4)))
    with pytest.raises(TorchError, match='invalid arguments'):
        fn('dot', tens(rnd(3)), tens(rnd(3), types.Float))


# ----------------------------------------------------------------------------- mv mm bmm ger


@pytest.mark.parametrize('tt', types.TYPES, ids=lambda t: t.name)
def test_products_every_type(tt):
    lo = 0 if tt.name == 'Byte' else -4
    a, b, v, w = ints(3, 4, lo=lo, hi=5), ints(4, 2, lo=lo, hi=5), ints(4, lo=lo, hi=5), ints(3, lo=lo, hi=5)
    b1, b2 = ints(2, 3, 4, lo=lo, hi=5), ints(2, 4, 5, lo=lo, hi=5)
    cast = lambda x: np.asarray(x).astype(np.int64).astype(tt.dtype)  # noqa: E731
    for got, want in [
        (fn('mm', tens(a, tt), tens(b, tt)), cast(a @ b)),
        (fn('mv', tens(a, tt), tens(v, tt)), cast(a @ v)),
        (fn('bmm', tens(b1, tt), tens(b2, tt)), cast(b1 @ b2)),
        (fn('ger', tens(w, tt), tens(v, tt)), cast(np.outer(w, v))),
    ]:
        assert got.ttype is tt
        assert got.is_contiguous()
        np.testing.assert_array_equal(arr(got), want)


def test_integer_products_wrap():
    a = tens([[100, 100]], types.Byte)
    b = tens([[2], [1]], types.Byte)
    assert arr(fn('mm', a, b)).tolist() == [[(300) % 256]]
    c = tens([[100, 100]], types.Char)
    d = tens([[1], [1]], types.Char)
    assert arr(fn('mm', c, d)).tolist() == [[-56]]


def test_float_products_stay_single_precision():
    a, b = rnd(5, 6), rnd(6, 3)
    r = fn('mm', tens(a, types.Float), tens(b, types.Float))
    assert r.arr().dtype == np.float32
    np.testing.assert_allclose(arr(r), a @ b, rtol=1e-5, atol=1e-5)


def test_result_forms_of_mm():
    a, b = rnd(3, 4), rnd(4, 2)
    r = tens(np.zeros(7))
    out = fn('mm', r, tens(a), tens(b))
    assert out is r and r.size == (3, 2)
    np.testing.assert_allclose(arr(r), a @ b)
    # method: M:mm(x, y) puts the product in M
    m = tens(np.full((3, 2), 9.0))
    assert meth('mm', m, tens(a), tens(b)) is m
    np.testing.assert_allclose(arr(m), a @ b)


def test_result_of_the_same_size_keeps_its_strides():
    a, b = rnd(3, 4), rnd(4, 2)
    base = tens(np.zeros((2, 3)))
    r = T.transpose(base)                       # 3x2 with strides (1, 3)
    fn('mm', r, tens(a), tens(b))
    assert r.stride == (1, 3)
    np.testing.assert_allclose(arr(base).T, a @ b)


def test_product_operands_may_be_non_contiguous():
    a, b = rnd(4, 3), rnd(2, 4)
    r = fn('mm', T.transpose(tens(a)), T.transpose(tens(b)))
    np.testing.assert_allclose(arr(r), a.T @ b.T)


def test_product_errors():
    with pytest.raises(TorchError, match=r'size mismatch, m1: \[2 x 3\], m2: \[2 x 3\]'):
        fn('mm', tens(rnd(2, 3)), tens(rnd(2, 3)))
    with pytest.raises(TorchError, match=r'size mismatch, \[2 x 3\], \[2\]'):
        fn('mv', tens(rnd(2, 3)), tens(rnd(2)))
    with pytest.raises(TorchError, match='invalid arguments'):
        fn('mm', tens(rnd(3)), tens(rnd(3, 3)))
    with pytest.raises(TorchError, match='invalid arguments'):
        fn('mm', tens(rnd(3, 3)), tens(rnd(3, 3), types.Float))
    with pytest.raises(TorchError, match='equal number of batches'):
        fn('bmm', tens(rnd(2, 3, 4)), tens(rnd(3, 4, 2)))
    with pytest.raises(TorchError, match='wrong matrix size'):
        fn('bmm', tens(rnd(2, 3, 4)), tens(rnd(2, 3, 2)))


# ----------------------------------------------------------------------------- add* forms


def test_addmm_function_forms():
    M, a, b = rnd(3, 2), rnd(3, 4), rnd(4, 2)
    tM, ta, tb = tens(M), tens(a), tens(b)
    np.testing.assert_allclose(arr(fn('addmm', tM, ta, tb)), M + a @ b)
    np.testing.assert_allclose(arr(fn('addmm', 0.5, tM, ta, tb)), 0.5 * M + a @ b)
    np.testing.assert_allclose(arr(fn('addmm', tM, 2, ta, tb)), M + 2 * a @ b)
    np.testing.assert_allclose(arr(fn('addmm', 0.5, tM, 2, ta, tb)), 0.5 * M + 2 * a @ b)
    r = tens(np.zeros(1))
    assert fn('addmm', r, 0.5, tM, 2, ta, tb) is r
    np.testing.assert_allclose(arr(r), 0.5 * M + 2 * a @ b)
    np.testing.assert_array_equal(arr(tM), M)          # the function form leaves M alone


def test_addmm_method_forms():
    M, a, b = rnd(3, 2), rnd(3, 4), rnd(4, 2)
    ta, tb = tens(a), tens(b)
    m = tens(M)
    assert meth('addmm', m, ta, tb) is m                # M = M + a b
    np.testing.assert_allclose(arr(m), M + a @ b)
    r = tens(np.zeros((3, 2)))
    meth('addmm', r, tens(M), ta, tb)                   # r = M + a b
    np.testing.assert_allclose(arr(r), M + a @ b)
    r = tens(M)
    meth('addmm', r, 3, ta, tb)                         # r = r + 3 a b
    np.testing.assert_allclose(arr(r), M + 3 * a @ b)
    r = tens(M)
    meth('addmm', r, 0.5, 2, ta, tb)                    # r = 0.5 r + 2 a b
    np.testing.assert_allclose(arr(r), 0.5 * M + 2 * a @ b)
    r = tens(np.zeros((3, 2)))
    meth('addmm', r, 0.5, tens(M), 2, ta, tb)           # r = 0.5 M + 2 a b
    np.testing.assert_allclose(arr(r), 0.5 * M + 2 * a @ b)


def test_beta_zero_does_not_read_t():
    a, b = rnd(3, 4), rnd(4, 2)
    r = tens(np.full((3, 2), np.nan))
    meth('addmm', r, 0, 1, tens(a), tens(b))
    np.testing.assert_allclose(arr(r), a @ b)
    v = tens(np.full(3, np.nan))
    meth('addmv', v, 0, 2, tens(a), tens(np.ones(4)))
    np.testing.assert_allclose(arr(v), 2 * a.sum(1))


def test_addmv_addr_addbmm_baddbmm():
    v, a, x = rnd(3), rnd(3, 4), rnd(4)
    np.testing.assert_allclose(arr(fn('addmv', 2, tens(v), 3, tens(a), tens(x))), 2 * v + 3 * a @ x)
    M, y = rnd(3, 4), rnd(3)
    np.testing.assert_allclose(arr(fn('addr', tens(M), tens(y), tens(x))), M + np.outer(y, x))
    m = tens(M)
    meth('addr', m, 2, tens(y), tens(x))
    np.testing.assert_allclose(arr(m), M + 2 * np.outer(y, x))
    b1, b2, C = rnd(5, 3, 4), rnd(5, 4, 2), rnd(3, 2)
    np.testing.assert_allclose(arr(fn('addbmm', 0.5, tens(C), 2, tens(b1), tens(b2))),
                               0.5 * C + 2 * (b1 @ b2).sum(0))
    D = rnd(5, 3, 2)
    np.testing.assert_allclose(arr(fn('baddbmm', tens(D), tens(b1), tens(b2))), D + b1 @ b2)
    d = tens(D)
    meth('baddbmm', d, 0.5, 2, tens(b1), tens(b2))
    np.testing.assert_allclose(arr(d), 0.5 * D + 2 * b1 @ b2)


@pytest.mark.parametrize('tt', INT_TYPES, ids=lambda t: t.name)
def test_add_forms_integer_scalars_truncate(tt):
    M, a, b = ints(2, 2, lo=0, hi=4), ints(2, 3, lo=0, hi=4), ints(3, 2, lo=0, hi=4)
    r = fn('addmm', 2.7, tens(M, tt), 1.9, tens(a, tt), tens(b, tt))
    np.testing.assert_array_equal(arr(r), (2 * M + a @ b).astype(tt.dtype))


def test_add_form_errors():
    with pytest.raises(TorchError, match=r'size mismatch, t: \[3 x 3\], m1: \[3 x 4\], m2: \[4 x 2\]'):
        fn('addmm', tens(rnd(3, 3)), tens(rnd(3, 4)), tens(rnd(4, 2)))
    with pytest.raises(TorchError, match=r'size mismatch, t: \[2\], mat: \[3 x 4\]'):
        fn('addmv', tens(rnd(2)), tens(rnd(3, 4)), tens(rnd(4)))
    with pytest.raises(TorchError, match=r'size mismatch, t: \[2 x 2\], vec1: \[3\], vec2: \[2\]'):
        fn('addr', tens(rnd(2, 2)), tens(rnd(3)), tens(rnd(2)))
    with pytest.raises(TorchError, match='output tensor of incorrect size'):
        fn('baddbmm', tens(rnd(2, 3, 3)), tens(rnd(2, 3, 4)), tens(rnd(2, 4, 2)))
    with pytest.raises(TorchError, match='invalid arguments'):
        fn('addmm', tens(rnd(3, 2)), tens(rnd(3, 4)), tens(rnd(4, 2), types.Float))
    with pytest.raises(TorchError, match='invalid arguments'):
        fn('addmm', tens(rnd(3)), tens(rnd(3, 4)), tens(rnd(4, 2)))


# ----------------------------------------------------------------------------- operator, cross


def test_matmul_operator():
    a, b, v = rnd(3, 4), rnd(4, 2), rnd(4)
    np.testing.assert_allclose(arr(blas.matmul_operator(tens(a), tens(b))), a @ b)
    np.testing.assert_allclose(arr(blas.matmul_operator(tens(a), tens(v))), a @ v)
    assert blas.matmul_operator(tens(v), tens(v)) == pytest.approx(v @ v)
    with pytest.raises(TorchError, match='not yet supported'):
        blas.matmul_operator(tens(v), tens(a))


def test_cross():
    r = fn('cross', tens([1.0, 0, 0]), tens([0.0, 1, 0]))
    assert arr(r).tolist() == [0, 0, 1]
    a, b = rnd(4, 3), rnd(4, 3)
    np.testing.assert_allclose(arr(fn('cross', tens(a), tens(b), 2)), np.cross(a, b))
    # the default is the first dimension of size 3
    a, b = rnd(3, 3, 5), rnd(3, 3, 5)
    np.testing.assert_allclose(arr(fn('cross', tens(a), tens(b))), np.cross(a, b, axis=0))
    np.testing.assert_allclose(arr(meth('cross', tens(a), tens(b), 2)), np.cross(a, b, axis=1))
    r = tens(np.zeros(1))
    assert fn('cross', r, tens(a), tens(b), 2) is r
    ia, ib = ints(2, 3), ints(2, 3)
    np.testing.assert_array_equal(arr(fn('cross', tens(ia, types.Int), tens(ib, types.Int))),
                                  np.cross(ia, ib))


def test_cross_errors():
    with pytest.raises(TorchError, match='no dimension of size 3'):
        fn('cross', tens(rnd(2, 2)), tens(rnd(2, 2)))
    with pytest.raises(TorchError, match='does not have size 3'):
        fn('cross', tens(rnd(3, 2)), tens(rnd(3, 2)), 2)
    with pytest.raises(TorchError, match='out of range'):
        fn('cross', tens(rnd(3, 2)), tens(rnd(3, 2)), 3)
    with pytest.raises(TorchError, match='inconsistent tensor sizes'):
        fn('cross', tens(rnd(3, 2)), tens(rnd(3, 4)))
