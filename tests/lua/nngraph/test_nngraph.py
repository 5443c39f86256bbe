"""nngraph: graph construction, gModule forward/backward, errors, annotations, DOT export."""
import os
import re

import pytest

import luatorch
from helpers import FAKE_DOT, run_lua


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


@pytest.fixture
def no_graphviz(monkeypatch, tmp_path):
    """PATH without any `dot` program (os.execute's shell inherits the process environment)."""
    bindir = tmp_path / 'nobin'
    bindir.mkdir()
    for tool in ('sh', 'true'):
        for d in ('/bin', '/usr/bin'):
            if os.path.exists(os.path.join(d, tool)):
                (bindir / tool).symlink_to(os.path.join(d, tool))
                break
    monkeypatch.setenv('PATH', str(bindir))


@pytest.fixture
def fake_graphviz(monkeypatch, tmp_path):
    bindir = tmp_path / 'bin'
    bindir.mkdir()
    (bindir / 'dot').write_text(FAKE_DOT)
    (bindir / 'dot').chmod(0o755)
    monkeypatch.setenv('PATH', str(bindir) + os.pathsep + os.environ.get('PATH', ''))


def test_nngraph_node_class_and_operators(rt):
    out = lines(rt, """
      local n = nngraph.Node({module = nn.Tanh()})
      print(torch.type(n), torch.isTypeOf(n, 'graph.Node'), #n.children, torch.type(n.data.module))
      local x = nn.Identity()()
      local y = nn.CAddTable()({x, n})
      print(torch.type(y), y.data.mapindex[x.data], y.data.mapindex[n.data], #y.children,
            y.children[1] == x, y.data.mapindex[1] == x.data, x.data.reverseMap[y])
      -- -module is module(); node - module is module(node)
      local a = -nn.Linear(2, 3)
      local b = a - nn.Tanh() - nn.Linear(3, 1)
      print(torch.type(a), #a.children, torch.type(b.data.module), b.children[1].children[1] == a)
      local g = nn.gModule({a}, {b})
      print(g:forward(torch.ones(2)):size(1), #g.modules)
      -- criteria are callable too, through nn.ModuleFromCriterion
      local p, t = nn.Identity()(), nn.Identity()()
      local loss = nn.MSECriterion()({p, t})
      print(torch.type(loss.data.module), torch.type(loss.data.module.criterion))
      local lg = nn.gModule({p, t}, {loss})
      local o = lg:forward({torch.Tensor({1, 2}), torch.Tensor({1, 4})})
      print(o:nElement(), o[1])
    """)
    assert out == ['nngraph.Node\ttrue\t0\tnn.Tanh\t',
                   'nngraph.Node\t1\t2\t2\ttrue\ttrue\ttrue\t',
                   'nngraph.Node\t0\tnn.Linear\ttrue\t',
                   '1\t3\t',
                   'nn.ModuleFromCriterion\tnn.MSECriterion\t',
                   '1\t2\t']


def test_tables_of_inputs_and_outputs(rt):
    out = lines(rt, """
      torch.manualSeed(1)
      -- inputs: a tensor and a table {h, c} split into two nodes; outputs: a tensor and a table
      local x, state = nn.Identity()(), nn.Identity()()
      local h, c = state:split(2)
      local s = nn.CAddTable()({nn.CMulTable()({x, h}), c})
      local pair = nn.Identity()({s, h})
      local g = nn.gModule({x, state}, {s, pair})
      local X, H, C = torch.randn(3), torch.randn(3), torch.randn(3)
      local out = g:forward({X, {H, C}})
      local want = torch.cmul(X, H):add(C)
      print(#out, (out[1] - want):abs():max() == 0, #out[2], (out[2][1] - want):abs():max() == 0,
            out[2][2] == H or (out[2][2] - H):abs():max() == 0)
      local g1, g2a, g2b = torch.randn(3), torch.randn(3), torch.randn(3)
      local gi = g:backward({X, {H, C}}, {g1, {g2a, g2b}})
      local gs = g1 + g2a
      print(#gi, #gi[2], (gi[1] - torch.cmul(gs, H)):abs():max() < 1e-12,
            (gi[2][1] - (torch.cmul(gs, X) + g2b)):abs():max() < 1e-12,
            (gi[2][2] - gs):abs():max() < 1e-12)
      local ok, e = pcall(function() return g:forward(X) end)
      print(ok, e:match('expecting table of 2 inputs') ~= nil)
      ok, e = pcall(function() return g:forward({X}) end)
      print(ok, e:match('Got 1 inputs instead of 2') ~= nil)
      ok, e = pcall(function() return g:backward({X, {H, C}}, {g1}) end)
      print(ok, e:match('Got 1 gradOutputs instead of 2') ~= nil)
    """)
    assert out == ['2\ttrue\t2\ttrue\ttrue\t', '2\t2\ttrue\ttrue\ttrue\t',
                   'false\ttrue\t', 'false\ttrue\t', 'false\ttrue\t']


