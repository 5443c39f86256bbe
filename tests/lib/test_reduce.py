"""luatorch.lib.reduce against references written out as TH's loops (Python, element by element)
and against numpy, over all seven tensor types where TH declares the op."""
import math

import numpy as np
import pytest

from luatorch.lib import reduce as R
from luatorch.lib import tensor as T
from luatorch.lib import types
from luatorch.lib.errors import TorchError

ALL = types.TYPES
FLOATS = [t for t in ALL if t.is_float]
INTS = [t for t in ALL if not t.is_float]


def tensor(a, ttype=types.Double):
    return T.from_array(np.asarray(a), ttype)


def data(ttype, shape, seed=0, lo=None, hi=None):
    """Values that fit the type (small ints, signed where the type is)."""
    rng = np.random.default_rng(seed)
    if ttype.is_float:
        return rng.standard_normal(shape).astype(ttype.dtype) * 3
    info = np.iinfo(ttype.dtype)
    lo = max(info.min, -20) if lo is None else lo
    hi = min(info.max, 20) if hi is None else hi
    return rng.integers(lo, hi + 1, size=shape).astype(ttype.dtype)


def arr(t):
    return t.arr().copy()


def py_sum(values, acc_float):
    """A sequential sum in Python: doubles for floating types, exact ints otherwise."""
    s = 0.0 if acc_float else 0
    for v in values:
        s = s + (float(v) if acc_float else int(v))
    return s


# ----------------------------------------------------------------------------- sum / prod


@pytest.mark.parametrize('tt', ALL, ids=lambda t: t.name)
def test_sum_whole_is_sequential_in_acc(tt):
    a = data(tt, (7, 11))
    r = R.sum_(None, tensor(a, tt))
    assert type(r) is (float if tt.is_float else int)
    assert r == py_sum(a.ravel(), tt.is_float)


@pytest.mark.parametrize('tt', ALL, ids=lambda t: t.name)
def test_prod_whole(tt):
    a = data(tt, (9,), lo=-3 if tt.dtype.kind == 'i' else 0, hi=3)
    r = R.prod(None, tensor(a, tt))
    p = 1.0 if tt.is_float else 1
    for v in a:
        p *= float(v) if tt.is_float else int(v)
    if not tt.is_float:
        p = int(np.array(p).astype(np.int64))
    assert r == p and type(r) is type(p)


def test_sum_of_empty_and_byte_accumulates_wide():
    assert R.sum_(None, T.empty(types.Double)) == 0
    assert R.prod(None, T.empty(types.Int)) == 1
    b = tensor(np.full(300, 200), types.Byte)
    assert R.sum_(None, b) == 60000
    # along a dimension the result has the element type: it wraps
    r = R.sum_(None, tensor(np.full((300, 2), 200), types.Byte), 1)
    assert r.ttype is types.Byte and r.size == (1, 2)
    assert list(arr(r).ravel()) == [60000 % 256] * 2


def th_dim_reduce(a, d, stride1, tt, op):
    """TH's loops: acc type when the dimension has stride 1, else the element type; in order."""
    dtype = np.dtype(tt.acc) if (stride1 or not tt.is_float) else tt.dtype
    m = np.moveaxis(a, d, 0)
    acc = np.full(m.shape[1:], 0 if op == 'sum' else 1, dtype)
    with np.errstate(over='ignore'):
        for i in range(m.shape[0]):
            acc = (acc + m[i].astype(dtype)) if op == 'sum' else (acc * m[i].astype(dtype))
    out = acc.astype(tt.dtype) if tt.is_float else acc.astype(np.int64).astype(tt.dtype)
    return np.expand_dims(out, d)


