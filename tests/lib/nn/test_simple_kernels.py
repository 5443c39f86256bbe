"""Kernels of luatorch/lib/nn/simple.py, distance.py and shape.py, called from Python."""
import numpy as np
import pytest

from luatorch.lib import types
from luatorch.lib.errors import TorchError
from luatorch.lib.nn import load_all
from luatorch.lib.tensor import empty, from_array

K = load_all()
RNG = np.random.default_rng(7)


def T(a, tt=types.Double):
    return from_array(np.asarray(a, dtype=tt.dtype), tt)


def E(tt=types.Double):
    return empty(tt)


def randn(*shape):
    return RNG.standard_normal(shape)


@pytest.mark.parametrize('wshape,xshape', [((6,), (6,)), ((2, 3), (6,)), ((6,), (4, 6)),
                                           ((1, 3), (5, 3)), ((2, 1, 3), (2, 4, 3)),
                                           ((2, 3), (4, 2, 3))])
def test_cmul_cadd_cases(wshape, xshape):
    w, x, g = randn(*wshape), randn(*xshape), randn(*xshape)
    if len(wshape) == len(xshape) or w.size == x.size:
        wb = w.reshape(xshape) if w.size == x.size else w
        reduce = lambda p: p.reshape(wshape) if w.size == x.size else p.sum(  # noqa: E731
            axis=tuple(i for i, (a, b) in enumerate(zip(xshape, wshape)) if a != b), keepdims=True)
    else:
        wb = w.reshape((1,) + xshape[1:])
        reduce = lambda p: p.sum(0).reshape(wshape)  # noqa: E731
    o, gi, gw = E(), E(), T(np.zeros(wshape))
    K['CMul_updateOutput'](T(x), o, T(w))
    np.testing.assert_allclose(o.arr(), x * wb)
    K['CMul_updateGradInput'](T(x), T(g), gi, T(w))
    np.testing.assert_allclose(gi.arr(), g * wb)
    K['CMul_accGradParameters'](T(x), T(g), gw, 0.5)
    np.testing.assert_allclose(gw.arr(), 0.5 * reduce(x * g))
    K['CAdd_updateOutput'](T(x), o, T(w))
    np.testing.assert_allclose(o.arr(), x + wb)
    gb = T(np.zeros(wshape))
    K['CAdd_accGradParameters'](T(x), T(g), gb, 2.0)
    np.testing.assert_allclose(gb.arr(), 2 * reduce(g))


def test_cmul_mismatch():
    with pytest.raises(TorchError):
        K['CMul_updateOutput'](T(np.ones((2, 4))), E(), T(np.ones(3)))


def test_add_and_mul():
    x, g = randn(3, 4), randn(3, 4)
    b = randn(4)
    o, gb = E(), T(np.zeros(4))
    K['Add_updateOutput'](T(x), o, T(b), False)
    np.testing.assert_allclose(o.arr(), x + b)
    K['Add_accGradParameters'](T(x), T(g), gb, 0.5)
    np.testing.assert_allclose(gb.arr(), 0.5 * g.sum(0))
    s, gs = T([2.0]), T([0.0])
    K['Add_updateOutput'](T(x), o, s, True)
    np.testing.assert_allclose(o.arr(), x + 2)
    K['Add_accGradParameters'](T(x), T(g), gs, 1.0)
    np.testing.assert_allclose(gs.arr(), [g.sum()])
    w, gw = T([3.0]), T([1.0])
    K['Mul_updateOutput'](T(x), o, w)
    np.testing.assert_allclose(o.arr(), 3 * x)
    K['Mul_accGradParameters'](T(x), T(g), gw, 2.0)
    np.testing.assert_allclose(gw.arr(), [1 + 2 * (x * g).sum()])


