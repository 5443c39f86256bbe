"""Acceptance: the tutorials 000-003 through `th --notebook`, failing only in the cells that fail
in real Torch7 too (000's `b = {1 = 'c'}`, the CUDA cells while cutorch/cunn are absent, 003's
snippet with the `nn.MSECriterioin` typo). Each notebook is skipped, saying what is missing,
until the packages and nn classes it uses exist; the blitz and GTSRB ones train, so are slow."""
import json
import re
import shutil
import subprocess
import sys

import pytest

from helpers import ROOT, SHARED

TUTORIALS = SHARED / 'tutorials'
TYPOS = {'MSECriterioin'}  # misspelt in the tutorial itself
CUDA = re.compile(r'cutorch|cunn|:cuda\(\)')


def code_cells(path):
    nb = json.loads(path.read_text())
    return [''.join(c['source']) for c in nb['cells'] if c['cell_type'] == 'code']


def missing(path):
    """Packages and nn/optim names the notebook uses that luatorch does not have yet."""
    src = '\n'.join(code_cells(path))
    for f in re.findall(r"dofile\(\s*'([\w.]+\.lua)'", src):   # scaffolding files the cells run
        if (path.parent / f).exists():
            src += '\n' + (path.parent / f).read_text()
    pkgs = sorted(set(re.findall(r"require\s*\(?\s*['\"]([\w.]+)['\"]", src)) - {'cutorch', 'cunn', 'torch'})
    names = sorted(set(re.findall(r'\b(nn|optim)\.([A-Za-z]\w*)', src)) - {('nn', t) for t in TYPOS})
    check = ''.join("if not pcall(require, '%s') then print('package %s') end\n" % (p, p) for p in pkgs)
    check += ''.join("if not (rawget(_G, '%s') and %s.%s) then print('%s.%s') end\n" % (m, m, n, m, n)
                     for m, n in names)
    p = subprocess.run([sys.executable, '-m', 'luatorch.cli', '-e', check], capture_output=True,
                       text=True, timeout=120, cwd=ROOT)
    return [l.strip() for l in p.stdout.splitlines() if l.strip()] + ([p.stderr.strip()] if p.returncode else [])


# snippets quoted from nn's sources, which define methods on globals real Torch7 does not have
# either (001), and 003's misspelt `linear` snippet: they fail in Torch7 with these messages
TORCH7_ERRORS = re.compile(r"attempt to (index|call method 'forward' on) global '(Module|CMul|linear)' "
                           r"\(a nil value\)|attempt to index global 'linear'")


def expected_failure(src, message):
    return bool(CUDA.search(src) or any(t in src for t in TYPOS) or "b = {1 = 'c'}" in src
                or TORCH7_ERRORS.search(message))


@pytest.mark.parametrize('name', [
    '000_deep_learning_with_torch',
    '001_nn_tutorial',
    pytest.param('002_60min_blitz', marks=pytest.mark.slow),
    pytest.param('003_gtsrb', marks=pytest.mark.slow),
])
def test_tutorial_runs_with_only_the_torch7_failures(name, tmp_path):
    src = TUTORIALS / (name + '.ipynb')
    if not src.exists():
        pytest.skip('../shared/tutorials is absent')
    gaps = missing(src)
    if gaps:
        pytest.skip('luatorch lacks: ' + ', '.join(gaps))
    work = tmp_path / 'tutorials'
    shutil.copytree(TUTORIALS, work)
    if name.startswith('002'):
        subprocess.run([sys.executable, str(work / 'make_cifar_like.py'), str(work)],  # its loops need 10000
                       check=True, timeout=300)
    p = subprocess.run([sys.executable, '-m', 'luatorch.cli', '--notebook', str(work / (name + '.ipynb'))],
                       capture_output=True, text=True, timeout=3000, cwd=ROOT)
    assert 'Traceback' not in p.stdout + p.stderr
    parts = re.split(r'^-- cell (\d+) --\n', p.stdout, flags=re.M)[1:]
    out = {int(n): text for n, text in zip(parts[::2], parts[1::2])}
    cells = code_cells(src)
    assert sorted(out) == list(range(1, len(cells) + 1))
    failed = {n: re.search(r'ERROR: (.*)', t).group(1) for n, t in out.items() if '\nERROR: ' in '\n' + t}
    unexpected = {n: m for n, m in failed.items() if not expected_failure(cells[n - 1], m)}
    assert unexpected == {}
