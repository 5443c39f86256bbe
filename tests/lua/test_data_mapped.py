"""t:data() FFI pointers and storages mapped from files, as Torch7 has them."""
import os

import pytest

from luatorch.bindings.runtime import Runtime


@pytest.fixture(scope='module')
def rt():
    return Runtime()


def test_data_pointer_reads_and_writes_the_elements(rt):
    got = rt.execute("""
      local t = torch.range(1, 6):view(2, 3)
      local p = t:data()
      local a, b = p[0], p[5]
      p[1] = 42
      local n = t:narrow(2, 2, 2)
      local l = torch.LongTensor(3):fill(7)
      return a, b, t[1][2], n:data()[0], torch.FloatStorage(3):fill(2):data()[2],
             tonumber(l:data()[1]), torch.Tensor():data() == nil, type(t:data(true)),
             tostring(torch.ByteTensor(1):data()):match('unsigned char') ~= nil""")
    assert got == (1, 6, 42, 42, 2, 7, True, b'number', True)


def test_data_pointer_in_a_counting_loop(rt):
    # test_Multinomial's idiom: a pointer offset by -1 indexed 1-based
    got = rt.execute("""
      local c = torch.LongTensor(5):zero()
      local c_ptr = c:data() - 1
      local idx = torch.LongTensor({1, 3, 3, 5, 3})
      idx:apply(function(i) c_ptr[i] = c_ptr[i] + 1 end)
      return c[1], c[2], c[3], c[5]""")
    assert got == (1, 0, 3, 1)


def test_shared_file_storage_round_trip(rt, tmp_path):
    f = str(tmp_path / 'mapped.bin')
    got = rt.execute("""
      local f = ...
      local s = torch.DoubleStorage(f, true, 4)
      s:fill(3)
      s[2] = 5
      local r = torch.DoubleStorage(f)           -- private: whole file, writes stay here
      local size, a, b = r:size(), r[1], r[2]
      r[1] = 9
      local again = torch.DoubleStorage(f)[1]
      local ok, e = pcall(torch.DoubleStorage, f, false, 10)
      return size, a, b, again, ok, e""", f.encode())
    assert got[:5] == (4, 3, 5, 3, False)
    assert b'size is smaller than the required mapping size <80>' in got[5]
    assert os.path.getsize(f) == 32


def test_shared_memory_storage_is_removed_when_freed(rt):
    got = rt.execute("""
      local name = 'luatorch_test_' .. tostring(os.time()) .. tostring(math.random(1e6))
      local s = torch.FloatStorage(name, true, 100, true)
      s:fill(1.5)
      local there = paths.filep('/dev/shm/' .. name)
      local other = torch.FloatStorage('/dev/shm/' .. name, true, 100)
      local seen = other[100]
      other = nil
      s = nil
      collectgarbage()
      return there, seen, paths.filep('/dev/shm/' .. name)""")
    assert got == (True, 1.5, False)


def test_unopenable_file_is_a_lua_error(rt):
    ok, e = rt.execute("return pcall(torch.FloatStorage, '/nonexistent/dir/x')")
    assert ok is False and b'unable to open file </nonexistent/dir/x>' in e
