"""luatorch.lib.shape_ops against numpy: cat, diag, tril, triu, repeatTensor."""
import numpy as np
import pytest

from luatorch.lib import shape_ops  # noqa: F401  (declares the ops)
from luatorch.lib import tensor as T
from luatorch.lib import types
from luatorch.lib.errors import TorchError
from luatorch.lib.registry import OPS, resolve_function, resolve_method
from luatorch.lib.storage import Storage

R = np.random.RandomState(1)


def tens(a, tt=types.Double):
    return T.from_array(np.asarray(a), tt)


def fn(name, *args):
    op = OPS[name]
    if not op.res:
        return op.fn(*args)
    res, srcs = resolve_function(op, args)
    assert srcs is not None
    return op.fn(res, *srcs)


def meth(name, self, *args):
    op = OPS[name]
    if not op.res:
        return op.fn(self, *args)
    res, srcs = resolve_method(op, self, args)
    assert srcs is not None
    return op.fn(res, *srcs)


def arr(t):
    return np.array(t.arr())


# ----------------------------------------------------------------------------- cat


def test_cat_two_tensors_and_default_last_dim():
    a, b = R.randn(2, 3), R.randn(2, 3)
    np.testing.assert_array_equal(arr(fn('cat', tens(a), tens(b), 1)), np.concatenate([a, b], 0))
    np.testing.assert_array_equal(arr(fn('cat', tens(a), tens(b), 2)), np.concatenate([a, b], 1))
    np.testing.assert_array_equal(arr(fn('cat', tens(a), tens(b))), np.concatenate([a, b], 1))
    np.testing.assert_array_equal(arr(meth('cat', tens(a), tens(b), 1)), np.concatenate([a, b], 0))


def test_cat_table_of_tensors():
    xs = [R.randn(2, 2), R.randn(3, 2), R.randn(1, 2)]
    r = fn('cat', [tens(x) for x in xs], 1)
    np.testing.assert_array_equal(arr(r), np.concatenate(xs, 0))
    res = tens(np.zeros(1))
    assert fn('cat', res, [tens(x) for x in xs], 1) is res
    assert res.size == (6, 2)


def test_cat_default_is_the_largest_last_dimension():
    # a vector and a matrix: dimension 2; the vector counts as one column
    r = fn('cat', tens([1.0, 2.0]), tens([[3.0, 4.0], [5.0, 6.0]]))
    assert r.size == (2, 3)
    assert arr(r).tolist() == [[1, 3, 4], [2, 5, 6]]


def test_cat_on_a_new_dimension():
    a, b = R.randn(2, 2), R.randn(2, 2)
    r = fn('cat', tens(a), tens(b), 3)
    assert r.size == (2, 2, 2)
    np.testing.assert_array_equal(arr(r), np.stack([a, b], 2))


def test_cat_skips_empty_tensors():
    a = R.randn(3, 2)
    r = fn('cat', [T.empty(types.Double), tens(a)], 1)
    np.testing.assert_array_equal(arr(r), a)
    r = fn('cat', T.empty(types.Double), T.empty(types.Double))
    assert r.size == ()


def test_cat_non_contiguous_and_integer():
    a = tens(np.arange(6).reshape(2, 3), types.Int)
    b = T.transpose(tens(np.arange(6).reshape(3, 2), types.Int))
    r = fn('cat', a, b, 1)
    assert r.ttype is types.Int
    np.testing.assert_array_equal(arr(r), np.concatenate([np.arange(6).reshape(2, 3),
                                                          np.arange(6).reshape(3, 2).T], 0))


def test_cat_errors():
    with pytest.raises(TorchError, match='inconsistent tensor sizes'):
        fn('cat', tens(R.randn(2, 3)), tens(R.randn(3, 3)), 2)
    with pytest.raises(TorchError, match='invalid dimension 0'):
        fn('cat', tens(R.randn(2)), tens(R.randn(2)), 0)
    with pytest.raises(TorchError, match='invalid arguments'):
        fn('cat', tens(R.randn(2)), tens(R.randn(2), types.Float))


