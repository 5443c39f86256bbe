"""Small-op and scalar-access speed of our `th` beside PyTorch CPU, plus th start-up time.

Run: python benchmarks/bench_small_ops.py [--repeat N]   (PyTorch: pip install torch==2.13.0)

The same work as benchmarks/small_ops.lua (run by our `th`) is done in PyTorch in the same run:
(a) 200k small in-place ops on 10-element double tensors (add, mul by a number, cmul, fill),
(b) 100k scalar reads/writes t[i][j] and t[{i,j}] (PyTorch: t[i][j], t[i, j]) on a 100x100
tensor. Each side is timed in CPU time (robust to a busy machine); the best of --repeat runs is
kept. Torch7 reference figures from the issue (same 2-core machine class): 763 ns per small
op, 712 ns per scalar access, 51 ms start-up.

Start-up: `th -e "require 'torch'"`, wall and CPU time of the process, best of several runs,
with Python's bytecode cache allowed (PYTHONDONTWRITEBYTECODE unset: a user's normal set-up;
without the cache every start compiles luatorch's sources). `python -c "import numpy"` is
timed the same way as the floor any numpy-based `th` has on the machine.
"""
import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TORCH7 = {'ops': 763, 'access': 712, 'startup': 51}


def luatorch_times(n_ops=200000, n_acc=100000):
    out = subprocess.run([sys.executable, '-m', 'luatorch.cli', str(HERE / 'small_ops.lua'),
                          str(n_ops), str(n_acc)], capture_output=True, text=True, check=True).stdout
    ops, acc = map(float, out.split())
    return ops, acc


def pytorch_times(n_ops=200000, n_acc=100000):
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    a, b = torch.full((10,), 0.25, dtype=torch.float64), torch.full((10,), 0.75, dtype=torch.float64)
    t0 = time.process_time()
    for _ in range(n_ops // 4):
        a.add_(b)
        a.mul_(0.5)
        a.mul_(b)
        a.fill_(1)
    ops = (time.process_time() - t0) / n_ops * 1e9
    t = torch.full((100, 100), 0.5, dtype=torch.float64)
    s = 0.0
    t0 = time.process_time()
    for k in range(1, n_acc // 4 + 1):
        i, j = k % 100, (k * 7) % 100
        s += t[i][j].item()
        t[i][j] = s
        s += t[i, j].item()
        t[i, j] = 1
    acc = (time.process_time() - t0) / n_acc * 1e9
    return ops, acc


def process_ms(cmd, n=7):
    """(best wall ms, best CPU ms) of running cmd n times (after one warm-up run)."""
    env = dict(os.environ)
    env.pop('PYTHONDONTWRITEBYTECODE', None)
    subprocess.run(cmd, check=True, env=env, capture_output=True)
    best_wall = best_cpu = 1e9
    for _ in range(n):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, env=env, capture_output=True)
        wall = time.perf_counter() - t0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
        best_wall, best_cpu = min(best_wall, wall), min(best_cpu, cpu)
    return best_wall * 1000, best_cpu * 1000


def best_of(fn, repeat):
    runs = [fn() for _ in range(repeat)]
    if runs[0] is None:
        return None
    return tuple(min(r[k] for r in runs) for k in range(len(runs[0])))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--repeat', type=int, default=3, help='runs of each side; the best is kept')
    opts = ap.parse_args()
    ours = best_of(luatorch_times, opts.repeat)
    ref = best_of(pytorch_times, opts.repeat)
    for k, label, key in ((0, 'small in-place op', 'ops'), (1, 'scalar access    ', 'access')):
        line = '%s: luatorch %6.0f ns' % (label, ours[k])
        if ref:
            line += '   PyTorch %6.0f ns   PyTorch/luatorch %5.2fx' % (ref[k], ref[k] / ours[k])
        line += '   luatorch/Torch7 %.2fx' % (ours[k] / TORCH7[key])
        print(line)
    wall, cpu = process_ms(['th', '-e', "require 'torch'"])
    nwall, ncpu = process_ms([sys.executable, '-c', 'import numpy'])
    print('th -e "require \'torch\'" start-up: %.0f ms wall, %.0f ms CPU (Torch7: %d ms);'
          ' python -c "import numpy" alone: %.0f ms wall, %.0f ms CPU'
          % (wall, cpu, TORCH7['startup'], nwall, ncpu))
    print('machine load average: %.1f on %d CPUs' % (os.getloadavg()[0], os.cpu_count()))


if __name__ == '__main__':
    main()
