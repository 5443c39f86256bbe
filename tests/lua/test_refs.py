"""lua/torch/_refs.lua: lupa's wrappers of Python objects stay right, and are freed by sweeps."""
import gc
import weakref

import pytest

from luatorch.bindings.runtime import Runtime


@pytest.fixture(scope='module')
def rt():
    return Runtime()


class Obj:
    def __init__(self, i):
        self.id = i


def test_wrapper_table_is_pinned(rt):
    assert rt.execute("return require('torch._refs').pinned()") is True


def test_same_objects_pushed_again_and_again_come_back_right(rt):
    # lupa 2.8 alone hands back another object's wrapper here (tens of thousands of times in 2e6
    # calls) once a dead wrapper is cleared from its weak table before its finalizer ran
    objs = [Obj(i) for i in range(1000)]
    # (the default collector settings, under which lupa alone fails most often)
    f = rt.execute("""return function(get, n)
      local pause, stepmul = collectgarbage('setpause', 200), collectgarbage('setstepmul', 100)
      local bad = 0
      for i = 1, n do
        local k = i % 1000
        local o = get(k)
        local junk = {i, i, {}}
        if o.id ~= k then bad = bad + 1 end
      end
      collectgarbage('setpause', pause); collectgarbage('setstepmul', stepmul)
      return bad
    end""")
    assert f(lambda k: objs[k], 300000) == 0


def test_storages_of_tensors_stay_their_own(rt):
    # the same Storage objects reach Lua again and again (t:storage() makes a new proxy each time)
    bad = rt.execute("""
      local ts = {}
      for i = 1, 50 do ts[i] = torch.Tensor(i) end
      local bad = 0
      for n = 1, 100000 do
        local i = n % 50 + 1
        local s = ts[i]:storage()
        local junk = {n, {}}
        if s:size() ~= i then bad = bad + 1 end
      end
      return bad""")
    assert bad == 0


def test_unreachable_python_objects_are_freed_by_collectgarbage(rt):
    o = Obj(1)
    ref = weakref.ref(o)
    rt.execute("x_refs_test = ...", o)
    del o
    gc.collect()
    assert ref() is not None                     # Lua still holds it
    rt.execute("x_refs_test = nil; collectgarbage()")
    gc.collect()
    assert ref() is None


def test_wrappers_are_swept_without_collectgarbage(rt):
    # a loop making proxies sweeps by itself: the Python objects behind dead proxies go away
    from luatorch.lib.tensor import Tensor

    def tensors():
        gc.collect()
        return sum(1 for x in gc.get_objects() if type(x) is Tensor)
    rt.execute("collectgarbage()")
    before = tensors()
    sweeps0 = rt.execute("return require('torch._refs').sweeps")
    rt.execute("""
      local t = torch.Tensor(10, 10)
      for i = 1, 200000 do local v = t:narrow(1, 1, 2) end""")
    assert rt.execute("return require('torch._refs').sweeps") > sweeps0 + 2
    assert tensors() - before < 100000
    rt.execute("collectgarbage()")
    assert tensors() - before < 10


def test_failing_finalizer_during_sweep_leaves_table_pinned(rt):
    # LuaJIT reports a finalizer's error on stderr and goes on; the sweep still re-pins
    ok = rt.execute("""
      local p = newproxy(true)
      getmetatable(p).__gc = function() error('boom in gc') end
      p = nil
      return (pcall(collectgarbage))""")
    assert ok is True
    assert rt.execute("return require('torch._refs').pinned()") is True
