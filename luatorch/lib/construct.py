"""Creating tensors and storages, geometry methods, copies and type conversion (tensor.md)."""
import numpy as np

from . import tensor as T
from . import types
from . import xp as _xp
from .errors import TorchError, check, invalid_args
from .registry import torch_fn, torch_op
from .storage import Storage, cast
from .tensor import Tensor


def _flatten_table(v):
    """Nested lists of numbers -> (shape, flat values); Torch requires a regular nesting."""
    if not isinstance(v, list):
        return (), [v]
    if not v:
        return (0,), []
    shapes, flat = None, []
    for x in v:
        s, f = _flatten_table(x)
        if shapes is None:
            shapes = s
        elif s != shapes:
            raise TorchError('inconsistent tensor size')
        flat.extend(f)
    return (len(v),) + shapes, flat


def new_tensor(ttype, *args):
    """torch.XTensor([...]): empty, sizes, LongStorage sizes, table of values, tensor, storage."""
    args = list(args)
    while args and args[-1] is None:
        args.pop()
    if not args:
        return Tensor(ttype, Storage(ttype, 0))
    a0 = args[0]
    if isinstance(a0, Tensor):
        check(a0.ttype is ttype, 'invalid arguments: expected a tensor of the same type')
        return Tensor(ttype, a0.storage, a0.offset, a0.size, a0.stride)
    if isinstance(a0, Storage) and a0.ttype is ttype:
        offset = int(args[1]) - 1 if len(args) > 1 else 0
        if len(args) <= 2:
            size = (a0.size() - offset,) if a0.size() - offset > 0 else ()
            return T.set_(Tensor(ttype, a0), a0, offset, size)
        if isinstance(args[2], Storage):
            size = tuple(int(x) for x in args[2].data)
            stride = tuple(int(x) for x in args[3].data) if len(args) > 3 and args[3] is not None else None
        else:
            rest = [int(x) for x in args[2:]]
            size = tuple(rest[0::2])
            stride = tuple(rest[1::2]) if len(rest) > 1 else None
            if stride is not None and len(stride) != len(size):
                stride = None if len(rest) == 1 else stride + (1,)
        return T.set_(Tensor(ttype, a0), a0, offset, size, stride)
    if isinstance(a0, Storage):
        size = tuple(int(x) for x in a0.data)
        stride = tuple(int(x) for x in args[1].data) if len(args) > 1 and isinstance(args[1], Storage) else None
        t = Tensor(ttype, Storage(ttype, 0))
        return T.resize(t, size, stride)
    if isinstance(a0, list):
        shape, flat = _flatten_table(a0)
        if not flat:
            return Tensor(ttype, Storage(ttype, 0))
        for x in flat:
            if not isinstance(x, (int, float)) or isinstance(x, bool):
                raise TorchError('invalid tensor definition: number expected in table')
        data = cast(np.array(flat, dtype=np.float64), ttype).astype(ttype.dtype, copy=True)
        t = Tensor(ttype, Storage(ttype, data=data), 0, shape, T.contiguous_strides(shape))
        return t
    sizes = T.parse_sizes(args, 'torch.' + ttype.name + 'Tensor')
    if any(s < 0 for s in sizes):
        raise TorchError('invalid size')
    return T.empty(ttype, sizes if sizes and T._nel(sizes) else ())


def new_storage(ttype, *args):
    """torch.XStorage([n | table | storage, offset, size | filename, shared, size, sharedMem])"""
    if not args or args[0] is None:
        return Storage(ttype, 0)
    a0 = args[0]
    if isinstance(a0, str):
        from .mapped import map_storage
        return map_storage(ttype, a0, *args[1:4])
    if isinstance(a0, list):
        return Storage(ttype, data=cast(np.array(a0, dtype=np.float64), ttype).astype(ttype.dtype))
    if isinstance(a0, Storage):
        off = int(args[1]) - 1 if len(args) > 1 else 0
        n = int(args[2]) if len(args) > 2 else a0.size() - off
        check(0 <= off and off + n <= a0.size(), 'out of bounds')
        return Storage(ttype, data=a0.data[off:off + n], view=True)
    if isinstance(a0, (int, float)):
        check(a0 >= 0, 'invalid size')
        return Storage(ttype, int(a0))
    raise TorchError('invalid arguments to storage constructor')


