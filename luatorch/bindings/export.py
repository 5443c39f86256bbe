"""How a Python function becomes callable from Lua: the one mechanism every package uses.

Python functions never raise into Lua and never return values Lua cannot use. The adapter made by
`lua_function` converts arguments (Lua strings -> str, Lua tables -> lists/dicts), calls the
function, and encodes the result for the Lua side (`lua/torch/_bridge.lua` decodes it):

* `None`, or the first argument itself          -> nothing: Lua returns its first argument
* `registry.NOTHING`                            -> (None, -4): Lua returns no value at all
* a wrapped object (tensor, storage, generator) -> (obj, kind): Lua makes a proxy of that kind;
  kind + 1000*i when obj is the call's argument i (i = 2..4; in a tuple 1..4): Lua returns
  that argument's own proxy, so identity (rawequal) holds
* a tuple of values                             -> (v1, k1, v2, k2, ...), k = 0 for plain values
* a number, bool or str                         -> that value (str as bytes)
* an exception                                  -> (None, -1, message)
"""
import re

import numpy as np
from lupa import luajit21 as lupa

from ..lib.deferred import Pending, Watched
from ..lib.errors import TorchError, invalid_args
from ..lib.random import Generator
from ..lib.registry import NOTHING
from ..lib.storage import Storage
from ..lib.tensor import Tensor

LuaTable = type(lupa.LuaRuntime().table())
lua_type = lupa.lua_type

# kind numbers shared with Lua: a tensor type's idx, 100 + idx for its storage, then others
KIND_OF = {
    Tensor: lambda o: o.ttype.idx,
    Storage: lambda o: 100 + o.ttype.idx,
    Pending: lambda o: 100 + o.ttype.idx,    # a storage a deferred result is still to fill
    Watched: lambda o: 100 + o.ttype.idx,    # a storage pending results hold a copy of
    Generator: lambda o: 200,     # lua/torch/Tensor.lua makes its metatable
}


def register_kind(pytype, fn):
    KIND_OF[pytype] = fn


PLAIN = (int, float, bool, type(None))


def from_lua(v):
    """A Lua value (as lupa hands it over) -> plain Python: tables become lists or dicts."""
    t = type(v)
    if t is bytes:
        return v.decode('utf-8', 'surrogateescape')
    if t is LuaTable:
        n = len(v)
        items = list(v.items())
        if len(items) == n:
            return [from_lua(v[i]) for i in range(1, n + 1)]
        return {from_lua(k): from_lua(x) for k, x in items}
    return v


def to_lua(r, lua=None):
    """One Python value -> (value, kind) for Lua."""
    t = type(r)
    k = KIND_OF.get(t)
    if k is not None:
        return r, k(r)
    if t is str:
        return r.encode('utf-8', 'surrogateescape'), 0
    if isinstance(r, np.generic):
        return r.item(), 0
    if t is list or t is dict:
        return lua_table(r, lua), 0
    return r, 0


_WRAP = {}


def _element(x, lua):
    """One value placed inside a Lua table: tensors and storages become proxies."""
    v, k = to_lua(x, lua)
    if k:
        w = _WRAP.get(lua)
        if w is None:
            w = _WRAP[lua] = lua.eval(b"require('torch._bridge').wrap")
        return w(v, k)
    return v


def lua_table(r, lua):
    """Python lists/dicts (nested) -> a Lua table (lists 1-based)."""
    if type(r) is dict:
        t = lua.table()
        for k, v in r.items():
            t[_element(k, lua)] = _element(v, lua)
        return t
    return lua.table(*[_element(x, lua) for x in r])


def _argpos(r, args, first):
    """1000 * (position of r among the call's first four arguments), or 0."""
    for i in range(first, min(len(args), 4)):
        if args[i] is r:
            return 1000 * (i + 1)
    return 0


