"""Tests for luatorch.lib.pointwise: element-wise maths, comparisons and operators, against numpy
references written from TH's C semantics (numbers converted to the tensor's type first, integer
types wrapping and dividing toward zero, FloatTensor maths in float)."""
import ctypes
import ctypes.util
import math

import numpy as np
import pytest

from luatorch.lib import pointwise as P
from luatorch.lib import tensor as T
from luatorch.lib import types
from luatorch.lib.errors import TorchError

ALL = types.TYPES
INTS = tuple(t for t in ALL if not t.is_float)
FLOATS = tuple(t for t in ALL if t.is_float)
SIGNED = tuple(t for t in ALL if t.dtype.kind != 'u')

ids = lambda tt: tt.name  # noqa: E731


def mk(values, tt=types.Double):
    return T.from_array(np.array(values).astype(tt.dtype), tt)


def A(t):
    return np.array(t.arr())


def small(tt, shape=(3, 4), seed=0, lo=None, hi=None, nonzero=False):
    """Random values that fit every type (non-negative for Byte)."""
    rng = np.random.default_rng(seed)
    lo = (0 if tt.dtype.kind == 'u' else -9) if lo is None else lo
    hi = 9 if hi is None else hi
    if tt.is_float:
        a = rng.uniform(lo, hi, shape).astype(tt.dtype)
    else:
        a = rng.integers(lo, hi + 1, shape).astype(tt.dtype)
    if nonzero:
        a[a == 0] = 1
    return T.from_array(a, tt)


def c_trunc_div(a, b):
    """C integer division, computed through Python ints."""
    out = np.empty(np.broadcast(a, b).shape, dtype=np.result_type(a, b))
    for i, (x, y) in enumerate(np.broadcast(a, b)):
        q = abs(int(x)) // abs(int(y))
        out.flat[i] = q if (int(x) < 0) == (int(y) < 0) else -q
    return out


# ----------------------------------------------------------------------------- numbers as `real`


@pytest.mark.parametrize('tt', ALL, ids=ids)
def test_real_conversion(tt):
    assert P._real(2, tt) == 2 and P._real(2, tt).dtype == tt.dtype
    if tt.is_float:
        assert P._real(0.5, tt) == tt.dtype.type(0.5)
    else:
        assert P._real(0.9, tt) == 0
        assert P._real(-2.7, tt) == (np.int64(-2).astype(tt.dtype))
        assert P._real(300, tt) == np.int64(300).astype(tt.dtype)   # wraps as C


def test_float_real_is_rounded_to_float():
    t = mk([0.1], types.Float)
    assert A(P.eq(None, t, 0.1)).tolist() == [1]
    assert A(P.add(None, t, 0.1))[0] == np.float32(0.1) + np.float32(0.1)


# ----------------------------------------------------------------------------- add / csub / mul / div


@pytest.mark.parametrize('tt', ALL, ids=ids)
def test_add_forms(tt):
    x, y = small(tt, seed=1), small(tt, seed=2)
    xa, ya = A(x), A(y)
    r = P.add(None, x, 3)
    assert r.ttype is tt and r.size == x.size
    np.testing.assert_array_equal(A(r), xa + tt.dtype.type(3))
    np.testing.assert_array_equal(A(P.add(None, x, y)), xa + ya)
    np.testing.assert_array_equal(A(P.add(None, x, 2, y)), xa + tt.dtype.type(2) * ya)
    res = T.empty(tt)
    assert P.add(res, x, 2, y) is res and res.size == x.size
    np.testing.assert_array_equal(A(res), xa + tt.dtype.type(2) * ya)
    # in place (method form x:add(y) == fn(x, x, y))
    assert P.add(x, x, y) is x
    np.testing.assert_array_equal(A(x), xa + ya)
    np.testing.assert_array_equal(xa, xa)  # untouched copies


@pytest.mark.parametrize('tt', ALL, ids=ids)
def test_csub_mul(tt):
    x, y = small(tt, seed=3), small(tt, seed=4)
    xa, ya = A(x), A(y)
    np.testing.assert_array_equal(A(P.csub(None, x, 2)), xa - tt.dtype.type(2))
    np.testing.assert_array_equal(A(P.csub(None, x, y)), xa - ya)
    np.testing.assert_array_equal(A(P.csub(None, x, 2, y)), xa - tt.dtype.type(2) * ya)
    np.testing.assert_array_equal(A(P.mul(None, x, 3)), xa * tt.dtype.type(3))
    np.testing.assert_array_equal(A(P.cmul(None, x, y)), xa * ya)