# ----------------------------------------------------------------------------- size queries


def _sizes_storage(vals):
    return Storage(types.Long, data=np.array(vals, dtype=np.int64))


@torch_fn('size', function=False)
def size(t, d=None):
    if d is None:
        return _sizes_storage(t.size)
    d = int(d)
    if not 1 <= d <= len(t.size):
        raise TorchError("bad argument #2 to 'size' (dimension %d out of range of %dD tensor)" % (d, len(t.size)))
    return t.size[d - 1]


@torch_fn('stride', function=False)
def stride(t, d=None):
    if d is None:
        return _sizes_storage(t.stride)
    d = int(d)
    if not 1 <= d <= len(t.stride):
        raise TorchError("bad argument #2 to 'stride' (dimension %d out of range of %dD tensor)" % (d, len(t.size)))
    return t.stride[d - 1]


@torch_fn('dim')
def dim(t):
    return len(t.size)


torch_fn('nDimension')(dim)


@torch_fn('nElement')
def nelement(t):
    return t.nelement()


torch_fn('numel')(nelement)


@torch_fn('storage', function=False)
def storage(t):
    return t.storage


@torch_fn('storageOffset', function=False)
def storage_offset(t):
    return t.offset + 1


@torch_fn('isContiguous', function=False)
def is_contiguous(t):
    return t.is_contiguous()


@torch_fn('isSameSizeAs', function=False)
def is_same_size_as(t, o):
    return t.size == o.size


@torch_fn('isSetTo', function=False)
def is_set_to(t, o):
    return (t.storage is o.storage and t.offset == o.offset and t.size == o.size
            and t.stride == o.stride and bool(t.size))


@torch_fn('isSize', function=False)
def is_size(t, s):
    return t.size == tuple(int(x) for x in s.data)


# ----------------------------------------------------------------------------- geometry


@torch_fn('resize', function=False)
def resize(t, *args):
    if args and isinstance(args[0], Storage):
        size = tuple(int(x) for x in args[0].data)
        stride = tuple(int(x) for x in args[1].data) if len(args) > 1 and args[1] is not None else None
        T.resize(t, size, stride)
    else:
        T.resize(t, T.parse_sizes(args))
    return t


@torch_fn('resizeAs', function=False)
def resize_as(t, src):
    return T.resize_as(t, src)


@torch_fn('set', function=False)
def set_(t, src=None, offset=1, *rest):
    if isinstance(src, Storage):
        if rest and isinstance(rest[0], Storage):
            size = tuple(int(x) for x in rest[0].data)
            stride = tuple(int(x) for x in rest[1].data) if len(rest) > 1 and rest[1] is not None else None
        elif rest:
            r = [int(x) for x in rest]
            size, stride = tuple(r[0::2]), (tuple(r[1::2]) if len(r) > 1 else None)
        else:
            size, stride = None, None
        return T.set_(t, src, int(offset) - 1, size, stride)
    return T.set_(t, src)


@torch_fn('narrow')
def narrow(t, d, i, n):
    return T.narrow(t, d, i, n)


@torch_fn('select')
def select(t, d, i):
    """t:select(dim, i): a view without dimension dim; on a vector, the element i (TH)."""
    if len(t.size) == 1:
        i = int(i)
        if not 1 <= i <= t.size[0]:
            raise TorchError("bad argument #2 to 'select' (out of range)")
        return t.storage.data.item(t.offset + (i - 1) * t.stride[0])
    if not t.size:
        raise TorchError("bad argument #1 to 'select' (empty Tensor)")
    return T.select(t, d, i)


@torch_fn('sub', function=False)
def sub(t, *bounds):
    return T.sub(t, *bounds)


@torch_fn('transpose')
def transpose(t, d1, d2):
    return T.transpose(t, d1, d2)


@torch_fn('t')
def tr(t):
    check(len(t.size) == 2, 't() expects a 2D tensor, but self is %dD' % len(t.size))
    return T.transpose(t)


@torch_fn('permute')
def permute(t, *dims):
    return T.permute(t, *dims)


@torch_fn('unfold')
def unfold(t, d, size, step):
    return T.unfold(t, d, size, step)