@pytest.mark.parametrize('tt', ALL, ids=lambda t: t.name)
@pytest.mark.parametrize('op', ['sum', 'prod'])
def test_dim_forms_keep_dim_and_follow_stride_rule(tt, op):
    a = data(tt, (4, 5, 6), seed=1, lo=-2 if tt.dtype.kind == 'i' else 0, hi=3)
    if tt.is_float and op == 'sum':
        a = (a * np.float32(1.1)).astype(tt.dtype)
    fn = R.sum_ if op == 'sum' else R.prod
    t = tensor(a, tt)
    for d in range(3):
        r = fn(None, t, d + 1)
        assert r.ttype is tt
        assert r.size == tuple(1 if i == d else s for i, s in enumerate(a.shape))
        assert np.array_equal(arr(r), th_dim_reduce(a, d, d == 2, tt, op))
    # a transposed view: the reduced dimension is strided
    tv = T.transpose(t, 1, 3)
    av = np.swapaxes(a, 0, 2)
    for d in range(3):
        r = fn(None, tv, d + 1)
        assert np.array_equal(arr(r), th_dim_reduce(av, d, tv.stride[d] == 1, tt, op))


def test_float_sum_along_strided_dim_accumulates_in_float32():
    col = np.array([1e8] + [1] * 8, np.float32)          # float32: 1e8 + 1 == 1e8
    t = tensor(np.stack([col, col], 1), types.Float)     # (9, 2): dim 1 has stride 2
    assert list(arr(R.sum_(None, t, 1)).ravel()) == [1e8, 1e8]
    tv = T.transpose(tensor(np.stack([col, col], 0), types.Float), 1, 2)   # dim 1 has stride 1
    assert list(arr(R.sum_(None, tv, 1)).ravel()) == [1e8 + 8, 1e8 + 8]
    assert R.sum_(None, t) == 2 * (1e8 + 8)              # the whole sum is in double
    assert arr(R.mean(None, t, 1))[0, 0] == np.float32(1e8) / np.float32(9)


def test_sum_result_tensor_and_errors():
    t = tensor([[1, 2, 3], [4, 5, 6]])
    res = T.empty(types.Double, (7,))
    r = R.sum_(res, t, 2)
    assert r is res and res.size == (2, 1) and list(arr(res).ravel()) == [6, 15]
    with pytest.raises(TorchError, match='dimension 3 out of range'):
        R.sum_(None, t, 3)
    with pytest.raises(TorchError, match='invalid arguments'):
        R.sum_(T.empty(types.Long), t, 1)
    with pytest.raises(TorchError, match='invalid arguments'):
        R.sum_(T.empty(types.Double), t)


# ----------------------------------------------------------------------------- cumsum / cumprod


@pytest.mark.parametrize('tt', ALL, ids=lambda t: t.name)
def test_cumsum_cumprod(tt):
    a = data(tt, (3, 4), seed=2, lo=-2 if tt.dtype.kind == 'i' else 0, hi=4)
    t = tensor(a, tt)
    r = R.cumsum(None, t)                      # default: the first dimension
    assert np.array_equal(arr(r), np.cumsum(a, 0, dtype=tt.acc).astype(tt.dtype))
    r = R.cumprod(None, t, 2)
    assert np.array_equal(arr(r), np.cumprod(a, 1, dtype=tt.acc).astype(tt.dtype))
    assert r.ttype is tt


def test_cumsum_byte_wraps_and_into_self():
    t = tensor([200, 100, 1], types.Byte)
    assert list(arr(R.cumsum(None, t))) == [200, 44, 45]
    r = R.cumsum(t, t)
    assert r is t and list(arr(t)) == [200, 44, 45]


# ----------------------------------------------------------------------------- max / min


@pytest.mark.parametrize('tt', ALL, ids=lambda t: t.name)
def test_max_min(tt):
    a = data(tt, (5, 6), seed=3)
    t = tensor(a, tt)
    assert R.max_(t) == a.max() and R.min_(t) == a.min()
    assert type(R.max_(t)) is (float if tt.is_float else int)
    for d in (1, 2):
        v, i = R.max_(t, d)
        assert v.ttype is tt and i.ttype is types.Long
        assert v.size == i.size == tuple(1 if k == d - 1 else s for k, s in enumerate(a.shape))
        assert np.array_equal(arr(v), a.max(axis=d - 1, keepdims=True))
        assert np.array_equal(arr(i), np.argmax(a, axis=d - 1)[..., None].reshape(i.size) + 1)
        v, i = R.min_(t, d)
        assert np.array_equal(arr(v), a.min(axis=d - 1, keepdims=True))
        assert np.array_equal(arr(i), np.argmin(a, axis=d - 1).reshape(i.size) + 1)