def test_numbers_are_converted_first():
    # TH converts the number to the tensor's type before the arithmetic
    assert A(P.mul(None, mk([5], types.Int), 0.5)).tolist() == [0]
    assert A(P.add(None, mk([-5, 1, 2], types.Int), 0.9)).tolist() == [-5, 1, 2]
    assert A(P.add(None, mk([1], types.Byte), -1)).tolist() == [0]      # -1 -> 255, wraps
    assert A(P.div(None, mk([7, -7], types.Int), 2.9)).tolist() == [3, -3]


def test_integer_wrapping():
    assert A(P.add(None, mk([250], types.Byte), 10)).tolist() == [4]
    assert A(P.csub(None, mk([5], types.Byte), 10)).tolist() == [251]
    assert A(P.add(None, mk([127], types.Char), 1)).tolist() == [-128]
    assert A(P.mul(None, mk([200], types.Byte), 2)).tolist() == [144]
    i32 = np.iinfo(np.int32)
    assert A(P.add(None, mk([i32.max], types.Int), 1)).tolist() == [i32.min]


@pytest.mark.parametrize('tt', ALL, ids=ids)
def test_div_cdiv(tt):
    x, y = small(tt, seed=5), small(tt, seed=6, nonzero=True)
    xa, ya = A(x), A(y)
    if tt.is_float:
        np.testing.assert_array_equal(A(P.div(None, x, 2)), xa / tt.dtype.type(2))
        np.testing.assert_array_equal(A(P.cdiv(None, x, y)), xa / ya)
        assert A(P.div(None, mk([1, -1, 0], tt), 0))[:2].tolist() == [math.inf, -math.inf]
    else:
        np.testing.assert_array_equal(A(P.div(None, x, 2)), c_trunc_div(xa, tt.dtype.type(2)))
        np.testing.assert_array_equal(A(P.cdiv(None, x, y)), c_trunc_div(xa, ya))
        with pytest.raises(TorchError):
            P.div(None, x, 0)
        with pytest.raises(TorchError):
            P.cdiv(None, x, P.mul(None, y, 0))


def test_int_division_truncates_toward_zero():
    a = mk([7, -7, 9, -9], types.Int)
    assert A(P.div(None, a, 2)).tolist() == [3, -3, 4, -4]
    assert A(P.div(None, a, -2)).tolist() == [-3, 3, -4, 4]
    assert A(P.cdiv(None, mk([7, -7], types.Long), mk([2, 2], types.Long))).tolist() == [3, -3]


@pytest.mark.parametrize('tt', ALL, ids=ids)
def test_fmod_remainder(tt):
    x = small(tt, seed=7)
    y = small(tt, seed=8, nonzero=True)
    xa, ya = A(x), A(y)
    if tt.is_float:
        np.testing.assert_array_equal(A(P.fmod(None, x, 2)), np.fmod(xa, tt.dtype.type(2)))
        np.testing.assert_allclose(A(P.remainder(None, x, 2)), np.remainder(xa, 2), rtol=1e-6, atol=1e-6)
        np.testing.assert_array_equal(A(P.cfmod(None, x, y)), np.fmod(xa, ya))
        np.testing.assert_allclose(A(P.cremainder(None, x, y)), np.remainder(xa, ya), rtol=1e-5, atol=1e-5)
        assert np.isnan(A(P.remainder(None, x, 0))).all()
        assert np.isnan(A(P.fmod(None, x, 0))).all()
    else:
        for v in (3, -3) if tt in SIGNED else (3,):
            vv = tt.dtype.type(v)
            np.testing.assert_array_equal(A(P.fmod(None, x, v)), np.fmod(xa, vv))
            np.testing.assert_array_equal(A(P.remainder(None, x, v)), np.remainder(xa, vv))
        np.testing.assert_array_equal(A(P.cfmod(None, x, y)), np.fmod(xa, ya))
        np.testing.assert_array_equal(A(P.cremainder(None, x, y)), np.remainder(xa, ya))
        with pytest.raises(TorchError):
            P.fmod(None, x, 0)


