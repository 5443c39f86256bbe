"""Building tensors from pieces (maths.md "Construction or extraction"): cat, diag, tril, triu,
and Tensor.lua's repeatTensor, split, chunk."""
import math

import numpy as np

from . import tensor as T
from .blas import invalid, same_type, store
from .errors import TorchError
from .registry import torch_fn, torch_op
from .storage import Storage, cast
from .tensor import Tensor


# ----------------------------------------------------------------------------- cat


def cat_tensors(res, inputs, dim=None, args=()):
    """TH's catArray: `dim` is Torch's 1-based dimension, None/-1 = the largest last dimension."""
    if not inputs:
        raise TorchError("bad argument #3 to 'cat' (invalid number of inputs 0)")
    for x in inputs:
        if not isinstance(x, Tensor):
            raise invalid('cat', args or inputs, '')
    tt = same_type('cat', ((res,) if res is not None else ()) + tuple(inputs))
    d = -2 if dim is None else int(dim) - 1          # C's 0-based dimension
    max_dim = max([d + 1] + [len(x.size) for x in inputs])
    cat_dim = (max_dim - 1 if max_dim else 0) if d == -2 else d
    if cat_dim < 0:
        raise TorchError("bad argument #4 to 'cat' (invalid dimension %d)" % (d + 1))

    def dsize(x, i):
        return x.size[i] if i < len(x.size) else min(len(x.size), 1)

    size = []
    for i in range(max_dim):
        s = dsize(inputs[0], i)
        if i == cat_dim:
            s += sum(dsize(x, i) for x in inputs[1:])
        else:
            for x in inputs[1:]:
                sz = dsize(x, i)
                if s != sz and s and sz:
                    raise TorchError('inconsistent tensor sizes')
                if not s:
                    s = sz
        size.append(s)
    if not any(size):
        return res if res is not None else T.empty(tt)   # only empty inputs: result untouched
    if res is None:
        res = T.empty(tt, size)
        out = res.arr()
    elif any(x.storage is res.storage for x in inputs):
        out = np.empty(size, tt.dtype)             # the result is also an input: copy via a buffer
    else:
        T.resize(res, size)
        out = res.arr()
    off = 0
    for x in inputs:
        if x.size:
            n = x.size[cat_dim] if cat_dim < len(x.size) else 1
            sl = [slice(None)] * max_dim
            sl[cat_dim] = slice(off, off + n)
            part = out[tuple(sl)]
            src = x.arr()
            part[...] = src if src.shape == part.shape else src.reshape(part.shape)
            off += n
    if out is not res.arr():
        store(res, tt, out)
    return res


@torch_op('cat', 'tt', 'ttn', 'x', 'xn', inplace=False)
def cat(res, a, b=None, dim=None):
    if isinstance(a, Tensor):
        if not isinstance(b, Tensor):
            raise invalid('cat', (a, b), '')
        return cat_tensors(res, [a, b], dim, (a, b))
    if isinstance(a, dict):
        a = [a[k] for k in sorted(k for k in a if isinstance(k, int))]
    if not isinstance(a, list) or (b is not None and not isinstance(b, (int, float))):
        raise invalid('cat', (a, b) if b is not None else (a,), '')
    if dim is None:
        dim = b
    return cat_tensors(res, a, dim, (a,))


# ----------------------------------------------------------------------------- diag, tril, triu


@torch_op('diag', 't', 'tn', inplace=False)
def diag(res, t, k=0):
    tt = same_type('diag', ((res,) if res is not None else ()) + (t,))
    k = int(k)
    if len(t.size) == 1:
        return store(res, tt, np.diag(t.arr(), k))
    if len(t.size) == 2:
        r, c = t.size
        sz = min(r, c - k) if k >= 0 else min(r + k, c)
        if sz <= 0:
            return store(res, tt, np.zeros(0, tt.dtype))
        return store(res, tt, np.diagonal(t.arr(), k).copy())
    raise TorchError("bad argument #1 to 'diag' (matrix or a vector expected)")


