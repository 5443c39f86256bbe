"""torch.*Tensor: TH's model of a storage + offset + size + stride, with numpy views.

A Tensor never owns memory: it views `storage.data`. `arr()` gives the numpy view with the
tensor's geometry (cached; rebuilt if the storage was reallocated). A tensor of dimension 0 is
Torch's empty tensor (no elements), shown to numpy as an array of shape (0,).
"""
import numpy as np

from . import types
from . import xp as _xp
from .errors import TorchError, argcheck, check
from .storage import EPOCH, Storage, cast


class Tensor:
    __slots__ = ('storage', 'offset', 'size', 'stride', 'ttype', '_a', '_sd', '__weakref__')

    def __init__(self, ttype, storage, offset=0, size=(), stride=()):
        self.ttype = ttype
        self.storage = storage
        self.offset = offset
        self.size = size
        self.stride = stride
        self._a = None
        self._sd = None

    def arr(self):
        """The numpy view of this tensor (shares memory with the storage)."""
        st = self.storage
        sd = st.data if st._watch is None else st.touched(self)   # (deferred.Watched)
        if self._sd is sd:
            return self._a
        if not self.size:
            a = sd[:0]
        else:
            it = sd.itemsize
            if type(sd) is np.ndarray:
                a = np.ndarray(self.size, sd.dtype, sd, self.offset * it, tuple(s * it for s in self.stride))
            else:   # a device buffer (xp.py): a view of the same module
                a = _xp.strided_view(sd, self.offset * it, self.size, tuple(s * it for s in self.stride))
        self._a = a
        self._sd = sd
        return a

    def set_arr_cache(self, a):
        self._a = a
        self._sd = self.storage.data
        return self

    def dim(self):
        return len(self.size)

    def nelement(self):
        n = 1
        for s in self.size:
            n *= s
        return n if self.size else 0

    def is_contiguous(self):
        expected = 1
        for sz, st in zip(reversed(self.size), reversed(self.stride)):
            if sz != 1:
                if st != expected:
                    return False
                expected *= sz
        return True

    def __repr__(self):
        return '<%s of size %s>' % (self.ttype.tensor_name, 'x'.join(map(str, self.size)))

    def __array__(self, dtype=None, copy=None):
        a = self.arr()
        return a if dtype is None else a.astype(dtype)


def contiguous_strides(size):
    st = []
    acc = 1
    for s in reversed(size):
        st.append(acc)
        acc *= s
    return tuple(reversed(st))


def empty(ttype, size=()):
    size = tuple(int(s) for s in size)
    n = 1
    for s in size:
        n *= s
    return Tensor(ttype, Storage(ttype, n if size else 0), 0, size, contiguous_strides(size))


