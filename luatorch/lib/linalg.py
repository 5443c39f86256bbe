"""LAPACK-level maths of maths.md: gesv, trtrs, gels, inverse, potrf, potrs, potri, pstrf, qr,
geqrf, orgqr, ormqr, symeig, eig, svd (FloatTensor and DoubleTensor only; torch.* functions only,
as in Torch7).

Results follow TH's conventions, which users observe: matrices LAPACK wrote are column-major
(size m x n, strides 1, m), a result tensor that is contiguous is transposed in place to take that
layout, a result that is also the input and is not laid out so gets the values copied back.
Factorisations numpy.linalg does not expose (LU with its pivots, triangular solves, Householder
products, pivoted Cholesky) are written here with vectorised numpy steps.

Cuda tensors: the factorisations run on the host, as cutorch's MAGMA routines do for their panel
work: the matrices are read to the host explicitly (`_host`) and the results written back to the
tensors' side (`_put`), so the values are the CPU's bit for bit.
"""
import numpy as np

from . import tensor as T
from . import types
from . import xp as _xp
from .blas import invalid
from .errors import TorchError
from .registry import torch_fn
from .storage import cast
from .tensor import Tensor


# ----------------------------------------------------------------------------- arguments


def _parse(name, args, nres, nsrc, options=()):
    """torch.NAME([res...,] src... [, options]) -> (results or Nones, sources, option values).

    `options` lists (allowed first letters or 'n' for a number, default); a given option goes to
    the first remaining slot it fits, as cwrap's matching does."""
    nt = 0
    while nt < len(args) and isinstance(args[nt], Tensor):
        nt += 1
    if nt == nres + nsrc:
        res, src = list(args[:nres]), list(args[nres:nt])
    elif nt == nsrc:
        res, src = [None] * nres, list(args[:nt])
    else:
        raise _bad(name, args)
    tt = args[0].ttype
    if not tt.is_float:
        raise TorchError('%s does not implement the torch.%s() function' % (tt.tensor_name, name))
    for i, a in enumerate(args[:nt]):
        if a.ttype is not tt and not (name == 'pstrf' and i == 1 and nt == 3):
            raise _bad(name, args)
    vals = [d for _, d in options]
    slot = 0
    for a in args[nt:]:
        while slot < len(options):
            allowed = options[slot][0]
            if allowed == 'n':
                ok = isinstance(a, (int, float)) and not isinstance(a, bool)
            else:
                ok = isinstance(a, str) and a[:1] != '' and a[:1] in allowed
            slot += 1
            if ok:
                vals[slot - 1] = a if allowed == 'n' else a[:1]
                break
        else:
            raise _bad(name, args)
    return res, src, vals, tt


_EXPECTED = {
    'gesv': '[*Tensor* *Tensor*] *Tensor* *Tensor*',
    'gels': '[*Tensor* *Tensor*] *Tensor* *Tensor*',
    'trtrs': '[*Tensor* *Tensor*] *Tensor* *Tensor* [(U|L)] [(N|T)] [(N|U)]',
    'inverse': '[*Tensor*] *Tensor*',
    'potrf': '[*Tensor*] *Tensor* [(U|L)]',
    'potrs': '[*Tensor*] *Tensor* *Tensor* [(U|L)]',
    'potri': '[*Tensor*] *Tensor* [(U|L)]',
    'pstrf': '[*Tensor* IntTensor] *Tensor* [(U|L)] [number]',
    'qr': '[*Tensor* *Tensor*] *Tensor*',
    'geqrf': '[*Tensor* *Tensor*] *Tensor*',
    'orgqr': '[*Tensor*] *Tensor* *Tensor*',
    'ormqr': '[*Tensor*] *Tensor* *Tensor* *Tensor* [(L|R)] [(N|T)]',
    'symeig': '[*Tensor* *Tensor*] *Tensor* [(N|V)] [(U|L)]',
    'eig': '[*Tensor* *Tensor*] *Tensor* [(N|V)]',
    'svd': '[*Tensor* *Tensor* *Tensor*] *Tensor* [(A|S)]',
}


