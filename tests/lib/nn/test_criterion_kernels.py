"""The criterion kernels of luatorch/lib/nn/criterion.py, from Python, against element-by-element
references written from THNN's definitions (accumulating in the tensor's own type, in order)."""
import math

import numpy as np
import pytest

from luatorch.lib import types
from luatorch.lib.errors import TorchError
from luatorch.lib.nn import load_all
from luatorch.lib.tensor import empty, from_array

K = load_all()
TYPES = [types.Double, types.Float]
RNG = np.random.default_rng(7)


def T(a, tt=types.Double):
    return from_array(np.asarray(a, dtype=tt.dtype), tt)


def seq(terms, dtype, init=0.0):
    """Reference: `real sum = init; sum += term` one element at a time, C's promotions."""
    f = np.dtype(dtype).type
    s = f(init)
    for t in terms:
        s = f(float(s) + float(t))
    return s


@pytest.mark.parametrize('tt', TYPES)
def test_mse_accumulates_in_the_tensor_type(tt):
    f = tt.dtype.type
    x = RNG.standard_normal(300).astype(tt.dtype)
    y = RNG.standard_normal(300).astype(tt.dtype)
    ref = seq([f(a - b) * f(a - b) for a, b in zip(x, y)], tt.dtype)
    loss = K['MSECriterion_updateOutput'](T(x, tt), T(y, tt), False)
    assert loss == float(ref)
    assert K['MSECriterion_updateOutput'](T(x, tt), T(y, tt), True) == float(f(ref / f(300)))
    gi = empty(tt)
    K['MSECriterion_updateGradInput'](T(x, tt), T(y, tt), gi, True)
    norm = f(2.0 / 300)
    np.testing.assert_array_equal(gi.arr(), (x - y) * norm)


def test_float_sum_of_double_terms_rounds_once_per_step():
    # SmoothL1 computes 0.5*z*z in double and adds it to a float sum: the sum of 100 terms must
    # be Torch's to the last bit
    x = RNG.standard_normal(100).astype(np.float32) * np.float32(0.7)
    y = np.zeros(100, np.float32)
    z = np.abs(x).astype(np.float64)
    terms = np.where(z < 1, 0.5 * z * z, z - 0.5)
    ref = seq(terms, np.float32)
    assert K['SmoothL1Criterion_updateOutput'](T(x, types.Float), T(y, types.Float), False) == \
        float(ref)


@pytest.mark.parametrize('tt', TYPES)
def test_pointwise_losses_against_formulas(tt):
    x = RNG.uniform(0.05, 0.95, 12)
    y = RNG.uniform(0.05, 0.95, 12)
    s = np.sign(RNG.standard_normal(12))
    tol = 1e-10 if tt is types.Double else 1e-5  # BCE adds EPS = 1e-12 inside its logs
    cases = {
        'AbsCriterion': ((x, y), np.abs(x - y).mean()),
        'SmoothL1Criterion': ((3 * x, y), np.where(np.abs(3 * x - y) < 1, 0.5 * (3 * x - y) ** 2,
                                                   np.abs(3 * x - y) - 0.5).mean()),
        'SoftMarginCriterion': ((x, s), np.log1p(np.exp(-x * s)).mean()),
        'DistKLDivCriterion': ((np.log(x), y), (y * (np.log(y) - np.log(x))).mean()),
        'BCECriterion': ((x, y), -(y * np.log(x) + (1 - y) * np.log(1 - x)).mean()),
    }
    for name, ((a, b), expected) in cases.items():
        args = (T(a, tt), T(b, tt), True) + ((None,) if name == 'BCECriterion' else ())
        assert K[name + '_updateOutput'](*args) == pytest.approx(expected, rel=tol), name
    m = K['MarginCriterion_updateOutput'](T(x, tt), T(s, tt), True, 0.5)
    assert m == pytest.approx(np.maximum(0, 0.5 - x * s).mean(), rel=tol)


