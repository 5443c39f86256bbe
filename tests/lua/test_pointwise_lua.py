"""Element-wise maths, comparisons and operators as Lua sees them (luatorch/lib/pointwise.py):
every calling form of maths.md (torch.f(x), torch.f(res, x), x:f() in place, res:f(x)), the
tensor operators, and Torch's errors. Each test runs one `th -e` and checks what it printed."""
import pytest

from tests.helpers import th

VALUES = """
local function vals(t)
  local s = {}
  local f = t:contiguous():view(t:nElement())
  for i = 1, t:nElement() do s[#s + 1] = string.format('%g', f[i]) end
  return table.concat(s, ' ')
end
local function show(...) io.write(table.concat({...}, ' | '), '\\n') end
"""


def run(code):
    return th(VALUES + code).splitlines()


def test_calling_forms_and_identity():
    out = run("""
      local x = torch.Tensor({1, 4, 9})
      local r = torch.Tensor()
      local y = torch.sqrt(x)
      show(vals(y), vals(x), tostring(y ~= x))
      show(tostring(torch.sqrt(r, x) == r), vals(r))
      show(tostring(x:sqrt() == x), vals(x))
      local z = torch.Tensor(5)
      show(tostring(z:exp(torch.Tensor({0})) == z), z:dim(), z:size(1), vals(z))
      local a, b = torch.Tensor({1, 2, 3}), torch.Tensor({4, 5, 6})
      show(vals(a:clone():add(10)), vals(a:clone():add(b)), vals(a:clone():add(2, b)))
      local res = torch.Tensor()
      show(tostring(res:add(a, 2, b) == res), vals(res), vals(torch.add(a, b)), vals(torch.add(res, a, 3, b)))
      show(vals(a:clone():csub(1)), vals(a:clone():csub(b)), vals(a:clone():csub(2, b)))
      show(vals(torch.mul(a, 2)), vals(res:mul(a, -1)), vals(a:clone():div(2)), vals(torch.div(a, 4)))
      show(vals(torch.cmul(a, b)), vals(res:cdiv(b, a)), vals(a:clone():cpow(torch.Tensor({2, 2, 2}))))
      show(vals(a:clone():addcmul(2, a, b)), vals(torch.addcmul(a, a, b)), vals(torch.addcdiv(a, 2, b, a)))
      show(vals(torch.clamp(torch.Tensor({-3, 0.5, 7}), 0, 1)), vals(torch.Tensor({-3, 0.5, 7}):clamp(-1, 2)))
      show(vals(torch.cmax(a, 2)), vals(a:clone():cmin(b:clone():fill(2))), vals(res:cmax(a, b)))
      show(vals(torch.pow(a, 2)), vals(torch.pow(2, a)), vals(a:clone():pow(3)),
           vals(torch.pow(a:clone(), 2, a:clone())))
    """)
    assert out == [
        '1 2 3 | 1 4 9 | true',
        'true | 1 2 3',
        'true | 1 2 3',
        'true | 1 | 1 | 1',
        '11 12 13 | 5 7 9 | 9 12 15',
        'true | 9 12 15 | 5 7 9 | 13 17 21',
        '0 1 2 | -3 -3 -3 | -7 -8 -9',
        '2 4 6 | -1 -2 -3 | 0.5 1 1.5 | 0.25 0.5 0.75',
        '4 10 18 | 4 2.5 2 | 1 4 9',
        '9 22 39 | 5 12 21 | 9 7 7',
        '0 0.5 1 | -1 0.5 2',
        '2 2 3 | 1 2 2 | 4 5 6',
        '1 4 9 | 2 4 8 | 1 8 27 | 2 4 8',
    ]


