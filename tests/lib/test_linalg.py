"""luatorch.lib.linalg: values (maths.md's examples, numpy references), TH's result layouts
(column-major results, in-place transposition of given results) and LAPACK errors."""
import numpy as np
import pytest

from luatorch.lib import linalg as L
from luatorch.lib import tensor as T
from luatorch.lib import types
from luatorch.lib.errors import TorchError

R = np.random.RandomState(3)


def tens(a, tt=types.Double):
    return T.from_array(np.asarray(a, dtype=np.float64), tt)


def arr(t):
    return np.array(t.arr())


def colmajor(t):
    return t.stride == (1, t.size[0])


SPD = np.array([[1.2705, 0.9971, 0.4948, 0.1389, 0.2381],
                [0.9971, 0.9966, 0.6752, 0.0686, 0.1196],
                [0.4948, 0.6752, 1.1434, 0.0314, 0.0582],
                [0.1389, 0.0686, 0.0314, 0.0270, 0.0526],
                [0.2381, 0.1196, 0.0582, 0.0526, 0.3957]])


# ----------------------------------------------------------------------------- gesv, inverse


def test_gesv_solution_and_lu():
    a = np.array([[6.80, -2.11, 5.66, 5.97, 8.23], [-6.05, -3.30, 5.36, -4.44, 1.08],
                  [-0.45, 2.58, -2.70, 0.27, 9.04], [8.32, 2.71, 4.35, -7.17, 2.14],
                  [-9.67, -5.14, -7.26, 6.08, -6.87]]).T
    b = np.array([[4.02, 6.19, -8.22, -7.57, -3.03], [-1.56, 4.00, -8.67, 1.75, 2.86],
                  [9.81, -4.09, -4.57, -8.61, 8.99]]).T
    x, lu = L.gesv(tens(b), tens(a))
    assert x.size == (5, 3) and colmajor(x)
    assert lu.size == (5, 5) and colmajor(lu)
    np.testing.assert_allclose(arr(x)[0], [-0.8007, -0.3896, 0.9555], atol=1e-4)
    np.testing.assert_allclose(a @ arr(x), b, atol=1e-12)
    # LU holds the factors of the row-permuted A: P A = L U
    f, piv, info = L.lu_factor(a)
    assert info == 0
    np.testing.assert_allclose(arr(lu), f)
    lo = np.tril(f, -1) + np.eye(5)
    up = np.triu(f)
    pa = a.copy()
    for i, p in enumerate(piv):
        pa[[i, p]] = pa[[p, i]]
    np.testing.assert_allclose(lo @ up, pa, atol=1e-12)


def test_lu_factor_blocked_matches_numpy_solve():
    a = R.randn(90, 90)
    f, piv, info = L.lu_factor(a)
    lo, up = np.tril(f, -1) + np.eye(90), np.triu(f)
    pa = a.copy()
    for i, p in enumerate(piv):
        pa[[i, p]] = pa[[p, i]]
    np.testing.assert_allclose(lo @ up, pa, atol=1e-10)
    assert np.all(np.abs(np.tril(f, -1)) <= 1 + 1e-12)     # partial pivoting


def test_gesv_vector_b_and_given_results():
    a, b = R.randn(4, 4), R.randn(4)
    x, _ = L.gesv(tens(b), tens(a))
    assert x.size == (4, 1)
    np.testing.assert_allclose(arr(x)[:, 0], np.linalg.solve(a, b))
    # given results: a contiguous result is transposed in place and used
    rb, ra = tens(np.zeros((3, 4))), tens(np.zeros((4, 4)))
    outb, outa = L.gesv(rb, ra, tens(R.randn(4, 3)), tens(a))
    assert outb is rb and outa is ra
    assert colmajor(rb) and rb.size == (4, 3) and colmajor(ra)
    # in place: B, A given as their own results
    A, B = tens(a), tens(R.randn(4, 2))
    bv = arr(B)
    outb, outa = L.gesv(B, A, B, A)
    assert outb is B and outa is A
    np.testing.assert_allclose(a @ arr(B), bv, atol=1e-12)


def test_gesv_errors():
    with pytest.raises(TorchError, match=r'Lapack Error in gesv : U\(2,2\) is zero, singular U'):
        L.gesv(tens(np.ones((2, 1))), tens([[1, 2], [2, 4]]))
    with pytest.raises(TorchError, match='A should be square, but is 2x3'):
        L.gesv(tens(np.ones((2, 1))), tens(np.ones((2, 3))))
    with pytest.raises(TorchError, match='A,B size incompatible - A has 2 rows, B has 3'):
        L.gesv(tens(np.ones((3, 1))), tens(np.eye(2)))
    with pytest.raises(TorchError, match='does not implement the torch.gesv'):
        L.gesv(T.from_array(np.ones((2, 1)), types.Int), T.from_array(np.eye(2), types.Int))
    with pytest.raises(TorchError, match='invalid arguments'):
        L.gesv(tens(np.ones((2, 1))), tens(np.eye(2), types.Float))