def test_max_ties_first_nan_wins_and_results_given():
    t = tensor([[2, 7, 7, 1], [float('nan'), 3, float('nan'), 9]])
    rv, ri = T.empty(types.Double), T.empty(types.Long)
    v, i = R.max_(rv, ri, t, 2)
    assert v is rv and i is ri
    assert arr(v)[0, 0] == 7 and math.isnan(arr(v)[1, 0])
    assert list(arr(i).ravel()) == [2, 1]
    v, i = R.min_(t, 2)
    assert list(arr(i).ravel()) == [4, 1]
    assert math.isnan(R.max_(t)) and math.isnan(R.min_(t))
    # a 1-D tensor keeps a dimension of size 1
    v, i = R.max_(tensor([2, 7, 7, 1]), 1)
    assert v.size == (1,) and list(arr(i)) == [2]


def test_max_errors():
    with pytest.raises(TorchError, match='tensor must have one dimension'):
        R.max_(T.empty(types.Double))
    with pytest.raises(TorchError, match='out of range'):
        R.min_(tensor([1, 2]), 2)
    with pytest.raises(TorchError, match='invalid arguments'):
        R.max_(tensor([1, 2]), tensor([1, 2]))


# ----------------------------------------------------------------------------- mean / std / var


@pytest.mark.parametrize('tt', FLOATS, ids=lambda t: t.name)
def test_mean_std_var_whole(tt):
    a = data(tt, (6, 7), seed=4)
    t = tensor(a, tt)
    x = a.astype(np.float64).ravel()
    m = py_sum(x, True) / x.size
    assert R.mean(None, t) == m
    dev = py_sum([(v - m) * (v - m) for v in x], True)
    assert R.var(None, t) == dev / (x.size - 1)
    assert R.var(None, t, True) == dev / x.size
    assert R.std(None, t) == math.sqrt(dev / (x.size - 1))
    assert R.std(None, t, True) == math.sqrt(dev / x.size)


def th_moments(a, d, biased, tt, root):
    """TH's one-pass var/std along d (sums of x and of x*x in the element type, in double)."""
    real = tt.dtype
    m = np.moveaxis(a, d, -1)
    out = np.empty(m.shape[:-1], real)
    n = m.shape[-1]
    for idx in np.ndindex(*m.shape[:-1]):
        s = s2 = 0.0
        for z in m[idx]:
            s += float(z)
            s2 += float(z * z)
        s /= n
        if biased:
            s2 /= n
            s2 -= s * s
        else:
            s2 /= (n - 1)
            s2 -= float(real.type(n) / real.type(n - 1)) * s * s
        s2 = max(s2, 0.0)
        out[idx] = np.sqrt(real.type(s2)) if root else real.type(s2)
    return np.expand_dims(out, d)


@pytest.mark.parametrize('tt', FLOATS, ids=lambda t: t.name)
def test_mean_std_var_dim(tt):
    a = data(tt, (4, 5), seed=5)
    t = tensor(a, tt)
    for d in (1, 2):
        r = R.mean(None, t, d)
        assert np.array_equal(arr(r), th_dim_reduce(a, d - 1, d == 2, tt, 'sum') / tt.dtype.type(a.shape[d - 1]))
        for biased in (False, True):
            assert np.array_equal(arr(R.var(None, t, d, biased)), th_moments(a, d - 1, biased, tt, False))
            assert np.array_equal(arr(R.std(None, t, d, biased)), th_moments(a, d - 1, biased, tt, True))
        np.testing.assert_allclose(arr(R.std(None, t, d)).ravel(), a.std(axis=d - 1, ddof=1), rtol=1e-5)


def test_float_only_ops_refuse_integer_types():
    t = tensor([1, 2, 3], types.Int)
    for f, args in [(R.mean, ()), (R.std, ()), (R.var, (1,)), (R.norm, ()), (R.histc, ())]:
        with pytest.raises(TorchError, match='does not implement'):
            f(None, t, *args)
    for name in ('mean', 'std', 'var', 'norm', 'renorm', 'dist', 'histc', 'bhistc'):
        assert R.TYPE_ONLY[name] == ('Float', 'Double')
    assert R.TYPE_ONLY['all'] == R.TYPE_ONLY['any'] == ('Byte',)
    with pytest.raises(TorchError, match='empty Tensor'):
        R.mean(None, T.empty(types.Double))


