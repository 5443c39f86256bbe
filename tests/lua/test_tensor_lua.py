"""Tensor indexing and geometry as Lua code sees them: the Lua-side fast paths (geometry cache,
FFI access to Float/Double buffers, small in-place ops), t[{}], select on vectors, resize,
range/linspace/logspace into existing tensors, split/chunk result tables, isTypeOf."""
import numpy as np
import pytest

import luatorch
from tests.helpers import run_lua


@pytest.fixture(scope='module')
def rt():
    r = luatorch.Runtime()
    r.execute("print = require('trepl').print")
    return r


def lines(rt, code):
    return run_lua(rt, code).split('\n')[:-1]


@pytest.mark.parametrize('ttype', ['Double', 'Float', 'Int', 'Long', 'Byte'])
def test_scalar_access_reads_and_writes_every_form(rt, ttype):
    out = lines(rt, """
      local t = torch.%sTensor(3, 4):zero()
      t[2][3] = 5; t[{3, -1}] = 7; t[-1][1] = 2; t[{1, 1}] = 1
      print(t[2][3], t[{3, 4}], t[{-1, -1}], t[3][1], t[1][1], t[1][2])
      local v = torch.%sTensor(5):fill(1); v[2] = 3; v[-1] = 4
      print(v[2], v[5], v[-2], v[1])
      print(t:sum(), v:sum())
      -- a transposed (non-contiguous) view writes through to its parent
      local x = torch.%sTensor(4, 4):zero(); local y = x:t(); y[1][2] = 9; y[{4, 1}] = 8
      print(x[2][1], x[1][4])
    """ % (ttype, ttype, ttype))
    assert out == ['5\t7\t7\t2\t1\t0\t', '3\t4\t1\t1\t', '15\t10\t', '9\t8\t']


def test_scalar_access_errors_are_torch_errors(rt):
    out = lines(rt, """
      local t = torch.Tensor(3, 4):zero()
      local v = torch.Tensor(5)
      for _, f in ipairs({
          function() return t[4] end, function() return t[2][5] end, function() return t[0] end,
          function() t[{4, 1}] = 1 end, function() return t[{1, 5}] end, function() return v[6] end,
          function() v[0] = 1 end, function() t[1][1] = 'x' end}) do
        local ok, e = pcall(f)
        print(ok, (tostring(e):gsub('^[^:]*:%d+: ', '')))
      end
    """)
    assert out[:7] == ['false\tindex out of range\t'] * 7
    assert out[7].startswith('false\t') and 'Traceback' not in out[7]


def test_float_values_are_rounded_as_in_c(rt):
    out = lines(rt, """
      local f = torch.FloatTensor(3):fill(0.1)
      f[2] = 1e40; f[3] = 1/3
      print(string.format('%.17g %s %.17g %s', f[1], f[2], f[3], tostring(f[1] == 0.1)))
      local g = torch.FloatTensor(2, 2):fill(0); g[1][2] = 0.1; g[{2, 1}] = 0.2
      print(string.format('%.17g', g[1][2] + g[{2, 1}]))
    """)
    f32 = np.float32
    assert out[0] == '%.17g inf %.17g false\t' % (f32(0.1), f32(1 / 3))
    assert out[1] == '%.17g\t' % (float(f32(0.1)) + float(f32(0.2)))


def test_cached_geometry_follows_resize_set_and_storage_changes(rt):
    out = lines(rt, """
      local t = torch.Tensor(2, 2):fill(1)
      print(t[2][2])
      t:resize(3, 3):fill(2)
      print(t[3][3], t[{3, 1}])
      t:resize(4)
      print(t[4], pcall(function() return t[5] end))
      local s = torch.DoubleStorage(4):fill(1)
      local u = torch.DoubleTensor(s, 1, torch.LongStorage{2, 2})
      print(u[1][1]); u[1][1] = 5
      s:resize(10)          -- a new buffer: the cached pointer must not be used any more
      u[{1, 1}] = 7; print(s[1], u[1][1])
      local w = torch.Tensor(3)
      w:set(torch.Tensor({{1, 2}, {3, 4}}))
      print(w[2][1], w[{1, 2}])
    """)
    assert out[:2] == ['1\t', '2\t2\t'] and out[3:] == ['1\t', '7\t7\t', '3\t2\t']
    assert out[2].startswith('2\tfalse\t') and out[2].endswith('index out of range\t')


