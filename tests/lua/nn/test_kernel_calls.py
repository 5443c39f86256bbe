"""nn._K's two call paths (lua/nn/_kernels.lua): plain arguments (tensors, numbers, booleans,
nil) go through the lean adapter, strings and tables through the converting one."""
from nnhelp import lua, rt  # noqa: F401


def test_plain_call_unwraps_proxies_lazy_rows_and_numbers(rt):
    out = lua(rt, """
      local K = nn._K
      local xs = torch.Tensor({{-1, 2, -3}, {4, -5, 6}})
      local o = torch.Tensor()
      local row = xs[2]    -- a lazy row view
      local r = K.Threshold_updateOutput(row, o, 0, 0, false)
      print(rawequal(r, row))
      print(o)
      local total = K.MSECriterion_updateOutput(torch.Tensor({1, 2}), torch.Tensor({1, 4}), true)
      print(total)
    """)
    assert out.split('\n')[:4] == ['true\t', ' 4', ' 0', ' 6']
    assert out.splitlines()[-1] == '2\t'


def test_table_argument_takes_the_converting_path(rt):
    out = lua(rt, """
      local o = torch.Tensor()
      nn._K.View_updateOutput(torch.range(1, 6), o, {2, 3}, 6, nil)
      print(o:size(1), o:size(2), o[2][3])
    """)
    assert out == '2\t3\t6\t\n'


def test_errors_on_both_paths_are_lua_errors(rt):
    out = lua(rt, """
      local K = nn._K
      print(pcall(K.Threshold_updateOutput, torch.randn(3)))
      print(pcall(K.View_updateOutput, torch.randn(6), torch.Tensor(), {4, 4}, 16, nil))
      print(pcall(K.Threshold_updateOutput, torch.randn(3), 'x', 0, 0, false))
    """)
    lines = out.splitlines()
    assert lines[0].startswith('false\t') and 'invalid arguments' in lines[0]
    assert lines[2].startswith('false\t') and 'do not match' in lines[2]
    assert 'Traceback' not in out and out.count('false\t') == 3
