"""The nn kernels (luatorch/lib/nn) as one Lua table of adapters, built when `require 'nn'` runs."""
from .export import lua_function, lua_plain_function


def kernels_table(lua):
    """name -> {adapter, plain adapter} (lua_plain_function: for calls without strings/tables)."""
    from ..lib import nn
    t = lua.table()
    for name, fn in sorted(nn.load_all().items()):
        t[name.encode()] = lua.table(lua_function(fn, lua), lua_plain_function(fn, lua))
    return t


def install(lua, t):
    t.nn_kernels = lambda: kernels_table(lua)
