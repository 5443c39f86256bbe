"""The nn test matrix once more on the strict fake Cuda device: every module/input and criterion
case of tests/lua/nn gives the same numbers as CudaDouble as it does as Double (cunn_sweep.py)."""
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def test_every_nn_case_runs_on_the_device_as_on_the_cpu():
    env = dict(os.environ, LUATORCH_CUDA='fake')
    p = subprocess.run([sys.executable, str(HERE / 'cunn_sweep.py')], capture_output=True,
                       text=True, env=env, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    lines = p.stdout.strip().splitlines()
    n, bad = lines[-1].split()[1], lines[-1].split()[3]
    assert int(n) > 200
    assert bad == '0', '\n'.join(lines[-40:])
