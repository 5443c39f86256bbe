"""The .t7 format (torch.save / torch.load, File:writeObject / readObject), and a reader and writer
of plain data that need no Lua: `load(path)` gives numpy arrays, dicts, lists and TorchObjects;
`save(path, obj)` writes numpy arrays, dicts and lists as Torch tensors and tables.

An object is an Int type tag, then:

    0 nil | 1 number: Double | 2 string: Int n, n Chars | 5 boolean: Int 0/1
    3 table: Int index, Int n, n (key, value) objects
    4 Torch object: Int index, the string "V <version>" (absent in files older than versioning),
      the class name string, then what the class's write() wrote -- by default its fields as a table
    6 function: Int n, n bytes of LuaJIT bytecode, the table of upvalues
    7, 8 function with an index (8: upvalues are {name=, id=, value=} tables; 7: bare values)

A tagged object with an index already read is a reference to it (shared tables, tensors, cycles).
A tensor writes Int nDimension, Long sizes, Long strides, Long storageOffset+1 and then its
storage as an object (nil when it has none); a storage writes Long size and its elements.

The functions `read_head`, `read_tensor_header`, `read_storage`, ... are the byte-level steps that
the Lua walker (lua/torch/File.lua) calls; they check every size against the bytes left in the
file before allocating anything.
"""
import re
import struct
import sys
from contextlib import contextmanager

import numpy as np

from . import types
from .errors import TorchError
from .file import DiskFile, File, open_disk_file
from . import xp as _xp
from .storage import Storage
from .tensor import Tensor, geometry_changed

NIL, NUMBER, STRING, TABLE, TORCH, BOOLEAN, FUNCTION, LEGACY_RECUR_FUNCTION, RECUR_FUNCTION = range(9)
MAX_DEPTH = 10000       # nesting of tables/objects the Python reader and writer follow
MAX_EXPAND = 1 << 16   # elements per storage element a tensor may show (expanded, stride 0)
MAX_DIMS = 64           # numpy's limit; real files never come near it
GENERATOR_STATE = 5048  # bytes of TH's THGenerator struct, written raw by Generator:write

_I = struct.Struct('<i')
_D = struct.Struct('<d')
_L = struct.Struct('<q')


def _fast(f):
    return f.binary and not f.swap


# ----------------------------------------------------------------------------- scalars


def _read_fixed(f, st, ttype):
    if f.binary and not f.swap and f.readable:
        r = f._unpack(st)
        if r is not None:
            return r[0]
        f.check_read()
        b = f._take(st.size)
        if len(b) == st.size:
            return st.unpack(b)[0]
        f.fail('read error: read 0 blocks instead of 1')
        return 0
    return f.read_scalar(ttype)


def read_int(f):
    return _read_fixed(f, _I, types.Int)


def read_long(f):
    if f.long_size in (0, 8):
        return _read_fixed(f, _L, types.Long)
    return f.read_scalar(types.Long)


def read_double(f):
    return _read_fixed(f, _D, types.Double)


def read_chars(f, n):
    """n raw bytes (a string's contents); never allocates more than the file has left."""
    f.check_read()
    if n < 0:
        raise TorchError('read error: invalid string size %d' % n)
    if _fast(f):
        rem = f.remaining()
        b = f._take(n if rem is None else min(n, rem))
        if len(b) != n:
            f.fail('read error: read %d blocks instead of %d' % (len(b), n))
        return b
    return f.read_array(types.Char, n).tobytes()


def read_string(f):
    return read_chars(f, read_int(f))


def write_int(f, v):
    if _fast(f):
        f.check_write()
        f._write(_I.pack(v))
    else:
        f.write_scalar(types.Int, v)


def write_long(f, v):
    if _fast(f) and f.long_size in (0, 8):
        f.check_write()
        f._write(_L.pack(v))
    else:
        f.write_scalar(types.Long, v)


def write_chars(f, b):
    """Int length then the raw bytes (how writeObject stores a string)."""
    write_int(f, len(b))
    if _fast(f):
        f.check_write()
        if b:
            f._write(b)
    else:
        f.write_array(types.Char, np.frombuffer(b, np.int8))


# ----------------------------------------------------------------------------- object heads