@torch_fn('expand')
def expand(t, *sizes):
    if sizes and isinstance(sizes[0], Tensor):   # res:expand(src, sizes)
        return T.set_(t, expand(sizes[0], *sizes[1:]))
    if len(sizes) == 1 and isinstance(sizes[0], Storage):
        return T.expand(t, tuple(int(x) for x in sizes[0].data))
    return T.expand(t, T.parse_sizes(sizes, 'expand'))


@torch_fn('expandAs')
def expand_as(t, o, template=None):
    if template is not None:        # res:expandAs(src, template)
        return T.set_(t, T.expand(o, template.size))
    return T.expand(t, o.size)


@torch_fn('squeeze')
def squeeze(t, *args):
    """[res] torch.squeeze([res,] x [, dim]): x without its dimensions of size 1 (a view; res is
    set to it when given). t:squeeze() leaves t as it is (Torch allocates the result there too).
    A result of one element squeezed entirely is returned as a number, as in Torch."""
    res = None
    if args and isinstance(args[0], Tensor):
        res, t = t, args[0]
        args = args[1:]
    while args and args[-1] is None:
        args = args[:-1]
    r = T.squeeze(t, args[0] if args else None)
    if res is not None:
        r = T.set_(res, r)
    if not args and len(r.size) == 1 and r.size[0] == 1 and len(t.size) >= 1:
        # squeezing a one-element tensor gives its value, as torch7's Lua wrapper does
        return r.storage.data.item(r.offset)
    return r


@torch_fn('unsqueeze')
def unsqueeze(t, d):
    return T.unsqueeze(t, d)


@torch_fn('view')
def view(t, *sizes):
    if sizes and isinstance(sizes[0], Tensor):   # res:view(src, sizes)
        T.set_(t, T.view(sizes[0], _sizes(sizes[1:])))
        return t
    return T.view(t, _sizes(sizes))


def _sizes(sizes):
    if len(sizes) == 1 and isinstance(sizes[0], Storage):
        return tuple(int(x) for x in sizes[0].data)
    return T.parse_sizes(sizes, 'view')


@torch_fn('viewAs')
def view_as(t, o, template=None):
    if template is not None:        # res:viewAs(src, template)
        return T.set_(t, T.view(o, template.size))
    return T.view(t, o.size)


@torch_fn('reshape')
def reshape(t, *args):
    res = None
    if args and isinstance(args[0], Tensor):
        res, t, args = t, args[0], args[1:]
    size = T.infer_size(t, _sizes(args), 'reshape')
    r = T.empty(t.ttype, size) if res is None else T.resize(res, size)
    T.copy(r, t)
    return r


@torch_fn('contiguous', function=False)
def contiguous(t):
    return T.contiguous(t)


@torch_fn('clone')
def clone(t):
    return T.clone(t)


@torch_fn('copy', function=False)
def copy(t, src):
    if not isinstance(src, Tensor):
        raise TorchError("bad argument #1 to 'copy' (expecting tensor)")
    return T.copy(t, src)


@torch_fn('isTensor')
def is_tensor(t):
    return isinstance(t, Tensor)


# ----------------------------------------------------------------------------- types


def _typename_to_type(name):
    return types.BY_TENSOR_NAME.get(name)


@torch_fn('type', function=False)
def type_(t, name=None):
    if name is None:
        return t.ttype.tensor_name
    tt = _typename_to_type(name)
    if tt is None:
        raise TorchError('invalid tensor type name: %s' % name)
    return T.to_type(t, tt)


@torch_fn('typeAs', function=False)
def type_as(t, o):
    return T.to_type(t, o.ttype)


for _tt in types.TYPES:
    torch_fn(_tt.name.lower(), function=False)(lambda t, _tt=_tt: T.to_type(t, _tt))


# ----------------------------------------------------------------------------- fill & builders


@torch_fn('fill', function=False)
def fill(t, v):
    if t.size:
        t.arr()[...] = cast(np.asarray(v), t.ttype) if not t.ttype.is_float else v
    return t


@torch_fn('zero', function=False)
def zero(t):
    if t.size:
        t.arr()[...] = 0
    return t


def _builder(res, sizes, value, ttype):
    sz = _sizes(sizes)
    if res is None:
        res = T.empty(ttype, sz if T._nel(sz) else ())
    else:
        T.resize(res, sz)
    if res.size:
        res.arr()[...] = value
    return res


