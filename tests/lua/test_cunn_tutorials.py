"""Acceptance: the CUDA cells of the tutorials run unchanged (CPU fallback here, CuPy where a GPU
is visible) with the results of the CPU run. 000's cell `require 'cutorch'; a = a:cuda() ...
c:mm(a,b)`; 002's end (`require 'cunn'`, net:cuda(), criterion:cuda(), trainset.data:cuda(),
training), on a shortened copy (200 synthetic images, 2 epochs) against the same notebook with
:float() (CudaTensor is float: identical numbers) and :double() (close). The CUDA runs once more
on the stand-in device of luatorch/lib/_fakedevice.py (LUATORCH_CUDA=fake: CuPy's manners in host
memory), where a kernel that falls back to numpy fails the cell."""
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from helpers import SHARED

TUTORIALS = SHARED / 'tutorials'
pytestmark = pytest.mark.skipif(not TUTORIALS.is_dir(), reason='../shared/tutorials is absent')


def cells(nb):
    return [c for c in nb['cells'] if c['cell_type'] == 'code']


def src(c):
    return ''.join(c['source'])


def write(nb, path, edit=None, seed=None, after_cuda=None):
    """A copy of notebook nb at path: every code cell's source through edit, torch.manualSeed(seed)
    before the first cell, and a cell `after_cuda` inserted after the first CUDA cell."""
    nb = json.loads(json.dumps(nb))
    out = []
    done = False
    for i, c in enumerate(nb['cells']):
        if c['cell_type'] == 'code':
            s = src(c)
            cuda = 'cutorch' in s or 'cunn' in s
            if edit:
                s = edit(s)
            c['source'] = [s]
            out.append(c)
            if cuda and after_cuda and not done:
                out.append({'cell_type': 'code', 'metadata': {}, 'outputs': [], 'execution_count': None,
                            'source': [after_cuda]})
                done = True
        else:
            out.append(c)
    nb['cells'] = out
    if seed is not None:
        first = cells(nb)[0]
        first['source'] = ['torch.manualSeed(%d)\n' % seed + src(first)]
    path.write_text(json.dumps(nb))
    return path


def run(path, device='host'):
    """Run notebook `path` with th --notebook on the process's own device ('host') or on the fake
    one ('fake'): ({cell number: output}, stderr)."""
    env = dict(os.environ)
    if device == 'fake':
        env['LUATORCH_CUDA'] = 'fake'
    p = subprocess.run([sys.executable, '-m', 'luatorch.cli', '--notebook', str(path)],
                       capture_output=True, text=True, timeout=900, cwd=path.parent, env=env)
    assert 'Traceback' not in p.stdout + p.stderr
    parts = re.split(r'^-- cell (\d+) --\n', p.stdout, flags=re.M)[1:]
    out = {int(n): re.sub(r'0x[0-9a-f]+', '0x', re.sub(r'itorch\.image: \S+', 'itorch.image', t))
           for n, t in zip(parts[::2], parts[1::2])}
    return out, p.stderr


def errors(out):
    return {n: t for n, t in out.items() if '\nERROR: ' in '\n' + t}


def to_float(s):
    return s.replace("require 'cunn';", "require 'nn';").replace("require 'cutorch';", '') \
            .replace(':cuda()', ':float()')


@pytest.mark.parametrize('device', ['host', 'fake'])
def test_000_cuda_cell(tmp_path, device):
    nb = json.loads((TUTORIALS / '000_deep_learning_with_torch.ipynb').read_text())
    cuda_cells = [i + 1 for i, c in enumerate(cells(nb)) if 'cutorch' in src(c)]
    assert cuda_cells
    # unchanged: the CUDA cell runs (the one failing cell is Torch7's own syntax error)
    out, err = run(write(nb, tmp_path / 'plain.ipynb'), device)
    assert all(n not in errors(out) for n in cuda_cells), errors(out)
    assert set(errors(out)) == {n for n in out if "b = {1 = 'c'}" in src(cells(nb)[n - 1])}
    # the same results as the CPU (float) run, cell for cell, with c printed after the CUDA cell
    show = 'print(c)\nprint(torch.type(a), torch.type(b))'
    cu, _ = run(write(nb, tmp_path / 'cuda.ipynb', seed=11, after_cuda=show), device)
    fl, _ = run(write(nb, tmp_path / 'float.ipynb', edit=to_float, seed=11, after_cuda=show))
    shown = cu[cuda_cells[0] + 1]
    assert '[torch.CudaTensor of size 2x2]' in shown and 'torch.CudaTensor\ttorch.CudaTensor' in shown
    assert {n: t.replace('torch.Cuda', 'torch.Float') for n, t in cu.items()} == fl


