"""Misusing nn modules and criteria (a number, string, table, nil, empty or integer tensor where a
tensor goes) raises a Lua error in Torch's words: never Python's text."""
import subprocess
import sys

import pytest

from helpers import ROOT
from nnhelp import lua, rt  # noqa: F401

# words of Python's own errors, which must not reach a Lua error
PYTHON_WORDS = ['Traceback', 'Error:', 'numpy', '.py', 'object has no', 'NoneType', 'ufunc',
                'ndarray', 'cannot reshape', "'int'", "'float'", "'str'", "'list'", 'dtype',
                'bytes', 'lupa', 'Python', 'tuple index', 'list index', 'not subscriptable']

MODULES = """
  nn.Linear(4, 3), nn.Add(4), nn.CMul(4), nn.MulConstant(2), nn.Euclidean(4, 3),
  nn.LookupTable(10, 3), nn.Narrow(1, 2, 2), nn.Reshape(2, 2), nn.View(2, 2), nn.Select(1, 2),
  nn.Transpose({1, 2}), nn.Exp(), nn.Sqrt(), nn.Clamp(0, 1), nn.Normalize(2), nn.MM(),
  nn.Max(1), nn.Sum(1), nn.Padding(1, 2), nn.Dropout(0.5), nn.GradientReversal(), nn.Tanh(),
  nn.Sigmoid(), nn.ReLU(), nn.PReLU(), nn.ELU(), nn.Threshold(0, 0), nn.SoftMax(),
  nn.LogSoftMax(), nn.LogSigmoid(), nn.SoftPlus(), nn.SpatialSoftMax(),
  nn.Sequential():add(nn.Linear(4, 3)), nn.ConcatTable():add(nn.Linear(4, 3)),
  nn.ParallelTable():add(nn.Linear(4, 3)), nn.JoinTable(1), nn.SplitTable(1),
  nn.CAddTable(), nn.CMulTable(), nn.CMaxTable(), nn.MixtureTable(), nn.CosineDistance(),
  nn.TemporalConvolution(4, 3, 2), nn.SpatialConvolution(3, 4, 3, 3),
  nn.SpatialMaxPooling(2, 2), nn.SpatialAveragePooling(2, 2), nn.SpatialZeroPadding(1, 1, 1, 1),
  nn.SpatialReflectionPadding(1, 1, 1, 1), nn.SpatialBatchNormalization(3),
  nn.BatchNormalization(4), nn.VolumetricMaxPooling(2, 2, 2)
"""
INPUTS = """
  function() return torch.Tensor() end, function() return torch.Tensor(5) end,
  function() return 3 end, function() return 'x' end, function() return nil end,
  function() return {torch.Tensor(2, 4), torch.Tensor(3, 4)} end, function() return {} end,
  function() return {torch.Tensor(4), 'x'} end, function() return torch.LongTensor(2, 4):fill(1) end,
  function() return torch.ByteTensor(4, 4) end, function() return torch.Tensor(2, 4):fill(0/0) end,
  function() return torch.Tensor(2, 3, 5, 5):uniform() end
"""


def test_misusing_modules_gives_lua_errors(rt):
    out = lua(rt, """
      local ms = {%s}
      local xs = {%s}
      local n = 0
      for _, m in ipairs(ms) do
        for _, mk in ipairs(xs) do
          local ok, err = pcall(function()
            local x = mk()
            local y = m:forward(x)
            m:backward(x, y)
          end)
          if not ok then n = n + 1; print(tostring(err):gsub('\\n', ' ')) end
        end
      end
      print('failed calls', n)
    """ % (MODULES, INPUTS))
    lines = out.splitlines()
    assert int(lines[-1].split()[-1]) > 300        # (most of these are errors)
    leaks = [line for line in lines if any(w in line for w in PYTHON_WORDS)]
    assert leaks == []


