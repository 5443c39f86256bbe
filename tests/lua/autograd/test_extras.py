"""autograd.overload.module (functions with gradients of your own), the profiler, reduceFootprint,
signatureFn, the RecurrentFWNetwork and AlexNet models, util's in-place helpers, and optimized
mode's documented behaviour with argument tables and random fills."""
import math
import re

import pytest

from aghelp import lua, lua_error, new_runtime, rt, values  # noqa: F401 (rt is a fixture)

MODES = ['false', 'true']   # optimize

MYMOD = """
mymod = {}
function mymod.cube(x) return torch.pow(x, 3) end
function mymod.scale(x, a) return torch.mul(x, a) end
function mymod.count(x) return x:nElement() end
function mymod.twice(x) return torch.mul(x, 2) end
function mymod.ones(x) return torch.ones(x:size()) end
function mymod.bad(x) return x end
function mymod.other(x) return x end
function mymod.left(x) return x end
mymod.calls = 0
autograd.overload.module('mymod', mymod, function(module)
  module.gradient('cube', {function(g, ans, x)
    mymod.calls = mymod.calls + 1
    return torch.cmul(g, torch.mul(torch.cmul(x, x), 3))
  end})
  module.gradient('scale', {function(g, ans, x, a) return torch.mul(g, a) end,
                            function(g, ans, x, a) return torch.sum(torch.cmul(g, x)) end})
  module.static('count')
  module.dynamic('twice')
  module.initializer('ones')
  module.unsupported('bad')
  module.ignore('left')
  module.defaultUnsupported()
end)
"""


@pytest.mark.parametrize('opt', MODES)
def test_overloaded_module_gradients_match_finite_differences(rt, opt):
    out = values(rt, MYMOD + """
      local f = function(p, k)
        return torch.sum(mymod.scale(mymod.cube(p.x), p.a)) + mymod.count(p.x) * k
      end
      local df = autograd(f, {optimize = %s})
      for i = 1, 3 do    -- optimized mode: capture, then replays with new values
        local p = {x = torch.Tensor({1, -2, 0.5}) * i, a = 1.5 + i}
        local g, l = df(p, 2)
        print(l - f(p, 2))
        local h = 1e-6
        for j = 1, 3 do
          local v = p.x[j]
          p.x[j] = v + h local a = f(p, 2)
          p.x[j] = v - h local b = f(p, 2)
          p.x[j] = v
          print(g.x[j] - (a - b) / (2 * h))
        end
        local a0 = p.a
        p.a = a0 + h local a = f(p, 2)
        p.a = a0 - h local b = f(p, 2)
        print(g.a - (a - b) / (2 * h))
      end
    """ % opt)
    assert len(out) == 15
    assert all(abs(v) < 1e-4 for v in out), out


@pytest.mark.parametrize('opt', MODES)
def test_overloaded_gradients_are_differentiated_again(rt, opt):
    # d/dx sum(d/dx sum(x^3)) = 6x, through the user's gradient function
    out = values(rt, MYMOD + """
      local dinner = autograd(function(p) return torch.sum(mymod.cube(p.x)) end)
      local outer = function(p) return torch.sum(dinner(p).x) end
      local gg = autograd(outer, {optimize = %s})
      for i = 1, 2 do
        local g = gg({x = torch.Tensor({1, 2, -3}) * i})
        print(g.x[1], g.x[2], g.x[3])
      end
    """ % opt)
    assert out == [6, 12, -18, 12, 24, -36]


def test_optimized_replay_runs_recorded_gradient_not_lua(rt):
    # the gradient function's torch ops are part of the program: Lua is not called on replays
    out = lua(rt, MYMOD + """
      mymod.calls = 0
      local df = autograd(function(p) return torch.sum(mymod.cube(p.x)) end, {optimize = true})
      for i = 1, 4 do df({x = torch.ones(3) * i}) end
      print(mymod.calls)
      mymod.calls = 0
      local dd = autograd(function(p) return torch.sum(mymod.cube(p.x)) end)
      for i = 1, 4 do dd({x = torch.ones(3) * i}) end
      print(mymod.calls)
    """)
    assert out.split() == ['1', '4']