def _split_res(args):
    if args and isinstance(args[0], Tensor):
        return args[0], args[1:]
    return None, args


def _default_ttype(res):
    return res.ttype if res is not None else types.default()


@torch_fn('zeros')
def zeros(*args):
    res, sizes = _split_res(args)
    return _builder(res, sizes, 0, _default_ttype(res))


@torch_fn('ones')
def ones(*args):
    res, sizes = _split_res(args)
    return _builder(res, sizes, 1, _default_ttype(res))


@torch_fn('eye')
def eye(*args):
    res, a = _split_res(args)
    n = int(a[0])
    m = int(a[1]) if len(a) > 1 and a[1] is not None else n
    r = _builder(res, (n, m), 0, _default_ttype(res))
    np.fill_diagonal(r.arr(), 1)
    return r


def _seq_args(args, fname, nparams, float_only=False):
    """([res,] numbers...) of range/linspace/logspace -> (res, result type, numbers)."""
    res, a = _split_res(args)
    while a and a[-1] is None:
        a = a[:-1]
    ttype = _default_ttype(res)
    if (not 2 <= len(a) <= nparams or any(type(x) not in (int, float) for x in a)
            or (float_only and not ttype.is_float)):
        n = ttype.tensor_name[len('torch.'):]
        kind = 'long' if not ttype.is_float else ('float' if ttype is types.Float else 'double')
        exp = ('[*%s*] %s %s [long]' % (n, kind, kind) if nparams == 3 and fname != 'range'
               else '[*%s*] %s %s [%s]' % (n, kind, kind, kind))
        raise invalid_args(args, exp)
    return res, ttype, a


def _seq_result(res, ttype, n):
    """TH: the result keeps its shape when it already has n elements, else becomes 1-D of n."""
    if res is None:
        return T.empty(ttype, (n,))
    if res.nelement() != n:
        T.resize(res, (n,))
    return res


def _c_number(v, dtype):
    """A Lua number converted to a C number of this dtype (integers truncated)."""
    dtype = np.dtype(dtype)
    if dtype.kind == 'f':
        return dtype.type(v)
    return cast(np.asarray(np.trunc(float(v))), types.BY_DTYPE[dtype]).astype(np.int64)


def _c_div(a, b):
    """C's integer division (truncating toward zero) on int64 arrays / numbers."""
    q = np.abs(a) // np.abs(b)
    return np.where((np.asarray(a) < 0) != (np.asarray(b) < 0), -q, q)


@torch_fn('range')
def range_(*args):
    """[res] torch.range([res,] xmin, xmax [, step]): xmin + i * step, in the accumulate type."""
    res, ttype, a = _seq_args(args, 'range', 3)
    acc = ttype.acc
    xmin, xmax = _c_number(a[0], acc), _c_number(a[1], acc)
    step = _c_number(a[2], acc) if len(a) > 2 else acc.type(1)
    if not (step > 0 or step < 0):
        raise TorchError("bad argument #3 to 'range' (step must be a non-null number)")
    if not ((step > 0 and xmax >= xmin) or (step < 0 and xmax <= xmin)):
        raise TorchError("bad argument #2 to 'range' (upper bound and larger bound incoherent "
                         "with step sign)")
    with np.errstate(all='ignore'):
        n = int((xmax - xmin) / step + 1) if ttype.is_float else int(_c_div(xmax - xmin, step)) + 1
        r = _seq_result(res, ttype, n)
        i = np.arange(n).astype(ttype.dtype).astype(acc)   # TH counts in the element type
        vals = xmin + i * step
    if n:
        r.arr()[...] = cast(vals, ttype).reshape(r.arr().shape)
    return r


def _spaced(fname, res, ttype, a, b, n):
    """TH's a + i*(b-a)/(n-1) for i = 0..n-1, in the element type's arithmetic."""
    if not (n > 1 or (n == 1 and a == b)):
        raise TorchError("bad argument #3 to '%s' (invalid number of points)" % fname)
    r = _seq_result(res, ttype, n)
    with np.errstate(all='ignore'):
        if n == 1:
            vals = np.asarray([a])
        elif ttype.is_float:
            real = ttype.dtype.type
            i = np.arange(n).astype(ttype.dtype)
            vals = a + i * real(b - a) / real(n - 1)
        else:
            i = np.arange(n).astype(ttype.dtype).astype(np.int64)
            vals = a + _c_div(i * (np.int64(b) - np.int64(a)), np.int64(n - 1))
    return r, vals


