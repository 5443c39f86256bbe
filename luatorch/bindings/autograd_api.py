"""autograd's Python half (luatorch/lib/autograd) as one Lua table, built by `require 'autograd'`.

Boxes (the traced values) cross to Lua as proxies of their own kind, NODE_KIND, whose metatable
lua/autograd/runtime.lua fills; they unwrap back to the Python box like tensors do.

Primitives whose maths is Lua code (functionalized nn modules and criteria, functions declared
with autograd.overload.module) are made here: their forward and gradients are Lua functions,
called with proxies and giving back Python values.
"""
from lupa import luajit21 as lupa

from ..lib.errors import TorchError
from . import export
from .export import lua_function

NODE_KIND = 400


class LuaCaller:
    """Calls Lua functions with Python values (tensors and boxes become proxies, lists and dicts
    tables) and turns what they return back into Python values."""

    def __init__(self, lua):
        self.lua = lua
        self.wrap = lua.eval(b"require('torch._bridge').wrap")
        self.U = lua.eval(b"require('torch._bridge').U")
        self.last = {}   # id -> (object, proxy) of the previous call's objects
        self.now = {}

    def proxy(self, v, kind):
        """A Lua proxy of v. Objects passed again by the next call (parameters, call after call)
        get the proxy they had, so Lua sees the same object (nn's parameter binding compares
        with rawequal) and no new proxy is made per call."""
        key = id(v)
        held = self.now.get(key) or self.last.get(key)
        if held is not None and held[0] is v:
            self.now[key] = held
            return held[1]
        p = self.wrap(v, kind)
        self.now[key] = (v, p)
        return p

    def to_lua(self, v):
        t = type(v)
        k = export.KIND_OF.get(t)
        if k is not None:
            return self.proxy(v, k(v))
        if t is list or t is tuple:
            tab = self.lua.table()
            for i, x in enumerate(v, 1):
                tab[i] = self.to_lua(x)
            return tab
        if t is dict:
            tab = self.lua.table()
            for key, x in v.items():
                tab[self.to_lua(key)] = self.to_lua(x)
            return tab
        if t is str:
            return v.encode('utf-8', 'surrogateescape')
        return v

    def from_lua(self, v):
        lt = lupa.lua_type(v)
        if lt == 'userdata' or lt == 'table':
            v = self.U(v)
        return export.from_lua(v)

    def call(self, fn, *args):
        self.last, self.now = self.now or self.last, {}
        try:
            r = fn(*[self.to_lua(a) for a in args])
        except lupa.LuaError as e:
            msg = e.args[0] if e.args else str(e)
            if isinstance(msg, bytes):
                msg = msg.decode('utf-8', 'replace')
            raise TorchError(str(msg)) from None
        if type(r) is tuple:
            return tuple(self.from_lua(x) for x in r)
        return self.from_lua(r)


def _table(lua):
    from ..lib.autograd import engine, nnprims, prims
    from ..lib.autograd.core import Box
    export.register_kind(Box, lambda o: NODE_KIND)
    caller = LuaCaller(lua)
    t = lua.table()
    t.NODE_KIND = NODE_KIND
    for name in ('apply', 'apply_prim', 'raw_value', 'value_kind', 'typename', 'depth',
                 'recording', 'begin', 'leaves', 'gradients', 'close', 'opt_new', 'opt_run',
                 'opt_begin', 'opt_finish', 'assign', 'program_source', 'program_dot',
                 'program_steps', 'program_info', 'program_listing', 'profiler_new',
                 'profiler_cycle', 'profiler_report', 'profile_summary'):
        t[name.encode()] = lua_function(getattr(engine, name), lua)
    t.prims = lua.table(*[lua.table(i, tbl.encode(), name.encode(), kind, method)
                          for i, tbl, name, kind, method in prims.names()])

    def nnprim(name, layout, fwd, bwd):
        """A primitive running an nn module or criterion (Lua forward/backward functions)."""
        return nnprims.module_prim(name, layout,
                                   lambda *a: caller.call(fwd, *a),
                                   lambda *a: caller.call(bwd, *a))

    t.nnprim = lua_function(nnprim, lua)

    def vjp(fn):
        return lambda g, ans, *args: caller.call(fn, g, ans, *args)

    def userprim(name, how, fwd, grads=None):
        """A primitive declared with autograd.overload.module: Lua forward `fwd`, Lua gradient
        functions `grads` (a list, false where none is given)."""
        vjps = [None if g is False or g is None else vjp(g) for g in (grads or [])]
        return nnprims.user_prim(name, how, lambda *a: caller.call(fwd, *a), vjps)

    t.userprim = lua_function(userprim, lua)
    return t


def install(lua, t):
    t.autograd = lambda: _table(lua)
