"""luatorch.lib.cblas: the rank-1 update through numpy's own BLAS, and nn.Linear's per-sample
weight gradient with and without it."""
import numpy as np
import pytest

from luatorch.lib import cblas, nn
from luatorch.lib.tensor import from_array

needs_blas = pytest.mark.skipif(not cblas.available(np.float64),
                                reason="numpy's bundled OpenBLAS is not at hand")


@needs_blas
@pytest.mark.parametrize('dtype', [np.float64, np.float32])
def test_ger_is_the_outer_product_added(dtype):
    rng = np.random.default_rng(1)
    a = rng.standard_normal((96, 130)).astype(dtype)
    x = rng.standard_normal(96).astype(dtype)
    ybig = rng.standard_normal(260).astype(dtype)
    y = ybig[::2]                                    # a strided vector
    want = a.astype(np.float64) + (-0.5) * np.outer(x.astype(np.float64), y.astype(np.float64))
    assert cblas.ger(-0.5, x, y, a)
    tol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(a, want, rtol=tol, atol=tol)


def test_ger_declines_what_it_cannot_do():
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal(80), rng.standard_normal(100)
    a = rng.standard_normal((100, 80)).T             # not C-contiguous
    before = a.copy()
    assert not cblas.ger(1.0, x, y, a)
    assert not cblas.ger(1.0, x[:4], y[:4], np.zeros((4, 4)))       # too small to pay
    assert not cblas.ger(1.0, x.astype(np.float32), y, np.zeros((80, 100)))   # mixed types
    assert not cblas.ger(1.0, x, y, np.zeros((80, 100), np.int64))  # no integer ger
    np.testing.assert_array_equal(a, before)


@pytest.mark.parametrize('blas', [True, False])
def test_linear_sample_gradient(blas, monkeypatch):
    if blas and not cblas.available(np.float64):
        pytest.skip("numpy's bundled OpenBLAS is not at hand")
    if not blas:
        monkeypatch.setattr(cblas, '_GER', {})
    K = nn.load_all()
    rng = np.random.default_rng(3)
    x, g = rng.standard_normal(400), rng.standard_normal(120)
    w, b = rng.standard_normal((120, 400)), rng.standard_normal(120)
    gw, gb = from_array(w), from_array(b)
    K['Linear_accGradParameters'](from_array(x), from_array(g), gw, gb, -0.25)
    np.testing.assert_allclose(gw.arr(), w - 0.25 * np.outer(g, x), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(gb.arr(), b - 0.25 * g, rtol=1e-13, atol=1e-13)


@needs_blas
@pytest.mark.parametrize('dtype', [np.float64, np.float32])
def test_gemm_tn_acc_is_numpys_product_added_bit_for_bit(dtype):
    rng = np.random.default_rng(4)
    for k, m, n in [(32, 1024, 128), (1, 7, 5), (3, 2, 2), (70, 300, 33)]:
        a = rng.standard_normal((k, m)).astype(dtype)
        b = rng.standard_normal((k, n)).astype(dtype)
        c = rng.standard_normal((m, n)).astype(dtype)
        want = c.copy()
        want += a.T @ b
        assert cblas.gemm_tn_acc(a, b, c)
        assert c.tobytes() == want.tobytes()


def test_gemm_tn_acc_declines_what_it_cannot_do():
    rng = np.random.default_rng(5)
    a, b = rng.standard_normal((4, 6)), rng.standard_normal((4, 5))
    c = np.zeros((6, 5))
    assert not cblas.gemm_tn_acc(a, b, np.zeros((5, 6)).T)          # not C-contiguous
    assert not cblas.gemm_tn_acc(a[:, :1], b, np.zeros((1, 5)))     # a vector: numpy's gemv
    assert not cblas.gemm_tn_acc(a, a, np.zeros((6, 6)))            # a.T @ a: numpy's syrk
    assert not cblas.gemm_tn_acc(a.astype(np.float32), b, c)        # mixed types
    assert not c.any()