def test_gradient_sums_follow_the_gradients_structure(rt):
    out = lines(rt, """
      -- one node feeding two outputs: its gradients are summed in a buffer reshaped to their
      -- structure on every call (entries added and dropped)
      local x = nn.Identity()()
      local g = nn.gModule({x}, {nn.Identity()(x), nn.Identity()(x)})
      local function run(n)
        local inp = {}
        for i = 1, n do inp[i] = torch.Tensor(i):fill(i) end
        g:forward(inp)
        local gi = g:backward(inp, g.output)
        local parts = {}
        for i = 1, #gi do parts[i] = gi[i]:nElement() .. ':' .. gi[i][1] end
        return #gi .. ' ' .. table.concat(parts, ',')
      end
      print(run(2)); print(run(3)); print(run(2))
      -- a gradient that is an expanded zero (one-element storage) is skipped when it is the
      -- only other one: the non-zero gradient goes through as it is
      local zero = nn.Module()
      function zero:updateOutput(input) self.output = input:clone(); return self.output end
      function zero:updateGradInput(input, gradOutput)
        self.gradInput = torch.Tensor({0}):view(1, 1):expand(input:size(1), input:size(2))
        return self.gradInput
      end
      local y = nn.Identity()()
      local lin = nn.Linear(2, 2)
      local h = lin(y)
      local z = nn.gModule({y}, {nn.CAddTable()({zero(h), nn.Identity()(h)})})
      local inp, go = torch.randn(3, 2), torch.randn(3, 2)
      z:zeroGradParameters()
      z:forward(inp)
      z:backward(inp, go)
      local want = go:t() * inp
      print((lin.gradWeight - want):abs():max() < 1e-12)
    """)
    assert out == ['2 1:2,2:4\t', '3 1:2,2:4,3:6\t', '2 1:2,2:4\t', 'true\t']


def test_shared_modules_between_graphs(rt):
    out = lines(rt, """
      torch.manualSeed(2)
      local function net(lin)
        local x = nn.Identity()()
        return nn.gModule({x}, {nn.Tanh()(lin(x))})
      end
      local l1 = nn.Linear(3, 3)
      local l2 = l1:clone('weight', 'bias', 'gradWeight', 'gradBias')
      local g1, g2 = net(l1), net(l2)
      local inp = torch.randn(3)
      print((g1:forward(inp) - g2:forward(inp)):abs():max() == 0)
      l1.weight:fill(0.5)
      print((g1:forward(inp) - g2:forward(inp)):abs():max() == 0, l2.weight[1][1])
      -- both graphs accumulate into the one gradWeight
      g1:zeroGradParameters()
      g1:backward(inp, torch.ones(3))
      local once = l1.gradWeight:clone()
      g2:backward(inp, torch.ones(3))
      print((l1.gradWeight - once * 2):abs():max() < 1e-12)
      -- a container of both: the shared parameters are flattened once, and stay shared
      local both = nn.ParallelTable():add(g1):add(g2)
      local p, gp = both:getParameters()
      print(p:nElement(), gp:nElement())
      p:fill(0.25)
      print(l1.weight[2][2], l2.weight[2][2], l2.bias[1])
      -- gModule:clone with names shares those parameters with the original
      local g3 = g1:clone('weight', 'bias')
      g1.modules[2].bias:fill(-1)
      print(g3.modules[2].bias[3], g3.modules[2] ~= g1.modules[2])
      local g4 = g1:clone()
      g1.modules[2].bias:fill(7)
      print(g4.modules[2].bias[3])
    """)
    assert out == ['true\t', 'true\t0.5\t', 'true\t', '12\t12\t', '0.25\t0.25\t0.25\t',
                   '-1\ttrue\t', '-1\t']