def _host(t):
    """Tensor t's values as a host array (a Cuda tensor's read back explicitly)."""
    return _xp.to_host(t.arr())


def _put(dst, vals):
    """dst[...] = vals (host values), on dst's side."""
    _xp.put(dst, vals)


def _bad(name, args):
    return invalid(name, args, _EXPECTED.get(name, ''))


def _argcheck(cond, n, name, msg):
    if not cond:
        raise TorchError("bad argument #%d to '%s' (%s)" % (n, name, msg))


def _mat(t, name, argn=1):
    _argcheck(len(t.size) == 2, argn, name, 'A should be 2 dimensional')


def _square(t, name, argn=1):
    _mat(t, name, argn)
    _argcheck(t.size[0] == t.size[1], argn, name, 'A should be square')


def _check_system(name, a, b, square=True):
    """TH's argument checks of a linear system A X = B."""
    _argcheck(len(a.size) == 2, 2, name, 'A should have 2 dimensions, but has %d' % len(a.size))
    _argcheck(len(b.size) in (1, 2), 1, name,
              'B should have 1 or 2 dimensions, but has %d' % len(b.size))
    if square:
        _argcheck(a.size[0] == a.size[1], 2, name,
                  'A should be square, but is %dx%d' % (a.size[0], a.size[1]))
    _argcheck(a.size[0] == b.size[0], 2, name,
              'A,B size incompatible - A has %d rows, B has %d' % (a.size[0], b.size[0]))


def _rhs(b):
    """B as a matrix (a vector is one column), and the tensor TH clones it from."""
    a = _host(b)
    if len(b.size) == 1:
        return a.reshape(-1, 1), None
    return a, b


# ----------------------------------------------------------------------------- column-major results


def _transpose_inplace(t):
    t.size = (t.size[1], t.size[0])
    t.stride = (t.stride[1], t.stride[0])
    t._sd = None
    T.geometry_changed()


def _is_transposed_contiguous(t):
    return len(t.size) == 2 and t.stride[0] == 1 and t.stride[1] == t.size[0]


def _out(res, src, rows, cols, tt):
    """TH's cloneColumnMajorNrows: (work, res) where work is a rows x cols column-major tensor
    (res itself unless res is the input and unsuitable; then values are copied back)."""
    if res is None:
        res = T.empty(tt)
    if src is not None and src is res and _is_transposed_contiguous(res) and res.size[1] == rows:
        return res, res
    work = T.empty(tt) if (src is not None and src is res) else res
    T.resize(work, (cols, rows))
    if work.is_contiguous():
        _transpose_inplace(work)
    if work.size != (rows, cols):
        T.resize(work, (cols, rows))
        _transpose_inplace(work)
    return work, res


def _write(pair, vals):
    work, res = pair
    if work.nelement():
        _put(work.arr(), cast(np.asarray(vals), work.ttype))
    if work is not res:
        T.copy(res, work)
    return res


def _vector_out(res, vals, tt):
    vals = np.asarray(vals)
    if res is None:
        res = T.empty(tt)
    T.resize(res, vals.shape)
    if vals.size:
        _put(res.arr(), cast(vals, tt))
    return res


# ----------------------------------------------------------------------------- kernels