def test_fmod_remainder_values():
    a = mk([-3, -1, 2, 5])
    assert A(P.fmod(None, a, 2)).tolist() == [-1, -1, 0, 1]
    assert A(P.remainder(None, a, 2)).tolist() == [1, 1, 0, 1]
    assert A(P.remainder(None, mk([-3, 3]), -2)).tolist() == [-1, -1]
    assert A(P.fmod(None, mk([5.5, -5.5]), 2)).tolist() == [1.5, -1.5]
    assert A(P.remainder(None, mk([5.5, -5.5]), 2)).tolist() == [1.5, 0.5]
    assert A(P.fmod(None, mk([-7, 7], types.Int), 3)).tolist() == [-1, 1]
    assert A(P.remainder(None, mk([-7, 7], types.Int), 3)).tolist() == [2, 1]
    assert A(P.mod(None, mk([-7, 7], types.Int), 3)).tolist() == [-1, 1]
    assert A(P.cmod(None, mk([-7, 7]), mk([3, 3]))).tolist() == [-1, 1]


# ----------------------------------------------------------------------------- sizes and types


def test_sizes_need_equal_nelement_only():
    x = T.from_array(np.full((2, 2), 2.0))
    y = T.from_array(np.full(4, 3.0))
    r = P.add(None, x, y)
    assert r.size == (2, 2) and A(r).tolist() == [[5, 5], [5, 5]]
    r = P.csub(None, y, x)
    assert r.size == (4,)
    z = T.from_array(np.arange(1.0, 5.0))
    assert A(P.cmul(None, x, z)).tolist() == [[2, 4], [6, 8]]


def test_size_mismatch_message():
    with pytest.raises(TorchError, match=r'^inconsistent tensor size, expected r_ \[2 x 2\], t \[2 x 2\] '
                       r'and src \[3\] to have the same number of elements, but got 4, 4 and 3'):
        P.add(None, T.from_array(np.zeros((2, 2))), T.from_array(np.zeros(3)))
    with pytest.raises(TorchError, match='inconsistent tensor size'):
        P.lt(None, T.from_array(np.zeros(2)), T.from_array(np.zeros(3)))
    with pytest.raises(TorchError, match='inconsistent tensor size'):
        P.addcmul(None, T.from_array(np.zeros(2)), 1, T.from_array(np.zeros(2)), T.from_array(np.zeros(3)))


def test_type_mismatch_is_an_error():
    d, f = mk([1.0, 2.0]), mk([1.0, 2.0], types.Float)
    with pytest.raises(TorchError, match='invalid arguments'):
        P.add(None, d, f)
    with pytest.raises(TorchError, match='invalid arguments'):
        P.mul(f, d, 2)


def test_result_is_resized():
    res = T.from_array(np.zeros(7))
    x = T.from_array(np.ones((2, 3)))
    assert P.mul(res, x, 2) is res and res.size == (2, 3)
    assert A(res).tolist() == [[2, 2, 2], [2, 2, 2]]


def test_non_contiguous_and_aliasing():
    base = np.arange(12.0).reshape(3, 4)
    x = T.from_array(base)
    xt = T.transpose(x, 1, 2)                     # 4x3 view, not contiguous
    r = P.add(None, xt, 1)
    assert A(r).tolist() == (base.T + 1).tolist()
    P.mul(xt, xt, 2)                              # in place through the view
    assert A(x).tolist() == (base * 2).tolist()
    # a source read in row-major order regardless of its strides
    y = T.from_array(np.arange(12.0))
    assert A(P.add(None, y, xt)).tolist() == (np.arange(12.0) + (base * 2).T.reshape(-1)).tolist()
    # the result may alias a source
    P.add(x, x, x)
    assert A(x).tolist() == (base * 4).tolist()


def test_empty_tensors():
    e = T.empty(types.Double)
    r = P.add(None, e, 1)
    assert r.size == () and r.nelement() == 0
    assert P.lt(None, e, 1).size == ()
    assert P.exp(None, e).size == ()


# ----------------------------------------------------------------------------- clamp, cmax, cmin


@pytest.mark.parametrize('tt', ALL, ids=ids)
def test_clamp_cmax_cmin(tt):
    x, y = small(tt, seed=9), small(tt, seed=10)
    xa, ya = A(x), A(y)
    np.testing.assert_array_equal(A(P.clamp(None, x, 2, 5)), np.clip(xa, 2, 5))
    np.testing.assert_array_equal(A(P.cmax(None, x, y)), np.maximum(xa, ya))
    np.testing.assert_array_equal(A(P.cmin(None, x, y)), np.minimum(xa, ya))
    np.testing.assert_array_equal(A(P.cmax(None, x, 4)), np.maximum(xa, 4))
    np.testing.assert_array_equal(A(P.cmin(None, x, 4)), np.minimum(xa, 4))
    assert P.clamp(x, x, 0, 1) is x