def test_parameters_and_structure_fields(rt):
    out = lines(rt, """
      local x = nn.Identity()()
      local h = nn.Linear(4, 3)(x)
      local g = nn.gModule({x}, {nn.Linear(3, 2)(nn.Sigmoid()(h))})
      local ps, gps = g:parameters()
      local sizes = {}
      for i, p in ipairs(ps) do sizes[i] = table.concat(p:size():totable(), 'x') end
      print(#ps, #gps, table.concat(sizes, ' '))
      local p, gp = g:getParameters()
      print(p:nElement(), gp:nElement(), ps[1]:storage() == p:storage())
      local types = {}
      for i, m in ipairs(g.modules) do types[i] = torch.type(m) end
      print(table.concat(types, ' '))
      -- forwardnodes run from the dummy input node to the dummy output node; backwardnodes the
      -- other way; both share the nodes' data
      local f, b = g.forwardnodes, g.backwardnodes
      print(#f, #b, f[1].data == g.innode.data, f[#f].data == g.outnode.data,
            b[1].data == g.outnode.data, b[#b].data == g.innode.data)
      local seen = 0
      for _, n in ipairs(f) do
        for _, m in ipairs(b) do if m.data == n.data then seen = seen + 1 end end
      end
      print(seen, torch.type(g.fg), torch.type(g.bg), #g.fg.nodes, #g.fg.edges)
      print(tostring(g))
      g.name = 'mynet'
      print(tostring(g))
      print(g)
    """)
    assert out == ['4\t4\t3x4 3 2x3 2\t', '23\t23\ttrue\t',
                   'nn.Identity nn.Linear nn.Sigmoid nn.Linear\t',
                   '6\t6\ttrue\ttrue\ttrue\ttrue\t', '6\tgraph.Graph\tgraph.Graph\t6\t5\t',
                   'nn.gModule\t', 'mynet\t', 'mynet']


def test_type_converts_modules_and_stored_values(rt):
    out = lines(rt, """
      torch.manualSeed(3)
      local x = nn.Identity()()
      local g = nn.gModule({x}, {nn.Linear(3, 2)(nn.Tanh()(nn.Linear(4, 3)(x)))})
      local inp = torch.rand(4)
      local o = g:forward(inp)
      g:backward(inp, o:clone():normal())
      local function types()
        return table.concat({torch.type(g.output), torch.type(g.gradInput),
          torch.type(g.innode.data.input[1]), torch.type(g.outnode.data.input[1]),
          torch.type(g.forwardnodes[2].data.input[1]),
          torch.type(g.backwardnodes[1].children[1].data.gradOutput[1]),
          torch.type(g.modules[2].weight)}, ' ')
      end
      print(types())
      print(g:float() == g, g:type(), types())
      local fo = g:forward(inp:float())
      print(torch.type(fo), (fo:double() - o):abs():max() < 1e-6)
      g:double()
      print(g:type(), types())
      -- the converted stored output is the last module's output (shared through the cache)
      print(g.output == g.modules[4].output)
      g:clearState()
      print(g.innode.data.input, g.forwardnodes[2].data.input, g.backwardnodes[2].data.gradOutput)
      -- (the weights went through float)
      print((g:forward(inp) - o):abs():max() < 1e-5)
    """)
    d, f = 'torch.DoubleTensor', 'torch.FloatTensor'
    assert out == [' '.join([d] * 7) + '\t', 'true\t%s\t%s\t' % (f, ' '.join([f] * 7)),
                   '%s\ttrue\t' % f, '%s\t%s\t' % (d, ' '.join([d] * 7)), 'true\t',
                   'nil\tnil\tnil\t', 'true\t']