@pytest.mark.parametrize('opt', MODES)
def test_overload_kinds_static_dynamic_initializer_unsupported(rt, opt):
    out = lua(rt, MYMOD + """
      local o = %s
      local function try(f, p)
        local ok, e = pcall(autograd(f, {optimize = o}), p)
        print(ok, ok and '' or e)
      end
      local p = {x = torch.Tensor({1, 2})}
      try(function(p) return torch.sum(mymod.twice(p.x)) end, p)
      try(function(p) return torch.sum(mymod.bad(p.x)) end, p)
      try(function(p) return torch.sum(mymod.other(p.x)) end, p)
      local g, l = autograd(function(p) return torch.sum(torch.cmul(mymod.ones(p.x), p.x)) end,
                            {optimize = o})(p)
      print(l, g.x[1], g.x[2])
      local g, l = autograd(function(p) return torch.sum(p.x) * mymod.count(p.x) end, {optimize = o})(p)
      print(l, g.x[1])
      -- declared functions keep working outside differentiated calls
      print(mymod.cube(torch.Tensor({2}))[1], mymod.count(torch.ones(5)), mymod.bad(7))
    """ % opt)
    lines = out.splitlines()
    assert lines[0].startswith('false') and \
        'missing gradient for argument 1 in function mymod.twice' in lines[0]
    assert 'function mymod.bad not currently supported by autograd' in lines[1]
    assert 'function mymod.other not currently supported by autograd' in lines[2]
    assert lines[3].split() == ['3', '1', '1']
    assert lines[4].split() == ['6', '2']
    assert lines[5].split() == ['8', '5', '7']


@pytest.mark.parametrize('opt', MODES)
def test_overloaded_class_method(rt, opt):
    out = values(rt, """
      local mt = torch.getmetatable('torch.DoubleTensor')
      rawset(mt, 'sqr', function(self) return torch.cmul(self, self) end)
      autograd.overload.module('sqrmod', {}, function(module)
        module.class('DoubleTensor', function(class)
          class.gradient('sqr', {function(g, ans, x) return torch.mul(torch.cmul(g, x), 2) end})
        end)
      end)
      local df = autograd(function(p) return torch.sum(p.x:sqr()) end, {optimize = %s})
      local g, l = df({x = torch.Tensor({1, 3})})
      print(l, g.x[1], g.x[2])
      print(torch.Tensor({4}):sqr()[1])
      rawset(mt, 'sqr', nil)
    """ % opt)
    assert out == [10, 2, 6, 16]


@pytest.mark.parametrize('opt', MODES)
def test_overloaded_operators(opt):
    # declarations are for good: this one (DoubleTensor's +) gets a runtime of its own
    out = values(new_runtime(), """
      local o = %s
      autograd.overload.module('ops', {}, function(module)
        module.class('DoubleTensor', function(class)
          class.operator('add', {function(g, ans, a, b) return torch.mul(g, 10) end,
                                 function(g, ans, a, b) return torch.mul(g, 100) end})
        end)
      end)
      local g = autograd(function(p) return torch.sum(p.x + p.y) end, {optimize = o})(
        {x = torch.ones(2), y = torch.ones(2)})
      print(g.x[1], g.y[1])
      g = autograd(function(p) return torch.sum(torch.Tensor(2):fill(1) + p.x) end, {optimize = o})(
        {x = torch.ones(2)})
      print(g.x[1])
      -- nodes of other types keep the built-in gradient; plain tensors the plain operator
      g = autograd(function(p) return torch.sum(p.x:float() + p.x:float()) end, {optimize = o})(
        {x = torch.ones(2)})
      print(g.x[1], (torch.ones(2) + torch.ones(2))[1])
      -- an operator of a table of one's own
      local V = {}
      V.__index = V
      V.__add = function(a, b) return torch.mul(b, a.k) end
      autograd.overload.module('V', V, function(module)
        module.operator('add', {nil, function(g, ans, a, b) return torch.mul(g, a.k) end})
      end)
      local v = setmetatable({k = 3}, V)
      g = autograd(function(p) return torch.sum(v + p.x) end, {optimize = o})({x = torch.ones(2)})
      print(g.x[1])
    """ % opt)
    assert out == [10, 100, 100, 2, 2, 3]