def test_clamp_and_cmax_edge_cases():
    # min above max: below min gives min, else above max gives max (TH's order)
    assert A(P.clamp(None, mk([0, 2, 9]), 3, 1)).tolist() == [3, 3, 1]
    assert A(P.clamp(None, mk([-3, -1, 2, 5]), -2, 3)).tolist() == [-2, -1, 2, 3]
    nan = mk([math.nan, 1.0])
    assert A(P.cmax(None, nan, mk([0.0, 0.0])))[0] == 0.0     # NaN > 0 is false: the other value
    assert np.isnan(A(P.clamp(None, nan, 0, 0.5))[0])


# ----------------------------------------------------------------------------- addcmul / addcdiv


@pytest.mark.parametrize('tt', ALL, ids=ids)
def test_addcmul_addcdiv(tt):
    t, a, b = small(tt, seed=11), small(tt, seed=12), small(tt, seed=13, lo=1, nonzero=True)
    ta, aa, ba = A(t), A(a), A(b)
    v = tt.dtype.type(2)
    np.testing.assert_array_equal(A(P.addcmul(None, t, a, b)), ta + aa * ba)
    np.testing.assert_array_equal(A(P.addcmul(None, t, 2, a, b)), ta + v * aa * ba)
    if tt.is_float:
        np.testing.assert_array_equal(A(P.addcdiv(None, t, 2, a, b)), ta + v * aa / ba)
    else:
        np.testing.assert_array_equal(A(P.addcdiv(None, t, 2, a, b)), ta + c_trunc_div(v * aa, ba))
    # in place and into a result
    r = T.empty(tt)
    assert P.addcmul(r, t, 2, a, b) is r
    assert P.addcmul(t, t, a, b) is t
    np.testing.assert_array_equal(A(t), ta + aa * ba)
    np.testing.assert_array_equal(ta, A(small(tt, seed=11)))


def test_addcmul_golden_values():
    t, a, b = mk([1, 1, 1]), mk([1, 2, 3]), mk([4, 5, 6])
    assert A(P.addcmul(None, t, 0.5, a, b)).tolist() == [3, 6, 10]
    assert A(P.addcdiv(None, t, -1, b, a)).tolist() == [-3, -1.5, -1]


# ----------------------------------------------------------------------------- unary functions


NUMPY_UNARY = {
    'log': np.log, 'log1p': np.log1p, 'exp': np.exp, 'cos': np.cos, 'acos': np.arccos,
    'cosh': np.cosh, 'sin': np.sin, 'asin': np.arcsin, 'sinh': np.sinh, 'tan': np.tan,
    'atan': np.arctan, 'tanh': np.tanh, 'sqrt': np.sqrt, 'ceil': np.ceil, 'floor': np.floor,
    'trunc': np.trunc, 'abs': np.abs, 'frac': lambda a: a - np.trunc(a),
    'rsqrt': lambda a: 1 / np.sqrt(a), 'sigmoid': lambda a: 1 / (1 + np.exp(-a)),
    'round': lambda a: np.sign(a) * np.floor(np.abs(a) + 0.5),
}


@pytest.mark.parametrize('tt', FLOATS, ids=ids)
@pytest.mark.parametrize('name', sorted(NUMPY_UNARY))
def test_unary_float(name, tt):
    lo, hi = {'log': (0.1, 5), 'log1p': (-0.5, 5), 'sqrt': (0, 5), 'rsqrt': (0.1, 5),
              'acos': (-1, 1), 'asin': (-1, 1)}.get(name, (-3, 3))
    x = small(tt, (5, 7), seed=14, lo=lo, hi=hi)
    xa = A(x)
    fn = P.UNARY[name]
    ref = NUMPY_UNARY[name](xa.astype(np.float64)).astype(tt.dtype)
    r = fn(None, x)
    assert r.ttype is tt and r.size == x.size
    rtol = 1e-6 if tt.dtype == np.float32 else 1e-14
    np.testing.assert_allclose(A(r), ref, rtol=rtol, atol=rtol)
    # in place returns the same tensor
    assert fn(x, x) is x
    np.testing.assert_array_equal(A(x), A(r))


@pytest.mark.parametrize('tt', INTS, ids=ids)
def test_float_functions_not_on_integer_types(tt):
    x = small(tt)
    for name in ('exp', 'log', 'sqrt', 'floor', 'sigmoid', 'round'):
        with pytest.raises(TorchError, match='does not implement the torch.%s' % name):
            P.UNARY[name](None, x)
    for fn in (P.neg, P.cinv):
        with pytest.raises(TorchError, match='does not implement'):
            fn(None, x)
    with pytest.raises(TorchError, match='does not implement the torch.pow'):
        P.pow_(None, x, 2)


