"""Reductions and sorting as Lua code sees them (reduce.py, sorting.py), through `th`."""
import subprocess
import sys

import pytest

from tests.helpers import SHARED, th

GOLDEN = SHARED / 'golden' / 'tensor_ops'


def lines(code):
    return th(code).split('\n')[:-1]


def test_whole_forms_return_numbers():
    out = lines("""
      local t = torch.Tensor({{1, 2, 3}, {4, 5, 6}})
      print(type(t:sum()), t:sum(), t:prod(), t:max(), t:min(), t:mean())
      print(torch.sum(t), torch.max(t), torch.trace(t), t:norm(1), torch.dist(t, t))
      print(torch.ByteTensor(300):fill(200):sum(), torch.LongTensor({3, 4}):prod())
      print(torch.FloatTensor({0.1}):sum(), torch.IntTensor({-5, 2}):max())
      print(string.format('%.10f %.10f', t:std(), t:var(true)))
    """)
    assert out == ['number\t21\t720\t6\t1\t3.5\t', '21\t6\t6\t21\t0\t', '60000\t12\t',
                   '0.10000000149012\t2\t', '1.8708286934 2.9166666667\t']


def test_dim_forms_keep_the_dimension():
    out = lines("""
      local t = torch.Tensor({{1, 5, 3}, {4, 2, 6}})
      local s = t:sum(2)
      print(s:dim(), s:size(1), s:size(2), s[2][1])
      local v, i = t:max(1)
      print(v:size(1), v:size(2), i:type(), i[1][1], i[1][2], i[1][3])
      local rv, ri = torch.Tensor(), torch.LongTensor()
      torch.min(rv, ri, t, 2)
      print(rv[1][1], rv[2][1], ri[1][1], ri[2][1])
      local r = torch.Tensor()
      torch.sum(r, t, 1)
      print(r:size(1), r:size(2), r[1][3])
      print(t:mean(1)[1][1], t:std(2, true):size(2), t:norm(2, 1)[1][1] == math.sqrt(17))
    """)
    assert out == ['2\t2\t1\t12\t', '1\t3\ttorch.LongTensor\t2\t1\t2\t',
                   '1\t2\t1\t2\t', '1\t3\t9\t', '2.5\t1\ttrue\t']


def test_sort_topk_kthvalue_median_mode():
    out = lines("""
      local t = torch.Tensor({5, 1, 4, 2, 3})
      local v, i = t:sort(true)
      print(v[1], v[5], i[1], i[5])
      v, i = torch.topk(t, 2, 1, true, true)
      print(v[1], v[2], i[1], i[2])
      v, i = torch.kthvalue(t, 2)
      print(v[1], i[1])
      v, i = t:median()
      print(v:size(1), v[1], i[1])
      v, i = torch.mode(torch.IntTensor({{1, 2, 2}, {3, 3, 1}}), 2)
      print(v:type(), v[1][1], v[2][1], i[1][1] > 1)
      local rv, ri = torch.Tensor(), torch.LongTensor()
      torch.sort(rv, ri, t)
      print(rv[1], ri[1])
    """)
    assert out == ['5\t1\t1\t2\t', '5\t4\t1\t3\t', '2\t4\t', '1\t3\t5\t',
                   'torch.IntTensor\t2\t3\ttrue\t', '1\t2\t']


def test_errors_reach_lua():
    out = lines("""
      local t = torch.Tensor({{1, 2}, {3, 4}})
      print(pcall(function() return t:sum(3) end))
      print(pcall(function() return torch.mean(torch.IntTensor({1})) end))
      print(pcall(function() return torch.max(torch.Tensor()) end))
      print(pcall(function() return t:topk(5) end))
    """)
    assert 'dimension 3 out of range' in out[0] and out[0].startswith('false')
    assert 'torch.IntTensor does not implement the torch.mean() function' in out[1]
    assert 'tensor must have one dimension' in out[2]
    assert 'k not in range' in out[3]


def test_byte_all_any_and_integer_cum():
    out = lines("""
      local a = torch.Tensor({1, 2, 3})
      print(a:gt(0):all(), a:gt(1):all(), a:gt(2):any(), a:gt(5):any())
      print(torch.cumsum(torch.ByteTensor({200, 100})):totable()[2], torch.LongTensor({2, 3}):cumprod()[2])
    """)
    assert out == ['true\tfalse\ttrue\tfalse\t', '44\t6\t']


# every golden case exercising these ops (printing is another part; these pass with it)
GOLDEN_CASES = ['reductions', 'max_min', 'cumulative', 'histc', 'sort', 'topk_kth', 'mode',
                'cross_trace']


@pytest.mark.parametrize('name', GOLDEN_CASES)
def test_golden(name):
    p = subprocess.run([sys.executable, '-m', 'luatorch.cli', name + '.lua'], capture_output=True,
                       text=True, cwd=GOLDEN, timeout=300)
    assert p.returncode == 0, p.stderr
    assert p.stdout == (GOLDEN / (name + '.out')).read_text()
