"""The first layer's gradInput, computed only when read (luatorch/lib/deferred.py), as Lua code
sees it: every way of reading it gives what Torch7's eager backward gives."""
import os
import subprocess
import sys

import pytest

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
    outs = []
    for flag in ('0', '1'):
        env = dict(os.environ, LUATORCH_DEFER=flag)
        r = subprocess.run([sys.executable, '-m', 'luatorch.cli', '-e', script], env=env,
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        outs.append(r.stdout)
    assert outs[0] == outs[1] and 'torch.DoubleTensor of size 2x10' in outs[0]