@pytest.mark.parametrize('tt', ALL, ids=ids)
def test_abs_types(tt):
    x = small(tt)
    if tt.name in P.ABS_TYPES:
        np.testing.assert_array_equal(A(P.abs_(None, x)), np.abs(A(x)))
    else:
        with pytest.raises(TorchError):
            P.abs_(None, x)
    assert P.TYPE_ONLY['abs'] == ('Int', 'Long', 'Float', 'Double')
    assert P.TYPE_ONLY['exp'] == ('Float', 'Double')


def test_round_halves_away_from_zero():
    r = P.round_(None, mk([0.5, 1.5, 2.5, -0.5, -1.5, 0.49999999999999994, -2.4]))
    assert A(r).tolist() == [1, 2, 3, -1, -2, 0, -2]
    assert math.copysign(1, A(P.round_(None, mk([-0.2])))[0]) == -1   # -0.0 kept


def test_elementwise_golden_values():
    x = mk([-1.5, -0.5, 0.25, 2])
    assert A(P.frac(None, x)).tolist() == [-0.5, -0.5, 0.25, 0]
    assert A(P.trunc(None, x)).tolist() == [-1, -0, 0, 2]
    assert A(P.cinv(None, x)).tolist() == [1 / -1.5, -2, 4, 0.5]
    assert A(P.neg(None, x)).tolist() == [1.5, 0.5, -0.25, -2]
    assert ['%.6f' % v for v in A(P.sigmoid(None, x))] == ['0.182426', '0.377541', '0.562177', '0.880797']


def test_float_functions_round_once():
    # exp, log, sin, cos: evaluated in double, rounded once (numpy's own float32 loops are
    # further from glibc's expf/logf/sinf/cosf)
    x = T.from_array(np.linspace(-3, 3, 101).astype(np.float32), types.Float)
    for name in ('exp', 'sin', 'cos'):
        ref = NUMPY_UNARY[name](A(x).astype(np.float64)).astype(np.float32)
        np.testing.assert_array_equal(A(P.UNARY[name](None, x)), ref)


@pytest.mark.skipif(ctypes.util.find_library('m') is None, reason='no C maths library')
@pytest.mark.parametrize('name', ['tanh', 'log1p', 'tan', 'sinh', 'cosh', 'atan', 'asin', 'acos'])
@pytest.mark.parametrize('tt', FLOATS, ids=ids)
def test_float_functions_are_libms(name, tt):
    """TH applies libm's function (tanhf, log1pf, ... for FloatTensor) element by element."""
    lo, hi = (-0.99, 0.99) if name in ('asin', 'acos') else (-0.9, 9) if name == 'log1p' else (-6, 6)
    rng = np.random.default_rng(21)
    x = T.from_array(rng.uniform(lo, hi, 3000).astype(tt.dtype), tt)
    f = getattr(ctypes.CDLL(ctypes.util.find_library('m')), name + ('f' if tt is types.Float else ''))
    ct = ctypes.c_float if tt is types.Float else ctypes.c_double
    f.restype, f.argtypes = ct, [ct]
    ref = np.array([f(float(v)) for v in A(x)], tt.dtype)
    np.testing.assert_array_equal(A(P.UNARY[name](None, x)).view('u%d' % tt.dtype.itemsize),
                                  ref.view('u%d' % tt.dtype.itemsize))


def _libm2(name, tt):
    f = getattr(ctypes.CDLL(ctypes.util.find_library('m')), name + ('f' if tt is types.Float else ''))
    ct = ctypes.c_float if tt is types.Float else ctypes.c_double
    f.restype, f.argtypes = ct, [ct, ct]
    return f


@pytest.mark.skipif(ctypes.util.find_library('m') is None, reason='no C maths library')
@pytest.mark.parametrize('tt', FLOATS, ids=ids)
def test_atan2_and_pow_by_a_number_are_libms(tt):
    """TH_MATH_NAME(atan2) and, for the exponents without a formula of their own,
    TH_MATH_NAME(pow): atan2f / powf for FloatTensor."""
    rng = np.random.default_rng(22)
    y = T.from_array(rng.uniform(-5, 5, 3000).astype(tt.dtype), tt)
    x = T.from_array(rng.uniform(-5, 5, 3000).astype(tt.dtype), tt)
    bits = 'u%d' % tt.dtype.itemsize
    f = _libm2('atan2', tt)
    ref = np.array([f(float(a), float(b)) for a, b in zip(A(y), A(x))], tt.dtype)
    np.testing.assert_array_equal(A(P.atan2(None, y, x)).view(bits), ref.view(bits))
    f = _libm2('pow', tt)
    xp = T.from_array(np.abs(A(x)) + tt.dtype.type(0.01), tt)
    for e in (1.7, -2.3, 0.25):
        ref = np.array([f(float(a), float(tt.dtype.type(e))) for a in A(xp)], tt.dtype)
        np.testing.assert_array_equal(A(P.pow_(None, xp, e)).view(bits), ref.view(bits))