@pytest.mark.parametrize('tt', [types.Float, types.Double], ids=lambda t: t.name)
def test_inverse(tt):
    a = R.randn(6, 6) + 6 * np.eye(6)
    r = L.inverse(tens(a, tt))
    assert r.ttype is tt and colmajor(r)
    np.testing.assert_allclose(arr(r) @ a, np.eye(6), atol=1e-5 if tt is types.Float else 1e-12)
    res = tens(np.zeros(1), tt)
    assert L.inverse(res, tens(a, tt)) is res
    with pytest.raises(TorchError, match=r'Lapack Error getrf : U\(2,2\) is 0, U is singular'):
        L.inverse(tens([[1, 2], [2, 4]], tt))


# ----------------------------------------------------------------------------- triangular, gels


@pytest.mark.parametrize('uplo', ['U', 'L'])
@pytest.mark.parametrize('trans', ['N', 'T'])
@pytest.mark.parametrize('diag', ['N', 'U'])
def test_trtrs(uplo, trans, diag):
    a = R.randn(5, 5) + 4 * np.eye(5)
    b = R.randn(5, 2)
    t = np.triu(a) if uplo == 'U' else np.tril(a)
    if diag == 'U':
        np.fill_diagonal(t, 1)
    op = t.T if trans == 'T' else t
    x, ra = L.trtrs(tens(b), tens(a), uplo, trans, diag)
    assert colmajor(x) and colmajor(ra)
    np.testing.assert_allclose(op @ arr(x), b, atol=1e-10)
    np.testing.assert_array_equal(arr(ra), a)


def test_trtrs_doc_and_errors():
    a = np.triu(np.array([[6.80, -2.11, 5.66, 5.97, 8.23], [0, -3.30, 5.36, -4.44, 1.08],
                          [0, 0, -2.70, 0.27, 9.04], [0, 0, 0, -7.17, 2.14], [0, 0, 0, 0, -6.87]]))
    b = np.array([[4.02, 6.19, -8.22, -7.57, -3.03], [-1.56, 4.00, -8.67, 1.75, 2.86],
                  [9.81, -4.09, -4.57, -8.61, 8.99]]).T
    x, _ = L.trtrs(tens(b), tens(a))
    np.testing.assert_allclose(arr(x)[0], [-3.5416, -0.2514, 3.0847], atol=1e-4)
    with pytest.raises(TorchError, match=r'A\(2,2\) is zero, singular A'):
        L.trtrs(tens(np.ones((2, 1))), tens([[1, 1], [0, 0]]))


def test_gels_overdetermined_doc_example():
    a = np.array([[1.44, -9.96, -7.55, 8.34, 7.08, -5.45], [-7.84, -0.28, 3.24, 8.09, 2.52, -5.70],
                  [-4.39, -3.24, 6.27, 5.28, 0.74, -1.19], [4.53, 3.83, -6.64, 2.06, -2.47, 4.70]]).T
    b = np.array([[8.58, 8.26, 8.48, -5.28, 5.72, 8.93],
                  [9.35, -4.43, -0.70, -0.26, -7.36, -2.52]]).T
    x, ra = L.gels(tens(b), tens(a))
    assert x.size == (4, 2) and x.stride == (1, 6)
    assert ra.size == (6, 4) and colmajor(ra)
    np.testing.assert_allclose(arr(x), np.linalg.lstsq(a, b, rcond=None)[0], atol=1e-10)
    np.testing.assert_allclose(arr(x)[0], [-0.4506, 0.2497], atol=1e-4)
    # the rest of the column-major block holds the residual information
    block = x.storage.data.reshape(2, 6).T
    np.testing.assert_allclose(np.sqrt((block[4:] ** 2).sum()), 17.390200628863, rtol=1e-9)


def test_gels_underdetermined_min_norm():
    a, b = R.randn(3, 5), R.randn(3, 2)
    x, ra = L.gels(tens(b), tens(a))
    assert x.size == (5, 2)
    np.testing.assert_allclose(arr(x), np.linalg.lstsq(a, b, rcond=None)[0], atol=1e-10)
    assert ra.size == (3, 5)


# ----------------------------------------------------------------------------- Cholesky


