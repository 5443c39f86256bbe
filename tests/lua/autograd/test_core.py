"""autograd through Lua: df(params, ...) in direct and optimized mode, their options, gradients
of gradients, the debugger, and the errors misuse gives."""
import re

import numpy as np
import pytest

from aghelp import lua, lua_error, rt, values  # noqa: F401 (rt is a fixture)

MODES = ['false', 'true']   # optimize


# the tutorial's network, and finite differences of it, in Lua
NET = """
torch.manualSeed(3)
params = {W = {torch.randn(100, 50), torch.randn(50, 10)}, b = {torch.randn(50), torch.randn(10)}}
function neuralNet(params, x, y)
  local h1 = torch.tanh(x * params.W[1] + params.b[1])
  local h2 = torch.tanh(h1 * params.W[2] + params.b[2])
  local yHat = h2 - torch.log(torch.sum(torch.exp(h2)))
  return - torch.sum(torch.cmul(yHat, y))
end
x = torch.randn(1, 100)
y = torch.Tensor(1, 10):zero() y[1][3] = 1
function fd(t, i, j)
  local h = 1e-6
  local v = t[i][j]
  t[i][j] = v + h / 2 local a = neuralNet(params, x, y)
  t[i][j] = v - h / 2 local b = neuralNet(params, x, y)
  t[i][j] = v
  return (a - b) / h
end
"""


@pytest.mark.parametrize('opt', MODES)
def test_tutorial_network_gradients_match_finite_differences(rt, opt):
    out = values(rt, NET + """
      local df = autograd(neuralNet, {optimize = %s})
      for k = 1, 2 do   -- the second call replays the optimized program
        local g, loss = df(params, x, y)
        print(loss - neuralNet(params, x, y))
        for _, ij in ipairs({{1, 1}, {37, 12}, {100, 50}}) do
          print(g.W[1][ij[1]][ij[2]] - fd(params.W[1], ij[1], ij[2]))
        end
        print(g.W[2][7][3] - fd(params.W[2], 7, 3))
        print(g.b[2][3] - (params.b[2][3] - params.b[2][3] + g.b[2][3]))
      end
    """ % opt)
    assert len(out) == 12
    assert all(abs(v) < 1e-6 for v in out)


@pytest.mark.parametrize('opt', MODES)
def test_gradients_mirror_nested_params_and_numbers(rt, opt):
    out = lua(rt, """
      local f = function(p, k)
        return torch.sum(p.a.b[1] * p.s) + p.n * k + torch.sum(p.a.c)
      end
      local p = {a = {b = {torch.ones(3)}, c = torch.ones(2, 2)}, s = 2, n = 3, name = 'x'}
      local g, v = autograd(f, {optimize = %s})(p, 5)
      print(g.a.b[1][2], g.a.c:size(1), g.a.c[1][1], g.s, g.n, g.name, v)
    """ % opt)
    assert out.split() == ['2', '2', '1', '3', '5', 'nil', '25']


@pytest.mark.parametrize('opt', MODES)
def test_tensor_and_number_as_the_differentiated_argument(rt, opt):
    out = lua(rt, """
      local g1 = autograd(function(w) return torch.sum(torch.cmul(w, w)) end, {optimize = %s})(torch.ones(3) * 2)
      local g2 = autograd(function(w, x) return torch.sigmoid(w * x) end, {optimize = %s})(0, 2)
      print(g1[1], g1[3], g2)
    """ % (opt, opt))
    assert [float(v) for v in out.split()] == [4, 4, 0.5]


def test_dynamic_control_flow_follows_the_values(rt):
    out = values(rt, """
      local f = function(p)
        local s = torch.sum(p.a)
        local r = s
        for i = 1, 3 do
          if autograd.util.lt(r, 10) then r = r * 2 else r = r + 1 end
        end
        return r
      end
      local df = autograd(f)
      print(df({a = torch.ones(2)})[ 'a'][1])      -- s = 2: three doublings
      print(df({a = torch.ones(2) * 3})['a'][1])   -- s = 6: doubled once, then + 1 twice
    """)
    assert out == [8, 2]


