"""Python ends of the hot paths the Lua tensor metatables call directly.

Each is a plain function taking Python objects, returning plain values or an error message,
so a call from Lua is one crossing with no adapter frame. Everything else goes through
`export.lua_function`.

`geometry(t)` feeds the Lua-side geometry cache (lua/torch/Tensor.lua): for Float/Double
tensors Lua then reads and writes elements and runs small contiguous in-place ops itself, through
LuaJIT's FFI, without crossing at all. The cache is invalidated by `storage.EPOCH` (whose address
Lua gets as `epoch_address`), bumped by every in-place geometry change and buffer replacement.
"""
import numpy as np

from ..lib import cblas, construct, deferred, indexing, pointwise, printing_api, storage_ops, types
from ..lib import xp as _xp
from ..lib.pointwise import to_real
from ..lib.errors import TorchError
from ..lib.storage import Storage, cast
from ..lib import tensor as T
from ..lib.tensor import Tensor
from .export import error_text, lua_function

_add, _multiply = np.add, np.multiply

# one 0-d array per tensor type: a number is converted to the type's C value by storing it there
# (numpy's ufuncs take a 0-d array much faster than a Python number)
_BUF = [None] + [np.zeros((), tt.dtype) for tt in types.ALL_TYPES]   # by type idx
_DOUBLE = types.Double.idx
_2P53 = 1 << 53
_F32_MAX = float(np.finfo(np.float32).max)


def _scalar(v, tt):
    """v as a 0-d array of tt's dtype, converted as TH converts a number to `real`."""
    if _plain(v, tt):
        b = _BUF[tt.idx]
        b[()] = v
        return b if not tt.cuda else b[()]   # a device array's ufuncs take numpy scalars, not arrays
    return to_real(v, tt)


def _plain(v, tt):
    """Whether numpy converts the Lua number v to tt's dtype exactly as TH's C cast does."""
    if tt.is_float:
        return type(v) is float and (tt.itemsize == 8 or not abs(v) > _F32_MAX) or type(v) is int and abs(v) < 1 << 53
    if type(v) is int:
        lo, hi = _INT_RANGE[tt.idx]
        return lo <= v <= hi
    return False


_INT_RANGE = {tt.idx: (int(np.iinfo(tt.dtype).min), int(np.iinfo(tt.dtype).max))
              for tt in types.ALL_TYPES if not tt.is_float}


def fast_add(a, b):
    """a:add(b): same type and shape, or a number, in one numpy call; else pointwise.add.
    False: b is neither (Lua takes the general path, with its argument errors)."""
    tb = type(b)
    if tb is not Tensor and tb is not float and tb is not int:
        return False
    try:
        if tb is Tensor:
            if a.ttype is not b.ttype or a.size != b.size:
                pointwise.add(a, a, b)
                return None
            x = a._a
            if a._sd is not a.storage.data:
                x = a.arr()
            y = b._a
            if b._sd is not b.storage.data:
                y = b.arr()
            _add(x, y, x)
        else:
            x = a._a
            if a._sd is not a.storage.data:
                x = a.arr()
            _add(x, _scalar(b, a.ttype), x)
    except Exception as e:  # noqa: BLE001
        return error_text(e)


def fast_axpy(a, v, b):
    """a:add(v, b) (b a tensor): TH's in-place cadd, BLAS axpy for contiguous float tensors of
    one type (lib/cblas.py); else pointwise.add. False: not a tensor of a's type (Lua takes the
    general path, with its argument errors)."""
    try:
        tt = a.ttype
        if type(b) is not Tensor or b.ttype is not tt:
            return False
        if tt.is_float and a.size == b.size and cblas.axpy(_scalar(v, tt), b.arr(), a.arr()):
            return None
        pointwise.add(a, a, v, b)
    except Exception as e:  # noqa: BLE001
        return error_text(e)


def fast_mul(a, v):
    try:
        x = a._a
        if a._sd is not a.storage.data:
            x = a.arr()
        idx = a.ttype.idx
        if idx == _DOUBLE and type(v) is float:
            c = _BUF[idx]
            c[()] = v
        else:
            c = _scalar(v, a.ttype)
        _multiply(x, c, x)
    except Exception as e:  # noqa: BLE001
        return error_text(e)