def test_potrf_potrs_potri_doc_values():
    u = L.potrf(tens(SPD))
    assert colmajor(u)
    np.testing.assert_allclose(arr(u)[0], [1.1272, 0.8846, 0.4390, 0.1232, 0.2112], atol=1e-4)
    assert np.all(np.tril(arr(u), -1) == 0)
    lo = L.potrf(tens(SPD), 'L')
    np.testing.assert_allclose(arr(lo), arr(u).T, atol=1e-12)
    B = np.array([[0.6219, 0.3439, 0.0431], [0.5642, 0.1756, 0.0153], [0.2334, 0.8594, 0.4103],
                  [0.7556, 0.1966, 0.9637], [0.1420, 0.7185, 0.7476]])
    x = L.potrs(tens(B), u)       # (the doc's printed solution is for the unrounded A)
    np.testing.assert_allclose(SPD @ arr(x), B, atol=1e-10)
    np.testing.assert_allclose(arr(L.potrs(tens(B), lo, 'L')), arr(x), atol=1e-10)
    inv = L.potri(u)
    np.testing.assert_allclose(arr(inv), np.linalg.inv(SPD), rtol=1e-9)
    np.testing.assert_allclose(arr(L.potri(lo, 'L')), np.linalg.inv(SPD), rtol=1e-9)


def test_potrf_reads_only_its_triangle():
    garbage = np.triu(SPD) + np.tril(np.full((5, 5), 99.0), -1)
    np.testing.assert_allclose(arr(L.potrf(tens(garbage))), arr(L.potrf(tens(SPD))))
    garbage = np.tril(SPD) + np.triu(np.full((5, 5), -7.0), 1)
    np.testing.assert_allclose(arr(L.potrf(tens(garbage), 'L')), arr(L.potrf(tens(SPD), 'L')))


def test_potrf_not_positive_definite():
    a = np.diag([1.0, 2.0, -1.0, 3.0])
    with pytest.raises(TorchError, match='the leading minor of order 3 is not positive definite'):
        L.potrf(tens(a))


def test_pstrf_doc_values():
    u, piv = L.pstrf(tens(SPD))
    assert piv.ttype is types.Int
    assert arr(piv).tolist() == [1, 3, 5, 2, 4]
    np.testing.assert_allclose(arr(u)[0], [1.1272, 0.4390, 0.2112, 0.8846, 0.1232], atol=1e-4)
    np.testing.assert_allclose(arr(u)[4, 4], 0.0456, atol=1e-4)
    p = arr(piv) - 1
    np.testing.assert_allclose(arr(u).T @ arr(u), SPD[np.ix_(p, p)], atol=1e-12)
    lo, piv2 = L.pstrf(tens(SPD), 'L')
    assert arr(piv2).tolist() == [1, 3, 5, 2, 4]
    np.testing.assert_allclose(arr(lo), arr(u).T, atol=1e-12)
    with pytest.raises(TorchError, match='rank deficient'):
        L.pstrf(tens(np.ones((3, 3))))


# ----------------------------------------------------------------------------- QR


def test_qr_doc_example():
    a = np.array([[12.0, -51, 4], [6, 167, -68], [-4, 24, -41]])
    q, r = L.qr(tens(a))
    np.testing.assert_allclose(arr(q), [[-0.8571, 0.3943, 0.3314], [-0.4286, -0.9029, -0.0343],
                                        [0.2857, -0.1714, 0.9429]], atol=1e-4)
    np.testing.assert_allclose(arr(r), [[-14, -21, 14], [0, -175, 70], [0, 0, -35]], atol=1e-10)
    assert colmajor(q) and r.is_contiguous()


@pytest.mark.parametrize('shape', [(5, 3), (3, 5), (4, 4)])
def test_qr_shapes(shape):
    a = R.randn(*shape)
    q, r = L.qr(tens(a))
    k = min(shape)
    assert q.size == (shape[0], k) and r.size == (k, shape[1])
    assert q.stride == (1, shape[0])
    np.testing.assert_allclose(arr(q) @ arr(r), a, atol=1e-12)
    np.testing.assert_allclose(arr(q).T @ arr(q), np.eye(k), atol=1e-12)


