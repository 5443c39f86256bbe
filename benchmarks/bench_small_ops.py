"""Small-op and scalar-access speed of our `th` beside PyTorch CPU, plus th start-up time.

Run: python benchmarks/bench_small_ops.py   (PyTorch: pip install torch==2.13.0)
Prints ns per op for luatorch and PyTorch and their ratio; Torch7 reference figures from the
issue (same 2-core machine class): 763 ns per small op, 712 ns per scalar access.
"""
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TORCH7 = {'ops': 763, 'access': 712}


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
    a, b = torch.rand(10, dtype=torch.float64), torch.rand(10, dtype=torch.float64)
    t0 = time.process_time()
    for _ in range(n_ops // 4):
        a.add_(b)
        a.mul_(0.5)
        a.mul_(b)
        a.fill_(1)
    ops = (time.process_time() - t0) / n_ops * 1e9
    t = torch.rand(100, 100, dtype=torch.float64)
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


def startup_ms(n=5):
    best = 1e9
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(['th', '-e', "require 'torch'"], check=True)
        best = min(best, time.perf_counter() - t0)
    return best * 1000


def main():
    ops, acc = luatorch_times()
    ref = pytorch_times()
    print('small in-place op : luatorch %6.0f ns' % ops, end='')
    if ref:
        print('   PyTorch %6.0f ns   ratio PyTorch/luatorch %.2f' % (ref[0], ref[0] / ops), end='')
    print('   vs Torch7 %.2fx' % (ops / TORCH7['ops']))
    print('scalar access     : luatorch %6.0f ns' % acc, end='')
    if ref:
        print('   PyTorch %6.0f ns   ratio PyTorch/luatorch %.2f' % (ref[1], ref[1] / acc), end='')
    print('   vs Torch7 %.2fx' % (acc / TORCH7['access']))
    print('th -e "require \'torch\'" start-up: %.0f ms (Torch7: 51 ms)' % startup_ms())


if __name__ == '__main__':
    main()