@pytest.mark.parametrize('tt', TYPES)
def test_pointwise_gradients_by_central_differences(tt):
    if tt is types.Float:
        return  # differences need double precision
    x = RNG.uniform(0.1, 0.9, 7)
    y = RNG.uniform(0.1, 0.9, 7)
    s = np.sign(RNG.standard_normal(7))
    names = [('MSECriterion', y, ()), ('AbsCriterion', y, ()), ('SmoothL1Criterion', 2 * y, ()),
             ('SoftMarginCriterion', s, ()), ('DistKLDivCriterion', y, ()),
             ('BCECriterion', y, (T(RNG.uniform(0.5, 2, 7)),)), ('MarginCriterion', 0.3 * s, (1.0,))]
    for name, target, extra in names:
        gi = empty(types.Double)
        K[name + '_updateGradInput'](T(x), T(target), gi, True, *extra)
        num = np.empty(7)
        for i in range(7):
            xp, xm = x.copy(), x.copy()
            xp[i] += 1e-6
            xm[i] -= 1e-6
            num[i] = (K[name + '_updateOutput'](T(xp), T(target), True, *extra)
                      - K[name + '_updateOutput'](T(xm), T(target), True, *extra)) / 2e-6
        np.testing.assert_allclose(gi.arr(), num, atol=1e-6, err_msg=name)


def test_size_mismatch_and_bce_range_errors():
    with pytest.raises(TorchError, match=r'input and target have different number of elements: '
                                         r'input\[2 x 2\] has 4 elements, while target\[3\] has 3'):
        K['MSECriterion_updateOutput'](T(np.zeros((2, 2))), T(np.zeros(3)), True)
    with pytest.raises(TorchError, match='between 0~1'):
        K['BCECriterion_updateOutput'](T([0.5, 1.5]), T([0, 1]), True, None)


def nll_reference(x, t, w, size_average, ignore):
    x = np.atleast_2d(x)
    f = x.dtype.type
    out, tw = f(0), f(0)
    for i, c in enumerate(t):
        if c == ignore:
            continue
        cw = f(1) if w is None else w[c - 1]
        tw = f(tw + cw)
        out = f(out - x[i, c - 1] * cw)
    if size_average and tw:
        out = f(out / tw)
    return out, tw


@pytest.mark.parametrize('tt', TYPES)
@pytest.mark.parametrize('weighted', [False, True])
@pytest.mark.parametrize('size_average', [True, False])
def test_classnll_batch(tt, weighted, size_average):
    x = RNG.standard_normal((9, 5)).astype(tt.dtype)
    t = np.array([1, 5, 3, -100, 2, 2, 4, 5, 1])
    w = RNG.uniform(0.1, 1, 5).astype(tt.dtype) if weighted else None
    o, tw = empty(tt), T([1.0], tt)
    loss, total = K['ClassNLLCriterion_updateOutput'](
        T(x, tt), T(t, types.Long), o, size_average, T(w, tt) if weighted else None, tw, -100)
    ref, reft = nll_reference(x, t, w, size_average, -100)
    assert (loss, total) == (float(ref), float(reft))
    assert o.arr()[0] == ref and tw.arr()[0] == reft
    gi = empty(tt)
    K['ClassNLLCriterion_updateGradInput'](T(x, tt), T(t, types.Long), gi, size_average,
                                           T(w, tt) if weighted else None, tw, -100)
    g = np.zeros_like(x)
    for i, c in enumerate(t):
        if c != -100:
            g[i, c - 1] = -(w[c - 1] if weighted else 1)
            if size_average:
                g[i, c - 1] /= reft
    np.testing.assert_array_equal(gi.arr(), g)