def test_overload_misuse_gives_clear_errors(rt):
    assert 'a module name (string) expected' in lua_error(
        rt, "autograd.overload.module(1, {}, function() end)")
    assert 'the module table expected' in lua_error(
        rt, "autograd.overload.module('m', 3, function() end)")
    assert 'a declaration function expected' in lua_error(
        rt, "autograd.overload.module('m', {}, 5)")
    assert 'gradient 1 of m.f is not a function' in lua_error(
        rt, "autograd.overload.module('m', {f = print}, function(m) m.gradient('f', {3}) end)")
    assert 'no class torch.NoSuchTensor' in lua_error(
        rt, "autograd.overload.module('m', {}, function(m) m.class('NoSuchTensor', function() end) end)")


def test_overload_leaves_tables_alone_outside_calls(rt):
    out = lua(rt, """
      local m = {}
      local function f(x) return torch.mul(x, 5) end
      m.f = f
      autograd.overload.module('m2', m, function(module)
        module.gradient('f', {function(g, ans, x) return torch.mul(g, 5) end})
      end)
      print(rawequal(m.f, f))
      local seen
      local g = autograd(function(p) seen = m.f return torch.sum(m.f(p.x)) end)({x = torch.ones(2)})
      print(rawequal(seen, f), rawequal(m.f, f), g.x[1])
    """)
    assert out.split() == ['true', 'false', 'true', '5']


def test_profiler_direct_reports(rt):
    out = lua(rt, """
      local W = torch.randn(10, 5)
      local f = function(p, x)
        local h = torch.tanh(x * p.W)
        return torch.sum(h)
      end
      local df = autograd(f, {profile = 'detailed', profileReportFrequency = 3})
      for i = 1, 4 do df({W = W}, torch.randn(2, 10)) end
      print('--')
      local ds = autograd(f, {profile = 'summary', profileReportFrequency = 2})
      for i = 1, 2 do ds({W = W}, torch.randn(2, 10)) end
    """)
    detailed, summary = out.split('--')
    assert detailed.count('[autograd] average forward time:') == 1
    for name in ('op.__mul', 'torch.tanh', 'torch.sum'):
        row = [l for l in detailed.splitlines() if l.startswith('[autograd] ' + name + ' ')]
        assert len(row) == 1, detailed
        cols = row[0].split('\t')
        assert len(cols) == 5 and all(re.fullmatch(r'\d+%', c) for c in cols[1:4]), row
        # the user's line (after lua()'s line of prelude; torch.sum is a tail call: its caller's)
        assert re.search(r'\]:%d$' % {'op.__mul': 5, 'torch.tanh': 5, 'torch.sum': 9}[name],
                         cols[4]), row
    assert re.search(r'average overall time: \d+\.\d\dms', summary)
    assert 'top operations' in summary and 'op.__mul' not in summary


def test_profiler_optimized_summary_and_detailed_refused(rt):
    out = lua(rt, """
      local f = function(p, x) return torch.sum(torch.tanh(x * p.W)) end
      local df = autograd(f, {optimize = true, profile = 'summary', profileReportFrequency = 4})
      for i = 1, 4 do df({W = torch.randn(10, 5)}, torch.randn(2, 10)) end
      print(pcall(autograd, f, {optimize = true, profile = 'detailed'}))
    """)
    # printed as the 4th call starts: 1 capture and 2 replays done, of 4 calls (as torch-autograd)
    assert 'code cache hit rate: 50%' in out
    assert 'generated code paths: 1' in out
    assert re.search(r'exec time: +average=\d+\.\d\dms total=\d+\.\d\ds pct=\d+%', out)
    assert 'detailed profile not available in optimized mode' in out
    assert 'must be a positive number' in lua_error(
        rt, "autograd(function() end, {profileReportFrequency = 0})")


def test_reduce_footprint_same_results_and_releases_values(rt):
    out = lua(rt, """
      torch.manualSeed(1)
      local f = function(p, x)
        local h = torch.tanh(x * p.W)
        return torch.sum(h) + torch.sum(torch.cmul(h, h))
      end
      local x, W = torch.randn(3, 10), torch.randn(10, 5)
      local a = autograd(f, {optimize = true})
      local b = autograd(f, {optimize = true, reduceFootprint = true})
      for i = 1, 2 do
        local ga, la = a({W = W}, x)
        local gb, lb = b({W = W}, x)
        print(la - lb, (ga.W - gb.W):abs():max())
      end
      local d = autograd(f, {reduceFootprint = true})({W = W}, x)
      print((d.W - a({W = W}, x).W):abs():max() < 1e-12)
    """)
    assert out.split() == ['0', '0', '0', '0', 'true']


