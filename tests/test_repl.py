"""The basic REPL as a user types into it: expression lines print values, statements run,
errors print and the session goes on; the tutorial's Lua and tensor cells typed one by one."""
import json
import subprocess
import sys

import pytest

from helpers import SHARED

TUTORIAL = SHARED / 'tutorials' / '000_deep_learning_with_torch.ipynb'


def repl(text):
    p = subprocess.run([sys.executable, '-m', 'luatorch.cli'], input=text, capture_output=True,
                       text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_expression_statement_and_error_lines():
    out = repl("x = 3\nx\nx + 1, 'a'\nb = {1 = 2}\nprint('still here')\n")
    assert out == ("3\t\n4\ta\t\n"
                   "[string \"b = {1 = 2}\"]:1: '}' expected near '='\t\n"
                   "still here\t\n")


def test_multiline_statement():
    assert repl("for i = 1, 2 do\nprint(i)\nend\n") == '1\t\n2\t\n'


def test_globals_persist_and_tables_print():
    out = repl("t = {1, 2}\nt\n")
    assert out == '{\n  1 : 1\n  2 : 2\n}\n'


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
    assert "[string \"b = {1 = 'c'}\"]:1: '}' expected near '='" in out  # cell 14, as Torch7
    assert 'I say woof\t' in out                                # cell 20
    assert '[torch.DoubleTensor of size 5x3]' in out            # cell 23
    assert '[torch.DoubleTensor of size 5x4]' in out            # cells 26-28
    # cells 36-39: a = 1..6 as 2x3, b columns 2 and 3, a*b = [[12, 18], [30, 45]]
    assert ' 1  2  3\n 4  5  6\n[torch.DoubleTensor of size 2x3]' in out
    assert ' 12  18\n 30  45\n[torch.DoubleTensor of size 2x2]' in out
    assert 'Traceback' not in out