def test_annotate_label_and_dot_text(rt):
    out = lines(rt, """
      local x = nn.Identity()():annotate{name = 'input', description = 'the data'}
      local h = nn.Linear(2, 3)(x):annotate{name = 'hidden',
                                            graphAttributes = {color = 'red', tooltip = 'a tip'}}
      print(torch.type(h), h.data.annotations.name, h.data.annotations.graphAttributes.color)
      local g = nn.gModule({x}, {nn.Tanh()(h)})
      print(x:label():match('^desc = the data\\\\n') ~= nil, h:label():match('module = nn.Linear%(2 %-> 3%)') ~= nil)
      print(h:graphNodeName():match('^hidden %(%d+%)$') ~= nil, g.forwardnodes[1]:graphNodeName():match('^Node%d+$') ~= nil)
      local text = g.fg:todot('My Graph')
      io.write(text)
      print(graph.dot(g.fg, 'My Graph') == text)
    """)
    text = '\n'.join(out[3:-1])
    assert out[:3] == ['nngraph.Node\thidden\tred\t', 'true\ttrue\t', 'true\ttrue\t']
    assert out[-1] == 'true\t'
    assert text.startswith('digraph G {\nlabelloc="t";\nlabel="My Graph";\nnode [shape = oval]; \n')
    assert text.endswith('}')
    nodes = re.findall(r'^n(\d+)\[(.*)\];$', text, flags=re.M)
    edges = re.findall(r'^n(\d+) -> n(\d+);$', text, flags=re.M)
    assert len(nodes) == 5 and len(edges) == 4
    attrs = {k: v for k, v in nodes}
    hidden = next(v for v in attrs.values() if 'hidden (' in v)
    assert re.match(r'^color=red,label="hidden \(\d\)\\nmodule = nn.Linear\(2 -> 3\)', hidden)
    assert hidden.endswith(',tooltip="a tip"')
    inp = next(v for v in attrs.values() if 'input (' in v)
    assert re.match(r'^label="input \(\d\)\\ndesc = the data\\nmodule = nn.Identity', inp)
    assert 'tooltip="[[string' in inp      # where the node was declared
    # edges go from a node to the nodes it feeds, from the dummy input to the dummy output
    ids = {v.split('"')[1].split('\\n')[0]: k for k, v in nodes}
    assert (ids[next(n for n in ids if n.startswith('input'))],
            ids[next(n for n in ids if n.startswith('hidden'))]) in edges


def test_graph_dot_files_with_graphviz(rt, tmp_path, fake_graphviz):
    out = lines(rt, """
      local x = nn.Identity()()
      local g = nn.gModule({x}, {nn.Tanh()(x)})
      local text = graph.dot(g.fg, 'fwd', '%s/fg')
      print(text == g.fg:todot('fwd'))
    """ % tmp_path)
    assert out == ['true\t']
    dot = (tmp_path / 'fg.dot').read_text()
    assert dot.startswith('digraph G {') and 'label=fwd;' in dot
    assert (tmp_path / 'fg.svg').read_text() == 'svg %s/fg.dot\n' % tmp_path
    assert (tmp_path / 'fg.png').read_text() == 'png %s/fg.dot\n' % tmp_path


def test_graph_dot_without_graphviz_is_a_clear_error(rt, tmp_path, no_graphviz):
    out = lines(rt, """
      local x = nn.Identity()()
      local g = nn.gModule({x}, {nn.Tanh()(x)})
      print(graph.hasGraphviz(), graph.dot(g.bg, 'bwd'):sub(1, 11))
      local ok, e = pcall(graph.dot, g.bg, 'bwd', '%s/bg')
      print(ok, e)
      print(pcall(graph.dot, 'nope'))
      print(pcall(graph.dot, g.bg, 'bwd', '%s/missing/dir/bg'))
    """ % (tmp_path, tmp_path))
    assert out[0] == 'false\tdigraph G {\t'
    assert out[1] == ('false\tgraph.dot: wrote {0}/bg.dot, but {0}/bg.svg/.png need graphviz: the '
                      '`dot` program is not installed (install graphviz, or render the .dot file '
                      'elsewhere)\t'.format(tmp_path))
    assert out[2] == ('false\tgraph.dot: expecting a graph.Graph (e.g. gmodule.fg or '
                      'gmodule.bg), got string\t')
    assert out[3].startswith('false\tgraph.dot: cannot write %s/missing/dir/bg.dot' % tmp_path)
    assert (tmp_path / 'bg.dot').read_text().startswith('digraph G {')
    assert not (tmp_path / 'bg.svg').exists()


