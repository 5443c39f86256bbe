"""torch.manualSeed ... torch.multinomial and torch.Generator as Lua sees them (random_ops.py).

Numbers are checked against luatorch.lib.random (itself checked bit-exact against Torch7) and
against values recorded from real Torch7.
"""
import numpy as np

from luatorch.lib import random as R
from luatorch.lib import types
from tests.helpers import th


def lines(code):
    return th(code).split('\n')


def nums(code):
    """Lua code that io.write()s numbers separated by spaces -> list of floats."""
    return [float(x) for x in th(code).split()]


def fill(seed, filler, n, *params, ttype=types.Double):
    a = np.empty(n, dtype=ttype.dtype)
    return filler(R.Generator(seed), a, ttype, *params)


DUMP = """
local function dump(t)
  if t:dim() == 2 then
    for i = 1, t:size(1) do for j = 1, t:size(2) do
      io.write(string.format('%.17g ', t[i][j]))
    end end
    return
  end
  for i = 1, t:nElement() do io.write(string.format('%.17g ', t[i])) end
end
"""


# ----------------------------------------------------------------------------- Torch7 values


def test_uniform_after_manual_seed_287():
    out = th("torch.manualSeed(287)\n"
             "local t = torch.Tensor(5):uniform(-1/math.sqrt(5), 1/math.sqrt(5))\n"
             "for i = 1, 5 do io.write(string.format('%.4f ', t[i])) end")
    assert out.split() == ['-0.3180', '-0.0484', '0.1885', '0.4165', '0.3364']


def test_rand_seed_1_matches_torch7():
    got = nums(DUMP + "torch.manualSeed(1) dump(torch.rand(5))")
    want = [0.4170, 0.9972, 0.7203, 0.9326, 0.0001]
    assert np.allclose(got, want, atol=5e-5)


def test_scalar_draws_match_torch7():
    out = lines("torch.manualSeed(2024)\n"
                "print(torch.random())\n"
                "print(torch.random(10))\n"
                "print(torch.random(3, 5))\n"
                "print(string.format('%.10f', torch.uniform()))\n"
                "print(string.format('%.10f', torch.uniform(5, 6)))\n"
                "print(string.format('%.10f', torch.normal()))\n"
                "print(string.format('%.10f', torch.normal(2, 3)))\n")
    assert out[:7] == ['2525503112\t', '1\t', '4\t', '0.7387472689\t', '5.1881519619\t',
                       '-0.2474425558\t', '1.4947296368\t']


# ----------------------------------------------------------------------------- tensor methods


def test_tensor_fillers_match_lib_and_return_self():
    got = nums(DUMP + """
      torch.manualSeed(5)
      local t = torch.Tensor(4)
      assert(t:uniform(-2, 3) == t)
      dump(t)
      assert(t:normal(1, 2) == t) dump(t)
      assert(t:exponential(2) == t) dump(t)
      assert(t:cauchy(0, 1) == t) dump(t)
      assert(t:logNormal(1, 0.5) == t) dump(t)
      assert(t:geometric(0.3) == t) dump(t)
      assert(t:bernoulli(0.4) == t) dump(t)
      assert(t:random(7) == t) dump(t)
      assert(t:random(-3, 3) == t) dump(t)
    """)
    g = R.Generator(5)
    want = []
    for filler, params in ((R.fill_uniform, (-2, 3)), (R.fill_normal, (1, 2)),
                           (R.fill_exponential, (2,)), (R.fill_cauchy, (0, 1)),
                           (R.fill_log_normal, (1, 0.5)), (R.fill_geometric, (0.3,)),
                           (R.fill_bernoulli, (0.4,)), (R.fill_random, (7,)),
                           (R.fill_random, (-3, 3))):
        a = np.empty(4)
        want.extend(filler(g, a, types.Double, *params).tolist())
    assert got == want


