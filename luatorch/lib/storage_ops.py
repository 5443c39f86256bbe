"""Methods of torch.*Storage (storage.md): size, resize, fill, copy, string, totable, ..."""
import numpy as np

from . import types
from . import xp as _xp
from .errors import TorchError, check
from .storage import Storage, cast

STORAGE_METHODS = {}


def storage_method(name):
    def deco(fn):
        STORAGE_METHODS[name] = fn
        return fn
    return deco


@storage_method('size')
def size(s, *_):
    # extra arguments are ignored, as TH's storage size does (LongStorage:size(1)); the
    # storage's own size() reads no element (a deferred result is not computed for it)
    return s.size()


@storage_method('resize')
def resize(s, n):
    check(n >= 0, 'size must be non-negative')
    return s.resize(n)


@storage_method('fill')
def fill(s, v):
    s.data[...] = cast(np.asarray(v), s.ttype)
    return s


@storage_method('zero')
def zero(s):
    s.data[...] = 0
    return s


@storage_method('copy')
def copy(s, src):
    if isinstance(src, Storage):
        check(src.data.shape[0] == s.data.shape[0], 'size mismatch')
        _xp.put(s.data, cast(src.data, s.ttype))
        return s
    from .tensor import Tensor
    if isinstance(src, Tensor):
        check(src.nelement() == s.data.shape[0], 'size mismatch')
        _xp.put(s.data, cast(src.arr().reshape(-1), s.ttype))
        return s
    raise TorchError('storage or tensor expected')


@storage_method('totable')
def totable(s):
    return s.data.tolist()


@storage_method('string')
def string(s, value=None):
    """storage:string([str]): its contents as a Lua string, or set from string str."""
    check(s.ttype.itemsize == 1, 'string() is only for Char and Byte storages')
    if value is None:
        return s.data.tobytes()
    b = value.encode('utf-8', 'surrogateescape') if isinstance(value, str) else bytes(value)
    s.set_data(np.frombuffer(b, dtype=s.ttype.dtype).copy())
    return s


@storage_method('type')
def type_(s, name=None):
    if name is None:
        return s.ttype.storage_name
    tt = types.BY_STORAGE_NAME.get(name)
    check(tt is not None, 'invalid storage type: %s' % name)
    if tt is s.ttype:
        return s
    return Storage(tt, data=cast(s.data, tt).copy())


for _tt in types.TYPES:
    storage_method(_tt.name.lower())(lambda s, _tt=_tt: type_(s, _tt.storage_name))


@storage_method('elementSize')
def element_size(s):
    return s.ttype.itemsize


@storage_method('isStorage')
def is_storage(s):
    return True
