"""The transfer kernels of luatorch/lib/nn/transfer.py, called from Python."""
import numpy as np
import pytest

from luatorch.lib import random as R
from luatorch.lib import types
from luatorch.lib.errors import TorchError
from luatorch.lib.nn import load_all
from luatorch.lib.tensor import empty, from_array, transpose

K = load_all()
TYPES = [types.Double, types.Float]


def T(a, tt=types.Double):
    return from_array(np.asarray(a, dtype=tt.dtype), tt)


def E(tt=types.Double):
    return empty(tt)


X = np.array([[-3.0, -1.0, -0.0, 0.0, 0.5], [1.0, 2.0, 7.0, -0.25, 0.3]])
G = np.array([[1.0, -2.0, -1.0, 3.0, 0.5], [-1.0, 2.0, 1.0, -4.0, 2.0]])


def run(name, tt, *params, grad_args='input'):
    """(output, gradInput) arrays of kernel pair `name` on X / G in type tt."""
    x, g = T(X, tt), T(G, tt)
    o, gi = E(tt), E(tt)
    K[name + '_updateOutput'](x, o, *params)
    if grad_args == 'output':
        K[name + '_updateGradInput'](x, g, gi, o, *params)
    else:
        K[name + '_updateGradInput'](x, g, gi, *params)
    assert o.arr().dtype == tt.dtype and gi.arr().dtype == tt.dtype
    return o.arr().astype(np.float64), gi.arr().astype(np.float64)


@pytest.mark.parametrize('tt', TYPES)
def test_threshold_family(tt):
    X = globals()['X'].astype(tt.dtype).astype(np.float64)      # noqa: N806 (the values in tt)
    G = globals()['G'].astype(tt.dtype).astype(np.float64)      # noqa: N806
    y, gi = run('Threshold', tt, 0.0, 0.0, False)
    np.testing.assert_array_equal(y, np.where(X > 0, X, 0))
    np.testing.assert_array_equal(gi, np.where(X > 0, G, 0))
    assert not np.signbit(y).any() and not np.signbit(gi[X <= 0]).any()
    y, gi = run('Threshold', tt, 0.4, -5.0, False)
    np.testing.assert_array_equal(y, np.where(X > 0.4, X, -5))
    y, gi = run('HardTanh', tt, -1.0, 2.0, False)
    np.testing.assert_array_equal(y, np.clip(X, -1, 2))
    np.testing.assert_array_equal(gi, np.where((X > -1) & (X < 2), G, 0))
    y, gi = run('LeakyReLU', tt, 0.1, False)
    np.testing.assert_allclose(y, np.where(X > 0, X, 0.1 * X), rtol=1e-6)
    np.testing.assert_allclose(gi, np.where(X > 0, G, 0.1 * G), rtol=1e-6)
    y, gi = run('HardShrink', tt, 0.5)
    np.testing.assert_array_equal(y, np.where(abs(X) > 0.5, X, 0))
    y, gi = run('SoftShrink', tt, 0.5)
    np.testing.assert_allclose(y, X - np.clip(X, -0.5, 0.5))
    assert not np.signbit(y[abs(X) <= 0.5]).any()


@pytest.mark.parametrize('tt', TYPES)
def test_smooth_activations(tt):
    tol = dict(rtol=1e-5, atol=1e-6) if tt is types.Float else dict(rtol=1e-12, atol=1e-15)
    sig = 1 / (1 + np.exp(-X))
    x, g = T(X, tt), T(G, tt)
    o, gi = E(tt), E(tt)
    K['Sigmoid_updateOutput'](x, o)
    K['Sigmoid_updateGradInput'](g, gi, o)
    np.testing.assert_allclose(o.arr(), sig, **tol)
    np.testing.assert_allclose(gi.arr(), G * sig * (1 - sig), **tol)
    y, gi = run('ELU', tt, 0.5, False, grad_args='output')
    np.testing.assert_allclose(y, np.where(X > 0, X, 0.5 * (np.exp(X) - 1)), **tol)
    np.testing.assert_allclose(gi, np.where(X > 0, G, G * 0.5 * np.exp(X)), **tol)
    y, gi = run('SoftPlus', tt, 1.0, 20.0, grad_args='output')
    np.testing.assert_allclose(y, np.log1p(np.exp(X)), **tol)
    np.testing.assert_allclose(gi, G * sig, **tol)
    y, gi = run('SoftSign', tt)
    np.testing.assert_allclose(y, X / (1 + abs(X)), **tol)
    np.testing.assert_allclose(gi, G / (1 + abs(X)) ** 2, **tol)


