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


@needs_blas
def test_axpy_rounds_each_element_once():
    """y + alpha x with one rounding (the fused multiply-add TH's in-place cadd gets from BLAS
    axpy on this kind of machine): equal to the exactly computed value rounded, where the
    two-step numpy result is not."""
    from fractions import Fraction
    rng = np.random.default_rng(4)
    x, y = rng.standard_normal(600), rng.standard_normal(600)
    alpha = -0.01
    got = y.copy()
    assert cblas.axpy(alpha, x, got)
    exact = np.array([float(Fraction(b) + Fraction(alpha) * Fraction(a)) for a, b in zip(x, y)])
    twice = y + alpha * x
    # each element is rounded once (OpenBLAS's FMA loop) or twice (its tail, or a BLAS without
    # FMA): never anything else
    assert np.all((got == exact) | (got == twice))
    assert not np.array_equal(exact, twice)          # the data tells the two apart somewhere
    xs = x.astype(np.float32)
    ys = y.astype(np.float32)
    got32 = ys.copy()
    assert cblas.axpy(np.float32(alpha), xs, got32)
    np.testing.assert_allclose(got32, ys + np.float32(alpha) * xs, rtol=1e-6, atol=1e-7)


def test_axpy_declines_what_it_cannot_do():
    x, y = np.arange(10.0), np.arange(10.0)
    assert not cblas.axpy(2.0, x[::2], y[:5].copy())          # strided
    assert not cblas.axpy(2.0, x.astype(np.float32), y)       # mixed types
    assert not cblas.axpy(2.0, y[:8], y[2:])                  # overlapping
    assert not cblas.axpy(2.0, np.arange(10), np.arange(10))  # integers


@needs_blas
def test_in_place_add_with_a_value_is_the_blas_update():
    """x:add(value, y) on contiguous tensors goes through axpy, as TH's cadd does; the
    out-of-place form keeps two roundings (TH's vector loop)."""
    from luatorch.lib import pointwise
    rng = np.random.default_rng(5)
    xa, ya = rng.standard_normal(3000), rng.standard_normal(3000)
    x, y = from_array(xa), from_array(ya)
    want = xa.copy()
    cblas.axpy(-0.01, ya, want)
    pointwise.add(x, x, -0.01, y)
    assert np.array_equal(x.arr(), want)
    r = pointwise.add(None, from_array(xa), -0.01, y)
    assert np.array_equal(r.arr(), xa + (-0.01) * ya)


def test_pointers_of_any_host_array():
    """cblas._ptr: the first element's address, through the buffer protocol where it can (a
    writeable contiguous array, or the transpose of one) and the array interface otherwise
    (read-only, strided, empty)."""
    a = np.arange(12.0).reshape(3, 4)
    base = a.__array_interface__['data'][0]
    assert cblas._ptr(a) == base and cblas._ptr(a.T) == base
    assert cblas._ptr(a[1:, 1:]) == base + 5 * 8
    assert cblas._ptr(a[:, ::2]) == base
    r = a.copy()
    r.flags.writeable = False
    assert cblas._ptr(r) == r.__array_interface__['data'][0]
    e = np.empty(0)
    assert cblas._ptr(e) == e.__array_interface__['data'][0]


@pytest.mark.skipif(cblas._THREAD_CALLS is None, reason="numpy's OpenBLAS not found")
def test_one_thread_nests_and_restores_the_blas_thread_count():
    get, put = cblas._THREAD_CALLS
    before = get()
    put(2)
    try:
        with cblas.one_thread():
            assert get() == 1
            with cblas.one_thread():
                assert get() == 1
            assert get() == 1          # the inner one leaves it to the outer
        assert get() == 2
        with pytest.raises(ZeroDivisionError):
            with cblas.one_thread():
                1 / 0
        assert get() == 2
    finally:
        put(before)


def test_parallel_parts_call_the_blas_on_one_thread_each(monkeypatch):
    from luatorch.lib import threads
    from luatorch.lib.nn import conv
    if cblas._THREAD_CALLS is None:
        pytest.skip("numpy's OpenBLAS not found")
    get, put = cblas._THREAD_CALLS
    before = get()
    put(2)
    monkeypatch.setattr(conv, '_THREADS', 2)
    monkeypatch.setattr(threads, '_requested', None)     # (no torch.setnumthreads limit)
    seen = []
    try:
        conv.parallel(lambda lo, hi: seen.append((lo, hi, get())), 10, 1 << 30)
        assert sorted(seen) == [(0, 5, 1), (5, 10, 1)]
        assert get() == 2
        seen.clear()
        conv.parallel(lambda lo, hi: seen.append((lo, hi, get())), 10, 10)    # not split
        assert seen == [(0, 10, 2)]
    finally:
        put(before)