def test_construction_errors_name_the_offending_node(rt):
    out = lines(rt, """
      local function err(f) local ok, e = pcall(f); print(ok, (tostring(e):gsub('^[^\\n]-:%d+: ', ''))) end
      local x = nn.Identity()()
      err(function() return nn.gModule({x}, {x, nn.Linear(2, 2)}) end)
      err(function() return nn.gModule({x}, {x, 'y'}) end)
      err(function() return nn.gModule({nil, x}, {x}) end)
      err(function() return nn.Linear(2, 2)({x, 3}) end)
      err(function() return nn.Linear(2, 2)({}) end)
      err(function() return nn.Linear(2, 2)(nil) end)
      -- a node computed from an input but feeding no output
      local i1 = nn.Identity()()
      local lin = nn.Linear(2, 2)(i1)
      local dangling = nn.Sigmoid()(lin); local line = debug.getinfo(1, 'l').currentline
      err(function() return nn.gModule({i1}, {nn.Tanh()(lin)}) end)
      print(line)
      -- an input the outputs do not use
      local u1, u2 = nn.Identity()(), nn.Identity()()
      err(function() return nn.gModule({u1, u2}, {nn.Tanh()(u1)}) end)
      -- an unused output of split
      local s = nn.Identity()(); local l1 = debug.getinfo(1, 'l').currentline
      local a, b = s:split(2); local l2 = debug.getinfo(1, 'l').currentline
      err(function() return nn.gModule({s}, {a}) end)
      print(l1, l2)
      -- split of the wrong size, at run time
      local t = nn.Identity()()
      local p, q = nn.SplitTable(1)(t):split(2)
      local g = nn.gModule({t}, {p, q})
      err(function() return g:forward(torch.ones(3, 2)) end)
    """)
    assert out[0].startswith('false\toutputs[2] is an nn.Module, specifically a nn.Linear, but the '
                             'only valid thing to pass is an instance of nngraph.Node. Did you '
                             'forget a second set of parens')
    assert out[1] == 'false\toutputs[2] should be an nngraph.Node but is of type string\t'
    assert out[2] == 'false\tinputs[1] is nil (typo / bad index?)\t'
    assert out[3] == 'false\tinputs[2] should be an nngraph.Node but is of type number\t'
    assert out[4] == ('false\tcannot pass an empty table of inputs. To indicate no incoming '
                      'connections, leave the second set of parens blank.\t')
    assert out[5] == 'false\tinputs[1] is nil (typo / bad index?)\t'
    line = out[7].strip()
    assert out[6] == ('false\tnode declared on [[string "<python>"]]:%s_ does not connect to '
                      'gmodule output\t' % line)
    m = re.match(r'false\t1 of split\(2\) outputs from the node declared at '
                 r'\[\[string "<python>"\]\]:(\d+)_ split at \[\[string "<python>"\]\]:(\d+)-mnode '
                 r'are unused: inputs\[2\] \(declared at \[\[string "<python>"\]\]:(\d+)_\) not '
                 r'connected to any output\t$', out[8])
    assert m and m.group(1) == m.group(2) and int(m.group(3)) == int(line) + 4, out[8]
    m = re.match(r'false\t1 of split\(2\) outputs from the node declared at '
                 r'\[\[string "<python>"\]\]:(\d+)_ split at \[\[string "<python>"\]\]:(\d+)-mnode '
                 r'are unused\t$', out[9])
    assert m and (m.group(1), m.group(2)) == tuple(out[10].split('\t')[:2]), out[9:11]
    assert out[11] == 'false\tsplit(2) cannot split 3 outputs\t'


def test_nested_gmodule(rt):
    out = lines(rt, """
      torch.manualSeed(4)
      local ia = nn.Identity()()
      local inner = nn.gModule({ia}, {nn.Tanh()(nn.Linear(2, 2)(ia))})
      local x = nn.Identity()()
      local outer = nn.gModule({x}, {nn.CAddTable()({inner(x), x})})
      local inp, go = torch.randn(2), torch.randn(2)
      local o = outer:forward(inp)
      print((o - (inner:forward(inp) + inp)):abs():max() < 1e-12)
      outer:zeroGradParameters()
      local gi = outer:backward(inp, go)
      local want = inner:updateGradInput(inp, go) + go
      print((gi - want):abs():max() < 1e-12, #outer:parameters(), torch.type(outer.modules[2]))
      local p = outer:getParameters()
      print(p:nElement())
    """)
    assert out == ['true\t', 'true\t2\tnn.gModule\t', '6\t']