@pytest.mark.parametrize('opt', MODES)
def test_assignment_into_a_node(rt, opt):
    out = lua(rt, """
      local f = function(p)
        local xc = torch.clone(p.x)
        xc[1] = torch.sum(p.y) * 2
        xc[{2, 2}] = p.y[3]
        xc[3] = p.y
        return torch.sum(torch.cmul(xc, xc))
      end
      local p = {x = torch.range(1, 9):view(3, 3), y = torch.Tensor({1, 2, 3})}
      local g = autograd(f, {optimize = %s})(p)
      print(g.x[1][1], g.x[2][1], g.x[2][2], g.x[3][3], g.x[2][3])
      print(g.y[1], g.y[2], g.y[3])
    """ % opt)
    lines = out.splitlines()
    # rows 1 and 3 are overwritten, as is x[2][2]: their gradients are 0; x[2][j]: 2 x[2][j]
    assert [float(v) for v in lines[0].split()] == [0, 8, 0, 0, 12]
    # y: 2 * 2 * 12 * 3 (row 1) + 2 * y (row 3) + 2 * 3 at y[3] (from x[2][2])
    assert [float(v) for v in lines[1].split()] == [146, 148, 156]


def test_assignment_through_a_long_storage_index(rt):
    out = values(rt, """
      local f = function(p)
        local xc = torch.clone(p.x)
        xc[torch.LongStorage{2, 2}] = torch.sum(p.y)
        return torch.sum(xc)
      end
      local g = autograd(f)({x = torch.ones(3, 3), y = torch.ones(2)})
      print(g.x[2][2]) print(g.x[1][1]) print(g.y[1])
    """)
    assert out == [0, 1, 1]


@pytest.mark.parametrize('opt', MODES)
def test_with_forward_with_gradients_and_partial_grad(rt, opt):
    out = lua(rt, """
      local f = function(p) return p.W * p.x end
      local p = {W = torch.Tensor({{1, 2}, {3, 4}}), x = torch.Tensor({1, 1})}
      local fwd = autograd(f, {optimize = %s, withForward = true, withGradients = false})
      local bwd = autograd(f, {optimize = %s, withForward = false, withGradients = true, partialGrad = true})
      local y = fwd(p)
      local g = bwd(p, torch.Tensor({1, 10}))
      print(y[1], y[2], g.x[1], g.x[2], g.W[2][1], g.W[1][2])
    """ % (opt, opt))
    assert [float(v) for v in out.split()] == [3, 7, 31, 42, 10, 1]


@pytest.mark.parametrize('opt', MODES)
def test_gradients_of_gradients(rt, opt):
    # f(p) = sum((y - p . x)^2); df/dp = -2 (y - p.x) x; d(sum df/dp)/dp = 2 x sum(x)
    out = values(rt, """
      local inner = function(p, x, y) return torch.pow(y - torch.dot(p, x), 2) end
      local dinner = autograd(inner, {optimize = %s})
      local outer = function(p, x, y) local g = dinner(p, x, y) return torch.sum(g) end
      local ddf = autograd(outer, {optimize = %s})
      local p, x = torch.Tensor({0.5, -1, 2}), torch.Tensor({1, 2, 3})
      local gg = ddf(p, x, 1.5)
      for i = 1, 3 do print(gg[i] - 2 * x[i] * x:sum()) end
      local g = dinner(p, x, 1.5)
      for i = 1, 3 do print(g[i] + 2 * (1.5 - p:dot(x)) * x[i]) end
    """ % (opt, opt))
    assert all(abs(v) < 1e-9 for v in out) and len(out) == 6


@pytest.mark.parametrize('opt', MODES)
def test_float_tensors_get_float_gradients(rt, opt):
    out = lua(rt, """
      local f = function(p) return torch.sum(torch.tanh(p.W * p.x)) end
      local g = autograd(f, {optimize = %s})({W = torch.FloatTensor(3, 4):fill(0.5), x = torch.FloatTensor(4):fill(0.1)})
      print(torch.type(g.W), torch.type(g.x), string.format('%%.5f', g.x[1]))
    """ % opt)
    assert out.split() == ['torch.FloatTensor', 'torch.FloatTensor', '1.44156']  # 3 * .5 * (1 - tanh(.2)^2)


