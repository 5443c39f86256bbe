"""nn.Narrow's gradInput is computed when read (deferred.py), and nngraph sums the Narrows of one
node straight from their gradOutputs (shape.gModule_sumGradients): the same bits as Torch7's
eager zero-padded gradients summed one by one, -0 included."""
import numpy as np
import pytest

import luatorch
from luatorch.lib import deferred
from helpers import run_lua, th_outputs


@pytest.fixture(scope='module')
def rt():
    r = luatorch.Runtime()
    r.execute("print = require('trepl').print; require 'nngraph'")
    return r


GRAPH = """
  torch.manualSeed(%(seed)d)
  local x = nn.Identity()()
  local outs = {}
  for _, s in ipairs(%(spans)s) do
    outs[#outs + 1] = nn.Tanh()(nn.Narrow(2, s[1], s[2])(x))
  end
  g = nn.gModule({x}, outs)
  inp = torch.randn(6, 10)
  gos = {}
  for i, s in ipairs(%(spans)s) do
    gos[i] = torch.randn(6, s[2])
    gos[i][1][1] = -0.0             -- the sum turns a -0 into +0 (another gradient's zero added)
    gos[i][2]:fill(-0.0)
  end
  narrows = {}
  for _, node in ipairs(g.forwardnodes) do
    if torch.type(node.data.module) == 'nn.Narrow' then narrows[#narrows + 1] = node.data.module end
  end
"""


def bits(rt, code):
    """The doubles a Lua expression gives, as a numpy array (exact bits, -0 kept)."""
    rt.execute('__t = ' + code)
    return np.array(rt.eval('__t').arr(), copy=True)


def backward(rt, spans, seed, defer, monkeypatch, steps=2):
    """g.gradInput after `steps` backward passes, then each Narrow's own gradInput (read last:
    deferred, they are computed only now)."""
    monkeypatch.setattr(deferred, 'ENABLED', defer)
    run_lua(rt, GRAPH % {'seed': seed, 'spans': spans})
    # (between the steps the summing buffers are filled with junk: a sum must overwrite it all)
    run_lua(rt, """for i = 1, %d do
      for _, node in ipairs(g.backwardnodes) do
        if node.data.gradOutputBuffer then node.data.gradOutputBuffer:fill(7) end
      end
      g:forward(inp); g:backward(inp, gos)
    end""" % steps)
    gi = bits(rt, 'g.gradInput')
    n = int(rt.eval('#narrows'))
    pending = [deferred.pending(rt.eval('narrows[%d].gradInput' % i).storage)
               for i in range(1, n + 1)]
    return gi, [bits(rt, 'narrows[%d].gradInput' % i) for i in range(1, n + 1)], pending


@pytest.mark.parametrize('spans', ['{{1, 3}, {4, 7}}', '{{6, 5}, {1, 2}, {3, 3}}',
                                   '{{2, 3}, {7, 2}}'])
def test_summed_narrow_gradients_are_torch7s(rt, spans, monkeypatch):
    eager, eager_n, _ = backward(rt, spans, 1, False, monkeypatch)
    got, got_n, pending = backward(rt, spans, 1, True, monkeypatch)
    assert all(pending)         # summed from their gradOutputs: the Narrows' gradients unread
    assert got.tobytes() == eager.tobytes()        # bit for bit, signs of zeros included
    assert (got == 0).any() and not np.signbit(got[got == 0]).any()
    # each Narrow's own gradient, read afterwards: Torch7's zero-padded one, -0 kept
    assert len(got_n) == spans.count('{') - 1
    assert [a.tobytes() for a in got_n] == [a.tobytes() for a in eager_n]
    assert any(np.signbit(a[a == 0]).any() for a in got_n)


def test_overlapping_narrows_are_summed_in_order(rt, monkeypatch):
    spans = '{{1, 6}, {4, 7}, {2, 2}}'
    eager, eager_n, _ = backward(rt, spans, 2, False, monkeypatch)
    got, got_n, pending = backward(rt, spans, 2, True, monkeypatch)
    assert not any(pending)                         # overlapping: the plain sum read them
    assert got.tobytes() == eager.tobytes()
    assert [a.tobytes() for a in got_n] == [a.tobytes() for a in eager_n]


def test_lstm_script_prints_the_same_deferred_or_not():
    script = """
require 'nngraph'
torch.manualSeed(4)
local x, prev_c, prev_h = nn.Identity()(), nn.Identity()(), nn.Identity()()
local sums = nn.CAddTable()({nn.Linear(5, 12)(x), nn.Linear(3, 12)(prev_h)})
local gates = nn.Sigmoid()(nn.Narrow(2, 1, 9)(sums))
local input = nn.Tanh()(nn.Narrow(2, 10, 3)(sums))
local c = nn.CAddTable()({nn.CMulTable()({nn.Narrow(2, 4, 3)(gates), prev_c}),
                          nn.CMulTable()({nn.Narrow(2, 1, 3)(gates), input})})
local h = nn.CMulTable()({nn.Narrow(2, 7, 3)(gates), nn.Tanh()(c)})
local cell = nn.gModule({x, prev_c, prev_h}, {c, h})
local inp = {torch.randn(4, 5), torch.randn(4, 3), torch.randn(4, 3)}
for i = 1, 3 do
  cell:forward(inp)
  local gi = cell:backward(inp, {torch.randn(4, 3), torch.randn(4, 3)})
  for k = 1, 3 do io.write(string.format('%.17g ', gi[k]:sum())) end
  io.write('\\n')   -- (trepl's print() with no argument writes nothing)
end
print(cell.modules[5].gradInput)
"""
    outs = th_outputs(script, 'LUATORCH_DEFER', ('0', '1'))
    assert outs[0] == outs[1]
    assert 'DoubleTensor - size: 4x12' in outs[0] and len(outs[0].splitlines()) == 7


def test_narrow_gradient_of_the_wrong_size_is_a_lua_error(rt):
    out = run_lua(rt, """
      local m = nn.Narrow(2, 1, 3)
      m:forward(torch.randn(4, 5))
      local ok, err = pcall(m.backward, m, torch.randn(4, 5), torch.randn(4, 2))
      io.write(tostring(ok), ' ', tostring(err))
    """)
    assert out.startswith('false ') and 'inconsistent tensor size' in out
    assert 'ValueError' not in out