def test_reduce_footprint_program_source():
    from luatorch.lib import tensor as T, types
    from luatorch.lib.autograd import engine
    from luatorch.lib.autograd.prims import P
    from luatorch.lib.autograd.core import Box

    x = T.empty(types.Double, (4,))
    x.arr()[:] = [1, 2, 3, 4]
    sources = []
    for reduce in (False, True):
        opt = engine.opt_new()
        rec, g, boxes = engine.opt_begin([x], [True], True)
        out = P.sum(P.tanh(P.exp(boxes[0])))
        num = engine.opt_finish(opt, 'k', [x], rec, g, out, None, [out], reduce=reduce)[0]
        src = engine.program_source(opt, num)
        sources.append(src)
        r = opt.programs[0].run([x])
        assert abs(r[1] - sum(math.tanh(math.exp(v)) for v in (1, 2, 3, 4))) < 1e-12
    assert 'del ' not in sources[0]
    assert 'del ' in sources[1]
    assert type(boxes[0]) is Box


def test_signature_fn(rt):
    out = lua(rt, """
      local f = function(p, x)
        if autograd.util.gt(x[1], 0) then return torch.sum(p.w * 2) end
        return torch.sum(p.w * 3)
      end
      local sig = function(args) return args[2][1] > 0 and 'pos' or 'neg' end
      local df = autograd(f, {optimize = true, signatureFn = sig})
      local p = {w = torch.ones(2)}
      print(df(p, torch.ones(1)).w[1], df(p, -torch.ones(1)).w[1], df(p, torch.ones(1)).w[1])
      local du = autograd(f, {optimize = true, signatureFn = function() return nil end})
      print(du(p, torch.ones(1)).w[1], du(p, -torch.ones(1)).w[1])
    """)
    assert out.split() == ['2', '3', '2', '2', '3']
    assert 'signatureFn must be a function' in lua_error(rt, "autograd(print, {signatureFn = 3})")


@pytest.mark.parametrize('opt', MODES)
def test_recurrent_fast_weights_network(rt, opt):
    out = lua(rt, """
      torch.manualSeed(0)
      autograd.optimize(%s)
      local results = {}
      for _, outputType in ipairs({'last', 'all'}) do
        local f, params = autograd.model.RecurrentFWNetwork({inputFeatures = 3, hiddenFeatures = 4,
                                                            outputType = outputType})
        print(#params, params[1].W:size(1), params[1].W:size(2), params[1].b:size(2))
        params[1].W:uniform(-0.5, 0.5) params[1].b:uniform(-0.1, 0.1)
        local h, state = f(params, torch.randn(2, 5, 3))
        print(h:dim(), h:size(1), h:size(2), state.h:size(2))
        local loss = function(p, x) local h = f(p, x) return torch.sum(torch.cmul(h, h)) end
        results[#results + 1] = gradcheck(loss, params, torch.randn(5, 3))
      end
      autograd.optimize(false)
      for _, r in ipairs(results) do print(r) end
    """ % opt)
    res = [l for l in out.splitlines() if not l.startswith('[gradcheck]')]
    assert [l.split() for l in res] == [['1', '7', '4', '4'], ['2', '2', '4', '4'],
                                        ['1', '7', '4', '4'], ['3', '2', '5', '4'],
                                        ['true'], ['true']]


def test_alexnet(rt):
    out = lua(rt, """
      torch.manualSeed(2)
      local f, params, layers = autograd.model.AlexNet(3, 16, 16,
        {hiddenFeatures = {4, 8}, poolings = {2, 2}, kernelSize = 3},
        {hiddenFeatures = {10, 3}})
      print(#params, #layers, params[3][1]:size(2))
      local x = torch.randn(2, 3, 16, 16)
      local y = f(params, x)
      print(y:size(1), y:size(2))
      local df = autograd(function(p, x) return torch.sum(f(p, x)) end)
      local g = df(params, x)
      print(#g, g[1][1]:isSameSizeAs(params[1][1]), g[4][2]:isSameSizeAs(params[4][2]))
      print(pcall(autograd.model.AlexNet, 3, 8, 8, {kernelSizes = {3}}))
      print(pcall(autograd.model.AlexNet, 3, 8, 8, {}, {inputFeatures = 3}))
    """)
    lines = out.splitlines()
    # conv 3->4, 4->8 (pooled twice: 16 -> 4), then Linear 8*4*4 -> 10 -> 3
    assert lines[0].split() == ['4', '10', '128']
    assert lines[1].split() == ['2', '3']
    assert lines[2].split() == ['4', 'true', 'true']
    assert 'per-layer kernel sizes are not supported' in lines[3]
    assert 'cannot be manually set' in lines[4]


