"""The LuaJIT runtime with torch loaded: what `th`, notebooks and Python users run Lua code in."""
import os
from pathlib import Path

from lupa import luajit21 as lupa

from . import autograd_api, cuda_api, export, file_api, heap_api, hot, nn_api, os_api, torch_api

LUA_DIR = Path(__file__).resolve().parents[2] / 'lua'
if not LUA_DIR.is_dir():  # installed as a wheel: lua/ ships inside the package
    LUA_DIR = Path(__file__).resolve().parents[1] / 'lua'


def lua_path():
    """package.path: shipped packages, then ./?.lua, ./?/init.lua, then LUA_PATH (';;' = default)."""
    own = '%s/?.lua;%s/?/init.lua' % (LUA_DIR, LUA_DIR)
    local = './?.lua;./?/init.lua'
    extra = os.environ.get('LUA_PATH', '')
    default = './?.lua;/usr/local/share/lua/5.1/?.lua;/usr/local/share/lua/5.1/?/init.lua'
    if extra:
        extra = extra.replace(';;', ';' + default + ';')
        return ';'.join(p for p in (own, local, extra) if p)
    return ';'.join((own, local))


class Runtime:
    """A Lua state with torch loaded.

    rt = Runtime(); rt.execute("x = torch.ones(2)"); rt.eval("x:sum()") -> 2.0
    """

    def __init__(self, load_torch=True):
        self.lua = lupa.LuaRuntime(unpack_returned_tuples=True, encoding=None)
        g = self.lua.globals()
        g.package.path = lua_path().encode()
        # the Lua collector starts a new cycle as soon as one ends (pause 100 instead of 200):
        # the Lua heap is small (tensor data lives in numpy) and stays about half the size
        # (3M views: 1.6 MB against 3.1 MB at pause 200, both flat, at the same speed)
        self.lua.execute(b"collectgarbage('setpause', 100)")
        # before any Python object reaches Lua: pin lupa's wrapper table (lua/torch/_refs.lua)
        self._sweep = self.lua.execute(b"return require('torch._refs').sweep")
        g[b'__luatorch'] = self._exports()
        if load_torch:
            self.lua.execute(b"require 'torch'")

    def _exports(self):
        lua = self.lua
        t = lua.table()
        kinds = lua.table()
        for i, (k, name, cat, short, is_float) in enumerate(torch_api.kinds_table(), 1):
            kinds[i] = lua.table(k, name.encode(), cat.encode(), short.encode(), is_float)
        t.kinds = kinds
        ops = lua.table()
        for i, (name, m, f, tnames) in enumerate(torch_api.ops_table(lua), 1):
            only = lua.table(*[n.encode() for n in tnames]) if tnames else False
            ops[i] = lua.table(name.encode(), m or False, f or False, only)
        t.ops = ops
        for name, fn in hot.exports(lua).items():
            t[name.encode()] = fn
        os_api.install(lua, t)
        file_api.install(lua, t)
        nn_api.install(lua, t)
        cuda_api.install(lua, t)
        autograd_api.install(lua, t)
        heap_api.install(lua, t, self, self._sweep)
        return t

    # ------------------------------------------------------------------ Python API
    def execute(self, code, *args):
        """Run a chunk of Lua code; returns what it returns."""
        if isinstance(code, str):
            code = code.encode()
        return self.lua.execute(code, *args)

    def eval(self, expr, *args):
        """Evaluate a Lua expression; tensors come back as Python Tensor objects."""
        if isinstance(expr, str):
            expr = expr.encode()
        f = self.lua.eval(b'function(...) return __luatorch_unwrap(' + expr + b') end')
        return f(*args)

    def globals(self):
        return self.lua.globals()


__all__ = ['Runtime', 'export']
