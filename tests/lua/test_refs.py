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


# lupa's free list of slots in its reference table (luaL_ref/luaL_unref): every free slot holds
# the next free slot's index, starting from t[0]; a number anywhere else is a slot lost for good
REFS_SLOTS = """
  local R = debug.getregistry().LUPA_PYTHON_REFERENCES_TABLE
  local free, seen, f = 0, {}, rawget(R, 0)
  while type(f) == 'number' and f > 0 and not seen[f] do
    seen[f] = true; free = free + 1; f = rawget(R, f)
  end
  local lost, wrappers = 0, 0
  for k, v in pairs(R) do
    if type(v) == 'number' and k ~= 0 and not seen[k] then lost = lost + 1 end
    if type(v) == 'userdata' then wrappers = wrappers + 1 end
  end
  return lost, wrappers, free"""


def test_reference_table_loses_no_slots_in_a_loop_of_views(rt):
    # unpinned, lupa lost slots (tens of thousands in 10^6 views; the table's array grew in
    # power-of-two steps: the views soak's stepping Lua heap); pinned, none is lost and the
    # table holds about one sweep interval of wrappers
    rt.execute("""
      local pause = collectgarbage('setpause', 200)
      local t = torch.randn(100, 100)
      local s = 0
      for i = 1, 300000 do
        local v = t[(i % 100) + 1]
        local w = t:narrow(1, (i % 50) + 1, 10)
        s = s + v[1] + w:size(1)
      end
      collectgarbage('setpause', pause)
      collectgarbage()""")
    lost, wrappers, free = rt.execute(REFS_SLOTS)
    assert lost == 0
    assert wrappers < 5000
    assert free < 100000


def test_dropped_tensor_buffer_is_freed_by_one_collectgarbage(rt):
    # the geometry cache (Tensor.lua) holds a Float/Double tensor's buffer; a weak-keyed table
    # marks its values, so without emptying it at sweeps the buffer outlived collectgarbage()
    rt.execute("collectgarbage()")
    for ctor in ('torch.FloatTensor(1000)', 'torch.DoubleTensor(10, 10)', 'torch.ByteTensor(7)'):
        rt.execute("x_refs_buf = %s:fill(1); local a = x_refs_buf[2]" % ctor)
        buf = weakref.ref(rt.eval("x_refs_buf").storage.data)
        gc.collect()
        assert buf() is not None
        rt.execute("x_refs_buf = nil; collectgarbage()")
        gc.collect()
        assert (buf() is None), '%s: buffer still alive' % ctor


def test_element_access_after_sweeps_still_right(rt):
    # the cache emptied by a sweep is refilled: values, writes and bounds stay right
    out = rt.execute("""
      local t = torch.DoubleTensor(3, 4):zero()
      local f = torch.FloatTensor(5):fill(2)
      local ok = true
      for i = 1, 30 do
        t[2][3] = i; f[5] = i
        if i % 7 == 0 then collectgarbage() end
        if i % 11 == 0 then require('torch._refs').sweep(1) end
        ok = ok and t[2][3] == i and t[{2, 3}] == i and f[5] == i and f[-1] == i
      end
      local e = select(2, pcall(function() return f[6] end))
      return ok, t:sum(), tostring(e):match('out of range') ~= nil""")
    assert out == (True, 30.0, True)


def test_on_sweep_hooks_run_at_every_sweep(rt):
    n = rt.execute("""
      local refs = require 'torch._refs'
      local n = 0
      refs.on_sweep(function() n = n + 1 end)
      collectgarbage()          -- one sweep (two collections)
      refs.sweep(1)
      return n""")
    assert n == 2