def fast_cmul(a, b):
    try:
        if a.ttype is not b.ttype or a.size != b.size:
            pointwise.cmul(a, a, b)
            return None
        x = a._a
        if a._sd is not a.storage.data:
            x = a.arr()
        y = b._a
        if b._sd is not b.storage.data:
            y = b.arr()
        _multiply(x, y, x)
    except Exception as e:  # noqa: BLE001
        return error_text(e)


def fast_fill(a, v):
    try:
        if a.size:
            x = a._a
            if a._sd is not a.storage.data:
                x = a.arr()
            tv = type(v)
            if not (a.ttype.idx == _DOUBLE and (tv is float or tv is int and -_2P53 < v < _2P53)
                    or _plain(v, a.ttype)):
                v = to_real(v, a.ttype)
            x.fill(v)
    except Exception as e:  # noqa: BLE001
        return error_text(e)


# element types Lua may read and write itself through the FFI (same conversions as TH's C casts)
_FFI_TYPES = {types.Double.idx: b'double *', types.Float.idx: b'float *',
              types.Byte.idx: b'unsigned char *', types.Char.idx: b'signed char *',
              types.Short.idx: b'short *', types.Int.idx: b'int *', types.Long.idx: b'int64_t *'}


def geometry(t):
    """What Lua caches about t to index it without a crossing (lua/torch/Tensor.lua `geo`):
    dimensions, first two sizes and strides, offset, element count, contiguity, then for a
    Float/Double tensor the C pointer type, the address and length of its storage buffer, the
    buffer itself (Lua holds it, so the memory stays alive even if the cache goes stale) and
    whether it is writable; for other types False."""
    try:
        size, st = t.size, t.stride
        nd = len(size)
        head = (nd, size[0] if nd else 0, size[1] if nd > 1 else 0, st[0] if nd else 0,
                st[1] if nd > 1 else 0, t.offset, t.nelement(), t.is_contiguous())
        ct = _FFI_TYPES.get(t.ttype.idx)
        st = t.storage
        d = st.touched(t)       # (deferred.Watched: ends only the watches t overlaps)
        st._lua = T.EPOCH[0]      # (deferred.py bumps EPOCH only for storages Lua may cache)
        if ct is None or d.ndim != 1 or d.strides[0] != d.itemsize or not d.flags.aligned:
            return head + (False,)
        return head + (ct, d.ctypes.data, d.shape[0], d, bool(d.flags.writeable))
    except Exception:  # noqa: BLE001 - not a tensor Lua can index itself: the general paths answer
        return 0, 0, 0, 0, 0, 0, 0, False, False


# t:data() / s:data(): the C element type Torch7's FFI gives each type's pointer
_DATA_CTYPES = {'Byte': b'unsigned char *', 'Char': b'char *', 'Short': b'short *',
                'Int': b'int *', 'Long': b'long *', 'Float': b'float *', 'Double': b'double *',
                'Half': b'uint16_t *'}


def data_address(o):
    """(C pointer type, address of the first element) of a tensor or storage, as Torch7's
    t:data() gives it (address 0, a NULL pointer, when there is no element); or (None, message).
    The memory is the storage's buffer: valid while the storage keeps it (as in Torch7, a resize
    may move it)."""
    try:
        if isinstance(o, Tensor):
            st, off = o.storage, o.offset
        elif isinstance(o, Storage):
            st, off = o, 0
        else:
            return None, b'tensor or storage expected'
        ct = _DATA_CTYPES[o.ttype.name]
        if st is None or st.size() == 0:
            return ct, 0
        d = st.data
        st._job = deferred.OFF     # a raw pointer: never deferred into, nor watched, again
        return ct, _xp.address(d) + off * d.itemsize
    except Exception as e:  # noqa: BLE001
        return None, error_text(e)


def index_number(t, i, lazy=False):
    """t[i]: a number (1-D) or (view, kind) -- or (None, -2) when lazy -- or (None, -1, message)."""
    size = t.size
    try:
        if len(size) == 1:
            n = size[0]
            if i < 0:
                i += n + 1
            if 1 <= i <= n:
                return t.storage.data.item(t.offset + (int(i) - 1) * t.stride[0])
        elif size:
            n = size[0]
            if i < 0:
                i += n + 1
            if 1 <= i <= n:
                if lazy:
                    return None, -2   # a row view: Lua makes it lazily (see _bridge.lua)
                return (Tensor(t.ttype, t.storage, t.offset + (int(i) - 1) * t.stride[0], size[1:], t.stride[1:]),
                        t.ttype.idx)
        return None, -1, b'index out of range'
    except Exception as e:  # noqa: BLE001
        return None, -1, error_text(e)


