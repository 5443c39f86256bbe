"""nngraph: graph construction, gModule forward/backward, errors, annotations, DOT export."""
import pytest

import luatorch
from helpers import run_lua


@pytest.fixture(scope='module')
def rt():
    r = luatorch.Runtime()
    r.execute("print = require('trepl').print; require 'nngraph'")
    return r


def lines(rt, code):
    return run_lua(rt, code).splitlines()


def test_gmodule_matches_sequential_forward_and_backward(rt):
    out = lines(rt, """
      torch.manualSeed(5)
      local l1, l2 = nn.Linear(3, 4), nn.Linear(4, 2)
      local seq = nn.Sequential():add(l1:clone()):add(nn.Tanh()):add(l2:clone())
      local x = nn.Identity()()
      local g = nn.gModule({x}, {l2(nn.Tanh()(l1(x)))})
      local inp, go = torch.randn(5, 3), torch.randn(5, 2)
      g:zeroGradParameters(); seq:zeroGradParameters()
      local d1 = (g:forward(inp) - seq:forward(inp)):abs():max()
      local d2 = (g:backward(inp, go) - seq:backward(inp, go)):abs():max()
      local p1, gp1 = g:getParameters()
      local p2, gp2 = seq:getParameters()
      print(d1 == 0, d2 == 0, (gp1 - gp2):abs():max() == 0, #g.modules, torch.type(g.modules[1]))
    """)
    assert out == ['true\ttrue\ttrue\t4\tnn.Identity\t']


def test_fan_out_sums_gradients_and_split(rt):
    out = lines(rt, """
      local x = nn.Identity()()
      local a, b = nn.SplitTable(1)(x):split(2)
      local g = nn.gModule({x}, {nn.CAddTable()({a, b}), nn.MulConstant(2)(a)})
      local inp = torch.Tensor({{1, 2}, {3, 4}})
      local out = g:forward(inp)
      print(out[1][1], out[1][2], out[2][1], out[2][2])
      local gi = g:backward(inp, {torch.ones(2), torch.ones(2)})
      print(gi[1][1], gi[1][2], gi[2][1], gi[2][2])
    """)
    assert out == ['4\t6\t2\t4\t', '3\t3\t1\t1\t']


def test_construction_errors_name_the_problem(rt):
    out = lines(rt, """
      local function err(f) local ok, e = pcall(f); print(ok, (tostring(e):gsub('^.-:%d+: ', ''))) end
      local x = nn.Identity()()
      err(function() return nn.gModule({x}, {nn.Linear(2, 2)}) end)
      err(function() return nn.gModule({x}, {nil, x}) end)
      err(function() return nn.Linear(2, 2)(x, x) end)
      local y = nn.Identity()()
      local z = nn.CAddTable()({x, y})
      err(function() return nn.gModule({x}, {z}) end)
      local x2 = nn.Identity()()
      local a, b = nn.SplitTable(1)(x2):split(2)
      err(function() return nn.gModule({x2}, {a}) end)
    """)
    assert out[0].startswith('false\toutputs[1] is an nn.Module, specifically a nn.Linear')
    assert out[1] == 'false\toutputs[1] is nil (typo / bad index?)\t'
    assert out[2] == 'false\tUse {input1, input2} to pass multiple inputs.\t'
    assert out[3].startswith('false\tthe node declared at [') and 'is not one of' in out[3]
    assert out[4].startswith('false\t1 of split(2) outputs from the node declared at')


def test_annotate_type_clone_and_dot(rt, tmp_path):
    out = lines(rt, """
      torch.manualSeed(6)
      local x = nn.Identity()():annotate{name = 'input'}
      local h = nn.Linear(2, 3)(x):annotate{name = 'hidden', graphAttributes = {color = 'red'}}
      local g = nn.gModule({x}, {nn.Tanh()(h)})
      local c = g:clone()
      local inp = torch.randn(2)
      print((c:forward(inp) - g:forward(inp)):abs():max() == 0)
      g:float()
      print(torch.type(g:forward(inp:float())), torch.type(g.modules[2].weight))
      local dot = graph.dot(g.fg, 'G', '%s/net')
      print(dot:find('hidden %%(') ~= nil, dot:find('color=red') ~= nil, dot:find('->') ~= nil)
      print(tostring(g), #g.forwardnodes, #g.backwardnodes)
    """ % tmp_path)
    assert out[:3] == ['true\t', 'torch.FloatTensor\ttorch.FloatTensor\t', 'true\ttrue\ttrue\t']
    assert out[3] == 'nn.gModule\t5\t5\t'
    assert (tmp_path / 'net.dot').read_text().startswith('digraph G {')


def test_nested_gmodule_and_debug_errors(rt):
    out = lines(rt, """
      local ia = nn.Identity()()
      local inner = nn.gModule({ia}, {nn.Linear(2, 2)(ia)})
      local x = nn.Identity()()
      local outer = nn.gModule({x}, {inner(x)})
      print(outer:forward(torch.ones(2)):nElement())
      nngraph.setDebug(true)
      local ok, e = pcall(function() return outer:forward(torch.ones(3)) end)
      nngraph.setDebug(false)
      print(ok, e:find('In node declared at') ~= nil)
    """)
    assert out == ['2\t', 'false\ttrue\t']