@torch_fn('linspace', float_only=True)
def linspace(*args):
    """[res] torch.linspace([res,] a, b [, n]): n points from a to b (n = 100 by default)."""
    res, ttype, a = _seq_args(args, 'linspace', 3, float_only=True)
    n = int(a[2]) if len(a) > 2 else 100
    lo, hi = _c_number(a[0], ttype.dtype), _c_number(a[1], ttype.dtype)
    r, vals = _spaced('linspace', res, ttype, lo, hi, n)
    r.arr()[...] = cast(np.asarray(vals), ttype).reshape(r.arr().shape)
    return r


@torch_fn('logspace', float_only=True)
def logspace(*args):
    """[res] torch.logspace([res,] a, b [, n]): n points from 10^a to 10^b."""
    res, ttype, a = _seq_args(args, 'logspace', 3, float_only=True)
    n = int(a[2]) if len(a) > 2 else 100
    lo, hi = _c_number(a[0], ttype.dtype), _c_number(a[1], ttype.dtype)
    r, vals = _spaced('logspace', res, ttype, lo, hi, n)
    with np.errstate(all='ignore'):
        dt = ttype.dtype
        p = np.power(np.full(np.shape(vals), 10.0, dt), np.asarray(vals, dt))
    r.arr()[...] = p.reshape(r.arr().shape)
    return r


# ----------------------------------------------------------------------------- masks & indices


def is_mask(t, mask):
    """A ByteTensor, or, for a Cuda tensor, any Cuda tensor but a Long one (cutorch's masks are
    CudaTensors: `byteTensor:cuda()` is one)."""
    return mask.ttype.name == 'Byte' or (t.ttype.cuda and mask.ttype.cuda and mask.ttype.name != 'Long')


def _mask(mask, t):
    check(is_mask(t, mask), 'mask must be a ByteTensor')
    check(mask.nelement() == t.nelement(), 'Number of elements of destination tensor != '
          'Number of elements in mask')
    return mask.arr().reshape(t.arr().shape) != 0


@torch_op('maskedSelect', 'tt', inplace=False)
def masked_select(res, t, mask):
    vals = t.arr()[_mask(mask, t)] if t.size else t.ttype.xp.zeros(0, t.ttype.dtype)
    return _set_result(res, t.ttype, vals)


def _set_result(res, ttype, vals):
    if type(vals) is not np.ndarray:
        vals = _xp.asarray_any(vals)
    if res is None:
        return T.from_array(vals, ttype) if vals.size else T.empty(ttype)
    T.resize(res, vals.shape if vals.size else ())
    if vals.size:
        res.arr()[...] = cast(vals, res.ttype)
    return res


def masked_fill(t, mask, v):
    if t.size:
        t.arr()[_mask(mask, t)] = v
    return t


def masked_copy(t, mask, src):
    m = _mask(mask, t)
    n = int(m.sum())
    s = src.arr().reshape(-1)
    check(s.shape[0] >= n, 'Number of elements of src < number of ones in mask')
    if t.size:
        t.arr()[m] = cast(s[:n], t.ttype)
    return t


torch_fn('maskedFill', function=False)(masked_fill)
torch_fn('maskedCopy', function=False)(masked_copy)


def _index_arr(idx, t):
    """0-based indices of LongTensor idx, as an array of t's module (cutorch takes a LongTensor
    index for a Cuda tensor too)."""
    check(idx.ttype.name == 'Long', 'index must be a LongTensor')
    check(len(idx.size) <= 1, 'Index is supposed to be a vector')
    ix = idx.arr().reshape(-1) - 1
    return ix if idx.ttype.cuda is t.ttype.cuda else _xp.on_side(ix, t.arr())


@torch_op('index', 'tnt', inplace=False)
def index_select(res, t, dim, idx):
    d = T._dim(t, dim, 'index', 2)
    ix = _index_arr(idx, t)
    if ix.size and (ix.min() < 0 or ix.max() >= t.size[d]):
        raise TorchError('index out of range')
    vals = np.take(t.arr(), ix, axis=d)
    return _set_result(res, t.ttype, vals)


