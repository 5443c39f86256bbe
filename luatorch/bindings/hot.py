"""Python ends of the hot paths the Lua tensor metatables call directly.

Each is a plain function taking Python objects, returning plain values or an error message,
so a call from Lua is one crossing with no adapter frame. Everything else goes through
`export.lua_function`.
"""
import numpy as np

from ..lib import construct, indexing, pointwise, printing_api, storage_ops, types
from ..lib.pointwise import to_real
from ..lib.errors import TorchError
from ..lib.storage import Storage, cast
from ..lib.tensor import Tensor
from .export import error_text, lua_function

_add, _mul, _multiply = np.add, np.multiply, np.multiply


def fast_add(a, b):
    """a:add(b): same type and shape, or a number, in one numpy call; else pointwise.add."""
    try:
        x = a.arr()
        if type(b) is Tensor:
            y = b.arr()
            if y.dtype != x.dtype or y.shape != x.shape:
                pointwise.add(a, a, b)
                return None
            _add(x, y, x)
        else:
            _add(x, to_real(b, a.ttype), x, casting='unsafe')
    except Exception as e:  # noqa: BLE001
        return error_text(e)


def fast_mul(a, v):
    try:
        x = a.arr()
        _multiply(x, to_real(v, a.ttype), x, casting='unsafe')
    except Exception as e:  # noqa: BLE001
        return error_text(e)


def fast_cmul(a, b):
    try:
        x = a.arr()
        y = b.arr()
        if y.dtype != x.dtype or y.shape != x.shape:
            pointwise.cmul(a, a, b)
            return None
        _multiply(x, y, x)
    except Exception as e:  # noqa: BLE001
        return error_text(e)


def fast_fill(a, v):
    try:
        if a.size:
            a.arr().fill(v)
    except Exception as e:  # noqa: BLE001
        return error_text(e)


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
        'add': fast_add, 'mul': fast_mul, 'cmul': fast_cmul, 'fill': fast_fill,
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