@pytest.mark.parametrize('tt', ALL, ids=ids)
def test_sign(tt):
    x = small(tt, seed=15)
    np.testing.assert_array_equal(A(P.sign(None, x)), np.sign(A(x)))
    assert P.sign(x, x) is x


def test_sign_of_nan_is_zero():
    assert A(P.sign(None, mk([math.nan, -2.0]))).tolist() == [0, -1]


def test_number_forms():
    assert P.exp(None, 1) == math.exp(1)
    assert P.round_(None, 2.5) == 3 and P.round_(None, -2.5) == -3
    assert P.abs_(None, -3) == 3
    assert P.sqrt(None, 4) == 2
    assert P.log(None, 0) == -math.inf
    assert math.isnan(P.sqrt(None, -1))
    assert P.pow_(None, 2, 10) == 1024
    assert P.atan2(None, 1, 1) == math.atan2(1, 1)
    assert P.lerp(None, 1, 3, 0.5) == 2
    assert P.sigmoid(None, 0) == 0.5


# ----------------------------------------------------------------------------- pow, cpow, atan2, lerp


@pytest.mark.parametrize('tt', FLOATS, ids=ids)
def test_pow(tt):
    x = small(tt, seed=16, lo=0.5, hi=4)
    xa = A(x).astype(np.float64)
    for n in (1, 2, 3, 0.5, -0.5, -1, -2, 1.7, 0):
        ref = (xa ** n).astype(tt.dtype)
        np.testing.assert_allclose(A(P.pow_(None, x, n)), ref, rtol=2e-7 if tt.dtype == np.float32 else 1e-15)
    np.testing.assert_allclose(A(P.pow_(None, 2, x)), (2.0 ** xa).astype(tt.dtype), rtol=1e-7)
    r = T.empty(tt)
    assert P.pow_(r, x, 2) is r
    assert P.pow_(x, 3, x) is x      # torch.pow(x, n, x): n ^ x in place
    np.testing.assert_allclose(A(x), (3.0 ** xa).astype(tt.dtype), rtol=1e-6)


def test_pow_golden_values():
    assert A(P.pow_(None, mk([-3, -1, 2, 5]), 2)).tolist() == [9, 1, 4, 25]
    assert A(P.pow_(None, 2, mk([0, 1, 3]))).tolist() == [1, 2, 8]
    assert A(P.cpow(None, mk([2, 3]), mk([3, 2]))).tolist() == [8, 9]


@pytest.mark.parametrize('tt', ALL, ids=ids)
def test_cpow(tt):
    x, y = small(tt, seed=17, lo=0, hi=5), small(tt, seed=18, lo=0, hi=3)
    ref = np.power(A(x).astype(np.float64), A(y).astype(np.float64))
    ref = ref.astype(tt.dtype) if tt.is_float else np.trunc(ref).astype(np.int64).astype(tt.dtype)
    np.testing.assert_array_equal(A(P.cpow(None, x, y)), ref)
    # negative integer exponent: C pow gives a fraction, truncated to 0
    if not tt.is_float and tt in SIGNED:
        assert A(P.cpow(None, mk([2], tt), mk([-1], tt))).tolist() == [0]


def test_atan2_lerp():
    y, x = mk([1, -1, 0]), mk([1, 1, -1])
    assert A(P.mul(None, P.atan2(None, y, x), 4 / math.pi)).tolist() == [1, -1, 4]
    a, b = mk([0, 10, -4]), mk([10, 20, 4])
    assert A(P.lerp(None, a, b, 0.25)).tolist() == [2.5, 12.5, -2]
    assert P.lerp(a, a, b, 1) is a and A(a).tolist() == [10, 20, 4]
    with pytest.raises(TorchError, match='sizes do not match'):
        P.lerp(None, a, mk([1, 2]), 0.5)


# ----------------------------------------------------------------------------- bits and shifts