def test_default_parameters():
    # one number: the first optional parameter (uniform(10) is uniform(10, 1))
    got = nums(DUMP + """
      torch.manualSeed(7)
      dump(torch.Tensor(2):uniform(10))
      dump(torch.Tensor(2):normal(-1))
      dump(torch.Tensor(2):logNormal())
      dump(torch.Tensor(2):bernoulli())
      io.write(torch.uniform(10), ' ', torch.normal(-1), ' ')
    """)
    g = R.Generator(7)
    want = []
    for filler, params in ((R.fill_uniform, (10, 1)), (R.fill_normal, (-1, 1)),
                           (R.fill_log_normal, (1, 2)), (R.fill_bernoulli, (0.5,))):
        want.extend(filler(g, np.empty(2), types.Double, *params).tolist())
    want += [R.uniform(g, 10, 1), R.normal(g, -1, 1)]
    assert np.allclose(got, want, rtol=1e-13)
    assert got[:8] == want[:8]


def test_float_tensor_rounds_parameters():
    got = nums(DUMP + "torch.manualSeed(3) dump(torch.FloatTensor(3):uniform(-0.1, 0.3))")
    want = fill(3, R.fill_uniform, 3, -0.1, 0.3, ttype=types.Float)
    assert got == want.astype(np.float64).tolist()


def test_bernoulli_with_tensor_of_probabilities():
    out = th(DUMP + """
      torch.manualSeed(11)
      dump(torch.Tensor(4):bernoulli(torch.Tensor({0, 1, 0, 1})))
      dump(torch.ByteTensor(2, 2):bernoulli(torch.FloatTensor(2, 2):fill(1)))
      print(pcall(function() return torch.Tensor(3):bernoulli(torch.Tensor(2)) end))
    """)
    assert out.split()[:8] == ['0', '1', '0', '1', '1', '1', '1', '1']
    assert 'false' in out and 'inconsistent tensor size' in out


def test_random_on_integer_types():
    got = nums(DUMP + """
      torch.manualSeed(123)
      dump(torch.ByteTensor(4):random())
      dump(torch.IntTensor(3):random(-3, 3))
      dump(torch.LongTensor(3):random(100))
    """)
    g = R.Generator(123)
    want = (R.fill_random(g, np.empty(4, np.uint8), types.Byte).tolist()
            + R.fill_random(g, np.empty(3, np.int32), types.Int, -3, 3).tolist()
            + R.fill_random(g, np.empty(3, np.int64), types.Long, 100).tolist())
    assert got == want


def test_fill_non_contiguous_in_row_major_order():
    got = nums(DUMP + """
      torch.manualSeed(9)
      local t = torch.Tensor(3, 2):t()
      t:uniform()
      dump(t)
      local s = t:storage()
      for i = 1, 6 do io.write(string.format('%.17g ', s[i])) end
    """)
    draws = fill(9, R.fill_uniform, 6)
    assert got[:6] == draws.tolist()                        # the view, in row-major order
    assert got[6:] == draws.reshape(2, 3).T.ravel().tolist()  # its storage, transposed


# ----------------------------------------------------------------------------- rand, randn, ...


def test_rand_randn_forms():
    got = nums(DUMP + """
      torch.manualSeed(6)
      local r = torch.Tensor()
      assert(torch.rand(r, 2, 2) == r)
      dump(r)
      torch.randn(r, torch.LongStorage({3}))
      assert(r:dim() == 1 and r:size(1) == 3)
      dump(r)
      local x = torch.rand(torch.LongStorage({1, 2}))
      assert(x:dim() == 2 and x:size(2) == 2)
      dump(x)
      local y = torch.Tensor(7)
      assert(y:rand(2, 3) == y and y:nElement() == 6)
    """)
    g = R.Generator(6)
    want = (R.fill_uniform(g, np.empty(4), types.Double).tolist()
            + R.fill_normal(g, np.empty(3), types.Double).tolist()
            + R.fill_uniform(g, np.empty(2), types.Double).tolist())
    assert got == want


def test_rand_type_follows_default_and_type_name():
    out = lines("""
      print(torch.type(torch.rand(2)), torch.type(torch.randn(2)))
      print(torch.type(torch.rand(3, 'torch.FloatTensor')))
      print(torch.type(torch.rand(torch.FloatTensor(), 3)))
      torch.setdefaulttensortype('torch.FloatTensor')
      print(torch.type(torch.rand(2)), torch.type(torch.randperm(3)))
    """)
    assert out[0] == 'torch.DoubleTensor\ttorch.DoubleTensor\t'
    assert out[1] == 'torch.FloatTensor\t'
    assert out[2] == 'torch.FloatTensor\t'
    assert out[3] == 'torch.FloatTensor\ttorch.FloatTensor\t'