def test_logsigmoid_buffer_and_extremes():
    x = T([-800.0, -2.0, 0.0, 3.0, 800.0])
    o, buf, gi = E(), E(), E()
    K['LogSigmoid_updateOutput'](x, o, buf)
    ref = -np.logaddexp(0, -x.arr())
    np.testing.assert_allclose(o.arr(), ref)
    K['LogSigmoid_updateGradInput'](x, T(np.ones(5)), gi, buf)
    np.testing.assert_allclose(gi.arr(), 1 / (1 + np.exp(x.arr().clip(-700, 700))), atol=1e-300)
    assert np.isfinite(o.arr()).all() and np.isfinite(gi.arr()).all()


def test_softplus_large_inputs_are_linear():
    x = T([15.0, 25.0, 1000.0])
    o, gi = E(), E()
    K['SoftPlus_updateOutput'](x, o, 1.0, 20.0)
    K['SoftPlus_updateGradInput'](x, T([1.0, 1.0, 1.0]), gi, o, 1.0, 20.0)
    assert o.arr()[1:].tolist() == [25.0, 1000.0] and gi.arr()[1:].tolist() == [1.0, 1.0]


def test_inplace_makes_output_a_view_of_input():
    x, g = T(X), T(G)
    o, gi = E(), E()
    K['Threshold_updateOutput'](x, o, 0.0, 0.0, True)
    assert o.storage is x.storage and (x.arr() == np.where(X > 0, X, 0)).all()
    K['Threshold_updateGradInput'](x, g, gi, 0.0, 0.0, True)
    assert gi.storage is g.storage and (g.arr() == np.where(X > 0, G, 0)).all()


@pytest.mark.parametrize('shape,axis', [((5,), 0), ((3, 5), 1), ((4, 2, 3), 0), ((2, 4, 2, 3), 1)])
@pytest.mark.parametrize('tt', TYPES)
def test_softmax_axes(shape, axis, tt):
    rng = np.random.default_rng(0)
    a = rng.standard_normal(shape) * 3
    g = rng.standard_normal(shape)
    x = T(a, tt)
    o, gi, lo, lgi = E(tt), E(tt), E(tt), E(tt)
    K['SoftMax_updateOutput'](x, o)
    e = np.exp(a - a.max(axis, keepdims=True))
    sm = e / e.sum(axis, keepdims=True)
    tol = 1e-5 if tt is types.Float else 1e-12
    np.testing.assert_allclose(o.arr(), sm, rtol=tol, atol=tol)
    K['SoftMax_updateGradInput'](x, T(g, tt), gi, o)
    np.testing.assert_allclose(gi.arr(), sm * (g - (g * sm).sum(axis, keepdims=True)), rtol=1e-4, atol=tol)
    K['LogSoftMax_updateOutput'](x, lo)
    np.testing.assert_allclose(lo.arr(), np.log(sm), rtol=tol, atol=tol)
    K['LogSoftMax_updateGradInput'](x, T(g, tt), lgi, lo)
    np.testing.assert_allclose(lgi.arr(), g - sm * g.sum(axis, keepdims=True), rtol=1e-4, atol=tol)