@pytest.mark.parametrize('tt', ALL, ids=ids)
def test_bit_operations(tt):
    x, y = small(tt, seed=19, lo=0), small(tt, seed=20, lo=0)
    if tt.is_float:
        with pytest.raises(TorchError, match='only supported for integer type tensors'):
            P.bitand(None, x, 1)
        np.testing.assert_array_equal(A(P.lshift(None, x, 2)), A(x) * 4)
        np.testing.assert_array_equal(A(P.rshift(None, x, 1)), A(x) / 2)
        return
    xa, ya = A(x), A(y)
    np.testing.assert_array_equal(A(P.bitand(None, x, 6)), xa & 6)
    np.testing.assert_array_equal(A(P.bitor(None, x, 6)), xa | 6)
    np.testing.assert_array_equal(A(P.bitxor(None, x, 6)), xa ^ 6)
    np.testing.assert_array_equal(A(P.cbitand(None, x, y)), xa & ya)
    np.testing.assert_array_equal(A(P.cbitor(None, x, y)), xa | ya)
    np.testing.assert_array_equal(A(P.cbitxor(None, x, y)), xa ^ ya)
    np.testing.assert_array_equal(A(P.lshift(None, x, 2)), (xa << 2).astype(tt.dtype))
    np.testing.assert_array_equal(A(P.rshift(None, x, 1)), xa >> 1)


def test_shift_golden_values():
    assert A(P.clshift(None, mk([1, 1, 1, 1], types.Long), mk([1, 2, 3, 4], types.Long))).tolist() == [2, 4, 8, 16]
    assert A(P.crshift(None, mk([32] * 4, types.Long), mk([1, 2, 3, 4], types.Long))).tolist() == [16, 8, 4, 2]
    # signed values shift as unsigned ones
    assert A(P.rshift(None, mk([-8], types.Int), 1)).tolist() == [(2 ** 32 - 8) >> 1]


# ----------------------------------------------------------------------------- comparisons


OPS = {'lt': np.less, 'le': np.less_equal, 'gt': np.greater, 'ge': np.greater_equal,
       'eq': np.equal, 'ne': np.not_equal}


@pytest.mark.parametrize('tt', ALL, ids=ids)
@pytest.mark.parametrize('name', sorted(OPS))
def test_comparisons(name, tt):
    fn = getattr(P, name)
    x, y = small(tt, seed=21, hi=3), small(tt, seed=22, hi=3)
    xa, ya = A(x), A(y)
    r = fn(None, x, y)
    assert r.ttype is types.Byte and r.size == x.size
    np.testing.assert_array_equal(A(r), OPS[name](xa, ya).astype(np.uint8))
    r = fn(None, x, 2)
    np.testing.assert_array_equal(A(r), OPS[name](xa, 2).astype(np.uint8))
    # a result tensor of the input's type gets 0/1 of that type
    res = T.empty(tt)
    assert fn(res, x, 2) is res and res.ttype is tt
    np.testing.assert_array_equal(A(res), OPS[name](xa, 2).astype(tt.dtype))
    # a ByteTensor result is resized
    rb = T.from_array(np.zeros(50, np.uint8), types.Byte)
    assert fn(rb, x, y) is rb and rb.size == x.size


def test_comparison_number_is_converted():
    assert A(P.eq(None, mk([1, 2], types.Int), 1.5)).tolist() == [1, 0]   # 1.5 -> 1
    assert A(P.gt(None, mk([0, 200], types.Byte), -1)).tolist() == [0, 0]  # -1 -> 255


def test_comparison_result_type_must_match():
    with pytest.raises(TorchError):
        P.lt(T.empty(types.Float), mk([1.0]), 0)


# ----------------------------------------------------------------------------- operators


def test_operator_add_sub():
    a, b = mk([[1, 2], [3, 4]]), mk([[5, 6], [7, 8]])
    assert A(P.op_add(a, b)).tolist() == [[6, 8], [10, 12]]
    assert A(P.op_add(a, 1)).tolist() == [[2, 3], [4, 5]]
    assert A(P.op_add(1, a)).tolist() == [[2, 3], [4, 5]]
    assert A(P.op_sub(a, b)).tolist() == [[-4, -4], [-4, -4]]
    assert A(P.op_sub(10, a)).tolist() == [[9, 8], [7, 6]]
    assert A(P.op_sub(a, 1)).tolist() == [[0, 1], [2, 3]]
    r = P.op_add(a, b)
    assert r is not a and A(a).tolist() == [[1, 2], [3, 4]]


