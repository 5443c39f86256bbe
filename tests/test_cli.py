"""`th` as a user runs it: scripts with arguments, -e, -l, errors, require paths."""
import subprocess
import sys

from helpers import ROOT, th


def run(args, cwd, env=None):
    return subprocess.run([sys.executable, '-m', 'luatorch.cli', *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120, env=env)


def test_script_args(tmp_path):
    (tmp_path / 's.lua').write_text("print(arg[0], arg[1], arg[2], #arg)\n")
    p = run(['s.lua', 'a', 'b'], tmp_path)
    assert p.returncode == 0
    assert p.stdout == 's.lua\ta\tb\t2\t\n'


def test_e_and_l(tmp_path):
    (tmp_path / 'mylib.lua').write_text("mylib_loaded = 42\nreturn {}\n")
    p = run(['-l', 'mylib', '-e', 'print(mylib_loaded)'], tmp_path)
    assert p.returncode == 0, p.stderr
    assert p.stdout == '42\t\n'


def test_help():
    p = run(['-h'], ROOT)
    assert p.returncode == 0 and 'Usage: th' in p.stdout


def test_error_exit_and_location(tmp_path):
    (tmp_path / 'bad.lua').write_text("local x = 1\nerror('boom')\n")
    p = run(['bad.lua'], tmp_path)
    assert p.returncode != 0
    assert 'bad.lua:2: boom' in p.stderr
    assert 'stack traceback' in p.stderr
    assert 'Traceback (most recent call last)' not in p.stderr


def test_python_errors_become_lua_errors(tmp_path):
    (tmp_path / 'bad.lua').write_text("local t = torch.Tensor(3)\nlocal v = t:narrow(1, 3, 4)\n")
    p = run(['bad.lua'], tmp_path)
    assert p.returncode != 0
    assert "bad.lua:2: bad argument #3 to 'narrow' (out of range)" in p.stderr
    assert 'Traceback' not in p.stderr


def test_require_local_modules(tmp_path):
    (tmp_path / 'pkg').mkdir()
    (tmp_path / 'pkg' / 'init.lua').write_text("return {name = 'pkg'}\n")
    (tmp_path / 'util.lua').write_text("return {name = 'util'}\n")
    (tmp_path / 'main.lua').write_text("print(require('pkg').name, require('util').name)\n")
    p = run(['main.lua'], tmp_path)
    assert p.returncode == 0, p.stderr
    assert p.stdout == 'pkg\tutil\t\n'


def test_lua_path_env(tmp_path):
    lib = tmp_path / 'lib'
    lib.mkdir()
    (lib / 'extra.lua').write_text("return 'extra!'\n")
    import os
    env = dict(os.environ, LUA_PATH=str(lib) + '/?.lua;;')
    p = run(['-e', "print(require 'extra')"], tmp_path, env=env)
    assert p.returncode == 0, p.stderr
    assert p.stdout == 'extra!\t\n'


def test_trepl_print_scalars_and_tables():
    assert th("print(1/3, true, nil, 'a')") == '0.33333333333333\ttrue\tnil\ta\t\n'
    assert th("print({x = {y = 'z'}})") == '{\n  x : \n    {\n      y : "z"\n    }\n}\n'
    assert th("print()") == ''


def test_trepl_print_nesting_and_objects():
    # trepl expands nested tables down to 5 levels, then shows {...}; a torch object inside a
    # table is expanded as a table of its fields (its tostring is used only at the top level)
    out = th("t = {1, {2, {3, {4, {5, {6}}}}}} print(t) print({x = {}})")
    assert out.endswith('                  1 : 5\n                  2 : {...}\n'
                        '                }\n            }\n        }\n    }\n}\n{\n  x : {...}\n}\n')
    out = th("require 'nn' print({nn.Linear(2, 3)}) print(nn.Identity())")
    lines = out.split('\n')
    assert lines[:4] == ['{', '  1 : ', '    {', '      _type : "torch.DoubleTensor"']
    assert '      weight : DoubleTensor - size: 3x2' in lines
    assert lines[-2:] == ['nn.Identity', '']