def test_optimized_captures_once_per_argument_shapes(rt):
    out = lua(rt, """
      local runs = 0
      local f = function(p, x) runs = runs + 1 return torch.sum(torch.cmul(p.w, x)) end
      local df = autograd(f, {optimize = true})
      local p = {w = torch.ones(3)}
      for i = 1, 5 do df(p, torch.randn(3)) end
      print(runs)
      local g, v = df({w = torch.ones(4)}, torch.Tensor({1, 2, 3, 4}))
      df({w = torch.ones(4)}, torch.ones(4))
      print(runs, v, g.w[4])
      local g2, v2 = df(p, torch.Tensor({1, 2, 3}))   -- new values, same shapes: replayed
      print(runs, v2, g2.w[3])
    """)
    assert [l.split() for l in out.splitlines()] == [['1'], ['2', '10', '4'], ['2', '6', '3']]


def test_optimize_switch_is_global_and_per_function(rt):
    out = lua(rt, """
      local runs = 0
      local f = function(p) runs = runs + 1 return torch.sum(p) end
      autograd.optimize(true)
      local a = autograd(f)
      local b = autograd(f, {optimize = false})
      autograd.optimize(false)
      a(torch.ones(2)) a(torch.ones(2)) b(torch.ones(2)) b(torch.ones(2))
      print(runs, autograd.optimizing())
    """)
    assert out.split() == ['3', 'false']


def test_stable_gradients_reuse_the_first_tensors(rt):
    out = lua(rt, """
      local f = function(p, z) return torch.sum(p.W * torch.size(z, 1)) end
      local df = autograd(f, {optimize = true, stableGradients = true})
      local g1 = df({W = torch.ones(2, 2)}, torch.Tensor(1))
      local first = g1.W
      local g2 = df({W = torch.ones(2, 2)}, torch.Tensor(3))
      print(g2.W == first, g2.W[1][1], first[1][1])
    """)
    assert out.split() == ['true', '3', '3']
    assert 'only available in optimized mode' in lua_error(
        rt, "autograd(function(p) return torch.sum(p) end, {stableGradients = true})")


@pytest.mark.parametrize('opt', MODES)
def test_debug_hook_reports_each_nan_or_inf(rt, opt):
    out = lua(rt, """
      local W = torch.Tensor(4, 5):fill(.5)
      local x = torch.Tensor(5):fill(.5)
      local func = function(inputs)
        return torch.sum(torch.div(inputs.W * inputs.x, 0))
      end
      local n, first
      n = 0
      local df = autograd(func, {optimize = %s, debugHook = function(debugger, msg, gen)
        n = n + 1
        if n == 1 then
          first = msg
          local i = 0
          for line in (gen.source .. '\\n'):gmatch('(.-)\\n') do
            i = i + 1
            if i == gen.line then print(line) end
          end
          local name = os.tmpname()
          debugger.generateDot(name)
          local f = io.open(name) local dot = f:read('*a') f:close() os.remove(name)
          print(dot:match('^digraph') ~= nil, dot:find('red') ~= nil)
        end
      end})
      df({W = W, x = x})
      print(n)
      print(first)
    """ % opt)
    lines = out.splitlines()
    assert lines[0] == '    torch_div(rlocals[2], rlocals[1], 0)'
    assert lines[1].split() == ['true', 'true']
    assert lines[2] == '5'
    assert lines[3] == 'autograd debugger detected a nan or inf value for rlocals[2]'
    # the forward op's Lua line (the function is called `fn` by autograd, as in torch-autograd)
    assert re.match(r'\t\t1: fn\[string ".*"\]:6$', lines[4])


