"""BLAS-level maths of maths.md: dot, mv, mm, bmm, ger, addmv, addmm, addr, addbmm, baddbmm, cross.

Every op is written once for all types: float types compute in their own dtype (np.dot/np.matmul
reach sgemm/dgemm), integer types compute in int64 and wrap back to their type, as TH's C loops
do. The optional scalars follow TH's cwrap positions: `torch.addmm([res,] [v1,] M, [v2,] m1, m2)`;
as a method the result is self (`M:addmm(m1, m2)`, `r:addmm(v1, v2, m1, m2)` with M = r).

Also the small helpers the other linear-algebra modules (linalg, conv, shape_ops) share.
"""
import numpy as np

from . import tensor as T
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
    x = a.arr().reshape(-1)
    y = b.arr().reshape(-1)
    if a.ttype.is_float:
        return float(np.dot(x, y))
    # TH sums a contiguous run in the type itself (wrapping), then into a long
    return int(np.dot(x, y).astype(a.ttype.dtype))


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
    return _combine(res, beta, t, alpha, np.matmul(values(b1), values(b2)), tt)


# mv, mm, bmm, ger: the add* ops with beta = 0 on a result of the right size (M:mm(x, y) -> M)


def _plain(name, res, a, b, dims):
    args = ((res,) if res is not None else ()) + (a, b)
    tt = same_type(name, args)
    check_dims(name, args, (a, b), dims)
    return tt


@torch_op('mv', 'tt')
def mv(res, mat, vec):
    tt = _plain('mv', res, mat, vec, (2, 1))
    if mat.size[1] != vec.size[0]:
        raise TorchError('size mismatch, %s, %s' % (size_desc(mat), size_desc(vec)))
    return store(res, tt, np.dot(values(mat), values(vec)))


@torch_op('mm', 'tt')
def mm(res, m1, m2):
    tt = _plain('mm', res, m1, m2, (2, 2))
    if m1.size[1] != m2.size[0]:
        raise TorchError('size mismatch, m1: %s, m2: %s' % (size_desc(m1), size_desc(m2)))
    return store(res, tt, np.matmul(values(m1), values(m2)))


@torch_op('bmm', 'tt')
def bmm(res, b1, b2):
    tt = _plain('bmm', res, b1, b2, (3, 3))
    _check_batches(b1, b2, 'bmm')
    return store(res, tt, np.matmul(values(b1), values(b2)))


@torch_op('ger', 'tt')
def ger(res, v1, v2):
    tt = _plain('ger', res, v1, v2, (1, 1))
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