@pytest.mark.parametrize('shape', [(128, 10), (16, 64), (40, 3), (15, 10), (20, 65)])
@pytest.mark.parametrize('tt', TYPES)
def test_logsoftmax_short_rows_match_numpy_steps(shape, tt):
    # the row maximum of short rows is taken from a transposed copy: the results must be those
    # of THNN's steps (max, exp in double, sum in double in order, log) bit for bit, NaN/inf/-0
    # rows included
    rng = np.random.default_rng(3)
    a = (rng.standard_normal(shape) * 20).astype(tt.dtype)
    a[0, :3] = [np.nan, 1.0, np.nan]
    a[1, :] = -np.inf
    a[2, :2] = [np.inf, 3.0]
    a[3, :] = -0.0
    a[4, :2] = [0.0, -0.0]
    a[5, :] = 0.0
    g = rng.standard_normal(shape).astype(tt.dtype)
    g[6, :] = -0.0
    with np.errstate(all='ignore'):
        m = a.max(1, keepdims=True)
        e = np.exp((a - m).astype(np.float64))
        lse = np.log(np.add.accumulate(e, axis=1)[:, -1:] + 0.0) + m
        want = (a - lse).astype(tt.dtype)
        lo, lgi = E(tt), E(tt)
        K['LogSoftMax_updateOutput'](T(a, tt), lo)
        assert lo.arr().tobytes() == want.tobytes()
        K['LogSoftMax_updateGradInput'](T(a, tt), T(g, tt), lgi, lo)
        gs = np.add.accumulate(g.astype(np.float64), axis=1)[:, -1:] + 0.0
        wg = (g - np.exp(want.astype(np.float64)) * gs).astype(tt.dtype)
        assert lgi.arr().tobytes() == wg.tobytes()
    from luatorch.lib.nn import transfer
    np.testing.assert_array_equal(transfer._row_max(a, 1), a.max(1, keepdims=True))


def test_softmax_rejects_5d():
    with pytest.raises(TorchError, match='1D, 2D, 3D or 4D tensor expected'):
        K['SoftMax_updateOutput'](T(np.zeros((1, 1, 1, 1, 2))), E())


def test_prelu_planes():
    a = np.arange(-6.0, 6.0).reshape(2, 3, 2)
    w = T([0.1, 0.2, 0.3])
    o, gi, gw = E(), E(), T(np.zeros(3))
    x = T(a)
    K['PReLU_updateOutput'](x, o, w, 3)
    slope = np.array([0.1, 0.2, 0.3]).reshape(1, 3, 1)
    np.testing.assert_allclose(o.arr(), np.where(a > 0, a, slope * a))
    g = np.ones_like(a)
    K['PReLU_updateGradInput'](x, T(g), gi, w, 3)
    np.testing.assert_allclose(gi.arr(), np.where(a > 0, 1, slope + 0 * a))
    K['PReLU_accGradParameters'](x, T(g), gw, 3, 2.0)
    np.testing.assert_allclose(gw.arr(), 2 * np.where(a > 0, 0, a).sum(axis=(0, 2)))


def test_rrelu_draws_one_uniform_per_nonpositive_element():
    x = T([1.0, -1.0, 2.0, -3.0, 0.0])
    o, noise = E(), E()
    R.manual_seed(R.default_generator, 42)
    K['RReLU_updateOutput'](x, o, noise, 0.1, 0.4, True, False)
    R.manual_seed(R.default_generator, 42)
    expect = np.empty(3)
    R.fill_uniform(R.default_generator, expect, types.Double, 0.1, 0.4)
    np.testing.assert_array_equal(noise.arr(), [1, expect[0], 1, expect[1], expect[2]])
    np.testing.assert_array_equal(o.arr(), x.arr() * noise.arr())


def test_dropout_consumes_rng_like_bernoulli():
    x = T(np.ones((3, 4)))
    o, noise = E(), E()
    R.manual_seed(R.default_generator, 9)
    K['Dropout_updateOutput'](x, o, noise, 0.5, True, True, False)
    R.manual_seed(R.default_generator, 9)
    mask = np.empty((3, 4))
    R.fill_bernoulli(R.default_generator, mask, types.Double, 0.5)
    np.testing.assert_array_equal(o.arr(), mask * 2)
    np.testing.assert_array_equal(noise.arr(), mask * 2)
    gi = E()
    K['Dropout_updateGradInput'](x, T(np.full((3, 4), 3.0)), gi, noise, 0.5, True, True, False)
    np.testing.assert_array_equal(gi.arr(), mask * 6)
    K['Dropout_updateOutput'](x, o, noise, 0.5, False, False, False)      # v1, evaluation
    np.testing.assert_array_equal(o.arr(), np.full((3, 4), 0.5))