UNSUPPORTED = [
    ("torch.sum(torch.histc(p.x))", 'function torch.histc not currently supported by autograd'),
    ("torch.sum(p.x:add(1))", 'function torch.DoubleTensor.add not currently supported by autograd'),
    ("torch.sum(p.x:exp())", 'function torch.DoubleTensor.exp not currently supported by autograd'),
    ("torch.sum(torch.zeros(3):add(p.x))",
     'function torch.DoubleTensor.add not currently supported by autograd'),
    ("(function() local y = torch.zeros(3) y[1] = torch.sum(p.x) return torch.sum(y) end)()",
     'cannot assign an autograd node into a plain torch.DoubleTensor'),
    ("torch.sum(p.x * nil)", 'attempt to perform arithmetic on a nil value'),
    ("(function() local r = torch.Tensor() torch.cmul(r, p.x, p.x) return torch.sum(r) end)()",
     'torch.cmul with a result tensor is not supported'),
    ("torch.sum(torch.clamp(torch.ones(3), -p.n, p.n))",
     'missing gradient for argument 2 in function torch.clamp'),
]


@pytest.mark.parametrize('opt', MODES)
@pytest.mark.parametrize('expr,msg', UNSUPPORTED)
def test_unsupported_operations_fail_with_a_clear_error(rt, opt, expr, msg):
    err = lua_error(rt, """
      local p = {x = torch.randn(3), n = 0.5}
      autograd(function(p) return %s end, {optimize = %s})(p)
    """ % (expr, opt))
    assert msg in err
    assert 'Traceback' not in err and 'Error:' not in err.split(msg)[0][-20:]
    # the overloads are gone again, and no trace is left open
    assert lua(rt, "print(torch.sum(torch.ones(2)), require('autograd.runtime').AG.depth())").split() == ['2', '0']


@pytest.mark.parametrize('opt,msg', [
    ('false', 'Autograd only supports scalar return values. Output is not scalar'),
    ('true', 'invalid return value type from autograd function, autograd only supports scalar '
             'return values'),
])
def test_non_scalar_output_is_an_error(rt, opt, msg):
    assert msg in lua_error(rt, "autograd(function(p) return p * 2 end, {optimize = %s})(torch.ones(2))" % opt)


def test_output_independent_of_the_parameters(rt):
    assert 'A node type was not returned' in lua_error(
        rt, "autograd(function(p, x) return torch.sum(x) end)(torch.ones(2), torch.ones(3))")
    # optimized mode: zero gradients, as torch-autograd's generated code gives
    out = lua(rt, """
      local g = autograd(function(p, x) return torch.sum(x) end, {optimize = true})(torch.ones(2), torch.ones(3))
      print(g:sum(), g:size(1))
    """)
    assert out.split() == ['0', '2']


def test_results_returned_after_the_loss_are_plain_values(rt):
    out = lua(rt, """
      local f = function(p)
        local h = torch.tanh(p.x)
        return torch.sum(h), h, {state = h * 2, n = 3}
      end
      for _, o in ipairs({false, true}) do
        local g, l, h, s = autograd(f, {optimize = o})({x = torch.zeros(2)})
        print(type(l), torch.type(h), torch.type(s.state), s.n)
      end
    """)
    assert out.splitlines() == ['number\ttorch.DoubleTensor\ttorch.DoubleTensor\t3'] * 2


def test_node_methods_and_torch_functions_on_nodes(rt):
    out = values(rt, """
      local f = function(p)
        local x = p.x
        print(x:size(1), x:dim(), torch.nDimension(x), x:nElement(), (#x)[2])
        print(torch.isTensor(x) and 1 or 0, torch.type(x) == 'torch.DoubleTensor' and 1 or 0)
        local v = x:view(6):narrow(1, 2, 3):sum() + x:t():contiguous():select(1, 2):sum()
        local n = x.new(2, 3):fill(1)
        return v + torch.sum(torch.cmul(x, n)) + x:mean() * 6
      end
      local g = autograd(f)({x = torch.ones(2, 3)})
      print(g.x[1][1], g.x[1][2], g.x[2][2], g.x[1][3])
    """)
    assert out[:7] == [2, 2, 2, 6, 3, 1, 1]
    assert out[7:] == [2, 4, 3, 3]