@pytest.fixture(scope='module')
def blitz(tmp_path_factory):
    """The shortened 002 and its data (synthetic CIFAR-like files of 200 images)."""
    d = tmp_path_factory.mktemp('blitz')
    shutil.copy(TUTORIALS / 'make_cifar_like.py', d)
    subprocess.run([sys.executable, str(d / 'make_cifar_like.py'), str(d), '--n', '200'],
                   check=True, timeout=300, capture_output=True)
    nb = json.loads((TUTORIALS / '002_60min_blitz.ipynb').read_text())
    return d, nb


def shorten(s):
    return s.replace('for i=1,10000 do', 'for i=1,200 do').replace('/10000', '/200') \
            .replace('trainer.maxIteration = 5', 'trainer.maxIteration = 2')


def training_errors(text):
    return [float(v) for v in re.findall(r'# current error = (\S+)', text)]


def test_002_end_trains_on_cuda_as_on_the_cpu(blitz):
    d, nb = blitz
    cu, err = run(write(nb, d / 'cuda.ipynb', edit=shorten, seed=123))
    fl, _ = run(write(nb, d / 'float.ipynb', edit=lambda s: to_float(shorten(s)), seed=123))
    db, _ = run(write(nb, d / 'double.ipynb', seed=123,
                      edit=lambda s: shorten(s).replace("require 'cunn';", "require 'nn';")
                      .replace("require 'cutorch';", '').replace(':cuda()', ':double()')))
    code = [src(c) for c in cells(nb)]
    cuda_cells = [i + 1 for i, s in enumerate(code) if re.search(r'cutorch|cunn|:cuda\(\)', s)]
    assert len(cuda_cells) == 5   # the GPU cell of the tensor section, then the end's four
    # no CUDA cell fails, nor the training after them (the last cell)
    last = len(code)
    assert not [n for n in cuda_cells + [last] if n in errors(cu)], errors(cu)
    assert training_errors(cu[last]) and len(training_errors(cu[last])) == 2
    # the whole run equals the float run (CudaTensor is float), and is close to the double run
    assert cu == fl
    for a, b in zip(training_errors(cu[last]), training_errors(db[last])):
        assert abs(a - b) < 1e-4 * max(1, abs(b))


def test_002_end_trains_on_the_fake_device_as_on_the_cpu(blitz):
    """The end of 002 on the stand-in device: every CUDA cell and the training run without a
    kernel falling back to numpy, and print what the float run prints."""
    d, nb = blitz
    cu, err = run(write(nb, d / 'cuda_fake.ipynb', edit=shorten, seed=123), 'fake')
    fl, _ = run(write(nb, d / 'float_fake.ipynb', edit=lambda s: to_float(shorten(s)), seed=123))
    code = [src(c) for c in cells(nb)]
    cuda_cells = [i + 1 for i, s in enumerate(code) if re.search(r'cutorch|cunn|:cuda\(\)', s)]
    last = len(code)
    assert not [n for n in cuda_cells + [last] if n in errors(cu)], errors(cu)
    assert len(training_errors(cu[last])) == 2
    # the same output, save the training errors' last digits: the host's per-sample Linear
    # gradient is one BLAS rank-1 update (luatorch.lib.cblas), the device's numpy's outer + add
    last_cells = lambda out: {n: t for n, t in out.items() if n != last}
    assert last_cells(cu) == last_cells(fl)
    assert re.sub(r'= \S+', '=', cu[last]) == re.sub(r'= \S+', '=', fl[last])
    for a, b in zip(training_errors(cu[last]), training_errors(fl[last])):
        assert abs(a - b) < 1e-6 * max(1, abs(b))
