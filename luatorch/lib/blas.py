"""BLAS-level maths of maths.md: dot, mv, mm, bmm, ger, addmv, addmm, addr, addbmm, baddbmm, cross.

Float and Double tensors on the host make TH's BLAS calls (thblas.py: THBlas_gemm/gemv/ger/dot
with THTensorMath's arguments: which operand is transposed or copied to a contiguous one, the
leading dimensions, beta == 0, res != t copying t first), so OpenBLAS gives Torch7's bits: its
depth blocks add into the result, gemv accumulates into y, ger fuses. Integer types compute in
int64 and wrap back to their type: TH's C loops are sums of products in the type, which wrap to
the same values whatever the order (dot wraps each contiguous run, as TH's per-run calls do).
Cuda tensors compute with numpy's (CuPy's) matmul in their dtype.
The optional scalars follow TH's cwrap positions: `torch.addmm([res,] [v1,] M, [v2,] m1, m2)`;
as a method the result is self (`M:addmm(m1, m2)`, `r:addmm(v1, v2, m1, m2)` with M = r).

Also the small helpers the other linear-algebra modules (linalg, conv, shape_ops) share.
"""
import numpy as np

from . import tensor as T
from . import thblas
from . import xp as _xp
from .errors import TorchError, invalid_args
from .registry import OPS, bad_args, torch_fn, torch_op
from .storage import cast
from .tensor import Tensor


# ----------------------------------------------------------------------------- shared helpers


def size_desc(t):
    """TH's size description of a tensor, e.g. '[2 x 3]'."""
    return '[' + ' x '.join(str(s) for s in t.size) + ']'


def invalid(name, args, expected):
    """cwrap's error for arguments that match no declared form of torch.NAME."""
    op = OPS.get(name)
    if op is not None and op.sigs:
        return bad_args(op, tuple(args))
    return invalid_args(args, expected)


def same_type(name, args):
    """All tensors of a call share one type (cwrap dispatches on the first); returns that type."""
    tt = None
    for a in args:
        if isinstance(a, Tensor):
            if tt is None:
                tt = a.ttype
            elif a.ttype is not tt:
                raise invalid(name, args, '')
    return tt


def check_dims(name, args, tensors, dims):
    """cwrap's `dim=` declarations: a tensor of another dimension matches no form."""
    for t, d in zip(tensors, dims):
        if len(t.size) != d:
            raise invalid(name, args, '')


def real(v, ttype):
    """A Lua number converted to the tensor type's C `real` (truncated for integer types)."""
    if ttype.is_float:
        return float(v)
    return int(cast(np.asarray(float(v)), ttype).astype(np.int64))


def values(t):
    """The tensor's values for computing: its dtype for floats, int64 for integer types."""
    a = t.arr()
    return a if t.ttype.is_float else a.astype(np.int64)


def store(res, ttype, vals):
    """Write computed values into res (resized as TH does) or into a new tensor; returns it."""
    if type(vals) is not np.ndarray:
        vals = _xp.asarray_any(vals)
    if res is None:
        res = T.empty(ttype, vals.shape if vals.size else ())
    else:
        T.resize(res, vals.shape if vals.size else ())
    if vals.size:
        res.arr()[...] = cast(vals, res.ttype)
    return res


# ----------------------------------------------------------------------------- dot


@torch_fn('dot')
def dot(a, b=None, *rest):
    args = (a, b) + rest
    if not (isinstance(a, Tensor) and isinstance(b, Tensor)) or rest:
        raise invalid('dot', args, '*Tensor* *Tensor*')
    same_type('dot', args)
    na, nb = a.nelement(), b.nelement()
    if na != nb:
        raise TorchError('inconsistent tensor size, expected tensor %s and src %s to have the same '
                         'number of elements, but got %d and %d elements respectively'
                         % (size_desc(a), size_desc(b), na, nb))
    if na == 0:
        return 0.0 if a.ttype.is_float else 0
    if a.ttype.cuda:
        x = a.arr().reshape(-1)
        y = b.arr().reshape(-1)
        if a.ttype.is_float:
            return float(np.dot(x, y))
        return int(np.dot(x, y).astype(a.ttype.dtype))
    # THTensor_(dot): one THBlas_(dot) per stretch where both tensors run on with one stride
    # (TH_TENSOR_APPLY2's innermost runs), each dot's value (in the type) summed into an accreal
    bounds, (sa, ia), (sb, ib) = _dot_chunks(a, b, na)
    if a.ttype.is_float:
        xa, xb = a.storage.data, b.storage.data
        total = 0.0
        for p, q, oa, ob in zip(bounds[:-1], bounds[1:], sa, sb):
            total += thblas.dot(int(q - p), xb[ob:], ib, xa[oa:], ia)
        return total
    # integer types: each run's sum of products wraps in the type, the runs add in a long
    prods = a.arr().reshape(-1).astype(np.int64) * b.arr().reshape(-1).astype(np.int64)
    runs = np.add.reduceat(prods, bounds[:-1]).astype(a.ttype.dtype).astype(np.int64)
    return int(np.sum(runs))