def encode(r, args, lua=None):
    t = type(r)
    if t in PLAIN:
        return r
    if args and r is args[0]:
        return None
    k = KIND_OF.get(t)
    if k is not None:
        return r, k(r) + _argpos(r, args, 1)
    if t is tuple:
        out = []
        for v in r:
            k = KIND_OF.get(type(v))
            if k is not None:
                out.append(v)
                out.append(k(v) + _argpos(v, args, 0))
            else:
                out.extend(to_lua(v, lua))
        return tuple(out)
    if r is NOTHING:
        return None, -4
    if t is list or t is dict:
        return lua_table(r, lua), 0
    if t is str:
        return r.encode('utf-8', 'surrogateescape')
    if isinstance(r, np.generic):
        return r.item()
    return r


def error_text(e):
    if isinstance(e, TorchError):
        return str(e).encode('utf-8', 'surrogateescape')
    if isinstance(e, (IndexError,)):
        msg = str(e)
        return (msg if 'out of range' in msg else 'index out of range').encode()
    if isinstance(e, MemoryError):
        return b'not enough memory'
    return ('%s: %s' % (type(e).__name__, e)).encode('utf-8', 'surrogateescape')


# Python's own indexing errors (not a Torch index out of range)
_PY_INDEX = re.compile(r'(tuple|list|string) index out of range')
_CALL_ERROR = re.compile(r'\(\) (takes|missing|got) .*(positional|keyword) argument')


def _expected(fn):
    """The Torch signature a function's docstring starts with, if any (for argument errors)."""
    fn = getattr(fn, '__wrapped__', fn)
    doc = (getattr(fn, '__doc__', None) or '').strip().split('\n')[0]
    return doc if '(' in doc else '(see the documentation)'


def failed(fn, args, e):
    """The encoded Lua error for exception e raised by fn(*args)."""
    if type(e) is TypeError and _CALL_ERROR.search(str(e)):
        # Python could not even bind the arguments: say so as Torch's wrappers do
        e = invalid_args(args, _expected(fn))
    elif not isinstance(e, TorchError):
        # an argument of the wrong kind: the function may name it (the nn kernels); else
        # Torch's wrappers' error for any of Python's own refusals of a value
        explain = getattr(fn, 'misuse', None)
        found = explain(fn, args, e) if explain is not None else None
        if found is None and (isinstance(e, (AttributeError, TypeError, ValueError,
                                             OverflowError, ZeroDivisionError))
                              or type(e) is IndexError and _PY_INDEX.match(str(e))):
            # Python refusing a value (a string where a number goes, a table where a size goes,
            # a negative size): Torch's wrappers' error, with the function's declared forms
            found = invalid_args(args, _expected(fn))
        if found is not None:
            e = found
    return None, -1, error_text(e)


def lua_function(fn, lua=None):
    """Adapter making `fn` safe and convenient to call from Lua (see the module docstring).

    `lua` is the LuaRuntime, needed when fn returns lists or dicts (made into Lua tables)."""
    def adapter(*args):
        try:
            for a in args:
                ta = type(a)
                if ta is bytes or ta is LuaTable:
                    args = tuple(from_lua(x) for x in args)
                    break
            return encode(fn(*args), args, lua)
        except Exception as e:  # noqa: BLE001 - every error becomes a Lua error
            return failed(fn, args, e)
    adapter.__name__ = getattr(fn, '__name__', 'adapter')
    adapter.__wrapped__ = fn
    return adapter


def lua_plain_function(fn, lua=None):
    """`lua_function` for calls whose arguments are already plain (no Lua strings or tables: the
    caller checks, as lua/nn/_kernels.lua does): the same results and errors, without the
    per-argument conversion scan (a third of the adapter's cost on a 5-argument call)."""
    def adapter(*args):
        try:
            r = fn(*args)
            if r is None:
                return None
            return encode(r, args, lua)
        except Exception as e:  # noqa: BLE001 - every error becomes a Lua error
            return failed(fn, args, e)
    adapter.__name__ = getattr(fn, '__name__', 'adapter')
    adapter.__wrapped__ = fn
    return adapter


def lua_procedure(fn):
    """Adapter for hot in-place methods: returns None, or an error message (bytes)."""
    def adapter(*args):
        try:
            fn(*args)
        except Exception as e:  # noqa: BLE001
            return failed(fn, args, e)[2]
    adapter.__name__ = getattr(fn, '__name__', 'adapter')
    adapter.__wrapped__ = fn
    return adapter
