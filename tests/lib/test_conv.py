"""luatorch.lib.conv against direct loop references: conv2/xcorr2/conv3/xcorr3, 'V' and 'F'."""
import itertools

import numpy as np
import pytest

from luatorch.lib import conv  # noqa: F401  (declares the ops)
from luatorch.lib import tensor as T
from luatorch.lib import types
from luatorch.lib.errors import TorchError
from luatorch.lib.registry import OPS, resolve_function, resolve_method

R = np.random.RandomState(2)


def tens(a, tt=types.Double):
    return T.from_array(np.asarray(a), tt)


def fn(name, *args):
    op = OPS[name]
    res, srcs = resolve_function(op, args)
    assert srcs is not None
    return op.fn(res, *srcs)


def arr(t):
    return np.array(t.arr())


def ref_single(x, k, mode, flip):
    """Direct definition: valid cross-correlation of (zero-padded for 'F') x with k."""
    x = np.asarray(x, dtype=np.float64)
    k = np.asarray(k, dtype=np.float64)
    if flip:
        k = k[(slice(None, None, -1),) * k.ndim]
    if mode == 'F':
        x = np.pad(x, [(s - 1, s - 1) for s in k.shape])
    out_shape = tuple(a - b + 1 for a, b in zip(x.shape, k.shape))
    out = np.zeros(out_shape)
    for idx in itertools.product(*(range(s) for s in out_shape)):
        sl = tuple(slice(i, i + s) for i, s in zip(idx, k.shape))
        out[idx] = (x[sl] * k).sum()
    return out


def ref(x, k, nsp, mode, flip):
    if x.ndim == nsp and k.ndim == nsp:
        return ref_single(x, k, mode, flip)
    if x.ndim == k.ndim:
        return np.stack([ref_single(x[p], k[p], mode, flip) for p in range(x.shape[0])])
    return np.stack([sum(ref_single(x[p], k[q, p], mode, flip) for p in range(x.shape[0]))
                     for q in range(k.shape[0])])


CASES2 = [((5, 6), (2, 3)), ((3, 5, 4), (3, 2, 2)), ((2, 4, 5), (3, 2, 3, 2))]
CASES3 = [((4, 5, 3), (2, 3, 2)), ((2, 3, 4, 4), (2, 2, 2, 3)), ((2, 3, 3, 4), (3, 2, 2, 2, 2))]


@pytest.mark.parametrize('mode', ['V', 'F'])
@pytest.mark.parametrize('shapes', CASES2)
def test_conv2_xcorr2(shapes, mode):
    x, k = R.randn(*shapes[0]), R.randn(*shapes[1])
    args = (mode,) if mode == 'F' else ()
    np.testing.assert_allclose(arr(fn('conv2', tens(x), tens(k), *args)), ref(x, k, 2, mode, True))
    np.testing.assert_allclose(arr(fn('xcorr2', tens(x), tens(k), *args)), ref(x, k, 2, mode, False))


@pytest.mark.parametrize('mode', ['V', 'F'])
@pytest.mark.parametrize('shapes', CASES3)
def test_conv3_xcorr3(shapes, mode):
    x, k = R.randn(*shapes[0]), R.randn(*shapes[1])
    np.testing.assert_allclose(arr(fn('conv3', tens(x), tens(k), mode)), ref(x, k, 3, mode, True))
    np.testing.assert_allclose(arr(fn('xcorr3', tens(x), tens(k), mode)), ref(x, k, 3, mode, False))


def test_golden_values():
    x = tens(np.arange(1.0, 17).reshape(4, 4))
    k = tens([[1.0, 0], [0, -1]])
    assert arr(fn('conv2', x, k)).tolist() == [[5.0] * 3] * 3
    assert arr(fn('xcorr2', x, k)).tolist() == [[-5.0] * 3] * 3
    r = fn('xcorr2', tens([[1.0, 2], [3, 4]]), tens(np.ones((2, 2))), 'F')
    assert arr(r).tolist() == [[1, 3, 2], [4, 10, 6], [3, 7, 4]]


@pytest.mark.parametrize('tt', types.TYPES, ids=lambda t: t.name)
def test_every_type(tt):
    x, k = R.randint(0, 4, (4, 5)), R.randint(0, 3, (2, 2))
    r = fn('conv2', tens(x, tt), tens(k, tt), 'F')
    assert r.ttype is tt
    np.testing.assert_array_equal(arr(r), ref(x, k, 2, 'F', True).astype(tt.dtype))


def test_result_argument_and_method():
    x, k = R.randn(4, 4), R.randn(2, 2)
    r = tens(np.zeros(1))
    assert fn('conv2', r, tens(x), tens(k)) is r
    assert r.size == (3, 3)
    op = OPS['xcorr2']
    res, srcs = resolve_method(op, tens(x), (tens(k), 'F'))
    out = op.fn(res, *srcs)
    np.testing.assert_allclose(arr(out), ref(x, k, 2, 'F', False))


