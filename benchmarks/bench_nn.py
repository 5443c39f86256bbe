"""nn training speed of our `th` beside PyTorch CPU, in the same run.

Run: python benchmarks/bench_nn.py [--threads N|N1,N2] [--seconds S] [--rounds R] [--cuda] [NAME ...]
     (PyTorch: pip install torch==2.13.0; NAME: mlp lenet1 lenet1_explicit lenet32 convnet)
     --cuda: networks, criteria and data converted with :cuda() (cutorch/cunn on CuPy; PyTorch on
     its CUDA device): meant for a machine with a GPU (pip install luatorch[cuda]); without one it
     says so and measures luatorch's CPU fallback, with no PyTorch reference.

Each benchmark trains the same network on random data with the same batch size and dtype in both
systems (benchmarks/nn_bench.lua on `th`; the equivalent torch.nn code below), for S seconds
each, R rounds alternating the two, and reports the best round of each in samples/s and the
ratio luatorch / PyTorch. Both use N threads (default: the machine's cores): OpenBLAS (numpy's
BLAS) through OPENBLAS_NUM_THREADS / OMP_NUM_THREADS for `th`, torch.set_num_threads for PyTorch.
With a list (--threads 1,2) each system runs at every count and its best round is kept: each at
its best threading setting, as the reference figures below were taken for Torch7.

Torch7's own standing, measured on the 2-core machine these targets come from
(real Torch7 at its best threading / PyTorch): MLP 45,350 / 41,936; LeNet batch 1 1,258 / 956;
LeNet batch 32 2,036 / 2,585; convnet float32 73 / 101 samples/s.
"""
import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
NAMES = ['mlp', 'lenet1', 'lenet1_explicit', 'lenet32', 'convnet']
TARGET = {'mlp': 1.1, 'lenet1': 1.3, 'lenet1_explicit': 1.3, 'lenet32': 0.8, 'convnet': 0.75}
WHAT = {
    'mlp': '784-256-10 MLP, batch 128, double',
    'lenet1': 'LeNet, 1 sample/step (StochasticGradient loop), double',
    'lenet1_explicit': 'LeNet, 1 sample/step (zeroGrad/backward/update), double',
    'lenet32': 'LeNet, batch 32, momentum SGD, double',
    'convnet': '3-layer convnet 3x64x64, batch 16, float32',
}