@pytest.mark.parametrize('tt', TYPES)
@pytest.mark.parametrize('size_average', [True, False])
def test_classnll_batch_fast_path_matches_the_general_path(tt, size_average):
    # a contiguous input with a LongTensor target takes the flat-gather path; the same target
    # as a DoubleTensor (or with ignoreIndex among the classes) takes the general one
    from luatorch.lib.nn import criterion
    x = RNG.standard_normal((128, 10)).astype(tt.dtype)
    x[3, :] = [np.nan, np.inf, -np.inf, -0.0, 0.0, 1e30, -1e-300, 5, 6, 7]
    t = RNG.integers(1, 11, 128)
    t[3] = 1
    assert criterion._nll_batch_fast(x, T(t, types.Long), None, -100) is not None
    assert criterion._nll_batch_fast(x, T(t, types.Double), None, -100) is None
    res = []
    for target, ignore in [(T(t, types.Long), -100), (T(t, types.Long), 0),
                           (T(t, types.Double), -100), (T(t, types.Long), 11.5)]:
        o, tw, gi = empty(tt), T([1.0], tt), empty(tt)
        r = K['ClassNLLCriterion_updateOutput'](T(x, tt), target, o, size_average, None, tw, ignore)
        K['ClassNLLCriterion_updateGradInput'](T(x, tt), target, gi, size_average, None, tw, ignore)
        res.append((repr(r), o.arr().tobytes(), tw.arr().tobytes(), gi.arr().tobytes()))
    assert res[0] == res[1] == res[2] == res[3]
    ref, reft = nll_reference(x, t, None, size_average, -100)
    assert np.isnan(ref) and reft == 128 and res[0][0] == repr((float('nan'), 128.0))
    x[3, :] = 1.0
    o, tw = empty(tt), T([1.0], tt)
    loss, _ = K['ClassNLLCriterion_updateOutput'](T(x, tt), T(t, types.Long), o, size_average,
                                                  None, tw, -100)
    assert loss == float(nll_reference(x, t, None, size_average, -100)[0])
    # out-of-range targets still raise (through the general path)
    for bad in (0, 11, -100):
        t2 = t.copy()
        t2[5] = bad
        with pytest.raises(TorchError, match='cur_target'):
            K['ClassNLLCriterion_updateOutput'](T(x, tt), T(t2, types.Long), empty(tt),
                                                size_average, None, T([1.0], tt), 50)
        with pytest.raises(TorchError, match='cur_target'):
            K['ClassNLLCriterion_updateGradInput'](T(x, tt), T(t2, types.Long), empty(tt),
                                                   size_average, None, T([1.0], tt), 50)


def test_classnll_vector_with_number_target_and_checks():
    x = T([-1.0, -2.0, -0.5])
    tw = T([1.0])
    loss, total = K['ClassNLLCriterion_updateOutput'](x, 2, T([0.0]), True, T([1, 4, 1.0]), tw,
                                                      -100)
    assert (loss, total) == (2.0, 4.0)
    gi = empty(types.Double)
    K['ClassNLLCriterion_updateGradInput'](x, 2, gi, True, T([1, 4, 1.0]), tw, -100)
    assert gi.arr().tolist() == [0, -1, 0]          # THNN: -1 for a vector unless summing
    K['ClassNLLCriterion_updateGradInput'](x, 2, gi, False, T([1, 4, 1.0]), tw, -100)
    assert gi.arr().tolist() == [0, -4, 0]
    with pytest.raises(TorchError, match='cur_target'):
        K['ClassNLLCriterion_updateOutput'](x, 4, None, True, None, tw, -100)
    with pytest.raises(TorchError, match='1D or 2D'):
        K['ClassNLLCriterion_updateOutput'](T(np.zeros((2, 2, 2))), 1, None, True, None, tw, -100)
    with pytest.raises(TorchError, match='for all 3 classes'):
        K['ClassNLLCriterion_updateOutput'](x, 1, None, True, T([1.0]), tw, -100)