@pytest.mark.parametrize('name,fn,dfn', [
    ('Exp', np.exp, lambda x, y: y), ('Abs', abs, lambda x, y: np.where(x >= 0, 1, -1)),
    ('Square', np.square, lambda x, y: 2 * x),
])
def test_pointwise(name, fn, dfn):
    x, g = T(X), T(G)
    o, gi = E(), E()
    K[name + '_updateOutput'](x, o)
    np.testing.assert_allclose(o.arr(), fn(X))
    if name == 'Exp':
        K[name + '_updateGradInput'](x, g, gi, o)
    else:
        K[name + '_updateGradInput'](x, g, gi)
    np.testing.assert_allclose(gi.arr(), G * dfn(X, fn(X)))


def test_sqrt_power_log():
    a = np.array([0.0, 0.25, 4.0])
    x, g = T(a), T([1.0, 2.0, 3.0])
    o, gi = E(), E()
    K['Sqrt_updateOutput'](x, o, 0)
    K['Sqrt_updateGradInput'](x, g, gi, o)
    np.testing.assert_allclose(gi.arr(), [0.0, 2.0, 0.75])
    K['Power_updateOutput'](x, o, 2.5)
    np.testing.assert_allclose(o.arr(), a ** 2.5)
    K['Power_updateGradInput'](x, g, gi, 2.5)
    np.testing.assert_allclose(gi.arr(), 2.5 * a ** 1.5 * [1, 2, 3])
    K['Log_updateOutput'](T([1.0, np.e]), o)
    np.testing.assert_allclose(o.arr(), [0, 1])


def test_gradient_size_check():
    with pytest.raises(TorchError, match='different number of elements'):
        K['Threshold_updateGradInput'](T(X), T(np.ones(3)), E(), 0.0, 0.0, False)


@pytest.mark.parametrize('name', ['Tanh', 'Sigmoid'])
def test_big_tanh_sigmoid_split_between_threads_same_bits(name, monkeypatch):
    from luatorch.lib.nn import conv
    x = T(np.random.default_rng(7).standard_normal((33, 1001)) * 4)
    one = E()
    monkeypatch.setattr(conv, '_THREADS', 1)
    K[name + '_updateOutput'](x, one)
    monkeypatch.setattr(conv, '_THREADS', 2)
    two = E()
    K[name + '_updateOutput'](x, two)
    assert one.arr().tobytes() == two.arr().tobytes()
    from luatorch.lib import libm     # THTensor_(tanh) is libm's tanh (numpy's own differs)
    want = libm.tanh(x.arr()) if name == 'Tanh' else 1.0 / (1.0 + np.exp(-x.arr()))   # THNN's
    np.testing.assert_array_equal(two.arr(), want)


def _bits(a):
    return a.view(np.int64 if a.dtype == np.float64 else np.int32)


@pytest.mark.parametrize('tt', TYPES)
def test_masked_gradients_are_exactly_gradoutput_or_plus_zero(tt):
    # THNN selects element by element (`cond ? gradOutput : 0`): an inactive unit gets +0 even
    # where gradOutput is inf or NaN (a product with the mask would give NaN there), and an
    # active unit gets gradOutput's exact value (-0, inf and NaN included)
    x = np.array([-2.0, -0.5, 0.0, 0.25, 0.5, 3.0, -3.0, 1.5, 0.7, -0.7], tt.dtype)
    g = np.array([np.inf, np.nan, -np.inf, -0.0, np.nan, -np.inf, -0.0, np.inf, -0.0, np.nan],
                 tt.dtype)

    def check(gi, keep):
        want = np.where(keep, g, 0).astype(tt.dtype)
        assert (_bits(gi) == _bits(want)).all(), (gi, want)

    cases = [('Threshold', (0.0, 0.0), x > 0), ('Threshold', (0.3, -1.0), x > 0.3),
             ('HardTanh', (-1.0, 1.0), (x > -1) & (x < 1)),
             ('HardShrink', (0.5,), abs(x) > 0.5), ('SoftShrink', (0.5,), abs(x) > 0.5)]
    for name, params, keep in cases:
        inplaces = [False, True] if name in ('Threshold', 'HardTanh') else [None]
        for inplace in inplaces:
            args = params + (() if inplace is None else (inplace,))
            G_, gi = T(g, tt), E(tt)
            K[name + '_updateGradInput'](T(x, tt), G_, gi, *args)
            check(gi.arr(), keep)
            if inplace:
                assert gi.storage is G_.storage