def th_rate(script, args, threads, what=None):
    """Run benchmarks/<script> on our th with `threads` BLAS threads; the rate it reports as
    "<count> <seconds>" on its last line (`what` names the run in an error)."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    r = subprocess.run([sys.executable, '-m', 'luatorch.cli', str(HERE / script)] + args,
                       capture_output=True, text=True, env=env, cwd=str(HERE))
    if r.returncode != 0:
        raise RuntimeError('th %s %s failed:\n%s' % (script, what or ' '.join(args), r.stderr))
    n, t = r.stdout.split()[-2:]
    return int(n) / float(t)


def timed_rate(step, seconds, per, cpu_time=False):
    """Warm up for 10% of `seconds` (at least 2 steps), run `step` for `seconds`; per-step count
    `per` divided by the time (wall, or process CPU time)."""
    clock = time.process_time if cpu_time else time.perf_counter
    t0 = clock()
    n = 0
    while n < 2 or clock() - t0 < seconds * 0.1:
        step()
        n += 1
    t0 = clock()
    n = 0
    while clock() - t0 < seconds:
        step()
        n += 1
    return n * per / (clock() - t0)


def thread_counts(text):
    """--threads: one count, or a comma list ("1,2"): then each system is run at every count and
    its best is kept (each at its best threading setting, as the issue measured Torch7)."""
    counts = sorted({int(v) for v in str(text).split(',') if v.strip()})
    if not counts or counts[0] < 1:
        raise argparse.ArgumentTypeError('thread counts are positive integers: %r' % text)
    return counts


def best_rates(rounds, counts, ours_fn, ref_fn):
    """Alternating rounds at every thread count: ((best ours, its threads), (best ref, its
    threads) or None). ref_fn is None without PyTorch."""
    ours, ref = [], []
    for _ in range(rounds):
        for t in counts:
            ours.append((ours_fn(t), t))
            if ref_fn is not None:
                ref.append((ref_fn(t), t))
    return max(ours), (max(ref) if ref else None)


def threads_note(counts, t):
    return '' if len(counts) == 1 else ' (%d thr)' % t


def luatorch_rate(name, seconds, threads, cpu_time=False, cuda=False):
    return th_rate('nn_bench.lua', [name, str(seconds)] + (['CPUTIME'] if cpu_time else [])
                   + (['CUDA'] if cuda else []), threads, name)


def pytorch_model(name, torch):
    nn = torch.nn
    if name == 'mlp':
        return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10), nn.LogSoftmax(-1))
    if name.startswith('lenet'):
        return nn.Sequential(
            nn.Conv2d(3, 6, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Flatten(-3), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
            nn.Linear(84, 10), nn.LogSoftmax(-1))
    return nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(-3), nn.Linear(128 * 8 * 8, 10), nn.LogSoftmax(-1))


def pytorch_rate(name, seconds, threads, cpu_time=False, cuda=False, input_grad=False):
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    dtype = torch.float32 if name == 'convnet' or cuda else torch.float64
    net = pytorch_model(name, torch).to(dtype)
    crit = torch.nn.NLLLoss()
    params = list(net.parameters())
    if name == 'mlp':
        x, y, lr, per = torch.randn(128, 784, dtype=dtype), torch.randint(0, 10, (128,)), 0.01, 128
    elif name == 'lenet32':
        x, y, lr, per = torch.randn(32, 3, 32, 32, dtype=dtype), torch.randint(0, 10, (32,)), 0.01, 32
    elif name == 'convnet':
        x, y, lr, per = torch.randn(16, 3, 64, 64, dtype=dtype), torch.randint(0, 10, (16,)), 0.01, 16
    else:
        xs, ys, lr, per = torch.randn(100, 3, 32, 32, dtype=dtype), torch.randint(0, 10, (100,)), 0.001, 1
    if cuda:   # as :cuda() does: float32 on the device
        net.to('cuda')
        if per == 1:
            xs, ys = xs.float().cuda(), ys.cuda()
        else:
            x, y = x.float().cuda(), y.cuda()
    opt = torch.optim.SGD(params, lr=0.01, momentum=0.9) if name == 'lenet32' else None
    if input_grad:   # also compute d loss / d input (nn computes it only when it is read)
        (xs if per == 1 else x).requires_grad_(True)
    i = [0]

    def step():
        if per == 1:
            k = i[0] = (i[0] + 1) % 100
            out = net(xs[k])
            loss = crit(out.unsqueeze(0), ys[k:k + 1])
        else:
            out = net(x)
            loss = crit(out, y)
        if opt is not None:
            opt.zero_grad()
            loss.backward()
            opt.step()
        else:
            net.zero_grad()
            loss.backward()
            with torch.no_grad():
                for p in params:
                    p.add_(p.grad, alpha=-lr)
        if cuda:
            torch.cuda.synchronize()

    return timed_rate(step, seconds, per, cpu_time)


def add_common_options(ap, input_grad_help):
    """The options bench_nn.py and bench_lstm.py share."""
    ap.add_argument('--threads', type=thread_counts, default=[os.cpu_count()],
                    help='thread count, or a comma list such as 1,2: each system at its best')
    ap.add_argument('--seconds', type=float, default=5)
    ap.add_argument('--rounds', type=int, default=3)
    ap.add_argument('--cpu-time', action='store_true',
                    help='time by process CPU time (stable on a busy machine; use with --threads 1)')
    ap.add_argument('--pytorch-input-grad', action='store_true', help=input_grad_help)


def have_pytorch(cuda=False):
    """Whether the PyTorch reference can run (on its CUDA device for cuda)."""
    try:
        import torch
    except ImportError:
        return False
    return not cuda or torch.cuda.is_available()


def print_header(args):
    counts = args.threads
    print('threads: %s%s   seconds per run: %g   rounds: %d   clock: %s' % (
        ','.join(map(str, counts)), ' (each system at its best)' if len(counts) > 1 else '',
        args.seconds, args.rounds, 'process CPU time' if args.cpu_time else 'wall'))


def report(name, what, unit, counts, ours, ref, target):
    """One result line: ours = (rate, threads); ref = (rate, threads) or None."""
    line = '%-16s %-56s luatorch %9.1f %s%s' % (name, what, ours[0], unit, threads_note(counts, ours[1]))
    if ref:
        line += '   PyTorch %9.1f %s%s   ratio %.2f (target >= %.2f)' % (
            ref[0], unit, threads_note(counts, ref[1]), ours[0] / ref[0], target)
    print(line, flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('names', nargs='*', default=['mlp', 'lenet1', 'lenet32', 'convnet'])
    add_common_options(ap, 'make PyTorch also compute the gradient with respect to the input, as '
                           'nn does when something reads it (both skip it by default)')
    ap.add_argument('--cuda', action='store_true',
                    help='train on the GPU (:cuda(); needs CuPy and a CUDA device)')
    args = ap.parse_args()
    have_torch = have_pytorch(args.cuda)
    if args.cuda:
        sys.path.insert(0, str(HERE.parent))
        from luatorch.lib import xp
        print('--cuda: luatorch on %s' % ('the GPU (CuPy)' if xp.on_gpu() else
                                          'the CPU fallback (%s)' % xp.fallback_reason()))
    print_header(args)
    for name in args.names:
        ours, ref = best_rates(
            args.rounds, args.threads,
            lambda t: luatorch_rate(name, args.seconds, t, args.cpu_time, args.cuda),
            (lambda t: pytorch_rate(name, args.seconds, t, args.cpu_time, args.cuda,
                                    args.pytorch_input_grad)) if have_torch else None)
        what = WHAT[name].replace('double', 'float32') + ', cuda' if args.cuda else WHAT[name]
        report(name, what, 'samples/s', args.threads, ours, ref, TARGET[name])

if __name__ == '__main__':
    main()
