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
    ap.add_argument('--repeat', type=int, default=11)
    ap.add_argument('--dir', default=tempfile.gettempdir())
    args = ap.parse_args()

    import torch as pt
    import luatorch

    rng = np.random.default_rng(0)
    data = rng.integers(0, 256, (20000, 3, 32, 32), dtype=np.uint8)
    label = rng.integers(0, 10, 20000, dtype=np.uint8)
    nbytes = data.nbytes + label.nbytes

    rt = luatorch.Runtime()
    rt.execute("bench_obj = {data = torch.ByteTensor(20000, 3, 32, 32), label = torch.ByteTensor(20000)}")
    rt.eval('bench_obj.data').arr()[...] = data
    rt.eval('bench_obj.label').arr()[...] = label
    lt_path = os.path.join(args.dir, 'bench_serialize_%d.t7' % os.getpid())
    pt_path = os.path.join(args.dir, 'bench_serialize_%d.pt' % os.getpid())
    lt_save = rt.eval('function(p) torch.save(p, bench_obj) end')
    lt_load = rt.eval('function(p) bench_back = torch.load(p) end')
    # what was loaded is dropped before the next load, untimed, for both: Lua frees it when it
    # collects, Python at once
    lt_drop = rt.eval('function() bench_back = nil collectgarbage() collectgarbage() end')
    pt_obj = {'data': pt.from_numpy(data.copy()), 'label': pt.from_numpy(label.copy())}
    pt_back = {}

    def pt_load():
        pt_back['x'] = pt.load(pt_path)

    times = {}
    try:
        for i in range(args.repeat):
            for name, fn in (('luatorch save', lambda: lt_save(lt_path.encode())),
                             ('pytorch save', lambda: pt.save(pt_obj, pt_path)),
                             ('luatorch load', lambda: lt_load(lt_path.encode())),
                             ('pytorch load', pt_load)):
                times.setdefault(name, []).append(best(fn, 1))
            back_data = rt.eval('bench_back.data').arr()
            back_label = rt.eval('bench_back.label').arr()
            assert np.array_equal(back_data, data) and np.array_equal(back_label, label)
            assert np.array_equal(pt_back['x']['data'].numpy(), data)
            del back_data, back_label
            lt_drop()
            pt_back.clear()
        assert os.path.getsize(lt_path) >= nbytes
    finally:
        for p in (lt_path, pt_path):
            if os.path.exists(p):
                os.remove(p)

    res = {k: min(v) for k, v in times.items()}
    med = {k: sorted(v)[len(v) // 2] for k, v in times.items()}
    mbs = {k: nbytes / v / 1e6 for k, v in res.items()}
    print('object: {data = ByteTensor(20000,3,32,32), label = ByteTensor(20000)}: %.1f MB, best and median of %d'
          % (nbytes / 1e6, args.repeat))
    for k in ('luatorch save', 'pytorch save', 'luatorch load', 'pytorch load'):
        print('%-14s %8.1f ms  %8.0f MB/s   (median %6.1f ms)' % (k, res[k] * 1e3, mbs[k], med[k] * 1e3))
    for what, target in (('save', 1.5), ('load', 2.0)):
        a, b = 'luatorch ' + what, 'pytorch ' + what
        print('%s ratio (luatorch / pytorch): %.2fx best, %.2fx median (target %.1fx)' % (
            what, res[b] / res[a], med[b] / med[a], target))


if __name__ == '__main__':
    main()