def test_spatial_classnll_matches_classnll_of_the_pixels():
    x = RNG.standard_normal((2, 4, 3, 5))
    t = RNG.integers(1, 5, (2, 3, 5))
    w = RNG.uniform(0.2, 1, 4)
    tw = T([1.0])
    loss, total = K['SpatialClassNLLCriterion_updateOutput'](T(x), T(t, types.Long), None, True,
                                                             T(w), tw)
    flat = x.transpose(0, 2, 3, 1).reshape(-1, 4)
    ref, reft = nll_reference(flat, t.reshape(-1), w, True, None)
    assert loss == pytest.approx(float(ref), rel=1e-14) and total == pytest.approx(float(reft))
    gi = empty(types.Double)
    K['SpatialClassNLLCriterion_updateGradInput'](T(x), T(t, types.Long), gi, True, T(w), tw)
    g = np.zeros_like(x)
    for b in range(2):
        for i in range(3):
            for j in range(5):
                g[b, t[b, i, j] - 1, i, j] = -w[t[b, i, j] - 1] / total
    np.testing.assert_allclose(gi.arr(), g, rtol=1e-15)


def multimargin_reference(x, t, p, w, margin, size_average):
    x = np.atleast_2d(x)
    f = x.dtype.type
    n, dim = x.shape
    s = f(0)
    g = np.zeros_like(x)
    gs = f(1.0 / float(f(n * dim))) if size_average else f(1.0 / float(f(dim)))
    for i in range(n):
        c = t[i] - 1
        gt = f(0)
        for d in range(dim):
            z = f(f(margin) - x[i, c]) + x[i, d]
            if d == c or z <= 0:
                continue
            h = z if p == 1 else f(z * z)
            hg = gs if p == 1 else f(f(2 * gs) * z)
            if w is not None:
                h, hg = f(h * w[c]), f(hg * w[c])
            s = f(s + h)
            gt = f(gt - hg)
            g[i, d] = hg
        g[i, c] = gt
    s = f(s / f(dim))
    if size_average:
        s = f(s / f(n))
    return s, g


@pytest.mark.parametrize('tt', TYPES)
@pytest.mark.parametrize('p', [1, 2])
def test_multimargin(tt, p):
    x = RNG.standard_normal((6, 7)).astype(tt.dtype)
    t = RNG.integers(1, 8, 6)
    w = RNG.uniform(0.5, 2, 7).astype(tt.dtype)
    for weights in (None, w):
        ref, gref = multimargin_reference(x, t, p, weights, 0.7, True)
        wt = None if weights is None else T(weights, tt)
        assert K['MultiMarginCriterion_updateOutput'](T(x, tt), T(t, types.Long), True, p, wt,
                                                      0.7) == float(ref)
        gi = empty(tt)
        K['MultiMarginCriterion_updateGradInput'](T(x, tt), T(t, types.Long), gi, True, p, wt,
                                                  0.7)
        np.testing.assert_array_equal(gi.arr(), gref)
    with pytest.raises(TorchError, match='target out of range'):
        K['MultiMarginCriterion_updateOutput'](T(x[0], tt), 9, True, 1, None, 1.0)


def multilabel_reference(x, t, size_average):
    x = np.atleast_2d(x)
    t = np.atleast_2d(t)
    f = x.dtype.type
    n, dim = x.shape
    s = f(0)
    g = np.zeros_like(x)
    gs = f(1.0 / float(f(n * dim))) if size_average else f(1.0 / float(f(dim)))
    for i in range(n):
        targets = []
        for v in t[i]:
            if v <= 0:
                break
            targets.append(v - 1)
        is_t = set(targets)
        for c in targets:
            for d in range(dim):
                if d in is_t:
                    continue
                z = f(f(1) - x[i, c]) + x[i, d]
                if z > 0:
                    s = f(s + z)
                    g[i, c] = f(g[i, c] - gs)
                    g[i, d] = f(g[i, d] + gs)
    s = f(s / f(dim))
    if size_average:
        s = f(s / f(n))
    return s, g