def test_util_in_place_helpers(rt):
    out = lua(rt, """
      local u = autograd.util
      local o = torch.Tensor(3, 2):fill(9)
      print(u.indexAddInPlace(o, torch.ones(2, 2), nil, 1, torch.LongTensor({1, 3})):sum())
      print(u.selectSliceCopyInPlace(torch.Tensor(2, 2):fill(7), torch.ones(2), nil, 1, 2):sum())
      print(u.narrowSliceCopyInPlace(torch.Tensor(4):fill(7), torch.ones(2), nil, 1, 2, 2):sum())
      print(u.fillSameSizeAsInPlace(torch.Tensor(3), nil, 2):sum(), u.zerosLikeInPlace(torch.ones(2)):sum())
      print(u.fillInPlace(torch.Tensor(2), nil, 4):sum(),
            u.cloneInPlace(torch.Tensor(2), torch.ones(2)):sum())
      print(u.typeAsInPlace(torch.Tensor(2), torch.FloatTensor(2):fill(3)):sum())
      local o2 = torch.Tensor(2)
      print(rawequal(u.newInPlace(o2, 5), o2), rawequal(u.newTensorLikeInPlace(o2, 5), o2))
      local parts = u.catTableGradient(torch.range(1, 5), {torch.ones(2), torch.ones(3)})
      print(parts[1]:sum(), parts[2]:sum())
      local nums = u.catNumberGradient(torch.Tensor({4, 5}), {1, 2})
      print(nums[1], nums[2])
    """)
    assert [l.split() for l in out.splitlines()] == [
        ['4'], ['2'], ['2'], ['6', '0'], ['8', '2'], ['6'], ['true', 'true'], ['3', '12'],
        ['4', '5']]


@pytest.mark.parametrize('opt', MODES)
def test_argument_tables_are_copies_as_in_torch_autograd(rt, opt):
    # torch-autograd hands the function copies of the differentiated table (both modes) and,
    # in optimized mode, of every argument table: assignments into them do not reach the caller
    out = lua(rt, """
      local st = {n = 0}
      local p = {w = torch.ones(3)}
      local df = autograd(function(p, x, st)
        st.n = st.n + 1
        p.seen = true
        return torch.sum(torch.cmul(p.w, x))
      end, {optimize = %s})
      for i = 1, 3 do df(p, torch.ones(3), st) end
      print(st.n, p.seen)
    """ % opt)
    assert out.split() == (['3', 'nil'] if opt == 'false' else ['0', 'nil'])


def test_random_fills_in_optimized_mode(rt):
    # function forms are drawn again at every replay; a tensor made and filled by its own
    # methods inside the function is a constant of the captured program (as in torch-autograd)
    out = lua(rt, """
      torch.manualSeed(5)
      local p = {w = torch.ones(200)}
      local fn = autograd(function(p)
        return torch.sum(torch.cmul(p.w, torch.bernoulli(torch.Tensor(200), 0.5)))
      end, {optimize = true})
      local fm = autograd(function(p)
        return torch.sum(torch.cmul(p.w, torch.Tensor(200):bernoulli(0.5)))
      end, {optimize = true})
      local fd = autograd(function(p)
        return torch.sum(autograd.util.dropout(p.w, 0.5))
      end, {optimize = true})
      local a, b, c = {}, {}, {}
      for i = 1, 4 do
        local _, l = fn(p) a[i] = l
        local _, m = fm(p) b[i] = m
        local g = fd(p) c[i] = g.w:sum()
      end
      local function distinct(t)
        local s, n = {}, 0
        for _, v in ipairs(t) do if not s[v] then s[v] = true n = n + 1 end end
        return n
      end
      print(distinct(a) > 1, distinct(b), distinct(c) > 1)
    """)
    assert out.split() == ['true', '1', 'true']