def test_read_only_numpy_memory_is_never_written(rt):
    a = np.arange(4.0)
    a.setflags(write=False)
    rt.globals().ro = luatorch.from_numpy(a)
    out = lines(rt, """
      local ro = torch.Tensor(ro)
      print(ro[3], pcall(function() ro[3] = 9 end))
    """)
    assert out[0].startswith('2\tfalse\t')
    assert a[2] == 2


def test_small_in_place_ops_match_numpy(rt):
    out = lines(rt, """
      local a, b = torch.range(1, 10), torch.range(1, 10)
      a:add(b); a:mul(0.5); a:cmul(b); a:add(0.25)
      print(a:sum(), a[10])
      local f, g = torch.FloatTensor(7):fill(0.1), torch.FloatTensor(7):fill(0.2)
      f:add(g); f:mul(1/3); f:cmul(g); f:add(0.7)
      print(string.format('%.9g', f[1]))
      local m = torch.Tensor(2, 5):fill(1); m:add(torch.range(1, 10))   -- same count, other shape
      print(m[2][5])
      local i = torch.IntTensor(3):fill(7); i:add(2); i:mul(2.9); i:cmul(torch.IntTensor(3):fill(2))
      print(i[1])
      local big = torch.Tensor(1000):fill(1); big:add(big); big:mul(3); print(big:sum())
      local p = torch.Tensor(4, 4):zero():t(); p:fill(3); p:add(1); print(p:sum())
      print(pcall(function() torch.Tensor(3):add(torch.Tensor(4)) end))
    """)
    a = np.arange(1.0, 11.0)
    a = (a + a) * 0.5 * a + 0.25
    assert out[0] == '%g\t%g\t' % (a.sum(), a[9])
    f = np.full(7, np.float32(0.1), np.float32)
    g = np.full(7, np.float32(0.2), np.float32)
    f = ((f + g) * np.float32(1 / 3)) * g + np.float32(0.7)
    assert out[1] == '%.9g\t' % f[0]
    assert out[2:6] == ['11\t', '36\t', '6000\t', '64\t']
    assert out[6].startswith('false\t')


def test_index_with_empty_table_is_a_new_view(rt):
    out = lines(rt, """
      local r = torch.range(1, 27):resize(3, 3, 3)
      local v = r[{}]
      print(torch.type(v), rawequal(v, r), v:isSetTo(r))
      local z = torch.zeros(3, 3, 3)
      z[{}] = r[{}]; print(z:sum())
      z[{1, 2}] = 0; print(z:sum())
      print(pcall(function() return r[{1, 1, 1, 1}] end))
    """)
    assert out[:3] == ['torch.DoubleTensor\tfalse\ttrue\t', '378\t', '363\t']
    assert out[3].startswith('false\t') and 'too many indices' in out[3]


def test_select_on_a_vector_gives_the_element(rt):
    out = lines(rt, """
      local v = torch.Tensor({4, 5, 6})
      print(v:select(1, 2), type(v:select(1, 3)))
      print(pcall(function() return v:select(1, 4) end))
      local m = torch.Tensor({{1, 2}, {3, 4}})
      print(m:select(2, 1):select(1, 2))
    """)
    assert out[0] == '5\tnumber\t'
    assert out[1].startswith('false\t') and "bad argument #2 to 'select' (out of range)" in out[1]
    assert out[2] == '3\t'


def test_resize_to_the_same_size_keeps_strides(rt):
    out = lines(rt, """
      local x = torch.zeros(4, 4)
      local y = x:narrow(2, 1, 2)
      y:resize(4, 2)
      print(y:stride(1), y:stride(2), y:isContiguous())
      y:resize(2, 4)
      print(y:stride(1), y:stride(2), y:isContiguous())
      local r = torch.Tensor(); torch.add(r, torch.ones(2, 3), 1); print(r:stride(1))
    """)
    assert out == ['4\t1\tfalse\t', '4\t1\ttrue\t', '3\t']