def test_bilinear():
    x1, x2, w, b = randn(5, 3), randn(5, 4), randn(2, 3, 4), randn(2)
    g = randn(5, 2)
    o = E()
    K['Bilinear_updateOutput'](T(x1), T(x2), o, T(w), T(b))
    np.testing.assert_allclose(o.arr(), np.einsum('bi,kij,bj->bk', x1, w, x2) + b)
    g1, g2 = E(), E()
    K['Bilinear_updateGradInput'](T(x1), T(x2), T(g), g1, g2, T(w))
    np.testing.assert_allclose(g1.arr(), np.einsum('bk,kij,bj->bi', g, w, x2))
    np.testing.assert_allclose(g2.arr(), np.einsum('bk,kij,bi->bj', g, w, x1))
    gw, gb = T(np.zeros((2, 3, 4))), T(np.zeros(2))
    K['Bilinear_accGradParameters'](T(x1), T(x2), T(g), gw, gb, 0.5)
    # (nn.Bilinear scales the bias's gradient only)
    np.testing.assert_allclose(gw.arr(), np.einsum('bk,bi,bj->kij', g, x1, x2))
    np.testing.assert_allclose(gb.arr(), 0.5 * g.sum(0))


@pytest.mark.parametrize('ta', [False, True])
@pytest.mark.parametrize('tb', [False, True])
@pytest.mark.parametrize('batch', [False, True])
def test_mm(ta, tb, batch):
    pre = (3,) if batch else ()
    a = randn(*(pre + ((4, 2) if ta else (2, 4))))
    b = randn(*(pre + ((5, 4) if tb else (4, 5))))

    def op(m, t):
        return np.swapaxes(m, -1, -2) if t else m
    c = op(a, ta) @ op(b, tb)
    o = E()
    K['MM_updateOutput'](T(a), T(b), o, ta, tb)
    np.testing.assert_allclose(o.arr(), c)
    g = randn(*c.shape)
    ga, gb = E(), E()
    K['MM_updateGradInput'](T(a), T(b), T(g), ga, gb, ta, tb)
    da = g @ np.swapaxes(op(b, tb), -1, -2)
    db = np.swapaxes(op(a, ta), -1, -2) @ g
    np.testing.assert_allclose(ga.arr(), op(da, ta))
    np.testing.assert_allclose(gb.arr(), op(db, tb))


def test_lookup_table_kernels():
    w = randn(5, 3)
    o = E()
    K['LookupTable_updateOutput'](T([[2, 5], [1, 1]], types.Long), o, T(w))
    np.testing.assert_array_equal(o.arr(), w[[[1, 4], [0, 0]]])
    gw = T(np.zeros((5, 3)))
    cnt = E(types.Int)
    idx = T([2, 2, 4, 1], types.Long)
    g = randn(4, 3)
    K['LookupTable_accGradParameters'](idx, T(g), gw, cnt, False, 4, 0.5)
    ref = np.zeros((5, 3))
    ref[1] = 0.5 * (g[0] + g[1])
    ref[0] = 0.5 * g[3]
    np.testing.assert_allclose(gw.arr(), ref)
    gw = T(np.zeros((5, 3)))
    K['LookupTable_accGradParameters'](idx, T(g), gw, cnt, True, 0, 1.0)
    assert cnt.arr()[[0, 1, 3]].tolist() == [1, 2, 1]
    np.testing.assert_allclose(gw.arr()[1], (g[0] + g[1]) / 2)
    with pytest.raises(TorchError, match='1 <= input < 6'):
        K['LookupTable_accGradParameters'](T([6], types.Long), T(np.ones((1, 3))), gw, cnt, False, 0, 1.0)


def test_lookup_table_renorm():
    w = T([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]])
    K['LookupTable_renorm'](T([3, 1, 3], types.Long), w, 2.0, 2)
    np.testing.assert_allclose(np.linalg.norm(w.arr(), axis=1), [2.0, 0.5, 2.0], rtol=1e-6)


