"""nn.Linear's kernels make the BLAS calls Torch7's nn.Linear makes (Linear.lua on TH's addmm,
addmv, addr and cadd), so their results carry Torch7's bits: the references below call the BLAS
through ctypes with those calls' arguments."""
import ctypes

import numpy as np
import pytest

from luatorch import from_numpy
from luatorch.lib import cblas, nn
from bitlevel import bits

K = nn.load_all()


@pytest.fixture(autouse=True)
def exact_blas(monkeypatch):
    """These kernels make THNN's exact BLAS calls with LUATORCH_NN_EXACT_BLAS=1 (nn/_util.py)."""
    from luatorch.lib.nn import _util
    monkeypatch.setattr(_util, 'EXACT_BLAS', True)
DTS = [np.float64, np.float32]
needs_blas = pytest.mark.skipif(not cblas._GEMV or not cblas._AXPY or not cblas._GEMM,
                                reason="numpy's OpenBLAS not found")


def _real(dt):
    return ctypes.c_double if dt == np.float64 else ctypes.c_float


def ref_gemv_n(alpha, a_cm, m, n, x, y):
    """y += alpha * A x, A (m x n) column-major in a_cm (BLAS gemv 'n', lda m)."""
    fn = cblas._GEMV[y.dtype]
    fn(102, 111, m, n, alpha, a_cm.ctypes.data, m, x.ctypes.data, 1, 1.0, y.ctypes.data, 1)


def ref_gemm(transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc):
    """Column-major BLAS gemm with TH's arguments."""
    fn = cblas._GEMM[c.dtype]
    fn(102, 112 if transa else 111, 112 if transb else 111, m, n, k, alpha, a.ctypes.data, lda,
       b.ctypes.data, ldb, beta, c.ctypes.data, ldc)


@needs_blas
@pytest.mark.parametrize('dt', DTS)
@pytest.mark.parametrize('scale', [1.0, -0.01, 0.3])
def test_vector_bias_gradient_is_cadds_axpy(dt, scale):
    # Linear.lua, 1-D input: gradBias:add(scale, gradOutput), TH's cadd in place: axpy
    rng = np.random.default_rng(1)
    n_in, n_out = 37, 53
    x, g = rng.standard_normal(n_in).astype(dt), rng.standard_normal(n_out).astype(dt)
    gw, gb = rng.standard_normal((n_out, n_in)).astype(dt), rng.standard_normal(n_out).astype(dt)
    want = gb.copy()
    cblas._AXPY[want.dtype](n_out, scale, g.ctypes.data, 1, want.ctypes.data, 1)
    K['Linear_accGradParameters'](from_numpy(x), from_numpy(g), from_numpy(gw), from_numpy(gb), scale)
    assert np.array_equal(bits(gb), bits(want))


@needs_blas
@pytest.mark.parametrize('dt', DTS)
@pytest.mark.parametrize('batch', [3, 32, 300])
@pytest.mark.parametrize('scale', [1.0, -0.01])
def test_batch_bias_gradient_is_addmvs_gemv(dt, batch, scale):
    # Linear.lua, 2-D input: gradBias:addmv(scale, gradOutput:t(), addBuffer of ones): gradOutput
    # (batch, out) row-major is gradOutput:t() column-major, gemv 'n' with lda = out
    rng = np.random.default_rng(2)
    n_in, n_out = 9, 21
    x, g = rng.standard_normal((batch, n_in)).astype(dt), rng.standard_normal((batch, n_out)).astype(dt)
    gw, gb = np.zeros((n_out, n_in), dt), rng.standard_normal(n_out).astype(dt)
    want = gb.copy()
    ones = np.ones(batch, dt)
    ref_gemv_n(scale, g, n_out, batch, ones, want)
    K['Linear_accGradParameters'](from_numpy(x), from_numpy(g), from_numpy(gw), from_numpy(gb), scale)
    assert np.array_equal(bits(gb), bits(want))