def index_copy(t, dim, idx, src):
    d = T._dim(t, dim, 'indexCopy', 2)
    ix = _index_arr(idx, t)
    a = t.arr()
    sl = [slice(None)] * a.ndim
    sl[d] = ix
    a[tuple(sl)] = cast(src.arr().reshape(np.shape(a[tuple(sl)])), t.ttype)
    return t


def index_fill(t, dim, idx, v):
    d = T._dim(t, dim, 'indexFill', 2)
    ix = _index_arr(idx, t)
    a = t.arr()
    sl = [slice(None)] * a.ndim
    sl[d] = ix
    a[tuple(sl)] = v
    return t


def index_add(t, dim, idx, src):
    d = T._dim(t, dim, 'indexAdd', 2)
    ix = _index_arr(idx, t)
    a = t.arr()
    # along axis 0 of views (CuPy's scatter-add takes an index array, not a tuple with slices)
    np.add.at(np.moveaxis(a, d, 0), ix, np.moveaxis(cast(src.arr(), t.ttype), d, 0))
    return t


torch_fn('indexCopy', function=False)(index_copy)
torch_fn('indexFill', function=False)(index_fill)
torch_fn('indexAdd', function=False)(index_add)


@torch_op('gather', 'tnt', inplace=False)
def gather(res, t, dim, idx):
    d = T._dim(t, dim, 'gather', 2)
    ix = idx.arr() - 1
    if idx.ttype.cuda is not t.ttype.cuda:
        ix = _xp.on_side(ix, t.arr())
    if ix.size and (ix.min() < 0 or ix.max() >= t.size[d]):
        raise TorchError('Invalid index in gather')
    vals = np.take_along_axis(t.arr(), ix, axis=d)
    return _set_result(res, t.ttype, vals)


@torch_fn('scatter', function=False)
def scatter(t, dim, idx, src):
    d = T._dim(t, dim, 'scatter', 2)
    ix = idx.arr() - 1
    if idx.ttype.cuda is not t.ttype.cuda:
        ix = _xp.on_side(ix, t.arr())
    if ix.size and (ix.min() < 0 or ix.max() >= t.size[d]):
        raise TorchError('Invalid index in scatter')
    a = t.arr()
    if isinstance(src, Tensor):
        s = src.arr()
        sl = tuple(slice(0, n) for n in ix.shape)
        np.put_along_axis(a, ix, cast(s[sl], t.ttype), axis=d)
    else:
        np.put_along_axis(a, ix, src, axis=d)
    return t


@torch_fn('nonzero')
def nonzero(*args):
    res, a = _split_res(args)
    if res is not None and not a:
        a, res = (res,), None
    elif len(args) == 2:
        res, a = args[0], args[1:]
    t = a[0]
    nz = np.argwhere(t.arr() != 0) + 1 if t.size else t.ttype.xp.zeros((0, 1), np.int64)
    if res is None:
        res = T.empty(t.ttype.twin(types.Long))
    if nz.shape[0] == 0:
        T.resize(res, ())
        return res
    T.resize(res, nz.shape)
    res.arr()[...] = nz
    return res


@torch_fn('totable', function=False)
def totable(t):
    if not t.size:
        return []
    return t.arr().tolist()


@torch_fn('equal')
def equal(a, b):
    """True when a and b have the same size and the same values."""
    if not isinstance(b, Tensor):
        raise TorchError("bad argument #2 to 'equal' (tensor expected)")
    if a.size != b.size:
        return False
    if not a.size:
        return True
    return bool(np.array_equal(a.arr(), b.arr()))


@torch_fn('new', function=False)
def new(t, *args):
    """t:new(...): a new tensor of t's type, built like torch.XTensor(...)."""
    return new_tensor(t.ttype, *args)


@torch_fn('real', function=False)
def real(t):
    """The tensor in its type's real arithmetic type: Half -> Float, others unchanged."""
    return T.to_type(t, types.Float if t.ttype is types.Half else t.ttype)


@torch_fn('half', function=False)
def half(t):
    return T.to_type(t, types.Half)


@torch_fn('elementSize', function=False)
def element_size(t):
    return t.ttype.itemsize
