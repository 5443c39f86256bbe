"""The REPL with its input piped in (no terminal: no banner, prompt or timing line), checked
against trepl's rules: expression lines print their values, statements run, `;` and `print`
lines are statements, errors print (with their stack) and the session goes on, `$ cmd`, `?`,
_RESULTS/_LAST; then the tutorial's Lua and tensor cells typed one by one."""
import json
import subprocess
import sys

import pytest

from helpers import SHARED

TUTORIAL = SHARED / 'tutorials' / '000_deep_learning_with_torch.ipynb'


def repl(text, *args):
    p = subprocess.run([sys.executable, '-m', 'luatorch.cli', *args], input=text,
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert 'Traceback' not in p.stdout + p.stderr
    return p.stdout


def test_expression_statement_and_error_lines():
    out = repl("x = 3\nx\nx + 1, 'a'\nb = {1 = 2}\nprint('still here')\n")
    assert out == ("3\t\n4\ta\t\n"
                   "syntax error: [string \"b = {1 = 2}\"]:1: '}' expected near '='\t\n"
                   "still here\t\n")


def test_results_nil_semicolon_and_print_lines():
    # trepl prints unpack(_RESULT): a lone nil prints nothing, a nil before a value prints
    out = repl("nil\nnil, 1\ny = 5;\n5;\nprint 'p'\n'last'\n_LAST\n#_RESULTS\n")
    assert out == ("nil\t1\t\n"
                   "syntax error: [string \"5;\"]:1: unexpected symbol near '5'\t\n"
                   "p\t\nlast\t\nlast\t\n"
                   "2\t\n")  # _RESULTS holds 'last' twice (nil results are not kept)


def test_runtime_errors_show_message_and_stack_then_go_on():
    out = repl("function f() local y = nil; return y.z end\nf()\nx + nil\nprint('ok')\n")
    assert out == (
        "[string \"function f() local y = nil; return y.z end\"]:1: attempt to index local 'y' (a nil value)\n"
        "stack traceback:\n"
        "\t[string \"function f() local y = nil; return y.z end\"]:1: in function 'f'\n"
        "\t[string \"_RESULT={f()}\"]:1: in main chunk\t\n"
        "[string \"_RESULT={x + nil}\"]:1: attempt to perform arithmetic on global 'x' (a nil value)\n"
        "stack traceback:\n"
        "\t[string \"_RESULT={x + nil}\"]:1: in main chunk\t\n"
        "ok\t\n")


def test_multiline_statement():
    assert repl("for i = 1, 2 do\nprint(i)\nend\n") == '1\t\n2\t\n'


def test_locals_stay_in_their_line_globals_persist():
    assert repl("local a = 1\na\nt = {1, 2}\nt\n") == '{\n  1 : 1\n  2 : 2\n}\n'


def test_shell_command_help_and_who():
    out = repl("$ echo hi there\n_LAST\n?\n? torch.randn\nzz = torch.Tensor(2, 3)\nwho()\n")
    lines = out.split('\n')
    assert lines[:3] == ['hi there', 'hi there', '\t']  # the command's output, then _LAST
    assert 'th\x1b' not in out and 'is the interactive interpreter of luatorch' in out
    assert 'torch.randn: a function' in out
    assert out.endswith('== User Variables ==\t\n'
                        '[_RESULT]   = table - size: 0\t\n'
                        '[zz]        = DoubleTensor - size: 2x3\t\n==\t\n')


def test_script_then_repl_with_dash_i(tmp_path):
    script = tmp_path / 's.lua'
    script.write_text("greeting = 'from script'\nprint('ran')\n")
    assert repl("greeting\n", '-i', str(script)) == 'ran\t\nfrom script\t\n'


def test_exit_and_break_leave():
    assert repl("print(1)\nbreak\nprint(2)\n") == '1\t\n'
    p = subprocess.run([sys.executable, '-m', 'luatorch.cli'], input="print(1)\nos.exit(3)\nprint(2)\n",
                       capture_output=True, text=True, timeout=60)
    assert (p.returncode, p.stdout) == (3, '1\t\n')


def tutorial_cells():
    nb = json.loads(TUTORIAL.read_text())
    return [''.join(c['source']) for c in nb['cells'] if c['cell_type'] == 'code']


@pytest.mark.skipif(not TUTORIAL.exists(), reason='../shared/tutorials is absent')
def test_tutorial_cells_typed_into_repl():
    cells = tutorial_cells()[:45]
    typed = [c for i, c in enumerate(cells, 1) if i != 40]  # cell 40 is the CUDA cell
    # each cell is typed as one input; multi-line cells arrive line by line
    out = repl('\n'.join(typed) + '\n')
    assert 'hello\t' in out                                     # cell 2
    assert "syntax error: [string \"b = {1 = 'c'}\"]:1: '}' expected near '='" in out  # cell 14
    assert '{\n  a : 7\n  b : 6\n}\n' in out                    # cell 18: f1 + f2
    assert 'I say woof\t' in out                                # cell 20
    assert '[torch.DoubleTensor of size 5x3]' in out            # cell 23
    assert '[torch.DoubleTensor of size 5x4]' in out            # cells 26-28
    # cells 36-39: a = 1..6 as 2x3, b columns 2 and 3, a*b = [[12, 18], [30, 45]]
    assert ' 1  2  3\n 4  5  6\n[torch.DoubleTensor of size 2x3]' in out
    assert ' 12  18\n 30  45\n[torch.DoubleTensor of size 2x2]' in out