# ----------------------------------------------------------------------------- diag, tril, triu


def test_diag():
    v = np.array([1.0, 2, 3])
    for k in (-2, -1, 0, 1, 3):
        np.testing.assert_array_equal(arr(fn('diag', tens(v), k)), np.diag(v, k))
    m = np.arange(12.0).reshape(3, 4)
    for k in (-2, -1, 0, 1, 3):
        np.testing.assert_array_equal(arr(fn('diag', tens(m), k)), np.diagonal(m, k))
    assert fn('diag', tens(m), 4).size == ()
    np.testing.assert_array_equal(arr(meth('diag', tens(m))), np.diagonal(m))
    r = tens(np.zeros(1))
    assert fn('diag', r, tens(v)) is r and r.size == (3, 3)
    with pytest.raises(TorchError, match='matrix or a vector expected'):
        fn('diag', tens(np.zeros((2, 2, 2))))


@pytest.mark.parametrize('tt', types.TYPES, ids=lambda t: t.name)
def test_tril_triu(tt):
    m = np.arange(1, 13).reshape(3, 4)
    for k in (-3, -1, 0, 1, 2, 5):
        np.testing.assert_array_equal(arr(fn('tril', tens(m, tt), k)), np.tril(m, k))
        np.testing.assert_array_equal(arr(fn('triu', tens(m, tt), k)), np.triu(m, k))
    x = tens(m, tt)
    assert fn('triu', x, x) is x                      # in place, as torch.triu(x, x)
    np.testing.assert_array_equal(arr(x), np.triu(m))
    with pytest.raises(TorchError, match='expected a matrix'):
        fn('tril', tens([1, 2], tt))


# ----------------------------------------------------------------------------- repeatTensor


def test_repeat_tensor():
    x = np.array([[1.0, 2], [3, 4]])
    r = fn('repeatTensor', tens(x), 2, 3)
    np.testing.assert_array_equal(arr(r), np.tile(x, (2, 3)))
    r = meth('repeatTensor', tens(x), 3, 1, 2)
    np.testing.assert_array_equal(arr(r), np.tile(x, (3, 1, 2)))
    res = tens(np.zeros(1))
    assert fn('repeatTensor', res, tens(x), 1, 2) is res
    np.testing.assert_array_equal(arr(res), np.tile(x, (1, 2)))
    sizes = Storage(types.Long, data=np.array([2, 2], dtype=np.int64))
    np.testing.assert_array_equal(arr(fn('repeatTensor', tens([1.0, 2]), sizes)),
                                  np.tile([1.0, 2], (2, 2)))
    t = T.transpose(tens(x))
    np.testing.assert_array_equal(arr(fn('repeatTensor', t, 2, 1)), np.tile(x.T, (2, 1)))
    with pytest.raises(TorchError, match='can not be smaller'):
        fn('repeatTensor', tens(x), 2)


# ----------------------------------------------------------------------------- split, chunk


def test_split_and_chunk_give_views():
    t = tens(np.arange(1.0, 8))
    parts = fn('split', t, 3)
    assert [p.size for p in parts] == [(3,), (3,), (1,)]
    assert [p.arr()[0] for p in parts] == [1, 4, 7]
    parts[0].arr()[0] = 0
    assert t.arr()[0] == 0                              # views share the storage
    m = tens(np.arange(10.0).reshape(5, 2))
    ch = fn('chunk', m, 2, 1)
    assert [c.size for c in ch] == [(3, 2), (2, 2)]
    ch = fn('chunk', tens(np.ones((3, 4))), 3, 2)
    assert [c.size for c in ch] == [(3, 2), (3, 2)]
    assert len(fn('split', [], tens(np.ones(5)), 2)) == 3   # the result-table form
    with pytest.raises(TorchError, match='out of range'):
        fn('split', t, 2, 2)