def test_randperm():
    got = nums(DUMP + """
      torch.manualSeed(17)
      local p = torch.randperm(8)
      assert(torch.type(p) == 'torch.DoubleTensor')
      dump(p)
      local r = torch.LongTensor()
      assert(torch.randperm(r, 5) == r)
      dump(r)
      dump(torch.LongTensor():randperm(3))
    """)
    assert got[:8] == [8, 1, 2, 6, 7, 5, 4, 3]       # Torch7
    g = R.Generator(17)
    want = (R.randperm(g, 8).tolist() + R.randperm(g, 5).tolist() + R.randperm(g, 3).tolist())
    assert got == want


def test_multinomial():
    out = th(DUMP + """
      torch.manualSeed(99)
      local p = torch.Tensor({0.1, 0.2, 0.3, 0.4})
      local s = torch.multinomial(p, 6, true)
      assert(torch.type(s) == 'torch.LongTensor')
      dump(s)
      dump(torch.multinomial(p, 4, false))
      dump(torch.multinomial(p, 2))
      local r = torch.LongTensor()
      assert(torch.multinomial(r, p, 3, true) == r)
      dump(r)
      local p2 = torch.Tensor({{1, 0, 0}, {0.5, 0.5, 0}})
      local m = torch.multinomial(p2, 3, true)
      io.write(m:size(1), ' ', m:size(2), ' ')
      dump(m)
      print(pcall(torch.multinomial, p, 5))
    """)
    got = out.split()
    assert got[:12] == ['4', '4', '3', '4', '4', '4', '1', '4', '3', '2', '3', '4']   # Torch7
    assert got[15:20] == ['2', '3', '1', '1', '1']
    g = R.Generator(99)
    p = np.array([0.1, 0.2, 0.3, 0.4])
    want = (R.multinomial(g, p, 6, True).tolist() + R.multinomial(g, p, 4).tolist()
            + R.multinomial(g, p, 2).tolist() + R.multinomial(g, p, 3, True).tolist() + [2, 3]
            + R.multinomial(g, np.array([[1, 0, 0], [0.5, 0.5, 0]]), 3, True).ravel().tolist())
    assert [int(x) for x in got[:23]] == want
    assert 'cannot sample n_sample > prob_dist:size(1) samples without replacement' in out


# ----------------------------------------------------------------------------- seeds and state


def test_seed_functions():
    out = lines("""
      torch.manualSeed(1234)
      print(torch.initialSeed())
      local s = torch.seed()
      print(type(s), torch.initialSeed() == s)
      torch.manualSeed(2^31)
      print(torch.initialSeed())
    """)
    assert out[0] == '1234\t'
    assert out[1] == 'number\ttrue\t'
    assert out[2] == '2147483648\t'


def test_rng_state_round_trip():
    out = lines("""
      torch.manualSeed(55)
      torch.rand(3)
      torch.normal()            -- leaves a cached Box-Muller value in the state
      local state = torch.getRNGState()
      print(torch.type(state), state:nElement(), state:isContiguous())
      local a = torch.rand(4)
      local n1 = torch.normal()
      assert(torch.setRNGState(state) == state)
      local b = torch.rand(4)
      local n2 = torch.normal()
      local same = true
      for i = 1, 4 do same = same and a[i] == b[i] end
      print(same, n1 == n2)
      local into = torch.ByteTensor(3)
      assert(torch.getRNGState(into) == into and into:nElement() == 5048)
      print(pcall(torch.setRNGState, torch.ByteTensor(10)))
      local bad = torch.getRNGState():zero()
      print(pcall(torch.setRNGState, bad))
    """)
    assert out[0] == 'torch.ByteTensor\t5048\ttrue\t'
    assert out[1] == 'true\ttrue\t'
    assert out[2].startswith('false\t') and 'RNG state is wrong size' in out[2]
    assert out[3].startswith('false\t') and 'Invalid RNG state' in out[3]


def test_rng_state_bytes_match_lib():
    got = nums("""
      torch.manualSeed(42)
      torch.rand(10)
      local s = torch.getRNGState()
      for i = 1, 64 do io.write(s[i], ' ') end
    """)
    g = R.Generator(42)
    R.draw_uniform(g, 10)
    assert got == list(R.get_state(g)[:64])


# ----------------------------------------------------------------------------- generators