def lu_factor(a):
    """LAPACK getrf: row-pivoted LU of a copy of `a` -> (lu, ipiv 0-based, info 1-based or 0).

    Right-looking, blocked: panels factored column by column (full-row swaps, as LAPACK leaves
    them), then a unit-lower triangular solve for the block row and one product for the rest."""
    a = np.array(a, copy=True)
    m, n = a.shape
    kmin = min(m, n)
    piv = np.arange(kmin)
    info = 0
    nb = 32
    for j0 in range(0, kmin, nb):
        jend = min(j0 + nb, kmin)
        for j in range(j0, jend):
            p = j + int(np.argmax(np.abs(a[j:, j])))
            piv[j] = p
            if a[p, j] != 0:
                if p != j:
                    a[[j, p]] = a[[p, j]]
                a[j + 1:, j] /= a[j, j]
            elif info == 0:
                info = j + 1
            if j + 1 < jend:
                a[j + 1:, j + 1:jend] -= np.multiply.outer(a[j + 1:, j], a[j, j + 1:jend])
        if jend < n:
            blk = a[j0:jend, jend:]
            for i in range(1, jend - j0):
                blk[i] -= a[j0 + i, j0:j0 + i] @ blk[:i]
            if jend < m:
                a[jend:, jend:] -= a[jend:, j0:jend] @ blk
    return a, piv, info


def tri_solve(t, b, lower, unit=False):
    """Solve T X = B for triangular T (only its `lower`/upper triangle is read)."""
    n = t.shape[0]
    x = np.array(b, dtype=np.result_type(t, b), copy=True)
    order = range(n) if lower else range(n - 1, -1, -1)
    with np.errstate(divide='ignore', invalid='ignore'):
        for i in order:
            if lower:
                if i:
                    x[i] -= t[i, :i] @ x[:i]
            elif i + 1 < n:
                x[i] -= t[i, i + 1:] @ x[i + 1:]
            if not unit:
                x[i] /= t[i, i]
    return x


def _chol_failure_order(a):
    """The order of the first leading minor of symmetric `a` (lower triangle) not positive definite."""
    n = a.shape[0]
    l = np.zeros_like(a)
    for j in range(n):
        d = a[j, j] - l[j, :j] @ l[j, :j]
        if not d > 0:
            return j + 1
        l[j, j] = np.sqrt(d)
        l[j + 1:, j] = (a[j + 1:, j] - l[j + 1:, :j] @ l[j, :j]) / l[j, j]
    return n


def _sym_from(a, uplo):
    """The symmetric matrix LAPACK sees when it reads only the `uplo` triangle of a."""
    if uplo == 'U':
        t = np.triu(a)
        return t + np.triu(a, 1).T
    t = np.tril(a)
    return t + np.tril(a, -1).T


def householder_q(ra, tau, ncols):
    """LAPACK orgqr: the first `ncols` columns of H(1) H(2) ... H(k) from reflectors in ra."""
    m = ra.shape[0]
    k = tau.shape[0]
    q = np.eye(m, ncols, dtype=np.result_type(ra, tau))
    for i in range(k - 1, -1, -1):
        v = np.concatenate(([1.0], ra[i + 1:, i])).astype(q.dtype)
        q[i:] -= tau[i] * np.multiply.outer(v, v @ q[i:])
    return q


def householder_apply(ra, tau, c, side, trans):
    """LAPACK ormqr: Q c, Q' c, c Q or c Q' for Q = H(1) ... H(k) from reflectors in ra."""
    c = np.array(c, dtype=np.result_type(ra, c), copy=True)
    k = tau.shape[0]
    left = side == 'L'
    # Q c = H1 (H2 (... Hk c)): last reflector first; Q' c: first reflector first; c Q the reverse
    forward = (left and trans == 'T') or (not left and trans == 'N')
    order = range(k) if forward else range(k - 1, -1, -1)
    for i in order:
        v = np.concatenate(([1.0], ra[i + 1:, i])).astype(c.dtype)
        if left:
            c[i:] -= tau[i] * np.multiply.outer(v, v @ c[i:])
        else:
            c[:, i:] -= tau[i] * np.multiply.outer(c[:, i:] @ v, v)
    return c


def qr_raw(a):
    """LAPACK geqrf of a: (ra with R above the diagonal and reflectors below, tau)."""
    h, tau = np.linalg.qr(np.asarray(a, dtype=np.float64), mode='raw')
    return np.ascontiguousarray(h.T), tau


