"""torch-autograd's README network (100 -> 50 -> 10, tanh, log-softmax loss): one gradient step,
luatorch's autograd (direct and optimized mode) beside PyTorch autograd doing the same maths
(float64, one thread) in the same run.

    python benchmarks/bench_autograd.py [--seconds S] [--batches 1,128] [--threads N]

Times are CPU time of the measuring thread (the machine is shared), best of --rounds rounds.
At batch 1 the README's function runs as written; at batch > 1 its biases are expanded over
the batch (`torch.expand(b:view(1, n), batch, n)`), since Torch's `+` does not broadcast.
"""
import argparse
import os
import sys
import time

LUA = r"""
local grad = require 'autograd'
local t = torch
local batch = ...
torch.manualSeed(0)
params = {W = {t.randn(100, 50), t.randn(50, 10)}, b = {t.randn(50), t.randn(10)}}
local f
if batch == 1 then
  f = function(params, x, y)
    local h1 = t.tanh(x * params.W[1] + params.b[1])
    local h2 = t.tanh(h1 * params.W[2] + params.b[2])
    local yHat = h2 - t.log(t.sum(t.exp(h2)))
    return - t.sum(t.cmul(yHat, y))
  end
else
  f = function(params, x, y)
    local n = t.size(x, 1)
    local h1 = t.tanh(x * params.W[1] + t.expand(params.b[1]:view(1, 50), n, 50))
    local h2 = t.tanh(h1 * params.W[2] + t.expand(params.b[2]:view(1, 10), n, 10))
    local yHat = h2 - t.log(t.sum(t.exp(h2)))
    return - t.sum(t.cmul(yHat, y))
  end
end
x = t.randn(batch, 100)
y = t.zeros(batch, 10)
for i = 1, batch do y[i][(i % 10) + 1] = 1 end
direct = grad(f, {optimize = false})
optimized = grad(f, {optimize = true})
function run_direct(n) local l for i = 1, n do local g; g, l = direct(params, x, y) end return l end
function run_optimized(n) local l for i = 1, n do local g; g, l = optimized(params, x, y) end return l end
return f(params, x, y)
"""


def cpu_loop(fn, seconds, rounds):
    """Best per-call CPU time (s) of fn(n) over `rounds` rounds of about `seconds` each."""
    n = 1
    while True:
        t0 = time.thread_time()
        fn(n)
        dt = time.thread_time() - t0
        if dt > 0.05:
            break
        n *= 4
    per = dt / n
    best = per
    reps = max(1, int(seconds / per))
    for _ in range(rounds):
        t0 = time.thread_time()
        fn(reps)
        best = min(best, (time.thread_time() - t0) / reps)
    return best


def luatorch_bench(batch, seconds, rounds):
    from luatorch.bindings.runtime import Runtime
    rt = Runtime()
    loss = rt.execute(LUA, batch)
    g = rt.globals()
    d = cpu_loop(lambda n: g.run_direct(n), seconds, rounds)
    o = cpu_loop(lambda n: g.run_optimized(n), seconds, rounds)
    return loss, d, o


def torch_bench(batch, seconds, rounds, threads):
    import torch
    torch.set_num_threads(threads)
    dt = torch.float64
    g = torch.Generator().manual_seed(0)
    W1 = torch.randn(100, 50, dtype=dt, generator=g, requires_grad=True)
    W2 = torch.randn(50, 10, dtype=dt, generator=g, requires_grad=True)
    b1 = torch.randn(50, dtype=dt, generator=g, requires_grad=True)
    b2 = torch.randn(10, dtype=dt, generator=g, requires_grad=True)
    x = torch.randn(batch, 100, dtype=dt, generator=g)
    y = torch.zeros(batch, 10, dtype=dt)
    for i in range(batch):
        y[i, (i + 1) % 10] = 1
    params = [W1, W2, b1, b2]

    def step():
        h1 = torch.tanh(x @ W1 + b1)
        h2 = torch.tanh(h1 @ W2 + b2)
        yhat = h2 - torch.log(torch.sum(torch.exp(h2)))
        loss = -torch.sum(yhat * y)
        grads = torch.autograd.grad(loss, params)
        return grads, loss.item()

    def run(n):
        for _ in range(n):
            step()
    return cpu_loop(run, seconds, rounds)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--seconds', type=float, default=1.0)
    ap.add_argument('--rounds', type=int, default=3)
    ap.add_argument('--batches', default='1,128')
    ap.add_argument('--threads', type=int, default=1)
    args = ap.parse_args(argv)
    rows = []
    for b in [int(v) for v in args.batches.split(',')]:
        loss, d, o = luatorch_bench(b, args.seconds, args.rounds)
        try:
            p = torch_bench(b, args.seconds, args.rounds, args.threads)
        except ImportError:
            p = None
        rows.append((b, d, o, p))
    print('%-6s %14s %14s %14s %14s' % ('batch', 'direct us', 'optimized us', 'pytorch us',
                                          'opt/pytorch'))
    for b, d, o, p in rows:
        ratio = ('%.2fx' % (p / o)) if p else '-'
        print('%-6d %14.1f %14.1f %14s %14s' % (b, d * 1e6, o * 1e6,
                                                 '%.1f' % (p * 1e6) if p else '-', ratio))
    print('(opt/pytorch: optimized throughput relative to PyTorch autograd; CPU time, '
          '%d thread(s))' % args.threads)
    return rows


if __name__ == '__main__':
    os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')
    os.environ.setdefault('OMP_NUM_THREADS', '1')
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
    main()
