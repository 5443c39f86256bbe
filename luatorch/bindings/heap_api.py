"""Heap tracking in a Lua state: its collector is registered with luatorch.lib.heap."""
import ctypes

from ..lib import heap


def _malloc_trim():
    """glibc keeps freed memory in the process; malloc_trim gives it back to the system."""
    try:
        libc = ctypes.CDLL('libc.so.6')   # find_library would run ldconfig: slow start-up
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return lambda: None
    trim.argtypes = [ctypes.c_size_t]
    return lambda: trim(0)


trim = _malloc_trim()


class Collector:
    """Runs a full Lua collection in one Lua state when tracked tensor memory passes the limit."""

    def __init__(self, sweep):
        self._sweep = sweep

    def collect(self):
        # a sweep of lupa's wrappers (lua/torch/_refs.lua), two cycles: a dead proxy's entry in
        # the weak-keyed proxy table is cleared by the first, the Python object it held is
        # released by the second
        self._sweep(2)
        trim()


def install(lua, t, owner, sweep):
    """Register owner's collector (kept alive by owner; sweep(n): n full collections of the Lua
    state freeing unreachable Python objects) and export the Lua-facing functions."""
    owner._heap_collector = Collector(sweep)
    heap.register(id(owner), owner._heap_collector)
    t.heap_set_tracking = lambda on: heap.set_tracking(on)
    t.heap_trim = trim

    def info():
        i = heap.info()
        return lua.table_from({k.encode(): v for k, v in i.items()})
    t.heap_info = info
