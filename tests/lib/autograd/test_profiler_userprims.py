"""The direct-mode profiler and primitives declared from Lua (autograd.overload.module), from
Python: timings per operation and line, the report's format, and user primitives' kinds."""
import math

import pytest

from luatorch.lib import tensor as T, types
from luatorch.lib.autograd import engine
from luatorch.lib.autograd.core import MISSING
from luatorch.lib.autograd.nnprims import user_prim
from luatorch.lib.autograd.prims import P
from luatorch.lib.autograd.profiler import Profiler, summary
from luatorch.lib.errors import TorchError


def vec(*xs):
    t = T.empty(types.Double, (len(xs),))
    t.arr()[:] = xs
    return t


def test_profiler_times_ops_of_a_direct_call():
    lines = iter(['a.lua:3', 'a.lua:3', 'a.lua:4'] * 10)
    prof = Profiler(lambda: next(lines))
    x = vec(1, 2, 3)
    for _ in range(2):
        tr = engine.begin(prof)
        (b,) = engine.leaves(tr, [x])
        out = P.sum(P.tanh(P.exp(b)))
        g = engine.gradients(tr, out)
        prof.cycle()
    assert abs(g[0].arr()[0] - math.exp(1) * (1 - math.tanh(math.exp(1)) ** 2)) < 1e-12
    names = {(e.name, e.line) for e in prof.entries}
    assert names == {('torch.exp', 'a.lua:3'), ('torch.tanh', 'a.lua:3'), ('torch.sum', 'a.lua:4')}
    assert all(e.forward > 0 and e.backward > 0 for e in prof.entries)
    rep = prof.report('detailed').split('\n')
    assert rep[0] == '' and rep[-1] == ''
    assert rep[1].startswith('[autograd] average forward time: ')
    rows = [r for r in rep if r.startswith('[autograd] torch.')]
    assert len(rows) == 3 and all(len(r.split('\t')) == 5 for r in rows)
    assert 'torch.' not in prof.report('summary')


def test_optimized_summary_text():
    s = summary({'calls': 10, 'cacheHits': 8, 'cacheMisses': 1, 'codegenTime': 0.02,
                 'executionTime': 0.008, 'externalTime': 0.01})
    assert '[autograd] code cache hit rate: 80%' in s
    assert '[autograd] generated code paths: 1' in s
    assert 'exec time:     average=1.00ms total=0.01s' in s


def test_user_prim_kinds():
    x = vec(1, 2)
    cube = user_prim('m.cube', 'gradient', lambda v: P.pow(v, 3),
                     [lambda g, ans, v: P.cmul(g, P.mul(P.cmul(v, v), 3))])
    assert cube.vjps[0] is not MISSING and cube.vjps[1] is MISSING
    tr = engine.begin()
    (b,) = engine.leaves(tr, [x])
    g = engine.gradients(tr, P.sum(cube(b)))
    assert list(g[0].arr()) == [3, 12]

    dyn = user_prim('m.dyn', 'dynamic', lambda v: P.mul(v, 2))
    tr = engine.begin()
    (b,) = engine.leaves(tr, [x])
    with pytest.raises(TorchError, match='missing gradient for argument 1 in function m.dyn'):
        engine.gradients(tr, P.sum(dyn(b)))

    static = user_prim('m.n', 'static', lambda v: v.nelement())
    tr = engine.begin()
    (b,) = engine.leaves(tr, [x])
    assert static(b) == 2
    engine.close(tr)
    with pytest.raises(TorchError, match='unknown kind'):
        user_prim('m.z', 'sideways', lambda v: v)
