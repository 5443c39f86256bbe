"""Heap tracking seen from Lua: temporaries are collected without collectgarbage()."""
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