def pivoted_cholesky(s, tol):
    """LAPACK pstf2 on symmetric s ('U' form): (U, 0-based pivots, rank, info)."""
    n = s.shape[0]
    s = np.array(s, copy=True)
    u = np.zeros_like(s)
    piv = np.arange(n)
    work = np.zeros(n, dtype=s.dtype)
    if n == 0:
        return u, piv, 0, 0
    d0 = np.diagonal(s)
    p = int(np.argmax(d0))
    ajj = d0[p]
    if not ajj > 0:
        return u, piv, 0, 1
    eps = np.finfo(s.dtype).eps / 2
    dstop = tol if tol >= 0 else n * eps * ajj
    for j in range(n):
        if j > 0:
            work[j:] += u[j - 1, j:] ** 2
            cand = np.diagonal(s)[j:] - work[j:]
            p = j + int(np.argmax(cand))
            ajj = cand[p - j]
            if not ajj > dstop:
                u[j, j] = ajj
                return u, piv, j, 1
        if p != j:
            s[[j, p]] = s[[p, j]]
            s[:, [j, p]] = s[:, [p, j]]
            u[:j, [j, p]] = u[:j, [p, j]]
            work[[j, p]] = work[[p, j]]
            piv[[j, p]] = piv[[p, j]]
        ajj = np.sqrt(ajj)
        u[j, j] = ajj
        if j + 1 < n:
            u[j, j + 1:] = (s[j, j + 1:] - u[:j, j] @ u[:j, j + 1:]) / ajj
    return u, piv, n, 0


def _lapack_error(cond, msg):
    if cond:
        raise TorchError(msg)


# ----------------------------------------------------------------------------- solvers


@torch_fn('gesv', method=False)
def gesv(*args):
    (rb, ra), (b, a), _, tt = _parse('gesv', args, 2, 2)
    _check_system('gesv', a, b)
    bm, bsrc = _rhs(b)
    av = _host(a)
    lu, _, info = lu_factor(av)
    _lapack_error(info > 0, 'Lapack Error in gesv : U(%d,%d) is zero, singular U.' % (info, info))
    try:
        x = np.linalg.solve(av, bm) if bm.size else bm.copy()
    except np.linalg.LinAlgError:
        raise TorchError('Lapack Error in gesv : U(%d,%d) is zero, singular U.' % (1, 1))
    n, nrhs = bm.shape
    oa = _out(ra, a, n, n, tt)
    ob = _out(rb, bsrc, n, nrhs, tt)
    return _write(ob, x), _write(oa, lu)


@torch_fn('trtrs', method=False)
def trtrs(*args):
    (rb, ra), (b, a), (uplo, trans, diag), tt = _parse(
        'trtrs', args, 2, 2, (('UL', 'U'), ('NT', 'N'), ('NU', 'N')))
    _check_system('trtrs', a, b)
    bm, bsrc = _rhs(b)
    av = np.array(_host(a), copy=True)
    n, nrhs = bm.shape
    if diag == 'N' and n:
        zero = np.flatnonzero(np.diagonal(av) == 0)
        _lapack_error(zero.size > 0, 'Lapack Error in trtrs : A(%d,%d) is zero, singular A'
                      % ((zero[0] + 1,) * 2 if zero.size else (0, 0)))
    lower = uplo == 'L'
    tri = np.tril(av) if lower else np.triu(av)
    if trans == 'T':
        tri, lower = tri.T, not lower
    x = tri_solve(tri, bm, lower, unit=diag == 'U')
    oa = _out(ra, a, n, n, tt)
    ob = _out(rb, bsrc, n, nrhs, tt)
    return _write(ob, x), _write(oa, av)


