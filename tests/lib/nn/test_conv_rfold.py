"""conv.py's reduce fold (stride-1 2-D gradInput: copy into a zero-margined buffer, one
np.add.reduce over the taps) gives bit for bit what the tap-by-tap / bincount fold gives, and the
gradient it computes is the adjoint of the convolution."""
import numpy as np
import pytest

from luatorch.lib.nn import conv
from luatorch.lib.tensor import from_array

R = np.random.RandomState(5)

# (N, C, O, S, k, pad, dilation, dtype); row lengths >= 16, where the reduce fold is used
CASES = [
    (1, 3, 6, 32, 5, 0, 1, np.float64),       # LeNet's first layer, one sample
    (4, 3, 6, 20, 5, 0, 1, np.float64),       # batch, few planes: columns (N, C*K, P)
    (3, 4, 16, 18, 3, 1, 1, np.float64),      # batch, padded: columns (C*K, N, P)
    (2, 3, 32, 17, 3, 1, 1, np.float32),      # float32 (tap adds in float32)
    (2, 2, 5, 21, 3, 2, 2, np.float64),       # dilated, padded
    (1, 2, 3, 19, 4, 0, 1, np.float32),       # small float32 fold (bincount sums in float64)
    (2, 1, 20, 17, 2, 0, 1, np.float64),      # even kernel, 2 taps a row
]


def _t(a):
    return from_array(np.ascontiguousarray(a), copy=True)


def _grad_input(x, go, w, k, p, d, rfold):
    saved = conv._RFOLD
    conv._RFOLD = rfold
    conv._GEOMS.clear()
    try:
        gi = _t(np.zeros(0, x.arr().dtype))
        conv.conv_grad_input(x, go, gi, w, None, (k, k), (1, 1), (p, p), (d, d))
        g = conv._conv_geom(x, w, (k, k), (1, 1), (p, p), (d, d))
        return gi.arr().copy(), g
    finally:
        conv._RFOLD = saved
        conv._GEOMS.clear()


@pytest.mark.parametrize('N,C,O,S,k,p,d,dt', CASES)
def test_reduce_fold_matches_tap_fold(N, C, O, S, k, p, d, dt):
    o = S + 2 * p - d * (k - 1)
    x = _t(R.standard_normal((N, C, S, S)).astype(dt))
    w = _t(R.standard_normal((O, C, k, k)).astype(dt))
    gov = R.standard_normal((N, O, o, o)).astype(dt)
    gov[:, :, 1, :] = 0          # zero rows and columns, as after ReLU / max pooling
    gov[..., 2] = 0
    go = _t(gov)
    new, g = _grad_input(x, go, w, k, p, d, True)
    old, g_old = _grad_input(x, go, w, k, p, d, False)
    assert g.rfoldable and not g_old.rfoldable
    assert g._rfold, 'the reduce fold was not used'
    assert new.dtype == old.dtype and new.shape == (N, C, S, S)
    assert np.array_equal(new, old)
    assert np.array_equal(np.signbit(new), np.signbit(old))
    # adjoint of the convolution: <conv(x), go> == <x, gradInput(go)>
    y = _t(np.zeros(0, dt))
    conv.conv_forward(x, y, w, None, _t(np.zeros(0, dt)), (k, k), (1, 1), (p, p), (d, d))
    lhs = float(np.vdot(y.arr().astype(np.float64), gov.astype(np.float64)))
    rhs = float(np.vdot(x.arr().astype(np.float64), new.astype(np.float64)))
    assert lhs == pytest.approx(rhs, rel=1e-4 if dt == np.float32 else 1e-10)


def test_reduce_fold_not_for_strided_or_short_rows():
    x = _t(R.standard_normal((1, 2, 20, 20)))
    w = _t(R.standard_normal((3, 2, 3, 3)))
    assert not conv._conv_geom(x, w, (3, 3), (2, 2), (0, 0), (1, 1)).rfoldable   # stride 2
    x = _t(R.standard_normal((1, 2, 12, 12)))
    assert not conv._conv_geom(x, w, (3, 3), (1, 1), (0, 0), (1, 1)).rfoldable   # rows of 10