def read_head(f):
    """The tag of the next object and, in one step, its value when it is a plain value:
    (0, None) | (1, number) | (2, bytes) | (5, bool) | (3/4/7/8, index) | (6, None)."""
    tag = read_int(f)
    if tag == NUMBER:
        return tag, read_double(f)
    if tag == STRING:
        return tag, read_string(f)
    if tag == BOOLEAN:
        return tag, read_int(f) == 1
    if tag in (TABLE, TORCH, RECUR_FUNCTION, LEGACY_RECUR_FUNCTION):
        return tag, read_int(f)
    if tag == NIL or tag == FUNCTION:
        return tag, None
    raise TorchError('unknown object (type tag %d)' % tag)


PLAIN = (NIL, NUMBER, STRING, BOOLEAN)
_ID = struct.Struct('<id')
_II = struct.Struct('<ii')


def read_prims(f, n):
    """Up to n table entries whose key and value are plain (nil, number, string, boolean), in one
    step: (m, k1, v1, ..., km, vm) and, when m < n, the head(s) read of the next entry: its key's
    (tag, value or index), then if the key was plain its value's (tag, value or index)."""
    out = [0]
    m = 0
    for _ in range(n):
        kt, kv = read_head(f)
        if kt not in PLAIN:
            out += (kt, kv)
            break
        vt, vv = read_head(f)
        if vt not in PLAIN:
            out += (kt, kv, vt, vv)
            break
        out += (kv, vv)
        m += 1
    out[0] = m
    return tuple(out)


def write_prims(f, *values):
    """Several plain objects (numbers, strings, booleans) in one step."""
    if _fast(f):
        f.check_write()
        parts = []
        for v in values:
            t = type(v)
            if t is float or t is int:
                parts.append(_ID.pack(NUMBER, v))
            elif t is bytes:
                parts.append(_II.pack(STRING, len(v)))
                parts.append(v)
            elif t is bool:
                parts.append(_II.pack(BOOLEAN, 1 if v else 0))
            else:
                raise TorchError('plain value expected, got %s' % t.__name__)
        f._write(b''.join(parts))
        return
    for v in values:
        t = type(v)
        if t is float or t is int:
            write_number(f, v)
        elif t is bytes:
            write_string_object(f, v)
        elif t is bool:
            write_boolean(f, v)
        else:
            raise TorchError('plain value expected, got %s' % t.__name__)


def write_number(f, v):
    if _fast(f):
        f.check_write()
        f._write(_I.pack(NUMBER) + _D.pack(v))
    else:
        write_int(f, NUMBER)
        f.write_scalar(types.Double, v)


def write_string_object(f, b):
    write_int(f, STRING)
    write_chars(f, b)


def write_boolean(f, v):
    if _fast(f):
        f.check_write()
        f._write(_I.pack(BOOLEAN) + _I.pack(1 if v else 0))
    else:
        write_int(f, BOOLEAN)
        write_int(f, 1 if v else 0)


def write_torch_head(f, index, version, classname):
    """Tag 4, the object's index, 'V <version>' and the class name."""
    write_int(f, TORCH)
    write_int(f, index)
    write_chars(f, b'V ' + version)
    write_chars(f, classname)


_VERSION = re.compile(rb'V \s*([+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?)\s*\Z')


def read_class(f):
    """After a Torch object's index: (version number, class name bytes)."""
    first = read_string(f)
    m = _VERSION.match(first)
    if m:
        v = float(m.group(1))
        return (int(v) if v.is_integer() else v), read_string(f)
    return 0, first   # written before versioning: the first string is the class name


# ----------------------------------------------------------------------------- tensors, storages


def write_storage(f, s):
    write_long(f, s.data.shape[0])
    f.write_array(s.ttype, _xp.to_host(s.data))   # a device (Cuda) storage: its host copy


def _elem_bytes(f, ttype):
    if not f.binary:
        return 1   # ascii: at least one character per element
    if ttype is types.Long and f.long_size == 4:
        return 4
    return ttype.itemsize