@torch_fn('gels', method=False)
def gels(*args):
    (rb, ra), (b, a), _, tt = _parse('gels', args, 2, 2)
    _check_system('gels', a, b, square=False)
    bm, bsrc = _rhs(b)
    av = _host(a).astype(np.float64)
    m, n = a.size
    nrhs = bm.shape[1]
    ldb = max(m, n)
    full = np.zeros((ldb, nrhs))
    if m >= n:
        fac, tau = qr_raw(av)
        r = np.triu(fac[:n])
        bad = np.flatnonzero(np.diagonal(r) == 0)
        _lapack_error(bad.size > 0, 'Lapack Error in gels : The %d-th diagonal element of the '
                      'triangular factor of A is zero' % (bad[0] + 1 if bad.size else 0))
        qtb = householder_apply(fac, tau, bm.astype(np.float64), 'L', 'T')
        full[:m] = qtb
        full[:n] = tri_solve(r, qtb[:n], lower=False)
    else:
        h, tau = np.linalg.qr(av.T, mode='raw')     # A' = Q R, so A = R' Q'
        fac = np.ascontiguousarray(h)               # gelqf's layout: L below, reflectors right
        l = np.tril(fac[:, :m])
        bad = np.flatnonzero(np.diagonal(l) == 0)
        _lapack_error(bad.size > 0, 'Lapack Error in gels : The %d-th diagonal element of the '
                      'triangular factor of A is zero' % (bad[0] + 1 if bad.size else 0))
        y = np.zeros((n, nrhs))
        y[:m] = tri_solve(l, bm.astype(np.float64), lower=True)
        full[:] = householder_apply(np.ascontiguousarray(h.T), tau, y, 'L', 'N')
    aout = _write(_out(ra, a, m, n, tt), fac)
    # the solution is the first n rows of the ldb x nrhs column-major block LAPACK worked in
    work, res = _out(rb, bsrc, ldb, nrhs, tt)
    if work.nelement():
        _put(work.arr(), cast(full, tt))
    work.size = (n, nrhs)
    work._sd = None
    T.geometry_changed()
    if work is not res:
        T.resize(res, (n, nrhs))
        T.copy(res, work)
    return res, aout


@torch_fn('inverse', method=False)
def inverse(*args):
    (ra,), (a,), _, tt = _parse('inverse', args, 1, 1)
    _square(a, 'inverse')
    av = _host(a)
    n = a.size[0]
    try:
        inv = np.linalg.inv(av) if n else av.copy()
    except np.linalg.LinAlgError:
        info = lu_factor(av)[2] or n
        raise TorchError('Lapack Error getrf : U(%d,%d) is 0, U is singular' % (info, info))
    return _write(_out(ra, a, n, n, tt), inv)


# ----------------------------------------------------------------------------- Cholesky


@torch_fn('potrf', method=False)
def potrf(*args):
    (ra,), (a,), (uplo,), tt = _parse('potrf', args, 1, 1, (('UL', 'U'),))
    _square(a, 'potrf')
    av = _host(a)
    n = a.size[0]
    src = av.T if uplo == 'U' else av               # numpy reads the lower triangle
    try:
        l = np.linalg.cholesky(src) if n else src.copy()
    except np.linalg.LinAlgError:
        order = _chol_failure_order(_sym_from(av, uplo).astype(np.float64))
        raise TorchError('Lapack Error in potrf : the leading minor of order %d is not positive '
                         'definite' % order)
    f = l.T if uplo == 'U' else l
    return _write(_out(ra, a, n, n, tt), f)


@torch_fn('potrs', method=False)
def potrs(*args):
    (rb,), (b, a), (uplo,), tt = _parse('potrs', args, 1, 2, (('UL', 'U'),))
    _check_system('potrs', a, b)
    bm, bsrc = _rhs(b)
    av = _host(a)
    if uplo == 'U':
        u = np.triu(av)
        x = tri_solve(u, tri_solve(u.T, bm, lower=True), lower=False)
    else:
        low = np.tril(av)
        x = tri_solve(low.T, tri_solve(low, bm, lower=True), lower=False)
    n, nrhs = bm.shape
    return _write(_out(rb, bsrc, n, nrhs, tt), x)


