"""The first layer's gradInput, computed only when read (luatorch/lib/deferred.py), as Lua code
sees it: every way of reading it gives what Torch7's eager backward gives."""
import pytest

from luatorch.lib import deferred
from helpers import th_outputs
from nnhelp import lua, rt  # noqa: F401

SETUP = """
  torch.manualSeed(3)
  net = nn.Sequential():add(nn.Linear(10, 20)):add(nn.ReLU()):add(nn.Linear(20, 3))
    :add(nn.LogSoftMax())
  x = torch.randn(16, 10)
  y = torch.LongTensor(16):random(1, 3)
  crit = nn.ClassNLLCriterion()
  function step()
    local out = net:forward(x)
    crit:forward(out, y)
    net:zeroGradParameters()
    local gi = net:backward(x, crit:backward(out, y))
    local w = net.modules[1].weight:clone()
    net:updateParameters(0.5)          -- changes the weight the product was taken with
    return gi, net.modules[2].gradInput * w
  end
"""

READS = {
    'scalar index': "io.write(gi[1][1] == want[1][1] and gi[16][10] == want[16][10] and 'same' or 'differ')",
    'tostring': "io.write(tostring(gi) == tostring(want) and 'same' or 'differ')",
    'equal': "io.write(gi:equal(want) and 'same' or 'differ')",
    'sum': "io.write(gi:sum() == want:sum() and 'same' or 'differ')",
    'storage': "io.write(torch.type(gi:storage()) == 'torch.DoubleStorage' and gi:storage()[17] == want:storage()[17] and 'same' or 'differ')",
    'serialize': "io.write(torch.deserialize(torch.serialize(net)).gradInput:equal(want) and 'same' or 'differ')",
    'loop': "local ok = true; for i = 1, 16 do for j = 1, 10 do ok = ok and gi[i][j] == want[i][j] end end; io.write(ok and 'same' or 'differ')",
}


@pytest.mark.parametrize('how', sorted(READS))
def test_first_layer_gradinput_reads_as_eager(rt, how):
    out = lua(rt, SETUP + """
      for i = 1, 3 do step() end              -- pending results replaced without being read
      gi, want = step()
    """ + READS[how])
    assert out == 'same'


def test_deferred_and_eager_runs_print_the_same():
    """A whole script under LUATORCH_DEFER=0 and =1: the same characters."""
    script = SETUP.replace('\n  ', '\n') + """
require 'nn'
for i = 1, 4 do
  local gi = step()
  if i % 2 == 0 then print(gi:narrow(1, 1, 2)) end
end
print(net.modules[1].gradInput:sum(), net.modules[1].weight:sum())
"""
    script = "require 'nn'\n" + script
    outs = th_outputs(script, 'LUATORCH_DEFER', ('0', '1'))
    assert outs[0] == outs[1] and 'torch.DoubleTensor of size 2x10' in outs[0]


def test_a_weight_written_through_lua_pointers_is_copied_again(rt, monkeypatch):
    """Two clones sharing a weight: the second takes the first's copy of it only while nothing
    touched it; a write through Lua's cached pointer (no crossing) must be seen."""
    monkeypatch.setattr(deferred, 'SHARE_MIN', 1)     # (a small weight)
    out = lua(rt, """
      torch.manualSeed(5)
      local lin = nn.Linear(10, 20)
      local x, go = torch.randn(16, 10), torch.randn(16, 20)
      local a, b = lin:clone('weight', 'bias'), lin:clone('weight', 'bias')
      local row = lin.weight[1]
      a:updateGradInput(x, go); b:updateGradInput(x, go)    -- both pending from here on
      local v = row[1]                 -- Lua caches the row's pointer
      a:updateGradInput(x, go)         -- copies the weight
      row[1] = v + 1                   -- written through the cached pointer
      b:updateGradInput(x, go)         -- must not take a's copy
      local wantb = go * lin.weight
      row[1] = v
      local wanta = go * lin.weight
      io.write(b.gradInput:equal(wantb) and a.gradInput:equal(wanta) and 'same' or 'differ')
    """)
    assert out == 'same'


def test_flattened_parameters_written_through_lua_pointers(rt, monkeypatch):
    """getParameters puts every weight in one storage: the copy of the first layer's weight is
    shared between clones while other parameters change, and not after a write to it through a
    pointer Lua cached."""
    monkeypatch.setattr(deferred, 'SHARE_MIN', 1)     # (a small weight)
    out = lua(rt, """
      torch.manualSeed(6)
      local net = nn.Sequential():add(nn.Linear(10, 20)):add(nn.Tanh()):add(nn.Linear(20, 4))
      net:getParameters()
      local a, b, c = net:clone('weight', 'bias'), net:clone('weight', 'bias'), net:clone('weight', 'bias')
      local x, go = torch.randn(16, 10), torch.randn(16, 4)
      for _, m in ipairs({a, b, c}) do m:forward(x); m:backward(x, go) end   -- pending from here
      local w, bias = net.modules[1].weight, net.modules[3].bias
      local v, u = w[1][1], bias[1]
      local row = w[1]; local r1 = row[1]         -- Lua caches the row's pointer
      a:backward(x, go)                           -- copies the first layer's weight
      bias[1] = u + 1                             -- another part of the same storage
      b:backward(x, go)                           -- takes a's copy
      local wantb = b.modules[2].gradInput * w
      row[1] = r1 + 1                             -- the copied weight, through the cached pointer
      c:backward(x, go)                           -- must copy it again
      local wantc = c.modules[2].gradInput * w
      row[1] = r1
      local wanta = a.modules[2].gradInput * w
      local ok = a.modules[1].gradInput:equal(wanta) and b.modules[1].gradInput:equal(wantb)
        and c.modules[1].gradInput:equal(wantc)
      io.write(ok and 'same' or 'differ')
    """)
    assert out == 'same'


def test_a_gradinput_lua_cached_before_the_first_backward(rt):
    """Lua cached a pointer into the first layer's gradInput before it was ever deferred: the
    deferral must send Lua back to Python (EPOCH) before that pointer is used again."""
    out = lua(rt, """
      torch.manualSeed(8)
      local lin = nn.Linear(10, 20)
      local x, go = torch.randn(16, 10), torch.randn(16, 20)
      local gi = lin.gradInput
      gi:resize(16, 10):fill(1)
      local before = gi[1][1]              -- Lua caches gi's pointer
      lin:updateGradInput(x, go)           -- deferred into the same buffer
      local want = go * lin.weight
      io.write(before == 1 and gi[1][1] == want[1][1] and gi:equal(want) and 'same' or 'differ')
    """)
    assert out == 'same'


def test_a_raw_data_pointer_sees_the_gradinput(rt):
    """t:data() hands out a raw pointer Python cannot follow: that storage is computed eagerly
    from then on, so reads through the pointer see each backward's result."""
    out = lua(rt, """
      torch.manualSeed(9)
      local lin = nn.Linear(10, 20)
      local x, go = torch.randn(16, 10), torch.randn(16, 20)
      lin.gradInput:resize(16, 10):zero()
      local p = lin.gradInput:data()
      local ok = true
      for i = 1, 2 do
        go:add(1)
        lin:updateGradInput(x, go)
        local want = go * lin.weight
        ok = ok and p[0] == want[1][1] and p[159] == want[16][10]
      end
      io.write(ok and 'same' or 'differ')
    """)
    assert out == 'same'
