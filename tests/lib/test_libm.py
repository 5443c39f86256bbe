"""lib/libm.py: element-wise functions with the C library's bits (TH calls libm per element)."""
import ctypes
import ctypes.util
import math
import platform

import numpy as np
import pytest

from luatorch.lib import libm

_LIBM = ctypes.util.find_library('m')
needs_libm = pytest.mark.skipif(_LIBM is None, reason='no C maths library to compare with')
# libm.tanh is glibc's formula: another C library's tanh may round differently
needs_glibc = pytest.mark.skipif(platform.libc_ver()[0] != 'glibc', reason='not glibc')


def _libm_f(name):
    f = getattr(ctypes.CDLL(_LIBM), name + 'f')
    f.restype, f.argtypes = ctypes.c_float, [ctypes.c_float]
    return f


def _inputs(dtype):
    rng = np.random.default_rng(7)
    x = np.concatenate([rng.standard_normal(4000) * s for s in (1e-9, 0.05, 0.5, 1, 3, 12, 40)] + [
        np.array([0.0, -0.0, 2.0 ** -56, -2.0 ** -56, 2.0 ** -55, 1.0, -1.0, np.nextafter(1.0, 0),
                  22.0, -22.0, np.nextafter(22.0, 0), 5e-324, -5e-324, 1e-310, 1e300, -1e300,
                  np.inf, -np.inf])])
    with np.errstate(over='ignore'):
        return x.astype(dtype)


def _bits(a):
    return a.view(np.int64 if a.dtype.itemsize == 8 else np.int32)


@needs_glibc
def test_tanh_double_is_libm_tanh_bit_for_bit():
    x = _inputs(np.float64)
    ref = np.array([math.tanh(v) for v in x])
    assert np.array_equal(_bits(libm.tanh(x)), _bits(ref))
    # (numpy's own tanh is not: the reason this module exists; if a numpy release makes it so,
    # this still passes)


@needs_libm
@needs_glibc
def test_tanh_float_is_libm_tanhf_bit_for_bit():
    x = _inputs(np.float32)
    f = _libm_f('tanh')
    ref = np.array([f(float(v)) for v in x], np.float32)
    assert np.array_equal(_bits(libm.tanh(x)), _bits(ref))


def test_tanh_in_place_out_and_nan():
    x = _inputs(np.float64)
    ref = libm.tanh(x)
    o = np.empty_like(x)
    assert libm.tanh(x, out=o) is o and np.array_equal(_bits(o), _bits(ref))
    y = x.copy()
    libm.tanh(y, out=y)
    assert np.array_equal(_bits(y), _bits(ref))
    assert np.isnan(libm.tanh(np.array([np.nan, -np.nan]))).all()
    assert np.array_equal(libm.tanh(np.array([0.0, -0.0])).view(np.int64),
                          np.array([0.0, -0.0]).view(np.int64))          # keeps the zero's sign


def test_tanh_other_arrays_take_their_modules_tanh():
    x = np.linspace(-3, 3, 7).astype(np.float16)
    assert libm.tanh(x).dtype == np.float16
    assert np.allclose(libm.tanh(x), np.tanh(x))


@needs_libm
@pytest.mark.parametrize('name', sorted(libm.FLOAT32_LIBM))
def test_numpys_float32_loops_listed_are_libms(name):
    rng = np.random.default_rng(3)
    if name in ('asin', 'acos'):
        x = rng.uniform(-1, 1, 20000).astype(np.float32)
    elif name == 'log1p':
        x = np.abs(_inputs(np.float32)[::2])
    else:
        x = _inputs(np.float32)[::2]
    f = _libm_f(name)
    fn = {'atan': np.arctan, 'asin': np.arcsin, 'acos': np.arccos}.get(name) or getattr(np, name)
    with np.errstate(all='ignore'):
        ref = np.array([f(float(v)) for v in x], np.float32)
        got = fn(x)
    same = _bits(got) == _bits(ref)
    assert (same | (np.isnan(got) & np.isnan(ref))).all()
