"""torch.save / torch.load speed of luatorch beside PyTorch's, in the same run.

The object is issue 5's: {data = ByteTensor(20000,3,32,32), label = ByteTensor(20000)} (61.5 MB).
luatorch saves and loads it through Lua (torch.save / torch.load in a Runtime); PyTorch saves and
loads the same bytes as torch.uint8 tensors. Runs are interleaved and the best of --repeat is kept
for each, so that the two are measured under the same machine load.

    python benchmarks/bench_serialize.py [--repeat 7] [--dir /tmp]
"""
import argparse
import os
import tempfile
import time

import numpy as np


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--repeat', type=int, default=7)
    ap.add_argument('--dir', default=tempfile.gettempdir())
    args = ap.parse_args()

    import torch as pt
    import luatorch

    rng = np.random.default_rng(0)
    data = rng.integers(0, 256, (20000, 3, 32, 32), dtype=np.uint8)
    label = rng.integers(0, 10, 20000, dtype=np.uint8)
    nbytes = data.nbytes + label.nbytes

    rt = luatorch.Runtime()
    rt.execute("""
      local data, label = ...
      bench_obj = {data = torch.ByteTensor(20000, 3, 32, 32), label = torch.ByteTensor(20000)}
    """)
    rt.eval('bench_obj.data').arr()[...] = data
    rt.eval('bench_obj.label').arr()[...] = label
    lt_path = os.path.join(args.dir, 'bench_serialize_%d.t7' % os.getpid())
    pt_path = os.path.join(args.dir, 'bench_serialize_%d.pt' % os.getpid())
    lt_save = rt.eval('function(p) torch.save(p, bench_obj) end')
    lt_load = rt.eval('function(p) bench_back = torch.load(p) end')
    pt_obj = {'data': pt.from_numpy(data.copy()), 'label': pt.from_numpy(label.copy())}

    res = {}
    try:
        for _ in range(args.repeat):
            for name, fn in (('luatorch save', lambda: lt_save(lt_path.encode())),
                             ('pytorch save', lambda: pt.save(pt_obj, pt_path)),
                             ('luatorch load', lambda: lt_load(lt_path.encode())),
                             ('pytorch load', lambda: pt.load(pt_path))):
                t = best(fn, 1)
                res[name] = min(res.get(name, t), t)
        back_data = rt.eval('bench_back.data').arr()
        back_label = rt.eval('bench_back.label').arr()
        assert np.array_equal(back_data, data) and np.array_equal(back_label, label)
        assert os.path.getsize(lt_path) >= nbytes
    finally:
        for p in (lt_path, pt_path):
            if os.path.exists(p):
                os.remove(p)

    mbs = {k: nbytes / v / 1e6 for k, v in res.items()}
    print('object: {data = ByteTensor(20000,3,32,32), label = ByteTensor(20000)}: %.1f MB' % (nbytes / 1e6))
    for k in ('luatorch save', 'pytorch save', 'luatorch load', 'pytorch load'):
        print('%-14s %8.1f ms  %8.0f MB/s' % (k, res[k] * 1e3, mbs[k]))
    print('save ratio (luatorch / pytorch): %.2fx (target 1.5x)' % (mbs['luatorch save'] / mbs['pytorch save']))
    print('load ratio (luatorch / pytorch): %.2fx (target 2x)' % (mbs['luatorch load'] / mbs['pytorch load']))


if __name__ == '__main__':
    main()