def _triangle(name, res, t, k, keep):
    tt = same_type(name, ((res,) if res is not None else ()) + (t,))
    if len(t.size) != 2:
        raise TorchError("bad argument #1 to '%s' (expected a matrix)" % name)
    return store(res, tt, keep(t.arr(), int(k)))


@torch_op('tril', 't', 'tn', inplace=False)
def tril(res, t, k=0):
    return _triangle('tril', res, t, k, np.tril)


@torch_op('triu', 't', 'tn', inplace=False)
def triu(res, t, k=0):
    return _triangle('triu', res, t, k, np.triu)


# ----------------------------------------------------------------------------- repeatTensor


@torch_fn('repeatTensor')
def repeat_tensor(result, tensor=None, *sizes):
    """Tensor.lua's repeatTensor([result,] tensor, sizes...): tiles tensor into result."""
    if not isinstance(tensor, Tensor):
        # repeatTensor(tensor, sizes...): a new result
        sizes = ((tensor,) if tensor is not None else ()) + sizes
        tensor, result = result, None
    if not isinstance(tensor, Tensor):
        raise TorchError("bad argument #1 to 'repeatTensor' (torch.*Tensor expected)")
    if sizes and isinstance(sizes[0], Storage):
        reps = tuple(int(v) for v in sizes[0].data)
    else:
        reps = T.parse_sizes(sizes, 'repeatTensor')
    nd = len(tensor.size)
    if len(reps) < nd:
        raise TorchError('Number of dimensions of repeat dims can not be smaller than number of '
                         'dimensions of tensor')
    xsize = (1,) * (len(reps) - nd) + tensor.size
    size = tuple(a * b for a, b in zip(xsize, reps))
    if result is None:
        result = T.empty(tensor.ttype)
    else:
        same_type('repeatTensor', (result, tensor))
    if not tensor.size or not all(size):
        T.resize(result, size if all(size) else ())
        return result
    out = np.tile(tensor.arr().reshape(xsize), reps)
    T.resize(result, size)
    result.arr()[...] = cast(out, result.ttype)
    return result


# ----------------------------------------------------------------------------- split, chunk


def _split_args(result, tensor, a, dim):
    """Tensor.lua's ([result,] tensor, n [, dim]) -> (tensor, n, 0-based dim)."""
    if isinstance(result, Tensor):
        result, tensor, a, dim = None, result, tensor, a
    if not isinstance(tensor, Tensor) or not isinstance(a, (int, float)):
        raise TorchError('bad argument #1 (torch.*Tensor and number expected)')
    d = 1 if dim is None else int(dim)
    if not 1 <= d <= len(tensor.size):
        raise TorchError("bad argument #1 to 'size' (dimension %d out of range of %dD tensor)"
                         % (d, len(tensor.size)))
    return tensor, a, d


def _split(tensor, size, d):
    out, start, n = [], 1, tensor.size[d - 1]
    while start <= n:
        k = int(min(size, n - start + 1))
        out.append(T.narrow(tensor, d, start, k))
        start += k
    return out


@torch_fn('split')
def split(result, tensor=None, split_size=None, dim=None):
    """torch.split([result,] tensor, size [, dim]): a table of narrowed views along dim.
    (Given a result table, a new table is returned: the binding cannot refill the Lua one.)"""
    tensor, size, d = _split_args(result, tensor, split_size, dim)
    if size <= 0:
        raise TorchError('split size must be positive')
    return _split(tensor, size, d)


@torch_fn('chunk')
def chunk(result, tensor=None, n_chunk=None, dim=None):
    """torch.chunk([result,] tensor, n [, dim]): split into pieces of ceil(size / n)."""
    tensor, n, d = _split_args(result, tensor, n_chunk, dim)
    size = math.ceil(tensor.size[d - 1] / n)
    if size <= 0:
        raise TorchError('chunk count must be positive')
    return _split(tensor, size, d)


__all__ = ['cat', 'cat_tensors', 'diag', 'tril', 'triu', 'repeat_tensor', 'split', 'chunk']
