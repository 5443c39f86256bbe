"""The nn, nngraph and optim golden corpus once more on a Cuda type: each snippet runs with
`require 'cunn'` and torch.CudaDoubleTensor as the default tensor type, so every tensor and
module it makes is a Cuda one, and must print what real Torch7 printed for the CPU run (type
names aside). Three times: on the numpy fallback (LUATORCH_CUDA=cpu), on the stand-in device of
luatorch/lib/_fakedevice.py (LUATORCH_CUDA=fake: CuPy's manners in host memory, so a kernel that
falls back to numpy fails; and at exit every live Cuda storage must hold a device array), and on
CuPy (skipped where no GPU is visible). The devices' random generator is torch's for the run, so
the random streams are the CPU run's."""
import os
import re
import subprocess
import sys

import pytest

from helpers import ROOT, SHARED
from luatorch.lib import xp

GOLDEN = SHARED / 'golden'
AREAS = ('nn', 'nngraph', 'optim')
# snippets that feed a module converted back to the CPU (m:double()) a tensor of the default type
# (here a Cuda one): an error on a real device too, so they run on the numpy fallback only
MIXED = {'nn/float_convert'}

RUNNER = """
import atexit, gc, os, sys
from luatorch.lib import random as R, xp
xp.share_generator(R.default_generator)


def check_storages():
    from luatorch.lib.storage import Storage
    m = xp.device_module()
    bad = [s for s in gc.get_objects() if type(s) is Storage and s.ttype.cuda
           and not isinstance(s.data, m.ndarray)]
    if bad:
        sys.stdout.flush()
        sys.stderr.write('Cuda storages holding host arrays: %d\\n' % len(bad))
        os._exit(3)


if xp.on_gpu():
    atexit.register(check_storages)
from luatorch import cli
sys.argv = ['th', '-e', "require 'cunn'; torch.setdefaulttensortype('torch.CudaDoubleTensor')", sys.argv[1]]
cli.entry()
"""


def cases():
    if not GOLDEN.is_dir():
        return []
    return sorted(p for a in AREAS for p in (GOLDEN / a).glob('*.lua'))


def gpu_visible():
    return xp.on_gpu()


@pytest.mark.skipif(not GOLDEN.is_dir(), reason='../shared/golden is absent')
@pytest.mark.parametrize('device', ['fallback', 'fake', pytest.param('gpu', marks=pytest.mark.skipif(
    not gpu_visible(), reason='no GPU visible (CuPy with a CUDA device)'))])
@pytest.mark.parametrize('case', cases(), ids=lambda p: '%s/%s' % (p.parent.name, p.stem))
def test_golden_on_cuda(case, device):
    if device != 'fallback' and '%s/%s' % (case.parent.name, case.stem) in MIXED:
        pytest.skip('mixes CPU modules with Cuda inputs: an error on a device')
    env = dict(os.environ)
    env['LUATORCH_CUDA'] = {'fallback': 'cpu', 'fake': 'fake', 'gpu': 'strict'}[device]
    env['PYTHONPATH'] = str(ROOT) + os.pathsep + env.get('PYTHONPATH', '')
    p = subprocess.run([sys.executable, '-c', RUNNER, case.name], cwd=case.parent,
                       capture_output=True, timeout=300, env=env)
    assert p.returncode == 0, p.stderr.decode(errors='replace')
    # type names aside: CudaDouble for Double, and the Cuda index/mask types (CudaLongTensor
    # indices, CudaByteTensor comparisons) for the CPU ones
    got = re.sub(r'torch\.Cuda(Byte|Char|Short|Int|Long|Double|Half)(Tensor|Storage)', r'torch.\1\2',
                 p.stdout.decode(errors='replace'))
    assert got == case.with_suffix('.out').read_bytes().decode(errors='replace')