def from_array(a, ttype=None, copy=True):
    """A tensor holding the values of numpy array `a` (copied, or shared when copy=False).
    A device array (xp.py) works alike; values cross between host and device when `a` is not
    of ttype's array module."""
    if type(a) is not np.ndarray:
        a = _xp.asarray_any(a)
    if ttype is None:
        ttype = types.BY_DTYPE.get(a.dtype) or types.default()
    m = _xp.module_of(a)
    if m is not ttype.xp:
        m = ttype.xp
        a = _xp.to_module(a, m)
    if copy or a.dtype != ttype.dtype:
        a = m.ascontiguousarray(cast(a, ttype))
        if a.base is not None or copy:
            a = a.copy()
    if a.ndim == 0:
        a = a.reshape(1)
    if a.size == 0:
        return empty(ttype)
    it = a.itemsize
    if any(s < 0 or s % it for s in a.strides):
        a = a.copy()
    # find the flat buffer spanning the array: a 1-D view from its first element
    span = 1 + sum((n - 1) * s // it for n, s in zip(a.shape, a.strides))
    flat = np.ndarray((span,), a.dtype, a, 0, (it,)) if m is np else _xp.strided_view(a, 0, (span,), (it,))
    t = Tensor(ttype, Storage(ttype, data=flat), 0, tuple(a.shape), tuple(s // it for s in a.strides))
    return t.set_arr_cache(a)


# ----------------------------------------------------------------------------- sizes


def parse_sizes(args, fname='resize'):
    """Sizes given as numbers, a LongStorage, or a sequence -> tuple of ints."""
    if len(args) == 1 and isinstance(args[0], Storage):
        return tuple(int(v) for v in args[0].data)
    if len(args) == 1 and isinstance(args[0], (list, tuple)):
        return tuple(int(v) for v in args[0])
    out = []
    for i, a in enumerate(args):
        if a is None:
            break
        if not isinstance(a, (int, float)):
            raise TorchError("bad argument #%d to '%s' (number expected)" % (i + 1, fname))
        out.append(int(a))
    return tuple(out)


def _nel(size):
    n = 1
    for s in size:
        n *= s
    return n if size else 0


# ----------------------------------------------------------------------------- geometry


# EPOCH (storage.py) is bumped whenever an existing tensor's geometry (size, stride, offset,
# storage) changes in place or a storage's buffer is replaced: the Lua binding caches geometry
# and buffer addresses (lua/torch/Tensor.lua) and reads it to know when they are stale. Never
# assign those fields of a tensor that may already be in use without calling
# geometry_changed() (resize and set_ do).


def geometry_changed():
    EPOCH[0] += 1


def resize(t, size, stride=None):
    """Resize in place as TH's resizeNd: the sizes up to the first one <= 0 are kept (none: the
    empty tensor); nothing changes when they equal t's (and the given strides, if any, t's), so
    a non-contiguous tensor keeps its strides; otherwise strides are the given ones (those >= 0)
    or contiguous, and the storage grows if needed."""
    size = tuple(int(s) for s in size)
    nd = 0
    while nd < len(size) and size[nd] > 0:
        nd += 1
    size = size[:nd]
    if stride is not None:
        stride = tuple(int(s) for s in stride)
        if len(stride) < nd:
            stride = None
    if len(t.size) == nd and t.size == size and (
            stride is None or all(stride[d] < 0 or stride[d] == t.stride[d] for d in range(nd))):
        return t
    st = [0] * nd
    for d in range(nd - 1, -1, -1):
        if stride is not None and stride[d] >= 0:
            st[d] = stride[d]
        else:
            st[d] = 1 if d == nd - 1 else size[d + 1] * st[d + 1]
    st = tuple(st)
    if nd:
        need = t.offset + 1 + sum((n - 1) * s for n, s in zip(size, st))
        if t.storage is None:
            t.storage = Storage(t.ttype, 0)
        if need > t.storage.size():
            t.storage.resize(need)
    t.size = size
    t.stride = st
    t._sd = None
    EPOCH[0] += 1
    return t


def resize_as(t, src):
    if t.size != src.size:
        resize(t, src.size)
    return t


def set_(t, src=None, offset=0, size=None, stride=None):
    """t:set(tensor) or t:set(storage, offset, size, stride)."""
    if src is None:
        t.storage = Storage(t.ttype, 0)
        t.offset, t.size, t.stride = 0, (), ()
    elif isinstance(src, Tensor):
        t.storage, t.offset, t.size, t.stride = src.storage, src.offset, src.size, src.stride
    else:
        t.storage = src
        t.offset = int(offset)
        if size is None:
            size = (src.size() - t.offset,) if src.size() - t.offset > 0 else ()
        t.size = tuple(int(s) for s in size)
        t.stride = tuple(int(s) for s in stride) if stride is not None else contiguous_strides(t.size)
        if t.size and t.offset + 1 + sum((n - 1) * s for n, s in zip(t.size, t.stride)) > src.size():
            raise TorchError('Storage size is too small for the requested tensor geometry')
    t._sd = None
    EPOCH[0] += 1
    return t


def view_of(t, offset, size, stride):
    return Tensor(t.ttype, t.storage, offset, tuple(size), tuple(stride))


def _dim(t, d, fname, argn=1):
    """Torch's 1-based dimension -> 0-based, with Torch's range error."""
    d = int(d)
    if not 1 <= d <= len(t.size):
        raise TorchError("bad argument #%d to '%s' (dimension %d out of range of %dD tensor)"
                         % (argn, fname, d, len(t.size)))
    return d - 1


def select(t, dim, index):
    d = _dim(t, dim, 'select')
    i = int(index)
    n = t.size[d]
    if i < 0:
        i += n + 1
    if not 1 <= i <= n:
        raise TorchError("bad argument #2 to 'select' (out of range)")
    size = t.size[:d] + t.size[d + 1:]
    stride = t.stride[:d] + t.stride[d + 1:]
    return Tensor(t.ttype, t.storage, t.offset + (i - 1) * t.stride[d], size, stride)


def narrow(t, dim, first, n):
    d = _dim(t, dim, 'narrow')
    first, n = int(first), int(n)
    if first < 0:
        first += t.size[d] + 1
    if not (1 <= first and n > 0 and first - 1 + n <= t.size[d]):
        raise TorchError("bad argument #3 to 'narrow' (out of range)")
    size = list(t.size)
    size[d] = n
    return Tensor(t.ttype, t.storage, t.offset + (first - 1) * t.stride[d], tuple(size), t.stride)


def sub(t, *bounds):
    """t:sub(d1s, d1e [, d2s, d2e ...]) with negative bounds counted from the end."""
    r = t
    for k in range(0, len(bounds), 2):
        d = k // 2
        if d >= len(t.size):
            raise TorchError("bad argument #%d to 'sub' (out of range)" % (k + 1))
        s, e = int(bounds[k]), int(bounds[k + 1])
        n = t.size[d]
        if s < 0:
            s += n + 1
        if e < 0:
            e += n + 1
        if not (1 <= s <= n):
            raise TorchError("bad argument #%d to 'sub' (out of range)" % (k + 1))
        if not (s <= e <= n):
            raise TorchError("bad argument #%d to 'sub' (end smaller than beginning)" % (k + 2)
                             if e < s else "bad argument #%d to 'sub' (out of range)" % (k + 2))
        r = narrow(r, d + 1, s, e - s + 1)
    return r


def transpose(t, d1=None, d2=None):
    if d1 is None:
        check(len(t.size) <= 2, 't() expects a 2D tensor, but self is %dD' % len(t.size))
        if len(t.size) < 2:
            return Tensor(t.ttype, t.storage, t.offset, t.size, t.stride)
        d1, d2 = 1, 2
    a, b = _dim(t, d1, 'transpose'), _dim(t, d2, 'transpose', 2)
    size, stride = list(t.size), list(t.stride)
    size[a], size[b] = size[b], size[a]
    stride[a], stride[b] = stride[b], stride[a]
    return Tensor(t.ttype, t.storage, t.offset, tuple(size), tuple(stride))


def permute(t, *dims):
    dims = [int(d) - 1 for d in dims]
    check(sorted(dims) == list(range(len(t.size))), 'Invalid permutation')
    return Tensor(t.ttype, t.storage, t.offset, tuple(t.size[d] for d in dims),
                  tuple(t.stride[d] for d in dims))


def unfold(t, dim, size, step):
    d = int(dim) - 1 if t.size else 0
    size, step = int(size), int(step)
    check(len(t.size) == 0 or 0 <= d < len(t.size), 'out of range')
    n = t.size[d] if t.size else 1
    check(size <= n, 'size out of range')
    check(step > 0, 'invalid step')
    nsize = list(t.size) + [size]
    nstride = list(t.stride) + [t.stride[d] if t.size else 1]
    if t.size:
        nsize[d] = (n - size) // step + 1
        nstride[d] = step * t.stride[d]
    return Tensor(t.ttype, t.storage, t.offset, tuple(nsize), tuple(nstride))


def expand(t, size):
    size = tuple(int(s) for s in size)
    check(len(size) >= len(t.size), 'the number of dimensions provided must be greater or equal '
          'tensor.dim()')
    extra = len(size) - len(t.size)
    osize = (1,) * extra + t.size
    ostride = (0,) * extra + t.stride
    nstride = []
    for i, (ns, os_, st) in enumerate(zip(size, osize, ostride)):
        if os_ == ns:
            nstride.append(st)
        elif os_ == 1:
            nstride.append(0)
        else:
            raise TorchError('incorrect size: only supporting singleton expansion (size=1)')
    return Tensor(t.ttype, t.storage, t.offset, size, tuple(nstride))


def squeeze(t, dim=None):
    if dim is None:
        keep = [i for i, s in enumerate(t.size) if s != 1]
        if not keep and t.size:
            # squeezing a tensor of one element gives a 1-element 1-D tensor in TH
            return Tensor(t.ttype, t.storage, t.offset, (1,), (1,))
    else:
        d = _dim(t, dim, 'squeeze')
        keep = [i for i in range(len(t.size)) if i != d or t.size[i] != 1 or len(t.size) == 1]
    return Tensor(t.ttype, t.storage, t.offset, tuple(t.size[i] for i in keep),
                  tuple(t.stride[i] for i in keep))


def unsqueeze(t, dim):
    d = int(dim) - 1
    check(0 <= d <= len(t.size), 'dimension out of range')
    st = t.size[d] * t.stride[d] if d < len(t.size) else 1
    return Tensor(t.ttype, t.storage, t.offset, t.size[:d] + (1,) + t.size[d:],
                  t.stride[:d] + (st,) + t.stride[d:])


def infer_size(t, size, fname='view'):
    size = list(size)
    n = t.nelement()
    if size.count(-1) > 1:
        raise TorchError('only one dimension can be inferred')
    if -1 in size:
        k = size.index(-1)
        rest = _nel([s for s in size if s != -1]) if len(size) > 1 else 1
        check(rest > 0 and n % rest == 0, 'size mismatch')
        size[k] = n // rest
    if _nel(size) != n:
        raise TorchError('size mismatch, %d vs %d' % (_nel(size), n) if fname != 'view'
                         else "bad argument #2 to 'view' (size mismatch)")
    return tuple(size)


def view(t, size):
    check(t.is_contiguous(), "bad argument #1 to 'view' (input is not contiguous)")
    size = infer_size(t, size)
    return Tensor(t.ttype, t.storage, t.offset, size, contiguous_strides(size))


# ----------------------------------------------------------------------------- copies


def contiguous(t):
    """A contiguous tensor: t itself when already contiguous, else a copy."""
    if t.is_contiguous():
        return t
    return clone(t)


# unsigned integer dtype of each element size (the bits of any element type)
_BITS = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}


def put(d, s):
    """d[...] = s for host arrays of one dtype and shape, bit for bit. Done as a ufunc on the
    elements' bits rather than numpy's plain copy: that is memcpy, which glibc runs as
    `rep movsb` past a few KB, ~15x slower on AMD CPUs when the destination lies a few bytes
    (mod 4096) after the source, as numpy's allocations often place them."""
    u = _BITS.get(d.itemsize)
    if (u is None or d.size < 512 or type(d) is not np.ndarray or type(s) is not np.ndarray
            or not (d.flags.c_contiguous and s.flags.c_contiguous)):
        d[...] = s     # (numpy copies strided arrays with its own loops, not memcpy)
    else:
        np.positive(s.view(u), out=d.view(u))


def clone(t):
    r = empty(t.ttype, t.size)
    if t.size:
        put(r.arr(), t.arr())
    return r


def copy(dst, src):
    """dst:copy(src): any types, same number of elements, row-major order."""
    check(dst.nelement() == src.nelement(), 'inconsistent tensor size')
    if not dst.size:
        return dst
    s = src.arr()
    d = dst.arr()
    if s.shape != d.shape:
        s = s.reshape(-1) if s.flags.c_contiguous or True else s
        s = np.reshape(s, d.shape)
    if s.dtype != d.dtype:
        s = cast(s, dst.ttype)
    if type(s) is not type(d):   # host <-> device (xp.py)
        s = _xp.to_module(s, _xp.module_of(d))
    if np.shares_memory(d, s) and d.shape != s.shape:
        s = s.copy()
    if s.dtype == d.dtype:
        put(d, s)
    else:
        d[...] = s
    return dst


def to_type(t, ttype):
    """t:type(name): t itself if already of that type, else a converted copy."""
    if t.ttype is ttype:
        return t
    r = empty(ttype, t.size)
    if t.size:
        _xp.put(r.arr(), cast(t.arr(), ttype))
    return r


def new_like(t, ttype=None):
    return Tensor(ttype or t.ttype, Storage(ttype or t.ttype, 0), 0, (), ())


def value_get(t, idx):
    """Element at 0-based index tuple, as a Python number."""
    return t.arr().item(idx)


def to_number(x, ttype):
    v = x.item() if hasattr(x, 'item') else x
    return float(v) if ttype.is_float else int(v)
