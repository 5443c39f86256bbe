"""torch.File objects and the byte-level steps of serialization, as Lua sees them.

Files are proxies of kinds 300 (DiskFile), 301 (MemoryFile), 302 (PipeFile); lua/torch/File.lua
builds their metatables (torch.File <- torch.DiskFile <- torch.PipeFile, torch.File <-
torch.MemoryFile) from `methods` below, and walks Lua values for writeObject / readObject,
calling the `t7_*` steps of luatorch/lib/t7.py for the bytes.

Two kinds of adapters: `methods` go through export.lua_function's conventions (decoded by
_bridge.ret); the walker's steps are lean: they return their values, or (None, message) on error
(writers: None, or the message), and never decode Lua strings (bytes stay bytes).
"""
import sys

from ..lib import file as F
from ..lib import random as R
from ..lib import t7, types
from ..lib.errors import TorchError
from ..lib.storage import Storage
from . import export

KINDS = {F.DiskFile: 300, F.MemoryFile: 301, F.PipeFile: 302}
for _cls, _k in KINDS.items():
    export.register_kind(_cls, lambda o, _k=_k: _k)

TYPED = ('Byte', 'Char', 'Short', 'Int', 'Long', 'Float', 'Double')


def _file(f):
    if not isinstance(f, F.File):
        raise TorchError('torch.File expected')
    return f


def _typed_read(f, kind, arg=None):
    """readTYPE(): a number; readTYPE(n): a new TYPEStorage of what was read; readTYPE(storage):
    the count read into it."""
    f = _file(f)
    tt = types.BY_NAME[kind]
    if arg is None:
        return f.read_scalar(tt)
    if isinstance(arg, (int, float)) and not isinstance(arg, bool):
        arr = f.read_array(tt, int(arg))
        return Storage(tt, data=arr if arr.flags.owndata else arr.copy())
    if isinstance(arg, Storage) and arg.ttype is tt:
        return f.read_into(arg)
    raise TorchError('nothing, number, or %sStorage expected' % kind)


def _typed_write(f, kind, arg):
    f = _file(f)
    tt = types.BY_NAME[kind]
    if isinstance(arg, (int, float)) and not isinstance(arg, bool):
        f.write_scalar(tt, arg)
        return 0
    if isinstance(arg, Storage) and arg.ttype is tt:
        return f.write_storage(arg)
    raise TorchError('number, or %sStorage expected' % kind)


def _flag(attr):
    return lambda f: bool(getattr(_file(f), attr))


def _setter(attr, value):
    def set_(f):
        setattr(_file(f), attr, value)
    return set_


def _seek(f, pos):
    if not isinstance(pos, (int, float)):
        raise TorchError("bad argument #2 to 'seek' (number expected)")
    if pos - 1 < 0:
        raise TorchError("bad argument #2 to 'seek' (position has to be greater than 0!)")
    _file(f).seek(int(pos) - 1)


def _long_size(f, n=0):
    _file(f).set_long_size(int(n or 0))


def _read_string(f, fmt=None):
    if not isinstance(fmt, (str, bytes)):
        raise TorchError("bad argument #2 to 'readString' (string expected)")
    return _file(f).read_string(fmt)


def _write_string(f, s=None):
    if isinstance(s, (int, float)) and not isinstance(s, bool):
        s = ('%.14g' % s).encode()
    if not isinstance(s, (str, bytes)):
        raise TorchError("bad argument #2 to 'writeString' (string expected)")
    return _file(f).write_string(s)


def _allow_bytecode(f, flag=None):
    """file:allowBytecode() -> whether readObject loads functions; file:allowBytecode(b) sets it."""
    f = _file(f)
    if flag is None:
        return f.allow_bytecode
    f.allow_bytecode = bool(flag)


def _memory_storage(f):
    if not isinstance(f, F.MemoryFile):
        raise TorchError('torch.MemoryFile expected')
    return f.storage()


def _disk_only(name):
    def fn(f, *a):
        if not isinstance(f, F.DiskFile):
            raise TorchError('torch.DiskFile expected')
        return getattr(f, name)(*a)
    return fn


def _new_memory(a=None, b=None):
    if isinstance(a, Storage):
        return F.MemoryFile(a, b if b is not None else 'rw')
    if a is not None and not isinstance(a, str):
        raise TorchError("bad argument #1 to 'MemoryFile' (CharStorage or mode expected)")
    return F.MemoryFile(None, a if a is not None else 'rw')


def _name_arg(name, fname):
    if isinstance(name, bytes):
        name = name.decode('utf-8', 'surrogateescape')
    if not isinstance(name, str):
        raise TorchError("bad argument #1 to '%s' (string expected)" % fname)
    return name


def _new_disk(name=None, mode=None, quiet=None, replace=None):
    return F.open_disk_file(_name_arg(name, 'DiskFile'), mode if mode is not None else 'r', bool(quiet),
                            bool(replace)) or (None,)


def _new_pipe(cmd=None, mode=None, quiet=None):
    return F.open_pipe_file(_name_arg(cmd, 'PipeFile'), mode if mode is not None else 'r', bool(quiet)) or (None,)