def test_math_functions_and_numbers():
    out = run("""
      local x = torch.Tensor({-1.5, -0.5, 0.25, 2})
      show(vals(torch.abs(x)), vals(torch.sign(x)), vals(torch.round(x)), vals(torch.floor(x)), vals(torch.ceil(x)))
      show(vals(torch.trunc(x)), vals(torch.frac(x)), vals(x:clone():neg()), vals(x:clone():cinv()))
      show(string.format('%.6f', torch.sigmoid(x)[4]), string.format('%.6f', torch.exp(x)[1]),
           string.format('%.6f', torch.tanh(x)[2]))
      show(torch.exp(0), torch.sqrt(16), torch.round(2.5), torch.round(-2.5), torch.abs(-3), torch.pow(2, 10),
           torch.floor(-1.5), torch.lerp(0, 10, 0.25), string.format('%.4f', torch.atan2(1, 1)))
      show(vals(torch.lerp(torch.Tensor({0, 10}), torch.Tensor({10, 20}), 0.5)),
           vals(torch.atan2(torch.Tensor({1}), torch.Tensor({1})):mul(4 / math.pi)))
      show(vals(torch.FloatTensor({0.5, 1.5, 2.5}):round()), torch.FloatTensor({4}):sqrt():type())
    """)
    assert out == [
        '1.5 0.5 0.25 2 | -1 -1 1 1 | -2 -1 0 2 | -2 -1 0 2 | -1 -0 1 2',
        '-1 -0 0 2 | -0.5 -0.5 0.25 0 | 1.5 0.5 -0.25 -2 | -0.666667 -2 4 0.5',
        '0.880797 | 0.223130 | -0.462117',
        '1 | 4 | 3 | -3 | 3 | 1024 | -2 | 2.5 | 0.7854',
        '5 15 | 1',
        '1 2 3 | torch.FloatTensor',
    ]


def test_integer_semantics():
    out = run("""
      local a = torch.IntTensor({7, -7, 9, -9})
      show(vals(a / 2), vals(torch.div(a, 3)), vals(a:clone():div(4)), (a / 2):type())
      show(vals(torch.fmod(torch.IntTensor({-7, 7}), 3)), vals(torch.remainder(torch.IntTensor({-7, 7}), 3)),
           vals(torch.IntTensor({-7, 7}) % 3))
      show(vals(torch.mul(torch.IntTensor({5}), 0.5)), vals(torch.IntTensor({-5, 1}):csub(0.9)),
           vals(torch.IntTensor({-5, 1}):add(2, torch.IntTensor({1, 1}))))
      show(vals(torch.ByteTensor({250}):add(10)), vals(torch.ByteTensor({5}):csub(10)),
           vals(torch.CharTensor({127}):add(1)), vals(-torch.ByteTensor({1, 200})))
      show(vals(torch.LongTensor({1, 1, 1, 1}):clshift(torch.LongTensor({1, 2, 3, 4}))),
           vals(torch.LongTensor(4):fill(6):cbitand(torch.LongTensor({1, 2, 4, 8}))),
           vals(torch.LongTensor({3}):bitor(4)), vals(torch.LongTensor({15}):bitxor(1)))
      show(vals(torch.LongTensor({-3, 0, 2}):abs()), vals(torch.CharTensor({-3, 0, 2}):sign()),
           vals(torch.ByteTensor({0, 3}):sign()), vals(torch.IntTensor({2, 3}):cpow(torch.IntTensor({3, -1}))))
      print(torch.LongTensor({10}) * 3)
    """)
    assert out[:6] == [
        '3 -3 4 -4 | 2 -2 3 -3 | 1 -1 2 -2 | torch.IntTensor',
        '-1 1 | 2 1 | 2 1',
        '0 | -5 1 | -3 3',
        '4 | 251 | -128 | 255 56',
        '2 4 8 16 | 0 2 4 0 | 7 | 14',
        '3 0 2 | -1 0 1 | 0 1 | 8 0',
    ]
    assert out[6:] == [' 30', '[torch.LongTensor of size 1]', '']


def test_integer_hot_paths_convert_the_number_first():
    out = run("""
      show(vals(torch.IntTensor({5}):mul(0.5)), vals(torch.IntTensor({-5, 1}):add(0.9)),
           vals(torch.ByteTensor({3}):mul(2.9)))
    """)
    assert out == ['0 | -5 1 | 6']
    assert run("show(vals(torch.ByteTensor({5}):add(-1)))") == ['4']


