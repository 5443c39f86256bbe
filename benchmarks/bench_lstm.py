"""LSTM (nngraph) training speed of our `th` beside PyTorch CPU, in the same run.

Run: python benchmarks/bench_lstm.py [--threads N|N1,N2] [--seconds S] [--rounds R] [--cpu-time]
     [--pytorch-input-grad]        (PyTorch: pip install torch==2.13.0)

benchmarks/lstm_bench.lua builds the LSTM cell of tutorial 000_deep_learning_with_torch with
nngraph (input 128, rnn_size 256, double), batch 32, unrolls it over 20 clones sharing its
parameters, and per training step runs forward through the 20 steps, backward through them with
a fixed gradient on every step's h, and plain SGD. The PyTorch side is the same maths written by
hand (two nn.Linear, the same gate layout and slicing, autograd through the 20 steps with the same
gradients on the h's, SGD), same dtype and batch. Both run for S seconds, R rounds alternating;
the best round of each is reported in timesteps/s (20 per training step) with the ratio
luatorch / PyTorch. Both use N threads (default: the machine's cores), as bench_nn.py does.

Reference (the issue, 2-core machine): real Torch7 418 timesteps/s, PyTorch 388; target >= 1.0.
"""
import argparse

from bench_nn import add_common_options, best_rates, have_pytorch, print_header, report, th_rate, timed_rate

INPUT, RNN, BATCH, T, LR = 128, 256, 32, 20, 0.01
TARGET = 1.0


def luatorch_rate(seconds, threads, cpu_time=False):
    return th_rate('lstm_bench.lua', [str(seconds)] + (['CPUTIME'] if cpu_time else []), threads)


def pytorch_rate(seconds, threads, cpu_time=False, input_grad=False):
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    dtype = torch.float64
    i2h = torch.nn.Linear(INPUT, 4 * RNN).to(dtype)
    h2h = torch.nn.Linear(RNN, 4 * RNN).to(dtype)
    params = list(i2h.parameters()) + list(h2h.parameters())
    xs = [torch.randn(BATCH, INPUT, dtype=dtype, requires_grad=input_grad) for _ in range(T)]
    dhs = [torch.randn(BATCH, RNN, dtype=dtype) for _ in range(T)]
    c0 = torch.zeros(BATCH, RNN, dtype=dtype)
    h0 = torch.zeros(BATCH, RNN, dtype=dtype)
    H = RNN

    def step():
        for p in params:
            p.grad = None
        c, h, hs = c0, h0, []
        for t in range(T):
            pre = i2h(xs[t]) + h2h(h)
            gates = torch.sigmoid(pre[:, :3 * H])
            in_transform = torch.tanh(pre[:, 3 * H:])
            in_gate, forget_gate, out_gate = gates[:, :H], gates[:, H:2 * H], gates[:, 2 * H:]
            c = forget_gate * c + in_gate * in_transform
            h = out_gate * torch.tanh(c)
            hs.append(h)
        torch.autograd.backward(hs, dhs)
        with torch.no_grad():
            for p in params:
                p.add_(p.grad, alpha=-LR)

    return timed_rate(step, seconds, T, cpu_time)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    add_common_options(ap, "make PyTorch also compute the gradient with respect to each step's x, "
                           'as nn does when something reads it (both skip it by default)')
    args = ap.parse_args()
    print_header(args)
    ours, ref = best_rates(
        args.rounds, args.threads, lambda t: luatorch_rate(args.seconds, t, args.cpu_time),
        (lambda t: pytorch_rate(args.seconds, t, args.cpu_time, args.pytorch_input_grad))
        if have_pytorch() else None)
    report('lstm', 'nngraph LSTM 128->256, batch 32, 20 steps, double', 'timesteps/s', args.threads,
           ours, ref, TARGET)

if __name__ == '__main__':
    main()