METHODS = {
    'isQuiet': _flag('quiet'), 'isReadable': lambda f: _file(f).readable,
    'isWritable': lambda f: _file(f).writable, 'isBinary': _flag('binary'),
    'isAutoSpacing': _flag('auto_spacing'), 'hasError': _flag('has_error'),
    'binary': _setter('binary', True), 'ascii': _setter('binary', False),
    'autoSpacing': _setter('auto_spacing', True), 'noAutoSpacing': _setter('auto_spacing', False),
    'quiet': _setter('quiet', True), 'pedantic': _setter('quiet', False),
    'clearError': _setter('has_error', False),
    'synchronize': lambda f: _file(f).synchronize(),
    'seek': _seek, 'seekEnd': lambda f: _file(f).seek_end(),
    'position': lambda f: _file(f).position() + 1,
    'close': lambda f: _file(f).close(),
    'readString': _read_string, 'writeString': _write_string,
    'allowBytecode': _allow_bytecode,
    '__tostring': lambda f: _file(f).describe(),
}
DISK_METHODS = {
    'longSize': _long_size,
    'nativeEndianEncoding': lambda f: _disk_only('set_encoding')(f, 'native'),
    'littleEndianEncoding': lambda f: _disk_only('set_encoding')(f, 'little'),
    'bigEndianEncoding': lambda f: _disk_only('set_encoding')(f, 'big'),
    'noBuffer': _disk_only('no_buffer'),
    'isLittleEndianCPU': lambda *a: sys.byteorder == 'little',
    'isBigEndianCPU': lambda *a: sys.byteorder == 'big',
}
MEMORY_METHODS = {'storage': _memory_storage, 'longSize': _long_size}


# ----------------------------------------------------------------------------- walker steps


def _lean(fn):
    """(values...) or (None, message)."""
    def adapter(*args):
        try:
            return fn(*args)
        except Exception as e:  # noqa: BLE001 - every error becomes a Lua error
            return None, export.error_text(e)
    adapter.__name__ = fn.__name__
    return adapter


def _proc(fn):
    """None, or the error message."""
    def adapter(*args):
        try:
            fn(*args)
        except Exception as e:  # noqa: BLE001
            return export.error_text(e)
    adapter.__name__ = fn.__name__
    return adapter


def read_class(f):
    return t7.read_class(f)


def tensor_write_header(f, t):
    return (t7.write_tensor_header(f, t),)


def tensor_read_header(f):
    return (t7.read_tensor_header(f),)


def tensor_set(t, hdr, storage=None):
    t7.set_tensor(t, hdr, storage)
    return (True,)


def generator_write(f, g):
    t7.write_generator(f, R.get_state(g))


def generator_read(f, g):
    try:
        R.set_state(g, t7.read_generator_state(f))
    except ValueError as e:
        raise TorchError('invalid torch.Generator in file: %s' % e) from None


def memory_bytes(f):
    """The data of a MemoryFile without its NUL (torch.serialize)."""
    return (f.store.data[:f.size].tobytes(),)


def memory_from(data, mode=b'r'):
    """A read MemoryFile over a copy of a string or a byte storage (torch.deserialize)."""
    if isinstance(mode, bytes):
        mode = mode.decode()
    if isinstance(data, Storage):
        if data.ttype.itemsize != 1:
            raise TorchError('torch.deserializeFromStorage: CharStorage expected')
        data = data.data.tobytes()
    if not isinstance(data, bytes):
        raise TorchError('torch.deserialize: string expected')
    return (F.memory_file_from_bytes(data, mode),)


def objid(o):
    return id(o)


STEPS = {
    'head': _lean(t7.read_head), 'read_int': _lean(lambda f: (t7.read_int(f),)),
    'read_string': _lean(lambda f: (t7.read_string(f),)), 'read_class': _lean(read_class),
    'read_prims': _lean(t7.read_prims), 'write_prims': _proc(t7.write_prims),
    'write_int': _proc(t7.write_int), 'write_number': _proc(t7.write_number),
    'write_string': _proc(t7.write_string_object), 'write_chars': _proc(t7.write_chars),
    'write_boolean': _proc(t7.write_boolean), 'write_torch_head': _proc(t7.write_torch_head),
    'tensor_write_header': _lean(tensor_write_header), 'tensor_read_header': _lean(tensor_read_header),
    'tensor_set': _lean(tensor_set),
    'storage_write': _proc(t7.write_storage), 'storage_read': _proc(t7.read_storage),
    'generator_write': _proc(generator_write), 'generator_read': _proc(generator_read),
    'memory_bytes': _lean(memory_bytes), 'memory_from': _lean(memory_from),
    'allowed': lambda f: f.allow_bytecode,
    'objid': objid,
}


def install(lua, target):
    """Put the table of file functions at target.file (target: the `__luatorch` table)."""
    t = lua.table()

    def table_of(d):
        m = lua.table()
        for name, fn in d.items():
            m[name.encode()] = export.lua_function(fn, lua)
        return m

    t[b'methods'] = table_of(METHODS)
    t[b'disk_methods'] = table_of(DISK_METHODS)
    t[b'memory_methods'] = table_of(MEMORY_METHODS)
    t[b'typed'] = lua.table(*[k.encode() for k in TYPED])
    t[b'typed_read'] = export.lua_function(_typed_read, lua)
    t[b'typed_write'] = export.lua_function(_typed_write, lua)
    t[b'new_disk'] = export.lua_function(_new_disk, lua)
    t[b'new_pipe'] = export.lua_function(_new_pipe, lua)
    t[b'new_memory'] = export.lua_function(_new_memory, lua)
    for name, fn in STEPS.items():
        t[name.encode()] = fn
    target[b'file'] = t
    return t