@pytest.mark.parametrize('tt', TYPES)
def test_multilabel_margin(tt):
    x = (RNG.standard_normal((5, 6)) * 0.3).astype(tt.dtype)
    t = np.array([[3, 1, 0, 2, 0, 0], [6, 5, 4, 3, 2, 1], [0, 2, 3, 0, 0, 0],
                  [2, 2, 0, 0, 0, 0], [4, 0, 0, 0, 0, 0]])
    ref, gref = multilabel_reference(x, t, True)
    isT = empty(tt)
    assert K['MultiLabelMarginCriterion_updateOutput'](T(x, tt), T(t, types.Long), isT, True) \
        == float(ref)
    assert isT.arr().tolist()[0] == [1, 0, 1, 0, 0, 0]
    gi = empty(tt)
    K['MultiLabelMarginCriterion_updateGradInput'](T(x, tt), T(t, types.Long), gi, isT, True)
    np.testing.assert_array_equal(gi.arr(), gref)
    # a vector and its target
    ref1, _ = multilabel_reference(x[:1], t[:1], True)
    assert K['MultiLabelMarginCriterion_updateOutput'](T(x[0], tt), T(t[0], types.Long), isT,
                                                       True) == float(ref1)
    with pytest.raises(TorchError, match='inconsistent target size'):
        K['MultiLabelMarginCriterion_updateOutput'](T(x, tt), T(t[0], types.Long), isT, True)


def test_cosine_embedding_against_formula():
    a = RNG.standard_normal((4, 3))
    b = RNG.standard_normal((4, 3))
    y = np.array([1, -1, 1, -1.0])
    cos = (a * b).sum(1) / np.sqrt((a * a).sum(1) * (b * b).sum(1))
    expected = np.where(y == 1, 1 - cos, np.maximum(0, cos - 0.2)).mean()
    loss = K['CosineEmbeddingCriterion_updateOutput'](T(a), T(b), T(y), 0.2, True)
    assert loss == pytest.approx(expected, rel=1e-12)
    g1, g2 = empty(types.Double), empty(types.Double)
    K['CosineEmbeddingCriterion_updateGradInput'](T(a), T(b), T(y), g1, g2, 0.2, True)
    num = np.zeros_like(a)
    for i in range(4):
        for j in range(3):
            ap, am = a.copy(), a.copy()
            ap[i, j] += 1e-6
            am[i, j] -= 1e-6
            num[i, j] = (K['CosineEmbeddingCriterion_updateOutput'](T(ap), T(b), T(y), 0.2, True)
                         - K['CosineEmbeddingCriterion_updateOutput'](T(am), T(b), T(y), 0.2,
                                                                      True)) / 2e-6
    np.testing.assert_allclose(g1.arr(), num, atol=1e-6)


def test_classsimplex_vertices_are_unit_and_equidistant():
    s = empty(types.Double)
    K['ClassSimplexCriterion_simplex'](s, 5)
    v = s.arr()
    assert v.shape == (5, 5) and np.allclose(v[:, -1], 0)
    np.testing.assert_allclose((v * v).sum(1), 1, rtol=1e-12)
    d = v @ v.T
    off = d[~np.eye(5, dtype=bool)]
    np.testing.assert_allclose(off, -1 / 4, rtol=1e-12)
    np.testing.assert_allclose(v.sum(0), 0, atol=1e-12)


def test_margin_ranking_number_and_batch():
    g1, g2 = T([0.0]), T([0.0])
    assert K['MarginRankingCriterion_updateOutput'](T([1.0]), T([2.0]), 1, 0.5, True) == 1.5
    K['MarginRankingCriterion_updateGradInput'](T([1.0]), T([2.0]), 1, g1, g2, 0.5, True)
    assert (g1.arr()[0], g2.arr()[0]) == (-1, 1)
    a, b, y = np.array([1.0, 2, 3]), np.array([2.0, 0, 3]), np.array([1.0, 1, -1])
    assert K['MarginRankingCriterion_updateOutput'](T(a), T(b), T(y), 0.5, False) == \
        pytest.approx(np.maximum(0, -y * (a - b) + 0.5).sum())
    assert math.isclose(K['HingeEmbeddingCriterion_updateOutput'](
        T([0.3, 2.1, 1.8, 0]), T([1, -1, -1, 1.0]), 2, True), (0.3 + 0.2) / 4)