def test_misusing_criteria_gives_lua_errors(rt):
    out = lua(rt, """
      local cs = {nn.MSECriterion(), nn.ClassNLLCriterion(), nn.CrossEntropyCriterion(),
                  nn.BCECriterion(), nn.MultiMarginCriterion(), nn.MarginRankingCriterion(),
                  nn.CosineEmbeddingCriterion(), nn.SpatialClassNLLCriterion(),
                  nn.ParallelCriterion():add(nn.MSECriterion())}
      local xs = {function() return torch.Tensor() end, function() return torch.Tensor(2, 4) end,
                  function() return 3 end, function() return 'x' end, function() return nil end,
                  function() return {} end, function() return torch.LongTensor(2):fill(9) end,
                  function() return {torch.Tensor(2, 4), torch.Tensor(2, 4)} end}
      local n = 0
      for _, c in ipairs(cs) do
        for _, a in ipairs(xs) do for _, b in ipairs(xs) do
          local ok, err = pcall(function() c:forward(a(), b()); c:backward(a(), b()) end)
          if not ok then n = n + 1; print(tostring(err):gsub('\\n', ' ')) end
        end end
      end
      print('failed calls', n)
    """)
    lines = out.splitlines()
    assert int(lines[-1].split()[-1]) > 300
    assert [line for line in lines if any(w in line for w in PYTHON_WORDS)] == []


@pytest.mark.parametrize('call,message', [
    ("nn.Linear(4, 3):forward(3)",
     "bad argument #1 to 'Linear_updateOutput' (torch.DoubleTensor expected, got number)"),
    ("nn.Tanh():forward('x')",
     "bad argument #1 to 'Tanh_updateOutput' (torch.DoubleTensor expected, got string)"),
    ("nn.SpatialConvolution(3, 4, 3, 3):forward()",
     "bad argument #1 to 'SpatialConvolutionMM_updateOutput' (torch.DoubleTensor expected, got nil)"),
    ("nn.SoftPlus():forward(torch.LongTensor(2, 4):fill(1))",
     "bad argument #1 to 'SoftPlus_updateOutput' (torch.DoubleTensor expected, got torch.LongTensor)"),
    ("nn.JoinTable(1):forward({torch.Tensor(2), 'x'})",
     "(table of tensors expected, got string at index 2)"),
    ("nn.SpatialZeroPadding(1, 1, 1, 1):forward(torch.Tensor(4))", "input must be 3 or 4-dimensional"),
    ("nn.Normalize(2):forward(torch.Tensor())",
     "bad argument #1 to 'size' (dimension 1 out of range of 0D tensor)"),
    ("nn.LookupTable(10, 3):forward(torch.Tensor{1, 0/0})",
     "need to be in the range 1 <= input < 11, but got input of value: -9223372036854775808"),
])
def test_messages(rt, call, message):
    out = lua(rt, "print(select(2, pcall(function() return %s end)))" % call)
    assert message in out


@pytest.mark.parametrize('module', ['nn.Tanh()', 'nn.Exp()', 'nn.ReLU()', 'nn.Abs()',
                                    'nn.SoftShrink()', 'nn.Sqrt()'])
def test_empty_tensor_forward_and_backward(rt, module):
    # THNN resizes the results as the (empty) input and checks nothing else, as here
    out = lua(rt, """
      local m = %s
      local x = torch.Tensor()
      local y = m:forward(x)
      local gi = m:backward(x, y)
      print(y:nElement(), gi:nElement(), gi:dim())
    """ % module)
    assert out == '0\t0\t0\t\n'


def test_select_of_a_vector_backward(rt):
    out = lua(rt, """
      local m = nn.Select(1, 2)
      local x = torch.Tensor{1, 2, 3}
      local y = m:forward(x)
      print(m:backward(x, y:clone():fill(5)))
    """)
    assert out.split('\n')[:3] == [' 0', ' 5', ' 0']


def test_stderr_is_clean():
    # numpy's warnings (a NaN index cast, a NaN batch's statistics cast to an integer type) and
    # the finalizer of a storage whose construction failed printed Python's text on stderr
    p = subprocess.run([sys.executable, '-m', 'luatorch.cli', '-e', """
      require 'nn'
      print(pcall(function() return nn.LookupTable(10, 3):forward(torch.Tensor{1, 0/0}) end))
      print(pcall(function() return torch.eye(-1, 1e10) end))
      print(pcall(function() return torch.eye(torch.Tensor(2), 0/0) end))
      local m, x = nn.BatchNormalization(4), torch.ByteTensor(4, 4):fill(1)
      print(pcall(function() m:forward(x); return m:backward(x, m.output) end))
      collectgarbage(); collectgarbage()
    """], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert p.returncode == 0 and p.stderr == ''
    assert p.stdout.count('false') >= 3