def test_comparisons():
    out = run("""
      local a = torch.Tensor({1, 2, 3, 4})
      local b = torch.Tensor({4, 2, 1, 4})
      show(vals(a:lt(b)), vals(torch.le(a, b)), vals(a:gt(2)), vals(torch.ge(a, 3)), vals(a:eq(b)), vals(a:ne(2)))
      show(a:lt(b):type(), torch.gt(a, 1):type(), vals(a), a:eq(b):dim())
      local r = torch.Tensor()
      r:lt(a, 3)
      local rb = torch.ByteTensor(10)
      torch.gt(rb, a, b)
      show(r:type(), vals(r), rb:type(), rb:nElement(), vals(rb), torch.Tensor():ge(a, b):type())
      show(vals(torch.IntTensor({1, 2}):eq(1.5)), vals(torch.FloatTensor({0.1}):eq(0.1)))
      local m = torch.Tensor({{1, -2}, {3, -4}}):gt(0)
      show(m:type(), m:size(1), m:size(2), vals(m))
    """)
    assert out == [
        '1 0 0 0 | 1 1 0 1 | 0 0 1 1 | 0 0 1 1 | 0 1 0 1 | 1 0 1 1',
        'torch.ByteTensor | torch.ByteTensor | 1 2 3 4 | 1',
        'torch.DoubleTensor | 1 1 0 0 | torch.ByteTensor | 4 | 0 0 1 0 | torch.DoubleTensor',
        '1 0 | 1',
        'torch.ByteTensor | 2 | 2 | 1 0 1 0',
    ]


def test_methods_exist_for_torch_types_only():
    out = run("""
      local names = {'exp', 'log', 'sqrt', 'round', 'pow', 'neg', 'cinv', 'lerp', 'atan2', 'abs', 'sign', 'add', 'lt'}
      for _, T in ipairs({'Byte', 'Char', 'Short', 'Int', 'Long', 'Float', 'Double'}) do
        local t = torch[T .. 'Tensor'](1)
        local have = {}
        for _, n in ipairs(names) do if t[n] ~= nil then have[#have + 1] = n end end
        show(T, table.concat(have, ' '))
      end
    """)
    floats = 'exp log sqrt round pow neg cinv lerp atan2 abs sign add lt'
    assert out == ['Byte | sign add lt', 'Char | sign add lt', 'Short | sign add lt',
                   'Int | abs sign add lt', 'Long | abs sign add lt',
                   'Float | ' + floats, 'Double | ' + floats]


def test_operators():
    out = run("""
      local a = torch.Tensor({{1, 2}, {3, 4}})
      local b = torch.Tensor({{5, 6}, {7, 8}})
      local v = torch.Tensor({1, 1})
      show(vals(a + b), vals(a - b), vals(-a), vals(a * 2), vals(2 * a), vals(a / 2))
      show(vals(a + 1), vals(1 + a), vals(10 - a), vals(a - 1), vals(a % 3), vals(a * b))
      show(vals(a * v), (a * v):dim(), v * v, type(v * v), vals(a))
      local x = torch.Tensor(2, 2):fill(2)
      local y = torch.Tensor(4):fill(3)
      show(vals(x + y), (x + y):dim(), (y - x):dim(), (torch.FloatTensor({1}) + 1):type())
    """)
    assert out == [
        '6 8 10 12 | -4 -4 -4 -4 | -1 -2 -3 -4 | 2 4 6 8 | 2 4 6 8 | 0.5 1 1.5 2',
        '2 3 4 5 | 2 3 4 5 | 9 8 7 6 | 0 1 2 3 | 1 2 0 1 | 19 22 43 50',
        '3 7 | 1 | 2 | number | 1 2 3 4',
        '5 5 5 5 | 2 | 1 | torch.FloatTensor',
    ]