def dims(t):
    return len(t.size)


def element2(t, i, j, table_form=False):
    """t[i][j] (or t[{i,j}] when table_form): a number for a 2-D t, else the general path."""
    try:
        size = t.size
        if len(size) == 2:
            n, m = size
            if i < 0:
                i += n + 1
            if j < 0:
                j += m + 1
            if 1 <= i <= n and 1 <= j <= m:
                st = t.stride
                return t.storage.data.item(t.offset + (int(i) - 1) * st[0] + (int(j) - 1) * st[1])
            return None, -1, b'index out of range'
        if table_form:
            r = indexing.get(t, [i, j])
        else:
            r = indexing.get_number(indexing.get_number(t, i), j)
        if type(r) is Tensor:
            return r, r.ttype.idx
        return r
    except Exception as e:  # noqa: BLE001
        return None, -1, error_text(e)


def set_element2(t, i, j, v, table_form=False):
    """t[i][j] = v (or t[{i,j}] = v) for a number v."""
    try:
        size = t.size
        if len(size) == 2:
            n, m = size
            if i < 0:
                i += n + 1
            if j < 0:
                j += m + 1
            if 1 <= i <= n and 1 <= j <= m:
                st = t.stride
                k = t.offset + (int(i) - 1) * st[0] + (int(j) - 1) * st[1]
                if t.ttype.is_float:
                    t.storage.data[k] = v
                else:
                    t.storage.data[k] = cast(np.asarray(v), t.ttype)
                return None
            return b'index out of range'
        if table_form:
            indexing.set(t, [i, j], v)
        else:
            indexing.set_number(indexing.get_number(t, i), j, v)
    except Exception as e:  # noqa: BLE001
        return error_text(e)


def set_number(t, i, v):
    """t[i] = v for a 1-D tensor and a number v; anything else goes the general way."""
    try:
        size = t.size
        if len(size) == 1 and type(v) in (int, float):
            n = size[0]
            if i < 0:
                i += n + 1
            if 1 <= i <= n:
                d = t.storage.data
                if t.ttype.is_float:
                    d[t.offset + (int(i) - 1) * t.stride[0]] = v
                else:
                    d[t.offset + (int(i) - 1) * t.stride[0]] = cast(np.asarray(v), t.ttype)
                return None
            return b'index out of range'
        indexing.set_number(t, i, v)
    except Exception as e:  # noqa: BLE001
        return error_text(e)


def exports(lua):
    """name -> callable, installed in the Lua table __luatorch."""
    def tensor_ctor(idx):
        tt = types.ALL_TYPES[idx - 1]
        return lua_function(lambda *a: construct.new_tensor(tt, *a), lua)

    def storage_ctor(idx):
        tt = types.ALL_TYPES[idx - 1]
        return lua_function(lambda *a: construct.new_storage(tt, *a), lua)

    def by_kind(mk):
        t = lua.table()
        for tt in types.ALL_TYPES:
            t[tt.idx] = mk(tt.idx)
        return t

    def set_default(name):
        tt = types.BY_TENSOR_NAME.get(name)
        if tt is None:
            raise TorchError('invalid tensor type: %s' % name)
        types.set_default(tt)

    return {
        'add': fast_add, 'mul': fast_mul, 'cmul': fast_cmul, 'fill': fast_fill, 'axpy': fast_axpy,
        'geometry': geometry, 'epoch_address': int(T.EPOCH.ctypes.data),
        'data_address': data_address,
        'index_number': index_number, 'set_number': set_number, 'dims': dims,
        'element2': element2, 'set_element2': set_element2,
        'index_get': lua_function(indexing.get, lua),
        'index_set': lua_function(indexing.set, lua),
        'storage_get': lua_function(indexing.storage_get, lua),
        'storage_set': lua_function(indexing.storage_set, lua),
        'sizes': lua_function(construct.size, lua),
        'storage_size': lambda s: s.data.shape[0],
        'tensor_tostring': lua_function(printing_api.tensor_tostring, lua),
        'storage_tostring': lua_function(printing_api.storage_tostring, lua),
        'new_tensor': by_kind(tensor_ctor),
        'new_storage': by_kind(storage_ctor),
        'set_default_type': lua_function(set_default, lua),
        'storage_ops': lua.table(*[lua.table(n.encode(), lua_function(f, lua))
                                   for n, f in storage_ops.STORAGE_METHODS.items()]),
    }


__all__ = ['exports', 'Storage']
