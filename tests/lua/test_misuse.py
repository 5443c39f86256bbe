"""Misusing torch's functions and tensor methods (a string, table, nil, storage, NaN or negative
size where something else goes) raises Torch's "invalid arguments" error: never Python's text."""
import pytest

import luatorch
from helpers import run_lua

PYTHON_WORDS = ['Traceback', 'Error:', 'numpy', '.py', 'object has no', 'NoneType', 'ufunc',
                'ndarray', 'cannot reshape', "'int'", "'float'", "'str'", "'list'", 'dtype',
                'bytes', 'lupa', 'Python', 'tuple index', 'list index', 'division by zero']


@pytest.fixture(scope='module')
def rt():
    return luatorch.Runtime()


def test_torch_functions_and_methods_sweep(rt):
    out = run_lua(rt, """
      local vals = {
        function() return torch.Tensor(3, 4):uniform() end, function() return torch.Tensor() end,
        function() return torch.LongTensor(3):fill(2) end, function() return 2 end,
        function() return -1 end, function() return 0 end, function() return 'x' end,
        function() return {} end, function() return {1, 2} end, function() return nil end,
        function() return true end, function() return torch.LongStorage{2, 3} end,
        function() return 1e10 end, function() return 0/0 end}
      local seconds = {vals[1], vals[4], vals[7], vals[10]}
      local names = {'eye', 'zeros', 'range', 'linspace', 'cat', 'mm', 'add', 'cmul', 'sum',
                     'max', 'sort', 'topk', 'narrow', 'select', 'view', 'expand', 'repeatTensor',
                     'nonzero', 'clone', 'dim', 'nElement', 'pow', 'clamp', 'chunk', 'split'}
      local n = 0
      for _, name in ipairs(names) do
        for _, a in ipairs(vals) do for _, b in ipairs(seconds) do
          local ok, err = pcall(function() return torch[name](a(), b()) end)
          if not ok then n = n + 1; io.write(tostring(err):gsub('\\n', ' '), '\\n') end
          ok, err = pcall(function()
            local t = torch.Tensor(3, 4):uniform()
            return t[name](t, a(), b())
          end)
          if not ok then n = n + 1; io.write(tostring(err):gsub('\\n', ' '), '\\n') end
        end end
      end
      io.write('failed calls ', n, '\\n')
    """)
    lines = out.splitlines()
    assert int(lines[-1].split()[-1]) > 500
    assert [line for line in lines if any(w in line for w in PYTHON_WORDS)] == []


@pytest.mark.parametrize('call,words', [
    ("torch.Tensor(4):add('x')", ['invalid arguments: DoubleTensor string',
                                  'expected arguments: [*DoubleTensor*] DoubleTensor double']),
    ("torch.Tensor(4):add(torch.LongStorage{1})", ['invalid arguments: DoubleTensor LongStorage']),
    ("torch.Tensor(4):chunk(0)", ['invalid arguments: DoubleTensor number']),
    ("torch.eye('x')", ['invalid arguments: string']),
    ("torch.eye(torch.Tensor(2), 0/0)", ['invalid arguments: DoubleTensor number']),
])
def test_invalid_arguments(rt, call, words):
    out = run_lua(rt, "io.write(select(2, pcall(function() return %s end)))" % call)
    assert all(w in out for w in words), out


def test_the_fast_add_still_adds(rt):
    # (the one-crossing path now leaves non-tensor, non-number arguments to the general one)
    out = run_lua(rt, """
      local t = torch.Tensor(600):fill(1)
      t:add(2); t:add(torch.Tensor(600):fill(3))
      local s = torch.Tensor(3):fill(1):add(2)
      io.write(t[600], ' ', s[3])
    """)
    assert out == '6 3'


@pytest.mark.parametrize('stmt,message', [
    ("local t = torch.Tensor(3, 4); t[0/0] = 1", 'index out of range'),
    ("local t = torch.Tensor(3, 4); t[{1, 0/0}] = 1", 'index out of range'),
    ("local t = torch.Tensor(3, 4); t[{1/0, 1}] = 1", 'index out of range'),
    ("local s = torch.DoubleStorage(3); s[0/0] = 1", 'index out of bounds'),
    ("local s = torch.DoubleStorage(3); return s[1/0]", 'index out of bounds'),
])
def test_nan_and_inf_index_nothing(rt, stmt, message):
    out = run_lua(rt, "io.write(tostring(select(2, pcall(function() %s end))))" % stmt)
    assert out.endswith(message), out


@pytest.mark.parametrize('stmt,message', [
    ("local s = torch.DoubleStorage(2); s:write(torch.Tensor(2))",
     "bad argument #2 to 'write' (torch.File expected, got torch.DoubleTensor)"),
    ("local s = torch.LongStorage(2); s:read(3)", "bad argument #2 to 'read' (torch.File expected, got number)"),
    ("local t = torch.Tensor(2); t:write(torch.DoubleStorage(1))",
     "bad argument #2 to 'write' (torch.File expected, got torch.DoubleStorage)"),
    ("local t = torch.Tensor(2); t:read({})", "bad argument #2 to 'read' (torch.File expected, got table)"),
])
def test_write_and_read_want_a_file(rt, stmt, message):
    out = run_lua(rt, "io.write(tostring(select(2, pcall(function() %s end))))" % stmt)
    assert out.endswith(message), out