def test_geqrf_orgqr_ormqr():
    a = R.randn(5, 3)
    m, tau = L.geqrf(tens(a))
    assert m.size == (5, 3) and colmajor(m) and tau.size == (3,)
    q = L.orgqr(m, tau)
    qn, _ = np.linalg.qr(a)
    np.testing.assert_allclose(arr(q), qn, atol=1e-12)
    c = R.randn(5, 2)
    qfull = np.linalg.qr(a, mode='complete')[0]
    np.testing.assert_allclose(arr(L.ormqr(m, tau, tens(c))), qfull @ c, atol=1e-12)
    np.testing.assert_allclose(arr(L.ormqr(m, tau, tens(c), 'L', 'T')), qfull.T @ c, atol=1e-12)
    d = R.randn(2, 5)
    np.testing.assert_allclose(arr(L.ormqr(m, tau, tens(d), 'R')), d @ qfull, atol=1e-12)
    np.testing.assert_allclose(arr(L.ormqr(m, tau, tens(d), 'R', 'T')), d @ qfull.T, atol=1e-12)


# ----------------------------------------------------------------------------- eigen, SVD


def test_symeig():
    a = np.array([[1.96, -6.49, -0.47, -7.20, -0.65], [0, 3.80, -6.39, 1.50, -6.34],
                  [0, 0, 4.17, -1.51, 2.67], [0, 0, 0, 5.70, 1.80], [0, 0, 0, 0, -7.10]])
    e, _ = L.symeig(tens(a))
    np.testing.assert_allclose(arr(e), [-11.0656, -6.2287, 0.8640, 8.8655, 16.0948], atol=1e-4)
    e, v = L.symeig(tens(a), 'V')
    assert colmajor(v)
    sym = np.triu(a) + np.triu(a, 1).T
    np.testing.assert_allclose(arr(v) @ np.diag(arr(e)) @ arr(v).T, sym, atol=1e-12)
    # 'L' reads the lower triangle (here zeros below the diagonal: a diagonal matrix)
    e, _ = L.symeig(tens(a), 'N', 'L')
    np.testing.assert_allclose(arr(e), np.sort(np.diag(a)))
    e, _ = L.symeig(tens(a), 'L')
    np.testing.assert_allclose(arr(e), np.sort(np.diag(a)))


def test_eig_real_and_complex():
    e, v = L.eig(tens([[2.0, 0], [0, 5]]))
    assert arr(e).tolist() == [[2, 0], [5, 0]]
    assert v.size == ()
    rot = np.array([[0.0, -1], [1, 0]])
    e, v = L.eig(tens(rot), 'V')
    assert arr(e).tolist() == [[0, 1], [0, -1]]
    assert colmajor(v)
    vec = arr(v)[:, 0] + 1j * arr(v)[:, 1]
    np.testing.assert_allclose(rot @ vec, 1j * vec, atol=1e-12)
    b = R.randn(4, 4)
    b = b + b.T
    e, v = L.eig(tens(b), 'V')
    np.testing.assert_allclose(b @ arr(v), arr(v) * arr(e)[:, 0], atol=1e-10)


def test_svd():
    a = np.array([[8.79, 6.11, -9.15, 9.57, -3.49, 9.84], [9.93, 6.91, -7.93, 1.64, 4.02, 0.15],
                  [9.83, 5.04, 4.86, 8.83, 9.80, -8.99], [5.45, -0.27, 4.85, 0.74, 10.00, -6.02],
                  [3.16, 7.98, 3.01, 5.80, 4.27, -5.31]]).T
    u, s, v = L.svd(tens(a))
    assert u.size == (6, 5) and u.stride == (1, 6)
    assert s.size == (5,) and v.size == (5, 5) and v.is_contiguous()
    np.testing.assert_allclose(arr(s), [27.4687, 22.6432, 8.5584, 5.9857, 2.0149], atol=1e-4)
    np.testing.assert_allclose(arr(u) @ np.diag(arr(s)) @ arr(v).T, a, atol=1e-12)
    u, s, v = L.svd(tens(a), 'A')
    assert u.size == (6, 6) and v.size == (5, 5)
    u, s, v = L.svd(tens(a.T))
    assert u.size == (5, 5) and v.size == (6, 5)
    np.testing.assert_allclose(arr(u) @ np.diag(arr(s)) @ arr(v).T, a.T, atol=1e-12)


def test_float_results_stay_float():
    a = R.randn(4, 4)
    a = a @ a.T + 4 * np.eye(4)
    for out in (L.inverse(tens(a, types.Float)), L.potrf(tens(a, types.Float)),
                L.symeig(tens(a, types.Float), 'V')[1], L.svd(tens(a, types.Float))[0],
                L.qr(tens(a, types.Float))[0]):
        assert out.ttype is types.Float


def test_option_errors():
    with pytest.raises(TorchError, match='invalid arguments'):
        L.potrf(tens(SPD), 'X')
    with pytest.raises(TorchError, match='invalid arguments'):
        L.svd(tens(SPD), 'S', 'S')
    with pytest.raises(TorchError, match='invalid arguments'):
        L.gesv(tens(SPD))
