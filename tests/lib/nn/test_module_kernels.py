"""Kernels behind the Module API and the table layers, from Python: Module_flatten
(getParameters) and JoinTable_updateOutput / JoinTable_updateGradInput."""
import numpy as np
import pytest

from luatorch.lib import tensor as T
from luatorch.lib import types
from luatorch.lib.errors import TorchError
from luatorch.lib.nn.module import Module_flatten
from luatorch.lib.nn.table import JoinTable_updateGradInput, JoinTable_updateOutput
from luatorch.lib.tensor import Tensor, set_

R = np.random.RandomState(3)


def tens(a, tt=types.Double):
    return T.from_array(np.asarray(a, dtype=float), tt)


def empty(tt=types.Double):
    return T.empty(tt)


def view(t, offset, size, stride):
    """A tensor over t's storage (0-based offset)."""
    v = empty(t.ttype)
    set_(v, t.storage, offset, tuple(size), tuple(stride))
    return v


def test_flatten_copies_and_rebinds():
    a, b = tens(R.randn(2, 3)), tens(R.randn(4))
    va, vb = a.arr().copy(), b.arr().copy()
    flat = Module_flatten([a, b])
    assert flat.size == (10,)
    np.testing.assert_array_equal(flat.arr(), np.concatenate([va.ravel(), vb]))
    assert a.storage is flat.storage and b.storage is flat.storage
    assert (a.offset, b.offset) == (0, 6)
    np.testing.assert_array_equal(a.arr(), va)
    flat.arr()[:] = 7
    assert (a.arr() == 7).all() and (b.arr() == 7).all()


def test_flatten_keeps_sharing_and_squeezes_holes():
    base = tens(R.randn(10))
    w = view(base, 2, (2, 2), (2, 1))      # elements 2..5
    bias = view(base, 8, (2,), (1,))       # elements 8..9
    same = view(base, 2, (2, 2), (2, 1))   # shares w's elements
    other = tens(R.randn(3))
    expect_w = w.arr().copy()
    flat = Module_flatten([w, bias, same, other])
    # 4 + 2 used elements of base, then other's 3
    assert flat.size == (9,)
    assert w.offset == same.offset == 0 and bias.offset == 4 and other.offset == 6
    np.testing.assert_array_equal(w.arr(), expect_w)
    flat.arr()[0] = 42
    assert same.arr()[0, 0] == 42


def test_flatten_transposed_compact_and_expanded():
    t = tens(R.randn(3, 4))
    tt = view(t, 0, (4, 3), (1, 4))        # a transpose: compact
    hole = tens(R.randn(10))
    b = view(hole, 2, (3,), (1,))
    flat = Module_flatten([tt, b])
    assert flat.size == (15,)
    e = tens(R.randn(3, 1))
    ex = view(e, 0, (3, 5), (1, 0))        # expanded: stride 0
    flat2 = Module_flatten([ex])
    assert flat2.size == (3,) and ex.stride == (1, 0)


def test_flatten_rejects_non_compact_with_holes():
    base = tens(R.randn(10, 10))
    col = view(base, 1, (10,), (10,))      # a column: every 10th element
    with pytest.raises(TorchError, match='not compact'):
        Module_flatten([tens(R.randn(2)), col])


def test_flatten_type_mismatch():
    with pytest.raises(TorchError):
        Module_flatten([tens([1.]), tens([1.], types.BY_NAME['Float'])])


@pytest.mark.parametrize('dim', [1, 2, 3])
def test_join_matches_concatenate(dim):
    shapes = [[2, 3, 4], [2, 3, 4], [2, 3, 4]]
    for i, s in enumerate(shapes):
        s[dim - 1] = i + 1
    arrays = [R.randn(*s) for s in shapes]
    inputs = [tens(a) for a in arrays]
    output = empty()
    JoinTable_updateOutput(inputs, output, dim)
    expect = np.concatenate(arrays, axis=dim - 1)
    np.testing.assert_array_equal(output.arr(), expect)
    g = R.randn(*expect.shape)
    grads = [empty() for _ in inputs]
    JoinTable_updateGradInput(inputs, tens(g), grads, dim)
    for gi, part in zip(grads, np.split(g, np.cumsum([a.shape[dim - 1] for a in arrays])[:-1],
                                        axis=dim - 1)):
        np.testing.assert_array_equal(gi.arr(), part)


def test_join_float_and_errors():
    f = types.BY_NAME['Float']
    out = empty(f)
    JoinTable_updateOutput([tens([1., 2.], f), tens([3.], f)], out, 1)
    assert out.ttype is f and list(out.arr()) == [1., 2., 3.]
    with pytest.raises(TorchError, match='out of range'):
        JoinTable_updateOutput([tens([1., 2.])], empty(), 2)
    with pytest.raises(TorchError, match='inconsistent tensor size'):
        JoinTable_updateOutput([tens(np.ones((2, 2))), tens(np.ones((1, 3)))], empty(), 1)
    with pytest.raises(TorchError, match='too small'):
        JoinTable_updateGradInput([tens([1., 2.]), tens([3.])], tens([1., 2.]), [empty(), empty()], 1)


def _random_compact_params(rng):
    """Tensors over a few storages: whole storages, contiguous slices, transposed 2-D views,
    shared and overlapping blocks, unused gaps, an empty tensor."""
    from luatorch.lib.storage import Storage
    params = []
    for _ in range(rng.randint(1, 4)):
        n = rng.randint(4, 40)
        st = Storage(types.Double, data=rng.randn(n))
        for _ in range(rng.randint(1, 4)):
            kind = rng.randint(4)
            off = rng.randint(0, n - 3)
            if kind == 0:
                params.append(Tensor(types.Double, st, 0, (n,), (1,)))
            elif kind == 1:
                m = rng.randint(1, n - off + 1)
                params.append(Tensor(types.Double, st, off, (m,), (1,)))
            elif kind == 2:
                rows = rng.randint(1, 3)
                cols = (n - off) // rows
                params.append(Tensor(types.Double, st, off, (cols, rows), (1, cols)))
            else:
                params.append(Tensor(types.Double, st, off, (0,), (1,)))
    return params


def _layout(params, flat):
    return ([(p.offset, p.size, p.stride, p.storage is flat.storage) for p in params],
            flat.arr().tolist() if flat is not None and flat.size else [])


def test_flatten_interval_path_equals_the_indexed_path():
    # every tensor compact: the interval path runs; it must lay out exactly as the general one
    from luatorch.lib.nn import module as M
    for seed in range(200):
        a = _random_compact_params(np.random.RandomState(seed))
        b = _random_compact_params(np.random.RandomState(seed))
        assert all(M._compact(p) for p in a)
        fa = Module_flatten(a)
        tt, base, order, n = types.Double, {}, [], 0
        for p in b:
            if id(p.storage) not in base:
                base[id(p.storage)] = n
                order.append(p.storage)
                n += p.storage.size()
        fb = M._flatten_indexed(b, tt, order, base, n)
        assert _layout(a, fa) == _layout(b, fb), seed