@needs_blas
@pytest.mark.parametrize('dt', DTS)
@pytest.mark.parametrize('batch', [5, 700])
@pytest.mark.parametrize('scale', [1.0, -0.01])
def test_batch_weight_gradient_is_addmms_gemm(dt, batch, scale):
    # gradWeight:addmm(scale, gradOutput:t(), input): gradWeight (out, in) row-major is (in, out)
    # column-major = input^T-side first: gemm('n', 't', in, out, batch, scale, input, in,
    # gradOutput, out, 1, gradWeight, in). A batch of 700 is deeper than OpenBLAS's depth block.
    rng = np.random.default_rng(3)
    n_in, n_out = 17, 12
    x, g = rng.standard_normal((batch, n_in)).astype(dt), rng.standard_normal((batch, n_out)).astype(dt)
    gw, gb = rng.standard_normal((n_out, n_in)).astype(dt), np.zeros(n_out, dt)
    want = gw.copy()
    ref_gemm(False, True, n_in, n_out, batch, scale, x, n_in, g, n_out, 1.0, want, n_in)
    K['Linear_accGradParameters'](from_numpy(x), from_numpy(g), from_numpy(gw), from_numpy(gb), scale)
    assert np.array_equal(bits(gw), bits(want))


@needs_blas
@pytest.mark.parametrize('dt', DTS)
@pytest.mark.parametrize('n_in', [7, 784, 5000])
def test_vector_forward_is_addmv_onto_the_bias(dt, n_in):
    # 1-D input: output:copy(bias); output:addmv(1, weight, input): weight (out, in) row-major is
    # column-major (in, out): gemv('t', in, out, 1, weight, in, input, 1, 1, output, 1)
    rng = np.random.default_rng(4)
    n_out = 13
    x, w = rng.standard_normal(n_in).astype(dt), rng.standard_normal((n_out, n_in)).astype(dt)
    b = rng.standard_normal(n_out).astype(dt)
    want = b.copy()
    cblas._GEMV[want.dtype](102, 112, n_in, n_out, 1.0, w.ctypes.data, n_in, x.ctypes.data, 1, 1.0,
                            want.ctypes.data, 1)
    o = from_numpy(np.empty(0, dt))
    K['Linear_updateOutput'](from_numpy(x), o, from_numpy(w), from_numpy(b))
    assert np.array_equal(bits(o.arr()), bits(want))


@needs_blas
@pytest.mark.parametrize('dt', DTS)
@pytest.mark.parametrize('batch', [1, 2, 9, 128])
@pytest.mark.parametrize('n_in', [7, 784])
def test_batch_forward_and_input_gradient_are_addmms(dt, batch, n_in):
    # output:addmm(0, output, 1, input, weight:t()) then output:addr(1, ones, bias);
    # gradInput:addmm(0, 1, gradOutput, weight). Row-major results are column-major transposes:
    # gemm('t', 'n', out, batch, in, ...) and gemm('n', 'n', in, batch, out, ...)
    rng = np.random.default_rng(5)
    n_out = 11
    x = rng.standard_normal((batch, n_in)).astype(dt)
    w = rng.standard_normal((n_out, n_in)).astype(dt)
    b = rng.standard_normal(n_out).astype(dt)
    g = rng.standard_normal((batch, n_out)).astype(dt)
    want = np.zeros((batch, n_out), dt)
    ref_gemm(True, False, n_out, batch, n_in, 1.0, w, n_in, x, n_in, 0.0, want, n_out)
    want += b          # ger with ones: each element + 1 * b exactly
    o = from_numpy(np.empty(0, dt))
    K['Linear_updateOutput'](from_numpy(x), o, from_numpy(w), from_numpy(b))
    assert np.array_equal(bits(o.arr()), bits(want))
    want_gi = np.zeros((batch, n_in), dt)
    ref_gemm(False, False, n_in, batch, n_out, 1.0, w, n_in, g, n_out, 0.0, want_gi, n_in)
    gi = from_numpy(np.empty(0, dt))
    K['Linear_updateGradInput'](from_numpy(x), from_numpy(g), gi, from_numpy(w))
    assert np.array_equal(bits(gi.arr()), bits(want_gi))