def test_generator_objects():
    out = lines("""
      local g = torch.Generator()
      print(torch.typename(g), torch.type(g), tostring(g))
      print(torch.typename(torch._gen))
      print(torch.getmetatable('torch.Generator') ~= nil)
    """)
    assert out[0] == 'torch.Generator\ttorch.Generator\ttorch.Generator\t'
    assert out[1] == 'torch.Generator\t'
    assert out[2] == 'true\t'


def test_generators_have_independent_streams():
    got = nums(DUMP + """
      local g1, g2 = torch.Generator(), torch.Generator()
      torch.manualSeed(g1, 10)
      torch.manualSeed(g2, 10)
      torch.manualSeed(20)
      dump(torch.rand(g1, 3))
      dump(torch.rand(3))
      dump(torch.rand(g2, 3))
      dump(torch.Tensor(2):uniform(g1, 0, 1))
      dump(torch.Tensor(2):normal(g1))
      io.write(torch.random(g2), ' ', torch.initialSeed(g2), ' ')
      io.write(torch.uniform(g2, 2, 3), ' ')
      dump(torch.randperm(g2, 4))
      local r = torch.Tensor()
      torch.randn(r, g2, 2)
      dump(r)
      dump(torch.Tensor(3):bernoulli(g2, 0.5))
      dump(torch.LongTensor(2):random(g2, 5, 9))
      dump(torch.multinomial(g2, torch.Tensor({1, 1}), 2, true))
    """)
    g1, g2, d = R.Generator(10), R.Generator(10), R.Generator(20)
    want = R.fill_uniform(g1, np.empty(3), types.Double).tolist()
    want += R.fill_uniform(d, np.empty(3), types.Double).tolist()
    want += R.fill_uniform(g2, np.empty(3), types.Double).tolist()
    want += R.fill_uniform(g1, np.empty(2), types.Double, 0, 1).tolist()
    want += R.fill_normal(g1, np.empty(2), types.Double).tolist()
    want += [R.random(g2), 10, R.uniform(g2, 2, 3)]
    want += R.randperm(g2, 4).tolist()
    want += R.fill_normal(g2, np.empty(2), types.Double).tolist()
    want += R.fill_bernoulli(g2, np.empty(3), types.Double, 0.5).tolist()
    want += R.fill_random(g2, np.empty(2, np.int64), types.Long, 5, 9).tolist()
    want += R.multinomial(g2, np.array([1.0, 1.0]), 2, True).tolist()
    assert np.allclose(got, want, rtol=1e-15)
    assert got[:6] == want[:6] and got[:3] == got[6:9]


def test_state_of_a_generator():
    out = lines("""
      local g = torch.Generator()
      torch.manualSeed(g, 77)
      local s = torch.getRNGState(g)
      local a = torch.uniform(g)
      torch.setRNGState(g, s)
      print(torch.uniform(g) == a, torch.initialSeed(g))
    """)
    assert out[0] == 'true\t77\t'


# ----------------------------------------------------------------------------- errors


def test_errors():
    out = lines("""
      print(pcall(torch.random, 5, 1))
      print(pcall(function() return torch.Tensor(2):random(0) end))
      print(pcall(torch.normal, 0, -1))
      print(pcall(torch.geometric, 1.5))
      print(pcall(torch.bernoulli, 2))
      print(pcall(torch.randperm, 0))
      print(pcall(function() return torch.IntTensor(2):uniform() end))
      print(pcall(function() return torch.Tensor(2):uniform('a') end))
      print(pcall(torch.manualSeed))
      print(pcall(torch.exponential))
    """)
    out = [o for o in out if not o.startswith('expected arguments')]
    assert 'upper bound must be larger than lower bound' in out[0]
    assert 'upper bound must be strictly positive' in out[1]
    assert 'standard deviation must be strictly positive' in out[2]
    assert 'must be > 0 and < 1' in out[3]
    assert 'must be >= 0 and <= 1' in out[4]
    assert 'must be strictly positive' in out[5]
    assert 'torch.IntTensor does not implement the torch.uniform() function' in out[6]
    assert 'invalid arguments: DoubleTensor string' in out[7]
    assert 'invalid arguments: \n' in out[8] or 'invalid arguments: ' in out[8]
    assert 'invalid arguments' in out[9]
    assert all(o.startswith('false\t') for o in out[:10])