@torch_fn('potri', method=False)
def potri(*args):
    (ra,), (a,), (uplo,), tt = _parse('potri', args, 1, 1, (('UL', 'U'),))
    _square(a, 'potri')
    av = _host(a)
    n = a.size[0]
    zero = np.flatnonzero(np.diagonal(av) == 0)
    _lapack_error(zero.size > 0, 'Lapack Error potri : A(%d,%d) is 0, A cannot be factorized'
                  % ((zero[0] + 1,) * 2 if zero.size else (0, 0)))
    eye = np.eye(n, dtype=av.dtype)
    if uplo == 'U':
        ui = tri_solve(np.triu(av), eye, lower=False)
        inv = ui @ ui.T
    else:
        li = tri_solve(np.tril(av), eye, lower=True)
        inv = li.T @ li
    inv = np.triu(inv) + np.triu(inv, 1).T if uplo == 'U' else np.tril(inv) + np.tril(inv, -1).T
    return _write(_out(ra, a, n, n, tt), inv)


@torch_fn('pstrf', method=False)
def pstrf(*args):
    (ra, rpiv), (a,), (uplo, tol), tt = _parse('pstrf', args, 2, 1, (('UL', 'U'), ('n', -1)))
    if rpiv is not None and rpiv.ttype is not types.Int:
        raise _bad('pstrf', args)
    _square(a, 'pstrf')
    av = _host(a)
    n = a.size[0]
    s = _sym_from(av, uplo)
    u, piv, _, info = pivoted_cholesky(s, float(tol))
    _lapack_error(info > 0, 'Lapack Error pstrf : matrix is rank deficient or not positive '
                  'semidefinite')
    f = u if uplo == 'U' else u.T
    res = _write(_out(ra, a, n, n, tt), f)
    return res, _vector_out(rpiv if rpiv is not None else T.empty(types.Int), piv + 1, types.Int)


# ----------------------------------------------------------------------------- QR


@torch_fn('geqrf', method=False)
def geqrf(*args):
    (ra, rtau), (a,), _, tt = _parse('geqrf', args, 2, 1)
    _mat(a, 'geqrf')
    m, n = a.size
    fac, tau = qr_raw(_host(a))
    return _write(_out(ra, a, m, n, tt), fac), _vector_out(rtau, tau, tt)


@torch_fn('orgqr', method=False)
def orgqr(*args):
    (ra,), (a, tau), _, tt = _parse('orgqr', args, 1, 2)
    _mat(a, 'orgqr')
    m, n = a.size
    k = tau.nelement()
    _argcheck(k <= n and k <= m, 2, 'orgqr', 'invalid number of reflectors')
    vals = np.array(_host(a), dtype=np.float64, copy=True)
    tv = _host(tau).reshape(-1).astype(np.float64)
    vals[:, :k] = householder_q(vals, tv, k)
    return _write(_out(ra, a, m, n, tt), vals)


@torch_fn('ormqr', method=False)
def ormqr(*args):
    (ra,), (a, tau, c), (side, trans), tt = _parse(
        'ormqr', args, 1, 3, (('LR', 'L'), ('NT', 'N')))
    _mat(a, 'ormqr')
    _argcheck(len(c.size) == 2, 3, 'ormqr', 'C should be 2 dimensional')
    m, n = c.size
    k = tau.nelement()
    order = m if side == 'L' else n
    _argcheck(a.size[0] == order and k <= a.size[1], 1, 'ormqr', 'reflectors and C size mismatch')
    r = householder_apply(_host(a).astype(np.float64), _host(tau).reshape(-1).astype(np.float64),
                          _host(c).astype(np.float64), side, trans)
    return _write(_out(ra, c, m, n, tt), r)


