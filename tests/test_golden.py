"""The golden corpus: each snippet's stdout under our `th` must equal real Torch7's, byte for byte."""
import subprocess
import sys

import pytest

from helpers import SHARED

GOLDEN = SHARED / 'golden'
# areas owned by the foundation; nn, optim, nngraph and serialize join as they land
AREAS = ('tensor_print', 'random', 'tensor_ops', 'nn', 'optim', 'nngraph', 'serialize')


def cases():
    if not GOLDEN.is_dir():
        return []
    return sorted(p for a in AREAS for p in (GOLDEN / a).glob('*.lua'))


@pytest.mark.skipif(not GOLDEN.is_dir(), reason='../shared/golden is absent')
@pytest.mark.parametrize('case', cases(), ids=lambda p: '%s/%s' % (p.parent.name, p.stem))
def test_golden(case):
    p = subprocess.run([sys.executable, '-m', 'luatorch.cli', case.name], cwd=case.parent,
                       capture_output=True, timeout=300)
    expected = case.with_suffix('.out').read_bytes()
    assert p.returncode == 0, p.stderr.decode(errors='replace')
    assert p.stdout.decode(errors='replace') == expected.decode(errors='replace')