# ----------------------------------------------------------------------------- norms


@pytest.mark.parametrize('tt', FLOATS, ids=lambda t: t.name)
def test_norm(tt):
    a = data(tt, (3, 4), seed=6)
    t = tensor(a, tt)
    x = a.astype(np.float64).ravel()
    assert R.norm(None, t, 0) == np.count_nonzero(a)
    assert R.norm(None, t, 1) == py_sum((abs(v) for v in x), True)
    assert R.norm(None, t) == math.sqrt(py_sum((v * v for v in x), True))
    np.testing.assert_allclose(R.norm(None, t, 3), (np.abs(x) ** 3).sum() ** (1 / 3), rtol=1e-6)
    for d in (1, 2):
        for p in (1, 2, 3, 0.5):
            r = R.norm(None, t, p, d)
            assert r.ttype is tt and r.size[d - 1] == 1
            ref = (np.abs(x.reshape(a.shape)) ** p).sum(axis=d - 1, keepdims=True) ** (1 / p)
            np.testing.assert_allclose(arr(r), ref, rtol=1e-5)
        assert np.array_equal(arr(R.norm(None, t, 0, d)), np.count_nonzero(a, axis=d - 1, keepdims=True))


def test_norm_golden_values():
    t = tensor([[1, 2, 3], [4, 5, 6]])
    assert '%.10f %.10f %.10f' % (R.norm(None, t), R.norm(None, t, 1), R.norm(None, t, 3)) == \
        '9.5393920142 21.0000000000 7.6116626110'
    assert R.dist(None, t, tensor(np.zeros((2, 3)))) == 9.539392014169456


def doc_renorm(a, p, d, maxnorm):
    """maths.md's equivalent formulation of renorm, in numpy."""
    m = np.moveaxis(a.astype(np.float64), d, 0)
    m2 = m.reshape(m.shape[0], -1)
    norms = (np.abs(m2) ** p).sum(1) ** (1 / p)
    scale = np.where(norms > maxnorm, maxnorm / (norms + 1e-7), 1.0)
    return np.moveaxis(m * scale.reshape((-1,) + (1,) * (m.ndim - 1)), 0, d)


@pytest.mark.parametrize('tt', FLOATS, ids=lambda t: t.name)
def test_renorm(tt):
    a = data(tt, (3, 4, 2), seed=7)
    for p in (1, 2, 3):
        for d in (1, 2, 3):
            r = R.renorm(None, tensor(a, tt), p, d, 2.5)
            np.testing.assert_allclose(arr(r), doc_renorm(a, p, d - 1, 2.5), rtol=1e-5)
    t = tensor(a, tt)
    assert R.renorm(t, t, 2, 1, 1.0) is t            # x:renorm(...) works in place
    with pytest.raises(TorchError, match='non-positive-norm'):
        R.renorm(None, t, 0, 1, 1)
    with pytest.raises(TorchError, match='need at least 2 dimensions'):
        R.renorm(None, tensor([1.0, 2.0], tt), 2, 1, 1)


@pytest.mark.parametrize('tt', FLOATS, ids=lambda t: t.name)
def test_dist(tt):
    a, b = data(tt, (3, 4), seed=8), data(tt, (12,), seed=9)
    for p in (1, 2, 3):
        ref = (np.abs(a.ravel().astype(np.float64) - b) ** p).sum() ** (1 / p)
        np.testing.assert_allclose(R.dist(None, tensor(a, tt), tensor(b, tt), p), ref, rtol=1e-5)
    with pytest.raises(TorchError, match='inconsistent tensor size'):
        R.dist(None, tensor(a, tt), tensor(b[:5], tt))


# ----------------------------------------------------------------------------- trace, all, any


@pytest.mark.parametrize('tt', ALL, ids=lambda t: t.name)
def test_trace(tt):
    a = data(tt, (3, 5), seed=10)
    r = R.trace(None, tensor(a, tt))
    assert r == py_sum(np.diagonal(a), tt.is_float) and type(r) is (float if tt.is_float else int)
    assert R.trace(None, T.transpose(tensor(a, tt))) == r
    with pytest.raises(TorchError, match='expected a matrix'):
        R.trace(None, tensor(a.ravel(), tt))