@pytest.mark.parametrize('tt', ALL, ids=ids)
def test_operators_keep_type(tt):
    x = small(tt, seed=23, lo=1)
    xa = A(x)
    for r, ref in ((P.op_add(x, 2), xa + tt.dtype.type(2)), (P.op_add(2, x), xa + tt.dtype.type(2)),
                   (P.op_sub(x, 1), xa - tt.dtype.type(1)), (P.op_sub(9, x), tt.dtype.type(9) - xa),
                   (P.op_mul(x, 3), xa * tt.dtype.type(3)), (P.op_mul(3, x), xa * tt.dtype.type(3)),
                   (P.op_unm(x, x), -xa), (P.op_mod(x, 4), np.remainder(xa, tt.dtype.type(4)))):
        assert r.ttype is tt
        np.testing.assert_array_equal(A(r), ref)
    if tt.is_float:
        np.testing.assert_array_equal(A(P.op_div(x, 2)), xa / tt.dtype.type(2))
    else:
        np.testing.assert_array_equal(A(P.op_div(x, 2)), c_trunc_div(xa, tt.dtype.type(2)))


def test_operator_mul_by_dimensions():
    a = mk([[1, 2], [3, 4]])
    b = mk([[5, 6], [7, 8]])
    v = mk([1, 1])
    assert A(P.op_mul(a, b)).tolist() == [[19, 22], [43, 50]]
    r = P.op_mul(a, v)
    assert r.size == (2,) and A(r).tolist() == [3, 7]
    assert P.op_mul(v, v) == 2 and type(P.op_mul(v, v)) is float
    i = mk([1, 2, 3], types.Int)
    assert P.op_mul(i, i) == 14 and type(P.op_mul(i, i)) is int
    with pytest.raises(TorchError, match='multiplication between 1D and 2D'):
        P.op_mul(v, a)
    with pytest.raises(TorchError, match='size mismatch'):
        P.op_mul(a, mk([1, 2, 3]))
    with pytest.raises(TorchError, match='inconsistent tensor size'):
        P.op_mul(v, mk([1, 2, 3]))
    f = mk(np.arange(6).reshape(2, 3), types.Float)
    g = mk(np.arange(12).reshape(3, 4), types.Float)
    r = P.op_mul(f, g)
    ref = np.arange(6).reshape(2, 3) @ np.arange(12).reshape(3, 4)
    assert r.ttype is types.Float and A(r).tolist() == ref.tolist()


def test_operator_errors():
    a = mk([1.0, 2.0])
    with pytest.raises(TorchError):
        P.op_add(a, mk([1.0, 2.0], types.Float))     # tensors of different types
    with pytest.raises(TorchError):
        P.op_div(2, a)
    with pytest.raises(TorchError):
        P.op_div(a, a)
    with pytest.raises(TorchError):
        P.op_mod(a, a)
    with pytest.raises(TorchError):
        P.op_add('x', 'y')


def test_unary_minus_byte_wraps():
    assert A(P.op_unm(mk([1, 200], types.Byte))).tolist() == [255, 56]


# ----------------------------------------------------------------------------- declarations


def test_declared_ops():
    from luatorch.lib import registry
    for name in ('add', 'csub', 'mul', 'div', 'cmul', 'cdiv', 'cpow', 'pow', 'fmod', 'remainder',
                 'cfmod', 'cremainder', 'clamp', 'addcmul', 'addcdiv', 'neg', 'cinv', 'abs',
                 'sign', 'exp', 'log', 'sigmoid', 'round', 'lerp', 'atan2', 'cmax', 'cmin',
                 'lt', 'le', 'gt', 'ge', 'eq', 'ne', '__add', '__sub', '__mul', '__div',
                 '__mod', '__unm'):
        assert name in registry.OPS, name
    for name in ('__add', '__sub', '__mul', '__div', '__mod', '__unm'):
        assert not registry.OPS[name].function
    assert not registry.OPS['lt'].inplace and registry.OPS['add'].inplace


def test_method_resolution_forms():
    from luatorch.lib import registry
    op = registry.OPS['add']
    x, y = mk([1.0]), mk([2.0])
    assert registry.resolve_method(op, x, (2,)) == (x, (x, 2))
    assert registry.resolve_method(op, x, (y,)) == (x, (x, y))
    assert registry.resolve_method(op, x, (2, y)) == (x, (x, 2, y))
    assert registry.resolve_method(op, x, (y, 2, y)) == (x, (y, 2, y))
    op = registry.OPS['pow']
    assert registry.resolve_function(op, (x, 2, x)) == (x, (2, x))
    op = registry.OPS['addcmul']
    assert registry.resolve_method(op, x, (2, y, y)) == (x, (x, 2, y, y))