def test_euclidean_and_weighted():
    w, c, x, g = randn(4, 3), RNG.uniform(0.5, 2, (4, 3)), randn(5, 4), randn(5, 3)
    d = x[:, :, None] - w[None]
    o = E()
    K['Euclidean_updateOutput'](T(x), o, T(w))
    y = np.sqrt((d * d).sum(1))
    np.testing.assert_allclose(o.arr(), y)
    gi = E()
    K['Euclidean_updateGradInput'](T(x), T(g), gi, T(w), o)
    np.testing.assert_allclose(gi.arr(), np.einsum('bij,bj->bi', d, g / (y + 1e-7)))
    K['WeightedEuclidean_updateOutput'](T(x), o, T(w), T(c))
    np.testing.assert_allclose(o.arr(), np.sqrt(((c * d) ** 2).sum(1)))
    o1 = E()
    K['WeightedEuclidean_updateOutput'](T(x[1]), o1, T(w), T(c))
    np.testing.assert_allclose(o1.arr(), o.arr()[1])


def test_cosine():
    w, x = randn(3, 4), randn(2, 4)
    o, wn, xn = E(), E(), E()
    K['Cosine_updateOutput'](T(x), o, T(w), wn, xn)
    ref = (x @ w.T) / np.linalg.norm(x, axis=1)[:, None] / np.linalg.norm(w, axis=1)
    np.testing.assert_allclose(o.arr(), ref)


@pytest.mark.parametrize('p', [1, 2, 3, 1.5, np.inf])
def test_normalize(p):
    x = randn(3, 5)
    o, norm, normp, idx = E(), E(), E(), E(types.Long)
    K['Normalize_updateOutput'](T(x), o, norm, normp, idx, p, 1e-10)
    np.testing.assert_allclose(o.arr(), x / np.linalg.norm(x, ord=p, axis=1, keepdims=True), rtol=1e-8)


def test_shape_kernels():
    x = np.arange(24.0).reshape(2, 3, 4)
    o, gi = E(), E()
    K['Narrow_updateOutput'](T(x), o, 3, 2, 2)
    np.testing.assert_array_equal(o.arr(), x[:, :, 1:3])
    K['Narrow_updateGradInput'](T(x), T(np.ones((2, 3, 2))), gi, 3, 2, 2)
    assert gi.arr().sum() == 12 and gi.arr()[:, :, 0].sum() == 0
    K['Select_updateOutput'](T(x), o, 2, 3)
    np.testing.assert_array_equal(o.arr(), x[:, 2])
    K['Transpose_updateOutput'](T(x), o, [[1, 3], [1, 2]], 0)
    np.testing.assert_array_equal(o.arr(), np.swapaxes(np.swapaxes(x, 0, 2), 0, 1))
    K['Transpose_updateGradInput'](T(x), T(o.arr().copy()), gi, [[1, 3], [1, 2]], 0)
    np.testing.assert_array_equal(gi.arr(), x)
    src = T(x)
    K['Replicate_updateOutput'](src, o, 3, 2)
    assert o.size == (2, 3, 3, 4) and o.stride[1] == 0 and o.storage is src.storage
    K['Padding_updateOutput'](T(x), o, 3, -2, 3, -1.0)
    np.testing.assert_array_equal(o.arr()[0, 0], [0, 1, -1, -1, 2, 3])
    K['Max_updateOutput'](T(x), o, E(types.Long), 2)
    np.testing.assert_array_equal(o.arr(), x.max(1))
    K['Sum_updateOutput'](T(x), o, 1, True, True)
    np.testing.assert_array_equal(o.arr(), x.mean(0))


def test_view_and_reshape_share_storage():
    src = T(np.arange(24.0).reshape(2, 3, 4))
    o = E()
    K['View_updateOutput'](src, o, [12], 12, 2)
    assert o.size == (2, 12) and o.storage is src.storage
    K['View_updateOutput'](src, o, [-1, 8], 8, None)
    assert o.size == (3, 8)
    with pytest.raises(TorchError, match='do not match'):
        K['View_updateOutput'](src, o, [5], 5, None)
    K['Reshape_updateOutput'](src, o, [4, 6], 24, None)
    assert o.size == (4, 6) and o.storage is src.storage
