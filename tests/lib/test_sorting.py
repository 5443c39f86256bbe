"""luatorch.lib.sorting: sort, topk, kthvalue, median, mode over all seven tensor types."""
import random

import numpy as np
import pytest

from luatorch.lib import sorting as S
from luatorch.lib import tensor as T
from luatorch.lib import types
from luatorch.lib.errors import TorchError

ALL = types.TYPES


def tensor(a, ttype=types.Double):
    return T.from_array(np.asarray(a), ttype)


def arr(t):
    return t.arr().copy()


def data(ttype, shape, seed=0, distinct=False):
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    if distinct:
        top = 100 if ttype.dtype.itemsize == 1 else 10 ** 6
        vals = rng.permutation(top)[:n] - (0 if ttype.dtype.kind == 'u' else top // 2)
        return vals.reshape(shape).astype(ttype.dtype)
    return rng.integers(0, 6, size=shape).astype(ttype.dtype)


def gathered(a, idx, d):
    return np.take_along_axis(a, idx - 1, axis=d)


# ----------------------------------------------------------------------------- sort


@pytest.mark.parametrize('tt', ALL, ids=lambda t: t.name)
def test_sort_every_dim_both_orders(tt):
    a = data(tt, (3, 4, 5), seed=1)
    t = tensor(a, tt)
    for d in (1, 2, 3):
        for desc in (False, True):
            v, i = S.sort(t, d, desc)
            assert v.ttype is tt and i.ttype is types.Long and v.size == i.size == a.shape
            ref = np.sort(a, axis=d - 1)
            if desc:
                ref = np.flip(ref, d - 1)
            assert np.array_equal(arr(v), ref)
            assert np.array_equal(gathered(a, arr(i), d - 1), arr(v))
            # stable: equal keys keep their original order
            iv = np.moveaxis(arr(i), d - 1, -1).reshape(-1, a.shape[d - 1])
            vv = np.moveaxis(arr(v), d - 1, -1).reshape(-1, a.shape[d - 1])
            same = vv[:, 1:] == vv[:, :-1]
            assert np.all(iv[:, 1:][same] > iv[:, :-1][same])


def test_sort_defaults_and_forms():
    t = tensor([[3, 1, 2], [9, 7, 8], [4, 6, 5]])
    v, i = S.sort(t)                                   # last dimension, ascending
    assert arr(i).tolist() == [[2, 3, 1], [2, 3, 1], [1, 3, 2]]
    v, i = S.sort(T.select(t, 1, 1), True)             # x:sort(true): descending
    assert arr(v).tolist() == [3, 2, 1] and arr(i).tolist() == [1, 3, 2]
    rv, ri = T.empty(types.Double), T.empty(types.Long)
    v, i = S.sort(rv, ri, t, 1, True)
    assert v is rv and i is ri and arr(rv)[:, 0].tolist() == [9, 4, 3]
    with pytest.raises(TorchError, match='invalid dimension'):
        S.sort(t, 3)
    with pytest.raises(TorchError, match='invalid arguments'):
        S.sort(t, 'x')


# ----------------------------------------------------------------------------- topk


def test_quickselect_partitions_like_th():
    # traced by hand through TH's algorithm
    v, ix = [5, 1, 4, 2, 3, 9, 7, 8], list(range(8))
    S.quickselect(v, ix, 2)
    assert v == [1, 2, 3, 4, 5, 9, 7, 8] and ix == [1, 3, 4, 2, 0, 5, 6, 7]
    rnd = random.Random(0)
    for _ in range(300):
        n = rnd.randint(1, 40)
        v = [rnd.randint(0, 9) for _ in range(n)]
        k = rnd.randrange(n)
        w, ix = list(v), list(range(n))
        S.quickselect(w, ix, k)
        assert sorted(w) == sorted(v) and [v[j] for j in ix] == w
        assert w[k] == sorted(v)[k]
        assert max(w[:k + 1]) == w[k] and min(w[k:]) == w[k]


@pytest.mark.parametrize('tt', ALL, ids=lambda t: t.name)
def test_topk(tt):
    a = data(tt, (4, 9), seed=2, distinct=True)
    t = tensor(a, tt)
    for d in (1, 2):
        n = a.shape[d - 1]
        for k in (1, 3, n):
            for largest in (False, True):
                ref = np.sort(a, axis=d - 1)
                if largest:
                    ref = np.flip(ref, d - 1)
                ref = np.take(ref, np.arange(k), axis=d - 1)
                v, i = S.topk(t, k, d, largest, True)
                assert v.size[d - 1] == k and np.array_equal(arr(v), ref)
                assert np.array_equal(gathered(a, arr(i), d - 1), arr(v))
                v, i = S.topk(t, k, d, largest)      # unsorted: the same elements
                assert np.array_equal(np.sort(arr(v), axis=d - 1), np.sort(ref, axis=d - 1))
                assert np.array_equal(gathered(a, arr(i), d - 1), arr(v))


def test_topk_th_order_and_defaults():
    t = tensor([5, 1, 4, 2, 3, 9, 7, 8])
    v, i = S.topk(t, 3)
    assert arr(v).tolist() == [1, 2, 3] and arr(i).tolist() == [2, 4, 5]
    v, i = S.topk(t)                                   # k defaults to 1
    assert arr(v).tolist() == [1]
    v, i = S.topk(tensor([5, 1, 4, 2, 3]), 3, 1, True, True)
    assert arr(v).tolist() == [5, 4, 3] and arr(i).tolist() == [1, 3, 5]
    v, i = S.topk(t, 2, True)                          # (k, dir): dim defaulted
    assert sorted(arr(v).tolist()) == [8, 9]
    with pytest.raises(TorchError, match='k not in range'):
        S.topk(t, 9)


# ----------------------------------------------------------------------------- kthvalue, median


@pytest.mark.parametrize('tt', ALL, ids=lambda t: t.name)
def test_kthvalue_median(tt):
    a = data(tt, (5, 6), seed=3)
    t = tensor(a, tt)
    for d in (1, 2):
        n = a.shape[d - 1]
        for k in (1, 2, n):
            v, i = S.kthvalue(t, k, d)
            assert v.size[d - 1] == 1 and i.ttype is types.Long
            assert np.array_equal(arr(v), np.take(np.sort(a, axis=d - 1), [k - 1], axis=d - 1))
            assert np.array_equal(gathered(a, arr(i), d - 1), arr(v))
        v, i = S.median(t, d)
        lower = (n - 1) // 2
        assert np.array_equal(arr(v), np.take(np.sort(a, axis=d - 1), [lower], axis=d - 1))
        assert np.array_equal(gathered(a, arr(i), d - 1), arr(v))


def test_median_lower_and_defaults():
    v, i = S.median(tensor([4, 1, 3, 2]), 1)
    assert arr(v).tolist() == [2] and arr(i).tolist() == [4]
    v, i = S.median(tensor([[3, 1, 2, 7], [6, 4, 5, 0]]))     # last dimension
    assert arr(v).tolist() == [[2], [4]] and arr(i).tolist() == [[3], [2]]
    v, i = S.kthvalue(tensor([5, 1, 4, 2, 3]), 2)
    assert arr(v).tolist() == [2] and arr(i).tolist() == [4]
    with pytest.raises(TorchError, match='selected index out of range'):
        S.kthvalue(tensor([1, 2]), 3)
    with pytest.raises(TorchError, match='invalid arguments'):
        S.kthvalue(tensor([1, 2]))


# ----------------------------------------------------------------------------- mode


@pytest.mark.parametrize('tt', ALL, ids=lambda t: t.name)
def test_mode(tt):
    a = data(tt, (6, 7), seed=4)
    t = tensor(a, tt)
    for d in (1, 2):
        v, i = S.mode(t, d)
        assert v.size[d - 1] == 1
        m = np.moveaxis(a, d - 1, -1).reshape(-1, a.shape[d - 1])
        ref = []
        for row in m:
            vals, counts = np.unique(row, return_counts=True)
            ref.append(vals[np.argmax(counts)])       # the smallest of the most frequent
        assert np.array_equal(np.moveaxis(arr(v), d - 1, -1).ravel(), np.array(ref, tt.dtype))
        assert np.array_equal(gathered(a, arr(i), d - 1), arr(v))


def test_mode_golden_case():
    t = tensor([[1, 2, 2, 3], [4, 4, 5, 5], [7, 6, 6, 6]])
    v, i = S.mode(t, 2)
    assert arr(v).ravel().tolist() == [2, 4, 6]
    v, i = S.mode(tensor([3, 1, 3, 1, 2]))
    assert arr(v).tolist() == [1] and i.size == (1,)
    rv, ri = T.empty(types.Double), T.empty(types.Long)
    assert S.mode(rv, ri, t) == (rv, ri)