def test_all_any():
    assert R.all_(None, tensor([1, 2, 1], types.Byte)) is True
    assert R.all_(None, tensor([1, 0], types.Byte)) is False
    assert R.any_(None, tensor([0, 0], types.Byte)) is False
    assert R.any_(None, tensor([[0, 0], [0, 3]], types.Byte)) is True
    with pytest.raises(TorchError, match='empty Tensor'):
        R.all_(None, T.empty(types.Byte))
    with pytest.raises(TorchError, match='does not implement'):
        R.any_(None, tensor([1], types.Double))


# ----------------------------------------------------------------------------- histograms


def th_histc(x, nbins, lo, hi, real):
    lo, hi = real.type(lo), real.type(hi)
    if lo == hi:
        lo, hi = x.min(), x.max()
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    h = np.zeros(nbins, real)
    for v in x.ravel():
        if lo <= v <= hi:
            b = int((v - lo) / (hi - lo) * real.type(nbins))
            h[min(b, nbins - 1)] += 1
    return h


@pytest.mark.parametrize('tt', FLOATS, ids=lambda t: t.name)
def test_histc(tt):
    a = data(tt, (50,), seed=11)
    for args in [(), (7,), (7, -1), (7, -1, 2), (10, 0, 0)]:
        r = R.histc(None, tensor(a, tt), *args)
        full = list(args) + [100, 0, 0][len(args):]
        assert r.ttype is tt
        assert np.array_equal(arr(r), th_histc(a, *full, tt.dtype))
    assert list(arr(R.histc(None, tensor([0.5, 0.5], tt), 3))) == [0, 2, 0]


@pytest.mark.parametrize('tt', FLOATS, ids=lambda t: t.name)
def test_bhistc(tt):
    a = data(tt, (4, 9), seed=12)
    r = R.bhistc(None, tensor(a, tt), 5)
    lo, hi = a.min(), a.max()
    assert r.size == (4, 5)
    for i in range(4):
        assert np.array_equal(arr(r)[i], th_histc(a[i], 5, lo, hi, tt.dtype))
    with pytest.raises(TorchError):
        R.bhistc(None, tensor(a.ravel(), tt))


# ----------------------------------------------------------------------------- argument matching


def test_parse_follows_cwrap_order():
    spec = (('T', None), ('I', None), ('t', R.REQUIRED), ('n', 1), ('d', R.LAST), ('b', False),
            ('b', False))
    t = tensor(np.zeros((2, 3)))
    assert R.parse((t, 2), spec, '') == [None, None, t, 2, 1, False, False]
    assert R.parse((t, 2, 1), spec, '') == [None, None, t, 2, 0, False, False]
    assert R.parse((t, 2, True), spec, '') == [None, None, t, 2, 1, True, False]
    assert R.parse((t, True), spec, '') == [None, None, t, 1, 1, True, False]
    rv, ri = T.empty(types.Double), T.empty(types.Long)
    assert R.parse((rv, ri, t, 3), spec, '')[:4] == [rv, ri, t, 3]
    assert R.parse((rv, t), spec, '')[:3] == [rv, None, t]
    with pytest.raises(TorchError, match='invalid arguments: DoubleTensor string'):
        R.parse((t, 'x'), spec, 'E')
    # results must have the dispatch type (the first tensor's)
    with pytest.raises(TorchError):
        R.parse((T.empty(types.Float), t, 1), spec, '')


def test_seq_reduce_in_blocks_matches_one_pass(monkeypatch):
    a = data(types.Float, (37, 53), seed=13)
    one = R.seq_reduce(np.add, a, 0, np.float64)
    monkeypatch.setattr(R, '_CHUNK', 7)
    assert np.array_equal(R.seq_reduce(np.add, a, 0, np.float64), one)
    assert np.array_equal(R.seq_reduce(np.add, a, 1, np.float32),
                          np.add.accumulate(a, 1, dtype=np.float32)[:, -1:])