def test_errors():
    out = run("""
      local function err(f) local ok, e = pcall(f); return ok and 'ok' or tostring(e):gsub('^[^:]*:%d+: ', '') end
      local a = torch.Tensor({1, 2, 3})
      show(err(function() return torch.add(a, torch.Tensor(4)) end))
      show(err(function() return torch.cmul(torch.Tensor(), a, torch.Tensor(2)) end))
      show(err(function() return torch.IntTensor({1}):exp() end))
      show(err(function() return torch.exp(torch.ByteTensor({1})) end))
      show(err(function() return a * torch.Tensor(3, 3, 3) end))
      show(err(function() return torch.Tensor(2, 3) * torch.Tensor(2) end))
      show(err(function() return torch.lerp(a, torch.Tensor(2), 0.5) end))
      show(err(function() return torch.DoubleTensor(2):bitand(1) end))
      show(err(function() return a / a end))
      show(err(function() return torch.add(a, torch.FloatTensor(3)) end):match('^invalid arguments') or 'no')
    """)
    assert out == [
        'inconsistent tensor size, expected r_ [3], t [3] and src [4] to have the same number of '
        'elements, but got 3, 3 and 4 elements respectively',
        'inconsistent tensor size, expected r_ [3], t [3] and src [2] to have the same number of '
        'elements, but got 3, 3 and 2 elements respectively',
        "attempt to call method 'exp' (a nil value)",
        'torch.ByteTensor does not implement the torch.exp() function',
        'multiplication between 1D and 3D tensors not yet supported',
        'size mismatch, [2 x 3], [2]',
        "bad argument #2 to 'lerp' (sizes do not match)",
        'bitand is only supported for integer type tensors',
        "bad argument #2 to '__div' (number expected)",
        'invalid arguments',
    ]


def test_in_place_add_with_a_value_is_blas_axpy_at_every_size():
    """x:add(v, y) is TH's in-place cadd: BLAS axpy on contiguous float tensors, whatever their
    size (one rounding per element where the BLAS fuses); other forms keep two roundings."""
    import numpy as np
    from luatorch.lib import cblas
    if not cblas.available(np.float64):
        pytest.skip("numpy's bundled OpenBLAS is not at hand")
    out = run("""
      torch.manualSeed(7)
      for _, n in ipairs({3, 17, 100, 1000, 5000}) do
        local x, y = torch.randn(n), torch.randn(n)
        local r = x:clone()
        r:add(-0.01, y)
        local parts = {}
        for i = 1, n do parts[i] = string.format('%a %a %a', x[i], y[i], r[i]) end
        io.write(table.concat(parts, ';'), '\\n')
      end
      local t = torch.randn(4, 5):t()      -- not contiguous: TH's element loop
      local b = torch.randn(5, 4)
      local want = t + torch.mul(b, 2)
      t:add(2, b)
      io.write(tostring(t:equal(want)), '\\n')
    """)
    for line in out[:-1]:
        trip = [tuple(float.fromhex(v) for v in e.split()) for e in line.split(';')]
        x = np.array([a for a, _, _ in trip])
        y = np.array([b for _, b, _ in trip])
        got = np.array([r for _, _, r in trip])
        want = x.copy()
        assert cblas.axpy(-0.01, y, want)
        assert np.array_equal(got, want)
    assert out[-1] == 'true'


def test_in_place_add_with_a_value_errors_and_other_types():
    out = run("""
      local a = torch.randn(4, 5)
      show(tostring(pcall(function() a:add(2, torch.randn(3)) end)))
      local ok, e = pcall(function() a:add(2, torch.FloatTensor(4, 5)) end)
      show(tostring(ok), e:match('invalid arguments') or e)
      local i = torch.IntTensor({1, 2, 3}); i:add(2, torch.IntTensor({4, 5, 6})); show(vals(i))
      local f = torch.FloatTensor(3):fill(1); f:add(0.1, torch.FloatTensor(3):fill(1)); show(vals(f))
      local z = torch.randn(3, 4):t(); z:zero(); show(vals(z), tostring(z:isContiguous()))
      local big = torch.randn(600); show(tostring(big:zero() == big), tostring(big:sum()))
    """)
    assert out[0] == 'false'
    assert out[1] == 'false | invalid arguments'
    assert out[2] == '9 12 15'
    assert out[3] == '1.1 1.1 1.1'
    assert out[4] == '0 0 0 0 0 0 0 0 0 0 0 0 | false'
    assert out[5] == 'true | 0'