def test_set_debug_saves_the_graph_with_the_failing_node(rt, tmp_path, no_graphviz):
    out = lines(rt, """
      local x = nn.Identity()()
      local lin = nn.Linear(10, 10)(x)
      nngraph.annotateNodes()
      local net = nn.gModule({x}, {nn.Tanh()(lin)})
      net.name = '%s/bad_net'
      local plain = nn.gModule.runForwardFunction
      nngraph.setDebug(true)
      print(nn.gModule.runForwardFunction ~= plain, lin.data.annotations.name, x.data.annotations.name)
      local ok, e = pcall(function() return net:forward(torch.rand(11)) end)
      print(ok, e:match('size mismatch') ~= nil, e:match('stack traceback:') ~= nil)
      -- the same failure again: another file
      pcall(function() return net:forward(torch.rand(11)) end)
      print(net:forward(torch.rand(10)):nElement())
      nngraph.setDebug(false)
      print(nn.gModule.runForwardFunction == plain)
      ok, e = pcall(function() return net:forward(torch.rand(11)) end)
      print(ok, e:match('stack traceback:') == nil)
    """ % tmp_path)
    assert out == ['true\tlin\tx\t', 'false\ttrue\ttrue\t', '10\t', 'true\t', 'false\ttrue\t']
    files = sorted(p.name for p in tmp_path.iterdir() if p.suffix == '.dot')
    assert len(files) == 2 and files[0] == 'bad_net.dot', files
    dot = (tmp_path / 'bad_net.dot').read_text()
    failed = re.search(r'^n(\d+)\[style=filled, fillcolor=red\];\n}\n$', dot, flags=re.M)
    assert failed, dot
    line = re.search(r'^n%s\[(.*)\];$' % failed.group(1), dot, flags=re.M).group(1)
    assert 'label="lin (' in line and 'module = nn.Linear(10 -> 10)' in line


def test_nest_simple_print_and_nesting(rt):
    out = lines(rt, """
      local a, b, c = nn.Identity()(), nn.Identity()(), nn.Identity()()
      print(nngraph.nest(a) == a)
      local net = nn.gModule({a, b, c}, {nngraph.nest({a, {b}, c}), nngraph.nest({c})})
      local A, B, C = torch.Tensor({1}), torch.Tensor({2}), torch.Tensor({3})
      local o = net:forward({A, B, C})
      print(#o, o[1][1][1], #o[1][2], o[1][2][1][1], o[1][3][1], #o[2], o[2][1][1])
      print(pcall(nngraph.nest))
      print(pcall(nngraph.nest, a, b))
      local x = nn.Identity()()
      local h = nn.Linear(2, 2)(x)
      local g = nn.gModule({x}, {nn.CAddTable()({nn.Tanh()(h), nn.Sigmoid()(h)})})
      local text = nngraph.simple_print.todot(g.fg, 'small')
      local n = 0
      for _ in text:gmatch('\\n(n%d+)%[label=') do n = n + 1 end
      print(n, text:find('Identity') == nil, select(2, text:gsub('\\nn%d+ %-> n%d+;', '')))
      local nesting = require 'nngraph.nesting'
      local t = {torch.ones(2), {torch.ones(3)}}
      local cl = nesting.cloneNested(t)
      nesting.fillNested(cl, 2)
      nesting.addNestedTo(cl, t)
      print(cl[1][1], cl[2][1][3], t[1][1])
      local r = {torch.ones(5), {torch.ones(1), torch.ones(1)}, torch.ones(1)}
      nesting.resizeNestedAs(r, t)
      print(#r, r[1]:nElement(), #r[2], r[2][1]:nElement(), r[3])
      print(pcall(nesting.copyNested, {torch.ones(2), torch.ones(2)}, {torch.ones(2)}))
    """)
    assert out[:2] == ['true\t', '2\t1\t1\t2\t3\t1\t3\t']
    assert out[2] == 'false\tPass an input.\t'
    assert out[3] == 'false\tUse {input1, input2} to pass multiple inputs.\t'
    assert out[4:7] == ['4\ttrue\t4\t', '3\t3\t1\t', '2\t2\t1\t3\tnil\t']
    assert out[7].startswith('false\t') and out[7].endswith(': key 2 present in output but not in input\t')