@torch_fn('qr', method=False)
def qr(*args):
    (rq, rr), (a,), _, tt = _parse('qr', args, 2, 1)
    _mat(a, 'qr')
    m, n = a.size
    k = min(m, n)
    fac, tau = qr_raw(_host(a))
    r = np.triu(fac[:k])
    rr = rr if rr is not None else T.empty(tt)
    T.resize(rr, (k, n))
    if rr.nelement():
        _put(rr.arr(), cast(r, tt))
    # Q: the first k columns of an m x n column-major block orgqr filled from geqrf's output
    if rq is None:
        rq = T.empty(tt)
    T.resize(rq, (m, k))
    block = np.array(fac, copy=True)
    block[:, :k] = householder_q(fac, tau, k)
    _write(_out(rq, None, m, n, tt), block)
    rq.size = (m, k)
    rq._sd = None
    T.geometry_changed()
    return rq, rr


# ----------------------------------------------------------------------------- eigen, SVD


@torch_fn('symeig', method=False)
def symeig(*args):
    (re, rv), (a,), (jobz, uplo), tt = _parse(
        'symeig', args, 2, 1, (('NV', 'N'), ('UL', 'U')))
    _square(a, 'symeig')
    av = _host(a)
    n = a.size[0]
    if jobz == 'V':
        e, v = np.linalg.eigh(av, UPLO=uplo) if n else (np.zeros(0), av.copy())
    else:
        e = np.linalg.eigvalsh(av, UPLO=uplo) if n else np.zeros(0)
        v = av                      # LAPACK leaves its workspace there; we leave A's values
    vout = _write(_out(rv, a, n, n, tt), v)
    return _vector_out(re, e, tt), vout


@torch_fn('eig', method=False)
def eig(*args):
    (re, rv), (a,), (jobvr,), tt = _parse('eig', args, 2, 1, (('NV', 'N'),))
    _mat(a, 'eig')
    _argcheck(a.size[0] == a.size[1], 1, 'eig', 'A should be square')
    av = _host(a)
    n = a.size[0]
    if rv is None:
        rv = T.empty(tt)
    if jobvr == 'V':
        w, v = np.linalg.eig(av)
        vr = np.empty((n, n), dtype=np.float64)
        j = 0
        while j < n:
            if np.iscomplexobj(w) and w[j].imag != 0 and j + 1 < n:
                vr[:, j] = v[:, j].real
                vr[:, j + 1] = v[:, j].imag
                j += 2
            else:
                vr[:, j] = np.real(v[:, j])
                j += 1
        T.resize(rv, (n, n))
        if not _is_transposed_contiguous(rv) and rv.is_contiguous():
            _transpose_inplace(rv)
        if n:
            _put(rv.arr(), cast(vr, tt))
    else:
        w = np.linalg.eigvals(av)
    ev = np.stack([np.real(w), np.imag(w)], axis=1) if n else np.zeros((0, 2))
    if re is None:
        re = T.empty(tt)
    return _vector_out(re, ev, tt), rv


@torch_fn('svd', method=False)
def svd(*args):
    (ru, rs, rv), (a,), (jobu,), tt = _parse('svd', args, 3, 1, (('AS', 'S'),))
    _mat(a, 'svd')
    m, n = a.size
    k = min(m, n)
    try:
        u, s, vh = np.linalg.svd(_host(a), full_matrices=jobu == 'A')
    except np.linalg.LinAlgError:
        raise TorchError(' Lapack Error gesvd : %d superdiagonals failed to converge.' % k)
    ucols = m if jobu == 'A' else k
    uout = _write(_out(ru, None, m, ucols, tt), u)
    sout = _vector_out(rs, s, tt)
    v = vh.T
    if rv is None:
        rv = T.empty(tt)
    T.resize(rv, v.shape)
    if v.size:
        _put(rv.arr(), cast(v, tt))
    return uout, sout, rv


__all__ = ['gesv', 'trtrs', 'gels', 'inverse', 'potrf', 'potrs', 'potri', 'pstrf', 'geqrf',
           'orgqr', 'ormqr', 'qr', 'symeig', 'eig', 'svd', 'lu_factor', 'tri_solve',
           'householder_q', 'householder_apply', 'pivoted_cholesky']