def test_errors():
    with pytest.raises(TorchError, match='Input image is smaller than kernel'):
        fn('conv2', tens(R.randn(2, 2)), tens(R.randn(3, 3)))
    # a full convolution accepts a kernel larger than the image
    assert fn('conv2', tens(R.randn(2, 2)), tens(R.randn(3, 3)), 'F').size == (4, 4)
    with pytest.raises(TorchError, match='invalid number of input planes'):
        fn('conv2', tens(R.randn(2, 4, 4)), tens(R.randn(3, 3, 2, 2)))
    with pytest.raises(TorchError, match='invalid number of input/kernel planes'):
        fn('conv2', tens(R.randn(2, 4, 4)), tens(R.randn(3, 2, 2)))
    with pytest.raises(TorchError, match='invalid arguments'):
        fn('conv2', tens(R.randn(4, 4)), tens(R.randn(2, 2)), 'X')
    with pytest.raises(TorchError, match='invalid arguments'):
        fn('conv2', tens(R.randn(4)), tens(R.randn(2)))
    with pytest.raises(TorchError, match='invalid arguments'):
        fn('conv2', tens(R.randn(4, 4)), tens(R.randn(2, 2), types.Float))


# ----------------------------------------------------------------------------- TH's summation order
#
# THTensorConv.c's loops, transcribed element by element (scalar Python floats, so every
# addition rounds as C's does): the results must be equal to the last bit, not just close.


def th_valid2(x, w):
    """validXCorr2Dptr: each output is a sum from 0 over the kernel in row-major order."""
    (ir, ic), (kr, kc) = x.shape, w.shape
    out = np.zeros((ir - kr + 1, ic - kc + 1))
    for yy in range(out.shape[0]):
        for xx in range(out.shape[1]):
            s = 0.0
            for ky in range(kr):
                for kx in range(kc):
                    s += float(x[yy + ky, xx + kx]) * float(w[ky, kx])
            out[yy, xx] = s
    return out


def th_full2(out, x, w):
    """fullConv2Dptr: out += x outer w; the scalar loop (ic < 4) or the vectorised one."""
    (ir, ic), (kr, kc) = x.shape, w.shape
    if ic < 4:
        for yy in range(ir):
            for xx in range(ic):
                for ky in range(kr):
                    for kx in range(kc):
                        out[yy + ky, xx + kx] = float(out[yy + ky, xx + kx]) + float(x[yy, xx]) * float(w[ky, kx])
    else:
        for yy in range(ir):
            for ky in range(kr):
                for kx in range(kc):
                    for xx in range(ic):
                        out[yy + ky, xx + kx] = float(out[yy + ky, xx + kx]) + float(w[ky, kx]) * float(x[yy, xx])
    return out


@pytest.mark.parametrize('ishape', [(6, 3), (6, 7), (3, 9)])
def test_conv2_sums_in_th_order(ishape):
    rs = np.random.RandomState(7)
    x, k = rs.rand(*ishape) * 10, rs.rand(3, 2) * 10
    kf = k[::-1, ::-1]
    # valid: conv walks the flipped kernel, xcorr the kernel
    assert (arr(fn('conv2', tens(x), tens(k))) == th_valid2(x, kf)).all()
    assert (arr(fn('xcorr2', tens(x), tens(k))) == th_valid2(x, k)).all()
    # full: conv spreads with the kernel, xcorr with the flipped kernel
    zero = lambda: np.zeros((ishape[0] + 2, ishape[1] + 1))  # noqa: E731
    assert (arr(fn('conv2', tens(x), tens(k), 'F')) == th_full2(zero(), x, k)).all()
    assert (arr(fn('xcorr2', tens(x), tens(k), 'F')) == th_full2(zero(), x, kf)).all()


def test_conv2_plane_forms_equal_the_single_form_exactly():
    rs = np.random.RandomState(3)
    x, k = rs.rand(23, 17), rs.rand(5, 4)
    xx, kk = np.stack([x, x]), np.stack([k, k])
    for mode in ('V', 'F'):
        single = arr(fn('conv2', tens(x), tens(k), mode))
        planes = arr(fn('conv2', tens(xx), tens(kk), mode))
        assert (planes[0] == single).all() and (planes[1] == single).all()
    x3, k3 = rs.rand(9, 8, 7), rs.rand(3, 2, 4)
    for mode in ('V', 'F'):
        single = arr(fn('conv3', tens(x3), tens(k3), mode))
        planes = arr(fn('conv3', tens(np.stack([x3, x3])), tens(np.stack([k3, k3])), mode))
        assert (planes[0] == single).all() and (planes[1] == single).all()


def test_conv2_mv_adds_plane_sums_as_th():
    # 2 input planes into 1 output plane, valid with fewer than 4 output columns: TH sums each
    # plane apart and adds the sums; with 4 or more it accumulates straight into the output
    rs = np.random.RandomState(5)
    for cols in (4, 9):
        x, k = rs.rand(2, 6, cols) * 10, rs.rand(1, 2, 3, 2) * 10
        got = arr(fn('xcorr2', tens(x), tens(k)))[0]
        if cols - 2 + 1 < 4:
            want = th_valid2(x[0], k[0, 0]) + th_valid2(x[1], k[0, 1])
        else:
            want = np.zeros_like(got)
            for p in range(2):
                for ky in range(3):
                    for kx in range(2):
                        want += k[0, p, ky, kx] * x[p, ky:ky + want.shape[0], kx:kx + want.shape[1]]
        assert (got == want).all()