@pytest.mark.parametrize('tt', TYPES)
def test_threshold_family_nan_input_follows_th(tt):
    # a NaN input: out of place TH keeps gradOutput only where `input > threshold` (false), in
    # place it zeroes only where `input <= threshold` (false too: the gradient is kept);
    # HardTanh zeroes where `input <= min || input >= max` (kept); HardShrink keeps where
    # `input > lambda || input < -lambda` (zeroed), and its output is then +0; SoftShrink's
    # gradient is HardShrink's, and its output `x > l ? x - l : x < -l ? x + l : 0` is +0 too
    x = np.array([np.nan, 2.0, -2.0], tt.dtype)
    g = np.array([5.0, np.inf, np.nan], tt.dtype)
    gi = E(tt)
    K['Threshold_updateGradInput'](T(x, tt), T(g, tt), gi, 0.0, 0.0, False)
    assert (_bits(gi.arr()) == _bits(np.array([0.0, np.inf, 0.0], tt.dtype))).all()
    G_ = T(g, tt)
    K['Threshold_updateGradInput'](T(x, tt), G_, gi, 0.0, 0.0, True)
    assert (_bits(gi.arr()) == _bits(np.array([5.0, np.inf, 0.0], tt.dtype))).all()
    K['HardTanh_updateGradInput'](T(x, tt), T(g, tt), gi, -1.0, 1.0, False)
    assert (_bits(gi.arr()) == _bits(np.array([5.0, 0.0, 0.0], tt.dtype))).all()
    G_ = T(g, tt)
    K['HardTanh_updateGradInput'](T(x, tt), G_, gi, -1.0, 1.0, True)
    assert (_bits(gi.arr()) == _bits(np.array([5.0, 0.0, 0.0], tt.dtype))).all()
    K['HardShrink_updateGradInput'](T(x, tt), T(g, tt), gi, 0.5)
    assert (_bits(gi.arr()) == _bits(np.array([0.0, np.inf, np.nan], tt.dtype))).all()
    o = E(tt)
    K['HardShrink_updateOutput'](T(x, tt), o, 0.5)
    assert (_bits(o.arr()) == _bits(np.array([0.0, 2.0, -2.0], tt.dtype))).all()
    K['SoftShrink_updateGradInput'](T(x, tt), T(g, tt), gi, 0.5)
    assert (_bits(gi.arr()) == _bits(np.array([0.0, np.inf, np.nan], tt.dtype))).all()
    xs = np.array([np.nan, -np.nan, 2.0, -2.0, 0.25, -0.0, np.inf, -np.inf], tt.dtype)
    K['SoftShrink_updateOutput'](T(xs, tt), o, 0.5)
    want = np.array([0.0, 0.0, 1.5, -1.5, 0.0, 0.0, np.inf, -np.inf], tt.dtype)
    assert (_bits(o.arr()) == _bits(want)).all()


# ----------------------------------------------------------------------------- THNN's element rules
# Threshold / ReLU / HardTanh forward, bit for bit against a per-element Python transcription of
# THNN's conditions (threshold, val, min and max are first converted to the tensor's type, as THNN's
# accreal -> real), on NaN, +-0, +-inf, subnormals, at many lengths (numpy's SIMD loops and their
# scalar tails differ on the sign of a zero) and layouts

