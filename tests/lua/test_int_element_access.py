"""Element access on integer tensors (read and written in Lua through the FFI when in range,
through Python with Torch's C conversions otherwise): the same values either way."""
import pytest

from luatorch.bindings.runtime import Runtime


@pytest.fixture(scope='module')
def rt():
    return Runtime()


@pytest.mark.parametrize('name,vals,want', [
    ('Byte', [300, -1, 2.7, 255, 0], [44, 255, 2, 255, 0]),
    ('Char', [200, -5, -2.7, 127, -128], [-56, -5, -2, 127, -128]),
    ('Short', [40000, -32768, 7.9, 32767, -40000], [-25536, -32768, 7, 32767, 25536]),
    ('Int', [2 ** 31, -3.5, 2 ** 31 - 1, -2 ** 31, 12], [-2 ** 31, -3, 2 ** 31 - 1, -2 ** 31, 12]),
    ('Long', [-2.7, 2 ** 53, 2 ** 40 + 3, -7, 9.99], [-2, 2 ** 53, 2 ** 40 + 3, -7, 9]),
])
def test_writes_and_reads_in_every_form(rt, name, vals, want):
    f = rt.execute("""return function(name, ...)
      local vals = {...}
      local n = #vals
      local one = torch[name .. 'Tensor'](n)
      local two = torch[name .. 'Tensor'](2, n):zero()
      for i = 1, n do
        one[i] = vals[i]            -- 1-D
        two[2][i] = vals[i]         -- row view
        two[{1, i}] = vals[i]       -- table index
      end
      local r = {}
      for i = 1, n do
        r[#r + 1] = one[i]; r[#r + 1] = two[2][i]; r[#r + 1] = two[{1, i}]
        assert(type(one[i]) == 'number')
      end
      -- the same values as Python's view of the tensors
      assert(one:eq(two[1]):all() and one:eq(two[2]):all())
      return unpack(r)
    end""")
    got = f(name.encode(), *vals)
    assert list(got) == [w for w in want for _ in range(3)]


def test_out_of_range_index_and_non_numbers_still_error(rt):
    got = rt.execute("""
      local t = torch.LongTensor(3):fill(1)
      local a = select(2, pcall(function() return t[4] end))
      local b = select(2, pcall(function() t[0] = 1 end))
      local c = select(2, pcall(function() t[1] = 'x' end))
      local m = torch.IntTensor(2, 2)
      local d = select(2, pcall(function() return m[{3, 1}] end))
      return a, b, c, d""")
    assert all(b'index out of range' in x or b'out of range' in x for x in got[:2] + got[3:]), got
    assert got[2]


def test_views_and_noncontiguous_tensors(rt):
    got = rt.execute("""
      local t = torch.range(1, 12):long():view(3, 4)
      local tt = t:t()
      local n = t:narrow(2, 2, 2)
      tt[2][3] = 100
      n[1][1] = -1
      return t[3][2], tt[4][1], n[3][2], t[1][2], t:sum()""")
    assert got == (100, 4, 11, -1, 1 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 100 + 11 + 12 + -1)
