"""Heap tracking seen from Lua: temporaries are collected without collectgarbage()."""
import pytest

from tests.helpers import th


def test_loop_of_big_temporaries_is_collected():
    out = th("""
      local a = torch.rand(1000, 5000)      -- 40 MB
      for i = 1, 40 do local c = a + a end  -- 1.6 GB of temporaries without collection
      local h = torch.heapinfo()
      print(h.collections > 0, h.peak < 600e6, h.bytes < 600e6)
    """)
    assert out == 'true\ttrue\ttrue\t\n'


def test_setheaptracking_flag_and_collectgarbage():
    out = th("""
      print(torch._heaptracking)
      torch.setheaptracking(false)
      print(torch._heaptracking, torch.getheaptracking())
      torch.setheaptracking(true)
      local t = torch.rand(1000, 1000)
      local b = torch.heapinfo().bytes
      t = nil
      collectgarbage()
      print(torch.heapinfo().bytes <= b - 8e6, type(collectgarbage('count')))
    """)
    assert out == 'true\t\nfalse\tfalse\t\ntrue\tnumber\t\n'


def _mem_available_gb():
    try:
        with open('/proc/meminfo') as f:
            for line in f:
                if line.startswith('MemAvailable:'):
                    return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return 0


@pytest.mark.slow
@pytest.mark.skipif(_mem_available_gb() < 6, reason='needs ~6 GB of free memory')
def test_tensors_over_2GB_work_and_are_freed():
    # LuaJIT GC64: no 2 GB wall (and tensor memory is numpy's, not the Lua heap's); a ByteTensor
    # with more elements than a 32-bit index holds, a 2.4 GB FloatTensor read through the
    # element cache, both back to the system after drop + collectgarbage()
    out = th("""
      local function rss()
        local f = io.open('/proc/self/status'); local s = f:read('*a'); f:close()
        return tonumber(s:match('VmRSS:%s*(%d+)')) / 1024
      end
      local n = 2.5e9
      local t = torch.ByteTensor(n):fill(1)
      t[n] = 3
      print(t:sum() == n + 2, t[n], t[-1], t:size(1) == n, t:narrow(1, n - 9, 10):sum())
      t = nil; collectgarbage()
      print(rss() < 1000, torch.heapinfo().bytes < 1e8)
      local f = torch.FloatTensor(6e8):fill(0.5)
      f[6e8] = 2
      print(f[6e8], math.abs(f:sum() - (3e8 + 1.5)) < 1e3)
      f = nil; collectgarbage()
      print(rss() < 1000, torch.heapinfo().bytes < 1e8)
    """)
    assert out == ('true\t3\t3\ttrue\t12\t\ntrue\ttrue\t\n'
                   '2\ttrue\t\ntrue\ttrue\t\n')