def test_sequences_fill_an_existing_result_in_place(rt):
    out = lines(rt, """
      for _, f in ipairs({'range', 'linspace', 'logspace'}) do
        local x = torch.zeros(2, 3)
        local y = x:narrow(2, 2, 2)
        if f == 'range' then y:range(0, 3) else y[f](y, 0, 3, 4) end
        print(x[1][2], x[1][3], x[2][2], x[2][3], y:dim())
      end
      print(pcall(torch.logspace, 0, 1, 1))
      print(torch.logspace(0, 0, 1)[1], torch.linspace(0, 0, 1)[1], torch.linspace(2, 0, 3)[2])
      local l = torch.range(torch.LongTensor(), 0.5, 7.9, 2)
      print(l:size(1), l[1], l[4], torch.range(5, 1, -1.5)[3])
      print(pcall(torch.range, 1, 2, 0))
      print(pcall(torch.range, 1, 2, -1))
      print(torch.LongTensor().linspace, torch.IntTensor().logspace)
    """)
    assert out[:3] == ['0\t1\t2\t3\t2\t', '0\t1\t2\t3\t2\t', '1\t10\t100\t1000\t2\t']
    assert out[3].startswith('false\t') and "bad argument #3 to 'logspace' (invalid number of points)" in out[3]
    assert out[4] == '1\t0\t1\t'
    assert out[5] == '4\t0\t6\t2\t'
    assert "bad argument #3 to 'range' (step must be a non-null number)" in out[6]
    assert "bad argument #2 to 'range' (upper bound and larger bound incoherent with step sign)" in out[7]
    assert out[8] == 'nil\tnil\t'


def test_split_and_chunk_refill_a_given_table(rt):
    out = lines(rt, """
      local t = torch.rand(7, 4)
      local r = {1, 2, 3, 4, 5, x = 1}
      local r2 = torch.split(r, t, 3, 1)
      print(rawequal(r, r2), #r, r.x, r[1]:size(1), r[3]:size(1), r[3][1][2] == t[7][2])
      local c = {}
      torch.chunk(c, t, 3, 2)
      print(#c, c[1]:size(2), c[2]:size(2), #t:split(3), #torch.chunk(t, 3, 2))
    """)
    assert out == ['true\t3\tnil\t3\t1\ttrue\t', '2\t2\t2\t3\t2\t']


def test_is_type_of_matches_names_patterns_and_constructors(rt):
    out = lines(rt, """
      local t = torch.LongTensor()
      print(torch.isTypeOf(t, torch.LongTensor), torch.isTypeOf(t, torch.IntTensor),
            torch.isTypeOf(t, 'torch.LongTensor'), torch.isTypeOf(t, 'torch.Long'),
            torch.isTypeOf(t, 'torch.*Tensor'), torch.isTypeOf(t, '.*Long'))
      torch.class('IsTA'); torch.class('IsTB', 'IsTA'); torch.class('IsTAB')
      print(torch.isTypeOf(IsTB(), 'IsTA'), torch.isTypeOf(IsTB(), IsTA), torch.isTypeOf(IsTA(), IsTB),
            torch.isTypeOf(IsTAB(), 'IsTB'), torch.isTypeOf(3, 'IsTA'))
      print(getmetatable(torch.DoubleTensor) == torch.getmetatable('torch.DoubleTensor'))
    """)
    assert out == ['true\tfalse\ttrue\tfalse\ttrue\ttrue\t', 'true\ttrue\tfalse\tfalse\tfalse\t',
                   'true\t']


def test_new_is_the_type_constructor(rt):
    out = lines(rt, """
      local a = torch.FloatTensor(3):fill(1)
      local e = a.new()
      local v = a:new()
      v[2] = 5
      print(torch.type(e), e:dim(), torch.type(v), a[2])
    """)
    assert out == ['torch.FloatTensor\t0\ttorch.FloatTensor\t5\t']


def test_squeeze_gives_a_view_and_sets_a_given_result(rt):
    out = lines(rt, """
      local x = torch.Tensor(2, 1, 3)
      local y = x:squeeze()
      print(x:dim(), y:dim(), rawequal(x, y), y:storage() == x:storage())
      local r = torch.Tensor()
      local r2 = torch.squeeze(r, x, 2)
      print(r:dim(), rawequal(r, r2), x:dim())
      print(torch.Tensor(1, 1):fill(3):squeeze())
    """)
    assert out == ['3\t2\tfalse\ttrue\t', '2\ttrue\t3\t', '3\t']