def _runs(t):
    """TH_TENSOR_APPLY's innermost runs of t: (run length, run stride, storage offsets of the
    runs' first elements in order)."""
    size, stride = t.size, t.stride
    n = 1
    contiguous = True
    for d in range(len(size) - 1, -1, -1):
        if size[d] != 1:
            if stride[d] == n:
                n *= size[d]
            else:
                contiguous = False
                break
    if contiguous:
        return t.nelement(), 1, np.array([t.offset], np.int64)
    sizes, strides = [size[-1]], [stride[-1]]
    for d in range(len(size) - 2, -1, -1):
        if stride[d] == stride[d + 1] * size[d + 1]:
            sizes[0] *= size[d]
        else:
            sizes.insert(0, size[d])
            strides.insert(0, stride[d])
    starts = np.array([t.offset], np.int64)
    for sz, st in zip(sizes[:-1], strides[:-1]):
        starts = (starts[:, None] + np.arange(sz, dtype=np.int64)[None, :] * st).reshape(-1)
    return sizes[-1], strides[-1], starts


def _dot_chunks(a, b, n):
    """The stretches of THTensor_(dot)'s calls: their bounds in element order (with n last),
    and per tensor the offsets of each stretch's first element and the stride."""
    la, ia, ra = _runs(a)
    lb, ib, rb = _runs(b)
    bounds = np.union1d(np.arange(0, n, la, dtype=np.int64), np.arange(0, n, lb, dtype=np.int64))
    sa = ra[bounds // la] + (bounds % la) * ia
    sb = rb[bounds // lb] + (bounds % lb) * ib
    return np.append(bounds, n), (sa, ia), (sb, ib)


# ----------------------------------------------------------------------------- products


def _scalars(res, srcs, name):
    """Split the sources of an add* op into (beta, t, alpha, x, y) with TH's defaults."""
    kinds = ''.join('t' if isinstance(s, Tensor) else 'n' for s in srcs)
    if kinds == 'ttt':
        beta, t, alpha, x, y = 1, srcs[0], 1, srcs[1], srcs[2]
    elif kinds == 'nttt':
        beta, t, alpha, x, y = srcs[0], srcs[1], 1, srcs[2], srcs[3]
    elif kinds == 'tntt':
        beta, t, alpha, x, y = 1, srcs[0], srcs[1], srcs[2], srcs[3]
    elif kinds == 'ntntt':
        beta, t, alpha, x, y = srcs
    elif kinds == 'nntt' and res is not None:
        # r:addmm(v1, v2, m1, m2): r = v1 * r + v2 * m1 * m2
        beta, t, alpha, x, y = srcs[0], res, srcs[1], srcs[2], srcs[3]
    else:
        raise invalid(name, srcs, '')
    args = ((res,) if res is not None else ()) + tuple(srcs)
    tt = same_type(name, args)
    return real(beta, tt), t, real(alpha, tt), x, y, tt


def _combine(res, beta, t, alpha, prod, tt):
    """res = beta * t + alpha * prod (prod is a fresh array), with TH's beta == 0 shortcut:
    t is then not read at all."""
    if res is None:
        res = T.empty(tt, t.size)
    elif res is not t:
        T.resize(res, t.size)
    if not prod.size:
        return res
    r = res.arr()
    if not tt.is_float:
        v = prod * alpha if alpha != 1 else prod
        if beta != 0:
            tv = t.arr().astype(np.int64)
            v = v + (tv if beta == 1 else tv * beta)
        r[...] = cast(v, tt)
        return res
    if alpha != 1:
        prod *= alpha
    if beta == 0:
        r[...] = prod
    elif res is t:
        if beta != 1:
            r *= beta
        r += prod
    else:
        if beta != 1:
            np.multiply(t.arr(), beta, out=r)
        else:
            r[...] = t.arr()
        r += prod
    return res



# ----------------------------------------------------------------------------- TH's BLAS calls
# (CPU Float/Double: THTensorMath's addmm/addmv/addr and the batch ops on thblas.py)


def _host_float(tt):
    return tt.is_float and not tt.cuda


def _p(t):
    """THTensor_(data)(t): t's storage from t's first element, as thblas takes a pointer."""
    return t.storage.data[t.offset:]


def _sel(t, i):
    """THTensor_(select)(t, 0, i)."""
    return Tensor(t.ttype, t.storage, t.offset + i * t.stride[0], t.size[1:], t.stride[1:])


def _col_major_clone(r):
    """TH's transpose / newClone / transpose: a copy of matrix r laid out column by column."""
    m, n = r.size
    c = T.empty(r.ttype, (n, m))
    c.arr()[...] = r.arr().T
    return Tensor(r.ttype, c.storage, 0, (m, n), (1, m))


def _start(res, t, tt, copy_t):
    """THTensorMath's `if (r_ != t) { resizeAs(r_, t); copy(r_, t) }` (the copy skipped where
    copy_t is false: addmm and the batch ops with beta 0); returns r_."""
    if res is None:
        res = T.empty(tt, t.size)
    elif res is t:
        return res
    else:
        T.resize_as(res, t)
    if copy_t:
        T.copy(res, t)
    return res


def _gemm_plan(r, m1, m2, force):
    """THTensor_(addmm)'s choice of layouts for r = beta r + alpha m1 m2: (rr, gemm arguments
    less alpha/beta), rr being r or its column-major copy. `force` takes TH's copying branch
    for every operand (used where OpenBLAS would refuse TH's leading dimensions)."""
    s0, s1 = r.stride
    if not force and s0 == 1 and s1 != 0:
        tr, rr = 'n', r
    elif not force and s1 == 1 and s0 != 0:
        tr, rr = 't', r
        m1, m2 = m2, m1
    else:
        tr, rr = 'n', _col_major_clone(r)
    d0, d1 = (0, 1) if tr == 'n' else (1, 0)
    ops = []
    for x in (m1, m2):
        if not force and x.stride[d0] == 1 and x.stride[d1] != 0:
            ops.append(('n', x, x.stride[d1]))
        elif not force and x.stride[d1] == 1 and x.stride[d0] != 0:
            ops.append(('t', x, x.stride[d0]))
        else:
            c = T.clone(x) if force else T.contiguous(x)
            tx = 't' if tr == 'n' else 'n'
            ops.append((tx, c, c.stride[d1] if tx == 'n' else c.stride[d0]))
    (ta, a, lda), (tb, b, ldb) = ops
    return rr, (ta, tb, rr.size[d0], rr.size[d1], a.size[d1], a, lda, b, ldb, rr.stride[d1])


def _gemm_into(r, beta, alpha, m1, m2):
    """THTensor_(addmm)(r, beta, r, alpha, m1, m2): one THBlas_(gemm) onto r."""
    rr, (ta, tb, m, n, k, a, lda, b, ldb, ldc) = _gemm_plan(r, m1, m2, False)
    if not thblas.gemm_ok(ta, tb, m, n, k, lda, ldb, ldc):
        # OpenBLAS would refuse these leading dimensions (TH: an error message, r unchanged):
        # compute the product through contiguous copies instead
        rr, (ta, tb, m, n, k, a, lda, b, ldb, ldc) = _gemm_plan(r, m1, m2, True)
    thblas.gemm(ta, tb, m, n, k, alpha, _p(a), lda, _p(b), ldb, beta, _p(rr), ldc)
    if rr is not r:
        T.copy(r, rr)


def _gemv_into(r, beta, alpha, mat, vec):
    """THTensor_(addmv)(r, beta, r, alpha, mat, vec): one THBlas_(gemv) onto r."""
    s0, s1 = mat.stride
    if s0 == 1:
        plan = ('n', mat.size[0], mat.size[1], mat, s1)
    elif s1 == 1:
        plan = ('t', mat.size[1], mat.size[0], mat, s0)
    else:
        c = T.contiguous(mat)
        plan = ('t', mat.size[1], mat.size[0], c, c.stride[0])
    tr, m, n, a, lda = plan
    if not thblas.gemv_ok(tr, m, n, lda, vec.stride[0], r.stride[0]):
        c = T.clone(mat)      # OpenBLAS would refuse lda (TH: an error message): a copy instead
        tr, m, n, a, lda = 't', mat.size[1], mat.size[0], c, c.stride[0]
    thblas.gemv(tr, m, n, alpha, _p(a), lda, _p(vec), vec.stride[0], beta, _p(r), r.stride[0])


def _ger_into(r, beta, alpha, v1, v2):
    """THTensor_(addr)(r, beta, r, alpha, v1, v2): r zeroed or scaled by beta, then one
    THBlas_(ger) onto r (or onto a contiguous copy of it)."""
    ra = r.arr()
    if beta == 0:
        ra[...] = 0
    elif beta != 1:
        np.multiply(ra, ra.dtype.type(beta), out=ra)
    # OpenBLAS refuses a zero increment (TH: an error message, nothing added): use a copy
    if v1.stride[0] == 0:
        v1 = T.clone(v1)
    if v2.stride[0] == 0:
        v2 = T.clone(v2)
    n1, n2, i1, i2 = v1.size[0], v2.size[0], v1.stride[0], v2.stride[0]
    s0, s1 = r.stride
    if s0 == 1 and thblas.ger_ok(n1, n2, i1, i2, s1):
        thblas.ger(n1, n2, alpha, _p(v1), i1, _p(v2), i2, _p(r), s1)
    elif s0 != 1 and s1 == 1 and thblas.ger_ok(n2, n1, i2, i1, s0):
        thblas.ger(n2, n1, alpha, _p(v2), i2, _p(v1), i1, _p(r), s0)
    else:
        c = T.clone(r)
        thblas.ger(n2, n1, alpha, _p(v2), i2, _p(v1), i1, _p(c), c.stride[0])
        T.copy(r, c)


_ADD_SIGS = ('ttt', 'nttt', 'tntt', 'ntntt', 'nntt')


@torch_op('addmv', *_ADD_SIGS)
def addmv(res, *srcs):
    beta, t, alpha, mat, vec, tt = _scalars(res, srcs, 'addmv')
    check_dims('addmv', srcs, (t, mat, vec), (1, 2, 1))
    return _addmv(res, beta, t, alpha, mat, vec, tt)


def _addmv(res, beta, t, alpha, mat, vec, tt):
    if len(mat.size) != 2 or len(vec.size) != 1:
        raise TorchError('matrix and vector expected, got %dD, %dD' % (len(mat.size), len(vec.size)))
    if mat.size[1] != vec.size[0]:
        raise TorchError('size mismatch, %s, %s' % (size_desc(mat), size_desc(vec)))
    if len(t.size) != 1:
        raise TorchError('vector expected, got t: %dD' % len(t.size))
    if t.size[0] != mat.size[0]:
        raise TorchError('size mismatch, t: %s, mat: %s' % (size_desc(t), size_desc(mat)))
    if _host_float(tt):
        res = _start(res, t, tt, True)
        _gemv_into(res, beta, alpha, mat, vec)
        return res
    return _combine(res, beta, t, alpha, np.dot(values(mat), values(vec)), tt)


@torch_op('addmm', *_ADD_SIGS)
def addmm(res, *srcs):
    beta, t, alpha, m1, m2, tt = _scalars(res, srcs, 'addmm')
    check_dims('addmm', srcs, (t, m1, m2), (2, 2, 2))
    return _addmm(res, beta, t, alpha, m1, m2, tt)


def _addmm(res, beta, t, alpha, m1, m2, tt):
    if len(m1.size) != 2 or len(m2.size) != 2:
        raise TorchError('matrices expected, got %dD, %dD tensors' % (len(m1.size), len(m2.size)))
    if m1.size[1] != m2.size[0]:
        raise TorchError('size mismatch, m1: %s, m2: %s' % (size_desc(m1), size_desc(m2)))
    if len(t.size) != 2:
        raise TorchError('matrix expected, got %dD tensor for t' % len(t.size))
    if t.size[0] != m1.size[0] or t.size[1] != m2.size[1]:
        raise TorchError('size mismatch, t: %s, m1: %s, m2: %s'
                         % (size_desc(t), size_desc(m1), size_desc(m2)))
    if _host_float(tt):
        res = _start(res, t, tt, beta != 0)
        _gemm_into(res, beta, alpha, m1, m2)
        return res
    return _combine(res, beta, t, alpha, np.matmul(values(m1), values(m2)), tt)


@torch_op('addr', *_ADD_SIGS)
def addr(res, *srcs):
    beta, t, alpha, v1, v2, tt = _scalars(res, srcs, 'addr')
    check_dims('addr', srcs, (t, v1, v2), (2, 1, 1))
    return _addr(res, beta, t, alpha, v1, v2, tt)


def _addr(res, beta, t, alpha, v1, v2, tt):
    if len(v1.size) != 1 or len(v2.size) != 1:
        raise TorchError('vector and vector expected, got %dD, %dD tensors' % (len(v1.size), len(v2.size)))
    if len(t.size) != 2:
        raise TorchError('expected matrix, got %dD tensor for t' % len(t.size))
    if t.size[0] != v1.size[0] or t.size[1] != v2.size[0]:
        raise TorchError('size mismatch, t: %s, vec1: %s, vec2: %s'
                         % (size_desc(t), size_desc(v1), size_desc(v2)))
    if _host_float(tt):
        res = _start(res, t, tt, True)
        _ger_into(res, beta, alpha, v1, v2)
        return res
    return _combine(res, beta, t, alpha, np.multiply.outer(values(v1), values(v2)), tt)


def _check_batches(b1, b2, name):
    if len(b1.size) != 3:
        raise TorchError("bad argument #1 to '%s' (expected 3D tensor, got %dD)" % (name, len(b1.size)))
    if len(b2.size) != 3:
        raise TorchError("bad argument #2 to '%s' (expected 3D tensor, got %dD)" % (name, len(b2.size)))
    if b1.size[0] != b2.size[0]:
        raise TorchError("bad argument #2 to '%s' (equal number of batches expected, got %d, %d)"
                         % (name, b1.size[0], b2.size[0]))
    if b1.size[2] != b2.size[1]:
        raise TorchError("bad argument #2 to '%s' (wrong matrix size, batch1: %dx%d, batch2: %dx%d)"
                         % (name, b1.size[1], b1.size[2], b2.size[1], b2.size[2]))


@torch_op('addbmm', *_ADD_SIGS)
def addbmm(res, *srcs):
    beta, t, alpha, b1, b2, tt = _scalars(res, srcs, 'addbmm')
    check_dims('addbmm', srcs, (t, b1, b2), (2, 3, 3))
    _check_batches(b1, b2, 'addbmm')
    if t.size[0] != b1.size[1] or t.size[1] != b2.size[2]:
        raise TorchError("bad argument #1 to 'addbmm' (output tensor of incorrect size)")
    nb, n, m = b1.size
    p = b2.size[2]
    if _host_float(tt) and nb:
        # THTensor_(addbmm): addmm onto the result per batch, beta on the first only
        res = _start(res, t, tt, beta != 0)
        for i in range(nb):
            _gemm_into(res, beta if i == 0 else 1, alpha, _sel(b1, i), _sel(b2, i))
        return res
    if nb == 0:
        return _combine(res, 1, t, 1, t.ttype.xp.zeros((n, p), values(t).dtype), tt)
    # sum over the batch of b1[i] * b2[i] is one matrix product of the batches laid side by side
    x = values(b1).transpose(1, 0, 2).reshape(n, nb * m)
    y = values(b2).reshape(nb * m, p)
    return _combine(res, beta, t, alpha, np.matmul(x, y), tt)


@torch_op('baddbmm', *_ADD_SIGS)
def baddbmm(res, *srcs):
    beta, t, alpha, b1, b2, tt = _scalars(res, srcs, 'baddbmm')
    check_dims('baddbmm', srcs, (t, b1, b2), (3, 3, 3))
    return _baddbmm(res, beta, t, alpha, b1, b2, tt)


def _baddbmm(res, beta, t, alpha, b1, b2, tt):
    _check_batches(b1, b2, 'baddbmm')
    if t.size != (b1.size[0], b1.size[1], b2.size[2]):
        raise TorchError("bad argument #1 to 'baddbmm' (output tensor of incorrect size)")
    if _host_float(tt):
        # THTensor_(baddbmm): addmm per batch onto the result's matrices, beta on each
        res = _start(res, t, tt, beta != 0)
        for i in range(b1.size[0]):
            _gemm_into(_sel(res, i), beta, alpha, _sel(b1, i), _sel(b2, i))
        return res
    return _combine(res, beta, t, alpha, np.matmul(values(b1), values(b2)), tt)


# mv, mm, bmm, ger: the add* ops with beta = 0 on a result of the right size (M:mm(x, y) -> M)


def _plain(name, res, a, b, dims):
    args = ((res,) if res is not None else ()) + (a, b)
    tt = same_type(name, args)
    check_dims(name, args, (a, b), dims)
    return tt


def _zeroed(res, tt, size):
    """cwrap's result of mv/mm/bmm/ger: res (or a new tensor) resized to size and zeroed; the
    op is then addmv/addmm/baddbmm/addr(res, 0, res, 1, ...)."""
    if res is None:
        return T.empty(tt, size)
    T.resize(res, size)
    res.arr()[...] = 0
    return res


@torch_op('mv', 'tt')
def mv(res, mat, vec):
    tt = _plain('mv', res, mat, vec, (2, 1))
    if mat.size[1] != vec.size[0]:
        raise TorchError('size mismatch, %s, %s' % (size_desc(mat), size_desc(vec)))
    if _host_float(tt):
        res = _zeroed(res, tt, (mat.size[0],))
        _gemv_into(res, 0, 1, mat, vec)
        return res
    return store(res, tt, np.dot(values(mat), values(vec)))


@torch_op('mm', 'tt')
def mm(res, m1, m2):
    tt = _plain('mm', res, m1, m2, (2, 2))
    if m1.size[1] != m2.size[0]:
        raise TorchError('size mismatch, m1: %s, m2: %s' % (size_desc(m1), size_desc(m2)))
    if _host_float(tt):
        res = _zeroed(res, tt, (m1.size[0], m2.size[1]))
        _gemm_into(res, 0, 1, m1, m2)
        return res
    return store(res, tt, np.matmul(values(m1), values(m2)))


@torch_op('bmm', 'tt')
def bmm(res, b1, b2):
    tt = _plain('bmm', res, b1, b2, (3, 3))
    _check_batches(b1, b2, 'bmm')
    if _host_float(tt):
        res = _zeroed(res, tt, (b1.size[0], b1.size[1], b2.size[2]))
        for i in range(b1.size[0]):
            _gemm_into(_sel(res, i), 0, 1, _sel(b1, i), _sel(b2, i))
        return res
    return store(res, tt, np.matmul(values(b1), values(b2)))


@torch_op('ger', 'tt')
def ger(res, v1, v2):
    tt = _plain('ger', res, v1, v2, (1, 1))
    if _host_float(tt):
        res = _zeroed(res, tt, (v1.size[0], v2.size[0]))
        _ger_into(res, 0, 1, v1, v2)
        return res
    return store(res, tt, np.multiply.outer(values(v1), values(v2)))


def matmul_operator(a, b):
    """The `*` operator between two tensors (TensorOperator.c's __mul__): dot, mv or mm."""
    da, db = len(a.size), len(b.size)
    if a.ttype is not b.ttype:
        raise TorchError('expecting two tensors of the same type')
    if da == 1 and db == 1:
        return dot(a, b)
    if da == 2 and db == 1:
        return mv(None, a, b)
    if da == 2 and db == 2:
        return mm(None, a, b)
    raise TorchError('multiplication between %dD and %dD tensors not yet supported' % (da, db))


# ----------------------------------------------------------------------------- cross


@torch_op('cross', 'tt', 'ttn', inplace=False)
def cross(res, a, b, dim=0):
    args = ((res,) if res is not None else ()) + (a, b, dim)
    tt = same_type('cross', args)
    if len(a.size) != len(b.size):
        raise TorchError('inconsistent tensor dimension %dD, %dD' % (len(a.size), len(b.size)))
    if a.size != b.size:
        raise TorchError('inconsistent tensor sizes %s, %s' % (size_desc(a), size_desc(b)))
    d = int(dim) - 1
    if d < 0:
        for i, s in enumerate(a.size):
            if s == 3:
                d = i
                break
        else:
            raise TorchError('no dimension of size 3 in a: %s' % size_desc(a))
    if not 0 <= d < len(a.size):
        raise TorchError("bad argument #3 to 'cross' (dimension %d out of range)" % (d + 1))
    if a.size[d] != 3:
        raise TorchError("bad argument #3 to 'cross' (dimension %d does not have size 3)" % (d + 1))
    x = np.moveaxis(values(a), d, 0)
    y = np.moveaxis(values(b), d, 0)
    r = np.stack([x[1] * y[2] - x[2] * y[1],
                  x[2] * y[0] - x[0] * y[2],
                  x[0] * y[1] - x[1] * y[0]])
    r = np.moveaxis(r, 0, d)
    if res is None:
        res = T.empty(tt, a.size)
    else:
        T.resize(res, a.size)
    res.arr()[...] = cast(r, tt)
    return res