def read_storage(f, s):
    """Storage:read(file): its size, then its elements straight into a new numpy buffer."""
    n = read_long(f)
    if n < 0:
        raise TorchError('invalid %s size %d in file' % (s.ttype.storage_name, n))
    rem = f.remaining()
    item = _elem_bytes(f, s.ttype)
    if rem is None:
        arr = f.read_array(s.ttype, n)       # grows with the bytes that really come
        data = np.zeros(n, s.ttype.dtype) if arr.shape[0] != n else arr
        if arr.shape[0] != n:
            data[:arr.shape[0]] = arr
        s.set_data(data)                     # counted in heap.py, tensor.EPOCH bumped
        return s
    if n > rem // item:
        f.fail('read error: read %d blocks instead of %d' % (rem // item, n))
        n = rem // item
    if getattr(s.ttype, 'cuda', False):      # read on the host; the storage adopts it
        host = Storage(s.ttype.host, 0)
        host.set_data(np.empty(n, s.ttype.dtype))
        f.read_into(host)
        s.set_data(host.data)
    else:
        s.set_data(np.empty(n, s.ttype.dtype))
        f.read_into(s)
    return s


def write_tensor_header(f, t):
    """Tensor:write(file) up to the storage; True when the storage follows (else nil does)."""
    nd = len(t.size)
    write_int(f, nd)
    if nd:
        f.write_array(types.Long, np.array(t.size, np.int64))
        f.write_array(types.Long, np.array(t.stride, np.int64))
    write_long(f, t.offset + 1)
    return bool(nd) or t.storage.data.shape[0] > 0


def read_tensor_header(f):
    """nDimension, sizes, strides, storageOffset of a tensor being read, as a list."""
    nd = read_int(f)
    if nd < 0 or nd > MAX_DIMS:
        raise TorchError('invalid tensor in file: %d dimensions' % nd)
    sizes = f.read_array(types.Long, nd).tolist() if nd else []
    strides = f.read_array(types.Long, nd).tolist() if nd else []
    off = read_long(f) - 1
    if len(sizes) != nd or len(strides) != nd:
        raise TorchError('invalid tensor in file: truncated header')
    return [nd, sizes, strides, off]


def tensor_geometry(hdr, ttype, storage_size):
    """Check a tensor header against its storage; (offset, sizes, strides), sizes () if empty."""
    nd, sizes, strides, off = hdr
    if nd == 0 or 0 in sizes:
        if any(s < 0 for s in sizes):
            raise TorchError('invalid %s in file: negative size' % ttype.tensor_name)
        return 0, (), ()
    if storage_size is None:
        raise TorchError('invalid %s in file: %d dimensions and no storage' % (ttype.tensor_name, nd))
    if any(s < 0 for s in sizes) or any(s < 0 for s in strides) or off < 0:
        raise TorchError('invalid %s in file: negative size, stride or offset' % ttype.tensor_name)
    last = off + sum((s - 1) * st for s, st in zip(sizes, strides))
    nel = 1
    for s in sizes:
        nel *= s
    limit = max(storage_size, 1) * MAX_EXPAND
    if nel > limit:
        raise TorchError('invalid %s in file: %d elements over a storage of %d' % (
            ttype.tensor_name, nel, storage_size))
    if any(st > limit for st in strides):
        raise TorchError('invalid %s in file: stride %s over a storage of %d' % (
            ttype.tensor_name, 'x'.join(map(str, strides)), storage_size))
    if last >= storage_size:
        raise TorchError('invalid %s in file: size %s, stride %s and offset %d exceed its storage of %d elements' % (
            ttype.tensor_name, 'x'.join(map(str, sizes)), 'x'.join(map(str, strides)), off + 1, storage_size))
    return off, tuple(sizes), tuple(strides)


def set_tensor(t, hdr, storage):
    """Tensor:read(file) after the storage: give t that storage and the checked geometry."""
    if storage is not None and (not isinstance(storage, Storage) or storage.ttype is not t.ttype):
        raise TorchError('invalid %s in file: its storage is a %s' % (
            t.ttype.tensor_name, getattr(getattr(storage, 'ttype', None), 'storage_name', type(storage).__name__)))
    off, size, stride = tensor_geometry(hdr, t.ttype, None if storage is None else storage.data.shape[0])
    t.storage = storage if storage is not None else Storage(t.ttype, 0)
    t.offset, t.size, t.stride = off, size, stride
    t._a = t._sd = None
    geometry_changed()   # t may be a tensor Lua already knows (see tensor.EPOCH)
    return t


def write_generator(f, state):
    f.write_array(types.Byte, np.frombuffer(state, np.uint8))


def read_generator_state(f):
    arr = f.read_array(types.Byte, GENERATOR_STATE)
    if arr.shape[0] != GENERATOR_STATE:
        raise TorchError('invalid torch.Generator in file: truncated state')
    return arr.tobytes()


# ----------------------------------------------------------------------------- Python objects


class TorchObject:
    """An object of a Torch class read without Lua: its class name, version and fields."""

    def __init__(self, torch_typename, fields=None, version=1):
        self.torch_typename = torch_typename
        self.fields = {} if fields is None else fields
        self.version = version

    def __getattr__(self, k):
        fields = self.__dict__.get('fields')
        if fields is not None and k in fields:
            return fields[k]
        raise AttributeError(k)

    def __getitem__(self, k):
        return self.fields[k]

    def __contains__(self, k):
        return k in self.fields

    def __repr__(self):
        return 'TorchObject(%r, %s)' % (self.torch_typename, sorted(map(str, self.fields)))


class LuaFunction:
    """A Lua function read from a file: its bytecode and upvalues (never run by Python)."""

    def __init__(self, bytecode, upvalues=None, legacy=False):
        self.bytecode = bytecode
        self.upvalues = upvalues
        self.legacy = legacy

    def __repr__(self):
        return '<LuaFunction, %d bytes of bytecode>' % len(self.bytecode)


class Table(dict):
    """A Lua table read as a dict; hashable by identity so that tables can be keys."""
    __hash__ = object.__hash__


class TableList(list):
    """A Lua table with keys 1..n read as a list (hashable by identity)."""
    __hash__ = object.__hash__


class ArrayKey:
    """A tensor or storage used as a table key (numpy arrays are not hashable): `.array`."""
    __slots__ = ('array',)

    def __init__(self, array):
        self.array = array

    def __repr__(self):
        return 'ArrayKey(%r)' % (self.array,)


_CPU_BY_DTYPE = {t.dtype: t for t in types.ALL_TYPES if not getattr(t, 'cuda', False)}
_CUDA = {'torch.CudaTensor': 'torch.FloatTensor', 'torch.CudaStorage': 'torch.FloatStorage'}


def _cpu_name(name):
    name = _CUDA.get(name, name)
    return name.replace('torch.Cuda', 'torch.', 1) if name.startswith('torch.Cuda') else name


def _number(v):
    if v == v and abs(v) < 2 ** 53 and v == int(v):
        return int(v)
    return v


def _text(b):
    try:
        return b.decode('utf-8')
    except UnicodeDecodeError:
        return b


class Reader:
    """readObject without Lua, for plain data (tables, numbers, strings, tensors, storages)."""

    def __init__(self, f, referenced=True):
        self.f = f
        self.force = not referenced
        self.objects = {}
        self.storages = {}
        self.depth = 0

    def read(self):
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise TorchError('object nesting too deep')
            return self._read()
        finally:
            self.depth -= 1

    def _read(self):
        f = self.f
        tag, v = read_head(f)
        if tag == NUMBER:
            return _number(v)
        if tag == STRING:
            return _text(v)
        if tag in (NIL, BOOLEAN):
            return v
        if tag == FUNCTION:
            code = read_string(f)
            return LuaFunction(code, self.read())
        index = v
        if not self.force and index in self.objects:
            return self.objects[index]
        if tag in (RECUR_FUNCTION, LEGACY_RECUR_FUNCTION):
            fn = LuaFunction(read_string(f), legacy=tag == LEGACY_RECUR_FUNCTION)
            self._keep(index, fn)
            fn.upvalues = self.read()
            return fn
        if tag == TORCH:
            return self._torch(index)
        n = read_int(f)
        if n < 0:
            raise TorchError('invalid table size %d in file' % n)
        t = Table()
        self._keep(index, t)
        for _ in range(n):
            k = self.read()
            val = self.read()
            if k is None or (type(k) is float and k != k):
                raise TorchError('invalid table key in file (nil or NaN)')
            if isinstance(k, np.ndarray):
                k = ArrayKey(k)
            if val is not None:
                t[k] = val
        if t and self.objects.get(index) is t and all(type(k) is int for k in t) \
                and min(t) == 1 and max(t) == len(t):
            lst = TableList(t[i] for i in range(1, len(t) + 1))
            self._keep(index, lst)
            return lst
        return t

    def _keep(self, index, obj):
        if not self.force:
            self.objects[index] = obj

    def _torch(self, index):
        f = self.f
        version, name = read_class(f)
        name = _text(name)
        cname = _cpu_name(name) if isinstance(name, str) else name
        tt = types.BY_TENSOR_NAME.get(cname)
        if tt is not None:
            hdr = read_tensor_header(f)
            st = self.read()
            if st is not None and not (id(st) in self.storages and st.dtype == tt.dtype):
                raise TorchError('invalid %s in file: bad storage' % cname)
            off, size, stride = tensor_geometry(hdr, tt, None if st is None else st.shape[0])
            if not size:
                arr = np.empty(0, tt.dtype)
            else:
                it = tt.itemsize
                arr = np.ndarray(size, tt.dtype, st, off * it, tuple(s * it for s in stride))
            self._keep(index, arr)
            return arr
        tt = types.BY_STORAGE_NAME.get(cname)
        if tt is not None:
            s = read_storage(f, Storage(tt))
            self.storages[id(s.data)] = s.data
            self._keep(index, s.data)
            return s.data
        if cname == 'torch.Generator':
            obj = TorchObject(name, {'state': read_generator_state(f)}, version)
            self._keep(index, obj)
            return obj
        obj = TorchObject(name, None, version)
        self._keep(index, obj)
        try:
            fields = self.read()
        except TorchError as e:
            raise TorchError('cannot read Torch class <%s> without Lua (%s)' % (name, e)) from None
        if not isinstance(fields, dict):
            if isinstance(fields, list):
                fields = Table(enumerate(fields, 1))
            else:
                raise TorchError('cannot read Torch class <%s> without Lua (custom serialization)' % name)
        obj.fields = fields
        return obj


class Writer:
    """writeObject without Lua, for numpy arrays, dicts, lists, numbers, strings, TorchObjects."""

    def __init__(self, f, referenced=True):
        self.f = f
        self.force = not referenced
        self.ids = {}
        self.keep = []
        self.n = 0
        self.depth = 0

    def _index(self, obj):
        """(index, already written)."""
        if not self.force:
            i = self.ids.get(id(obj))
            if i is not None:
                return i, True
        self.n += 1
        if not self.force:
            self.ids[id(obj)] = self.n
            self.keep.append(obj)
        return self.n, False

    def write(self, obj):
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise TorchError('object nesting too deep')
            self._write(obj)
        finally:
            self.depth -= 1

    def _write(self, obj):
        f = self.f
        if obj is None:
            write_int(f, NIL)
        elif isinstance(obj, (bool, np.bool_)):
            write_boolean(f, bool(obj))
        elif isinstance(obj, (int, float, np.integer, np.floating)):
            try:
                v = float(obj)
            except OverflowError:
                raise TorchError('number too large for a .t7 file: %r' % (obj,)) from None
            write_number(f, v)
        elif isinstance(obj, str):
            write_string_object(f, obj.encode('utf-8', 'surrogateescape'))
        elif isinstance(obj, (bytes, bytearray)):
            write_string_object(f, bytes(obj))
        elif isinstance(obj, np.ndarray):
            self._tensor(obj)
        elif isinstance(obj, Tensor):
            tt = obj.ttype.host if getattr(obj.ttype, 'cuda', False) else obj.ttype
            self._tensor(_xp.to_host(obj.arr()) if obj.size else np.empty(0, tt.dtype), tt)
        elif isinstance(obj, ArrayKey):
            self.write(obj.array)
        elif isinstance(obj, (dict, list, tuple)):
            write_int(f, TABLE)
            i, seen = self._index(obj)
            write_int(f, i)
            if seen:
                return
            items = obj.items() if isinstance(obj, dict) else enumerate(obj, 1)
            items = [(k, v) for k, v in items if v is not None]   # a Lua table holds no nil
            write_int(f, len(items))
            for k, v in items:
                self.write(k)
                self.write(v)
        elif isinstance(obj, TorchObject):
            i, seen = self._index(obj)
            if seen:
                write_int(f, TORCH)
                write_int(f, i)
                return
            name = obj.torch_typename
            name_b = name.encode() if isinstance(name, str) else name
            write_torch_head(f, i, ('%g' % (obj.version or 1)).encode(), name_b)
            if name == 'torch.Generator':
                write_generator(f, obj.fields['state'])
            else:
                self.write(obj.fields)
        elif isinstance(obj, LuaFunction):
            tag = LEGACY_RECUR_FUNCTION if obj.legacy else RECUR_FUNCTION
            write_int(f, tag)
            i, seen = self._index(obj)
            write_int(f, i)
            if seen:
                return
            write_chars(f, obj.bytecode)
            self.write(obj.upvalues if obj.upvalues is not None else [])
        else:
            raise TorchError('cannot save a Python %s in a .t7 file' % type(obj).__name__)

    def _tensor(self, arr, ttype=None):
        f = self.f
        if ttype is None:
            dt = np.dtype(np.uint8) if arr.dtype == np.bool_ else arr.dtype
            ttype = _CPU_BY_DTYPE.get(dt)
            if ttype is None or dt.byteorder == ('>' if np.little_endian else '<'):
                raise TorchError('cannot save a numpy array of dtype %s in a .t7 file' % arr.dtype)
        i, seen = self._index(arr)
        if seen:
            write_int(f, TORCH)
            write_int(f, i)
            return
        write_torch_head(f, i, b'1', ttype.tensor_name.encode())
        if arr.size == 0:
            write_int(f, 0)
            write_long(f, 1)
            write_int(f, NIL)
            return
        a = np.ascontiguousarray(arr.reshape(arr.shape or (1,)), dtype=ttype.dtype)
        size = a.shape
        stride = [1] * len(size)
        for d in range(len(size) - 2, -1, -1):
            stride[d] = stride[d + 1] * size[d + 1]
        write_int(f, len(size))
        f.write_array(types.Long, np.array(size, np.int64))
        f.write_array(types.Long, np.array(stride, np.int64))
        write_long(f, 1)
        self.n += 1
        write_torch_head(f, self.n, b'1', ttype.storage_name.encode())
        write_long(f, a.size)
        f.write_array(ttype, a.reshape(-1))


def _open(path, rw, mode):
    if isinstance(path, File):
        f = path
    else:
        f = open_disk_file(path, rw)
    if mode in ('b32', 'b64'):
        f.binary = True
        f.set_long_size(4 if mode == 'b32' else 8)
    elif mode == 'binary':
        f.binary = True
    elif mode == 'ascii':
        f.binary = False
    else:
        raise TorchError('"binary", "b32", "b64" or "ascii" expected for mode, got %r' % (mode,))
    return f


@contextmanager
def _deep_recursion():
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 4 * MAX_DEPTH + 1000))
    try:
        yield
    except RecursionError:
        raise TorchError('object nesting too deep') from None
    finally:
        sys.setrecursionlimit(old)


def load(path, mode='binary', referenced=True):
    """Read a .t7 file without Lua: tensors and storages become numpy arrays (views of shared
    storages share memory), tables dicts (lists when their keys are 1..n), Torch objects
    TorchObjects, Lua functions inert LuaFunctions."""
    f = _open(path, 'r', mode)
    try:
        with _deep_recursion():
            return Reader(f, referenced).read()
    finally:
        if f is not path and f.is_open():
            f.close()


def save(path, obj, mode='binary', referenced=True):
    """Write obj as torch.save does: numpy arrays as tensors of the matching type, dicts, lists
    and tuples as tables (lists 1-based), str/bytes as strings, numbers, booleans, None."""
    if mode not in ('binary', 'ascii'):
        raise TorchError('"binary" or "ascii" expected for mode, got %r' % (mode,))
    f = _open(path, 'w', mode)
    try:
        with _deep_recursion():
            Writer(f, referenced).write(obj)
    finally:
        if f is not path and f.is_open():
            f.close()


__all__ = ['load', 'save', 'TorchObject', 'LuaFunction', 'Table', 'TableList', 'ArrayKey', 'DiskFile']