def _specials(dt):
    fi = np.finfo(dt)
    return np.array([np.nan, -np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 6.0, 7.0,
                     fi.smallest_subnormal, -fi.smallest_subnormal, fi.max, -fi.max, 0.1, -0.1],
                    dt)


def _inputs(dt, lengths=(1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 100, 8191, 8192, 9001)):
    rng = np.random.default_rng(3)
    sp = _specials(dt)
    for n in lengths:
        yield np.full(n, -0.0, dt)                        # all -0 (ReLU gave -0 at 1, 3, 17)
        yield np.full(n, np.nan, dt)
        a = (rng.standard_normal(n) * 3).astype(dt)
        a[rng.integers(0, n, max(1, n // 3))] = sp[rng.integers(0, len(sp), max(1, n // 3))]
        yield a


def _ref(x, fn):
    """fn applied element by element, on the tensor type's scalars; the results' bits."""
    t = x.dtype.type
    return _bits(np.array([fn(t(v)) for v in x.ravel()], x.dtype).reshape(x.shape))


def _thr(th, val):
    return lambda v: v if v > th else val


def _thr_inplace(th, val):
    return lambda v: val if v <= th else v


def _ht(lo, hi):
    return lambda v: lo if v < lo else (v if v <= hi else hi)


def _ht_inplace(lo, hi):
    return lambda v: lo if v < lo else (hi if v > hi else v)


def _forward(name, x, tt, params, inplace, shape=None):
    """The kernel's output bits on a copy of x (viewed in shape)."""
    t = T(x.reshape(shape) if shape else x, tt)
    o = E(tt)
    K[name + '_updateOutput'](t, o, *params, inplace)
    if inplace:
        assert o.storage is t.storage
    return _bits(o.arr().copy()).reshape(x.shape)


THRESHOLDS = [(0.0, 0.0), (-0.0, 0.0), (0.0, -0.0), (0.5, 0.5), (-1.0, -1.0), (0.1, 0.1),
              (0.1, -5.0), (0.0, 2.0), (np.inf, np.inf), (-np.inf, 0.0)]


@pytest.mark.parametrize('tt', TYPES)
@pytest.mark.parametrize('params', THRESHOLDS)
def test_threshold_forward_bits_follow_thnn(tt, params):
    th, val = (tt.dtype.type(p) for p in params)
    for x in _inputs(tt.dtype):
        want = _ref(x, _thr(th, val))
        assert (_forward('Threshold', x, tt, params, False) == want).all(), (params, x)
        want = _ref(x, _thr_inplace(th, val))
        assert (_forward('Threshold', x, tt, params, True) == want).all(), (params, x)


def test_relu_into_an_output_of_another_type():
    # a module left as Double given a FloatTensor: the output keeps its type, the values convert
    x = np.random.default_rng(5).standard_normal(9001).astype(np.float32)
    x[:3] = [np.nan, -0.0, -np.inf]
    o = E(types.Double)
    K['Threshold_updateOutput'](T(x, types.Float), o, 0.0, 0.0, False)
    assert o.arr().dtype == np.float64
    assert (_bits(o.arr()) == _ref(x.astype(np.float64), _thr(0.0, 0.0))).all()


def test_relu_of_minus_zero_is_plus_zero_and_nan_is_val_out_of_place_kept_in_place():
    for n in (1, 3, 17):
        o = E()
        K['Threshold_updateOutput'](T(np.full(n, -0.0)), o, 0.0, 0.0, False)
        assert not np.signbit(o.arr()).any(), n
    x = T(np.array([np.nan, -1.0, np.nan, 2.0]))
    o = E()
    K['Threshold_updateOutput'](x, o, 0.0, 0.0, False)
    assert _bits(o.arr()).tolist() == _bits(np.array([0.0, 0.0, 0.0, 2.0])).tolist()
    K['Threshold_updateOutput'](x, o, 0.0, 0.0, True)              # if (x <= 0) x = 0
    assert np.isnan(o.arr()[[0, 2]]).all() and o.arr()[1:4:2].tolist() == [0.0, 2.0]


@pytest.mark.parametrize('tt', TYPES)
def test_relu_split_between_threads_same_bits(tt, monkeypatch):
    from luatorch.lib.nn import conv, transfer
    monkeypatch.setattr(transfer, '_SPLIT_RELU', 64)
    monkeypatch.setattr(conv, '_PARALLEL_MIN', 64)
    monkeypatch.setattr(conv, '_THREADS', 2)
    for x in _inputs(tt.dtype, (100, 9001, 20000)):
        want = _ref(x, _thr(0.0, 0.0))
        assert (_forward('Threshold', x, tt, (0.0, 0.0), False) == want).all()


HARDTANH = [(-1.0, 1.0), (0.0, 6.0), (-0.0, 6.0), (-2.0, 0.0), (-2.0, -0.0), (0.5, 0.5),
            (2.0, -2.0), (0.1, 0.3), (-np.inf, np.inf), (0.0, 0.0)]


@pytest.mark.parametrize('tt', TYPES)
@pytest.mark.parametrize('params', HARDTANH)
def test_hardtanh_forward_bits_follow_thnn(tt, params):
    lo, hi = (tt.dtype.type(p) for p in params)
    for x in _inputs(tt.dtype):
        want = _ref(x, _ht(lo, hi))
        assert (_forward('HardTanh', x, tt, params, False) == want).all(), (params, x)
        # in place on a 1-d tensor THNN runs its in-place loop and then its out-of-place one
        # over the same tensor (it takes the TH_TENSOR_APPLY path, whose in-place loop has no
        # braces around it): a NaN becomes max_val there ...
        ip, op = _ht_inplace(lo, hi), _ht(lo, hi)
        want = _ref(x, lambda v: op(ip(v)))
        assert (_forward('HardTanh', x, tt, params, True) == want).all(), (params, x)
        # ... while on a contiguous tensor of more dimensions only the in-place loop runs
        if x.size % 2 == 0 and x.size > 1:
            want = _ref(x, ip)
            got = _forward('HardTanh', x, tt, params, True, (2, x.size // 2))
            assert (got == want).all(), (params, x)


def test_hardtanh_nan_gives_max_and_relu6_keeps_minus_zero():
    x = np.array([np.nan, -0.0, -3.0, 0.5, 9.0, np.nan])
    o = E()
    K['HardTanh_updateOutput'](T(x), o, -1.0, 2.0, False)         # x < min ? min : x <= max ? x : max
    assert _bits(o.arr()).tolist() == _bits(np.array([2.0, -0.0, -1.0, 0.5, 2.0, 2.0])).tolist()
    K['HardTanh_updateOutput'](T(x), o, 0, 6, False)             # ReLU6
    assert _bits(o.arr()).tolist() == _bits(np.array([6.0, -0.0, 0.0, 0.5, 6.0, 6.0])).tolist()
    t = T(x.reshape(2, 3))
    K['HardTanh_updateOutput'](t, o, -1.0, 2.0, True)             # contiguous 2-d: NaN stays
    assert np.isnan(o.arr()[[0, 1], [0, 2]]).all()
    x = T(np.array([[np.nan, 9.0, -0.0], [-5.0, 0.5, np.nan]]))
    t = transpose(x, 1, 2)               # not contiguous: THNN's TH_TENSOR_APPLY path, NaN -> max
    K['HardTanh_updateOutput'](t, o, -1.0, 2.0, True)
    assert o.storage is x.storage and not o.is_contiguous()
    want = _bits(np.array([[2.0, 2.0, -0.0], [-1.0, 0.5, 2.0]]))
    assert (_bits(x.arr()) == want).all()
    for inplace in (False, True):       # and out of place or in place, any layout: the same bits
        x = np.array([[np.nan, -0.0, 3.0], [-0.0, -7.0, np.nan]])
        o = E()
        K['Threshold_updateOutput'](transpose(T(x), 1, 2), o, 0.0, 0.0, inplace)
        want = _bits(np.array([[0.0, 0.0], [0.0, 0.0], [3.0, 0.0]]))
        if inplace:
            want[0, 0] = want[2, 1] = _bits(np.array(np.nan))
        assert (_bits(o.arr()) == want).all()
