"""The optim cases of the golden corpus: stdout under our `th` equals real Torch7's, byte for byte."""
import subprocess
import sys

import pytest

from helpers import ROOT, SHARED

GOLDEN = SHARED / 'golden' / 'optim'
CASES = sorted(GOLDEN.glob('*.lua')) if GOLDEN.is_dir() else []


@pytest.mark.skipif(not GOLDEN.is_dir(), reason='../shared/golden is absent')
@pytest.mark.parametrize('case', CASES, ids=lambda p: p.stem)
def test_optim_golden(case):
    if "require 'nn'" in case.read_text() and not (ROOT / 'lua' / 'nn' / 'init.lua').is_file():
        pytest.skip('needs nn')
    p = subprocess.run([sys.executable, '-m', 'luatorch.cli', case.name], cwd=case.parent,
                       capture_output=True, timeout=300)
    assert p.returncode == 0, p.stderr.decode(errors='replace')
    assert p.stdout.decode(errors='replace') == case.with_suffix('.out').read_text()
