"""Every differentiable primitive's gradients against central finite differences, from Python.

CASES has at least one case per primitive of kind DIFF (a test fails when one is added without
a case). Each case applies the primitive to boxed arguments, reduces the result to a number
with fixed random weights, runs the reverse pass and compares with finite differences of the
primitive's forward (the Torch op itself).
"""
import math

import numpy as np
import pytest

from luatorch.lib import tensor as T
from luatorch.lib import types
from luatorch.lib.autograd import core, engine, prims
from luatorch.lib.tensor import Tensor

P = prims.P
RNG = np.random.RandomState(7)


def tens(*shape, lo=None, hi=None, dtype=types.Double):
    if lo is None:
        a = RNG.randn(*shape)
    else:
        a = RNG.uniform(lo, hi, size=shape)
    return T.from_array(a, dtype)


def eye_plus(n):
    a = np.eye(n) * 3 + RNG.randn(n, n) * 0.3
    return T.from_array(a, types.Double)


def longs(*vals):
    return T.from_array(np.array(vals, dtype=np.int64), types.Long)


def mask(shape, p=0.5):
    return T.from_array((RNG.uniform(size=shape) < p).astype(np.uint8), types.Byte)


def distinct(*shape, shift=0.0):
    """Values far apart from each other (max, sort, clamp... are smooth around them)."""
    n = int(np.prod(shape))
    return T.from_array(RNG.permutation(n).reshape(shape) * 0.37 + 0.1 + shift, types.Double)


def idx2x3(*vals):
    return T.view(longs(*vals), (2, 3))


# (table, name, args factory, positions to differentiate)
CASES = [
    ('op', '__add', lambda: [tens(3, 4), tens(3, 4)], [0, 1]),
    ('op', '__add', lambda: [tens(3, 4), 1.5], [0, 1]),
    ('op', '__add', lambda: [2.0, tens(6)], [0, 1]),
    ('op', '__add', lambda: [tens(2, 3), tens(6)], [0, 1]),
    ('op', '__sub', lambda: [tens(3, 4), tens(3, 4)], [0, 1]),
    ('op', '__sub', lambda: [1.0, tens(5)], [0, 1]),
    ('op', '__mul', lambda: [tens(3, 4), tens(4, 2)], [0, 1]),
    ('op', '__mul', lambda: [tens(3, 4), tens(4)], [0, 1]),
    ('op', '__mul', lambda: [tens(4), tens(4)], [0, 1]),
    ('op', '__mul', lambda: [tens(3, 4), 2.5], [0, 1]),
    ('op', '__mul', lambda: [-1.5, tens(3, 4)], [0, 1]),
    ('op', '__mul', lambda: [1.5, 2.5], [0, 1]),
    ('op', '__div', lambda: [tens(3, 4), 2.5], [0, 1]),
    ('op', '__div', lambda: [1.5, 2.5], [0, 1]),
    ('op', '__unm', lambda: [tens(3, 4)], [0]),
    ('op', '__pow', lambda: [1.5, 2.5], [0, 1]),
    ('op', '__pow', lambda: [tens(5, lo=0.5, hi=2), 2.5], [0, 1]),
    ('op', '__mod', lambda: [tens(5, lo=0.1, hi=0.9), 2.0], [0]),
    ('torch', 'add', lambda: [tens(3, 4), tens(3, 4)], [0, 1]),
    ('torch', 'add', lambda: [tens(3, 4), 0.5, tens(12)], [0, 1, 2]),
    ('torch', 'add', lambda: [tens(3, 4), 1.5], [0, 1]),
    ('torch', 'csub', lambda: [tens(3, 4), tens(3, 4)], [0, 1]),
    ('torch', 'csub', lambda: [tens(3, 4), 0.5, tens(3, 4)], [0, 1, 2]),
    ('torch', 'mul', lambda: [tens(3, 4), 1.7], [0, 1]),
    ('torch', 'div', lambda: [tens(3, 4), 1.7], [0, 1]),
    ('torch', 'cmul', lambda: [tens(3, 4), tens(3, 4)], [0, 1]),
    ('torch', 'cmul', lambda: [tens(3, 4), tens(12)], [0, 1]),
    ('torch', 'cdiv', lambda: [tens(3, 4), tens(3, 4, lo=0.5, hi=2)], [0, 1]),
    ('torch', 'pow', lambda: [tens(3, 4, lo=0.5, hi=2), 1.7], [0, 1]),
    ('torch', 'pow', lambda: [1.7, tens(3, 4)], [0, 1]),
    ('torch', 'cpow', lambda: [tens(5, lo=0.5, hi=2), tens(5)], [0, 1]),
    ('torch', 'exp', lambda: [tens(3, 4)], [0]),
    ('torch', 'exp', lambda: [0.7], [0]),
    ('torch', 'log', lambda: [tens(3, 4, lo=0.5, hi=2)], [0]),
    ('torch', 'log1p', lambda: [tens(3, 4, lo=0.5, hi=2)], [0]),
    ('torch', 'sqrt', lambda: [tens(3, 4, lo=0.5, hi=2)], [0]),
    ('torch', 'rsqrt', lambda: [tens(3, 4, lo=0.5, hi=2)], [0]),
    ('torch', 'sin', lambda: [tens(3, 4)], [0]),
    ('torch', 'cos', lambda: [tens(3, 4)], [0]),
    ('torch', 'tan', lambda: [tens(3, 4, lo=-1, hi=1)], [0]),
    ('torch', 'sinh', lambda: [tens(3, 4)], [0]),
    ('torch', 'cosh', lambda: [tens(3, 4)], [0]),
    ('torch', 'tanh', lambda: [tens(3, 4)], [0]),
    ('torch', 'tanh', lambda: [0.3], [0]),
    ('torch', 'asin', lambda: [tens(3, 4, lo=-0.9, hi=0.9)], [0]),
    ('torch', 'acos', lambda: [tens(3, 4, lo=-0.9, hi=0.9)], [0]),
    ('torch', 'atan', lambda: [tens(3, 4)], [0]),
    ('torch', 'sigmoid', lambda: [tens(3, 4)], [0]),
    ('torch', 'abs', lambda: [distinct(3, 4, shift=-2.05)], [0]),
    ('torch', 'neg', lambda: [tens(3, 4)], [0]),
    ('torch', 'cinv', lambda: [tens(3, 4, lo=0.5, hi=2)], [0]),
    ('torch', 'frac', lambda: [tens(3, 4, lo=0.1, hi=0.9)], [0]),
    ('torch', 'atan2', lambda: [tens(3, 4), tens(3, 4)], [0, 1]),
    ('torch', 'fmod', lambda: [tens(5, lo=0.1, hi=0.9), 2.0], [0]),
    ('torch', 'remainder', lambda: [tens(5, lo=0.1, hi=0.9), 2.0], [0]),
    ('torch', 'clamp', lambda: [distinct(3, 4, shift=-2.05), -1.0, 1.0], [0]),
    ('torch', 'lerp', lambda: [tens(3, 4), tens(3, 4), 0.3], [0, 1, 2]),
    ('torch', 'addcmul', lambda: [tens(3, 4), tens(3, 4), tens(3, 4)], [0, 1, 2]),
    ('torch', 'addcmul', lambda: [tens(3, 4), 0.7, tens(3, 4), tens(3, 4)], [0, 1, 2, 3]),
    ('torch', 'addcdiv', lambda: [tens(3, 4), tens(3, 4), tens(3, 4, lo=0.5, hi=2)], [0, 1, 2]),
    ('torch', 'addcdiv', lambda: [tens(3, 4), 0.7, tens(3, 4), tens(3, 4, lo=0.5, hi=2)],
     [0, 1, 2, 3]),
    ('torch', 'mm', lambda: [tens(3, 4), tens(4, 5)], [0, 1]),
    ('torch', 'mv', lambda: [tens(3, 4), tens(4)], [0, 1]),
    ('torch', 'ger', lambda: [tens(3), tens(4)], [0, 1]),
    ('torch', 'bmm', lambda: [tens(2, 3, 4), tens(2, 4, 5)], [0, 1]),
    ('torch', 'dot', lambda: [tens(5), tens(5)], [0, 1]),
    ('torch', 'addmm', lambda: [tens(3, 5), tens(3, 4), tens(4, 5)], [0, 1, 2]),
    ('torch', 'addmm', lambda: [0.5, tens(3, 5), 1.5, tens(3, 4), tens(4, 5)], [0, 1, 2, 3, 4]),
    ('torch', 'addmv', lambda: [tens(3), tens(3, 4), tens(4)], [0, 1, 2]),
    ('torch', 'addmv', lambda: [0.5, tens(3), tens(3, 4), tens(4)], [0, 1, 2, 3]),
    ('torch', 'addr', lambda: [tens(3, 4), tens(3), tens(4)], [0, 1, 2]),
    ('torch', 'baddbmm', lambda: [tens(2, 3, 5), tens(2, 3, 4), tens(2, 4, 5)], [0, 1, 2]),
    ('torch', 'baddbmm', lambda: [0.5, tens(2, 3, 5), 1.5, tens(2, 3, 4), tens(2, 4, 5)],
     [0, 1, 2, 3, 4]),
    ('torch', 'addbmm', lambda: [tens(3, 5), tens(2, 3, 4), tens(2, 4, 5)], [0, 1, 2]),
    ('torch', 'inverse', lambda: [eye_plus(4)], [0]),
    ('torch', 'sum', lambda: [tens(3, 4)], [0]),
    ('torch', 'sum', lambda: [tens(3, 4), 2], [0]),
    ('torch', 'mean', lambda: [tens(3, 4)], [0]),
    ('torch', 'mean', lambda: [tens(3, 4), 1], [0]),
    ('torch', 'max', lambda: [distinct(3, 4)], [0]),
    ('torch', 'max', lambda: [distinct(3, 4), 2], [0]),
    ('torch', 'min', lambda: [distinct(3, 4)], [0]),
    ('torch', 'min', lambda: [distinct(3, 4), 1], [0]),
    ('torch', 'cmax', lambda: [distinct(3, 4), distinct(3, 4, shift=0.05)], [0, 1]),
    ('torch', 'cmin', lambda: [distinct(3, 4), distinct(3, 4, shift=0.05)], [0, 1]),
    ('torch', 'prod', lambda: [tens(2, 3, lo=0.5, hi=2)], [0]),
    ('torch', 'prod', lambda: [tens(2, 3, lo=0.5, hi=2), 2], [0]),
    ('torch', 'var', lambda: [tens(3, 4)], [0]),
    ('torch', 'var', lambda: [tens(3, 4), 2], [0]),
    ('torch', 'var', lambda: [tens(3, 4), 1, True], [0]),
    ('torch', 'std', lambda: [tens(3, 4)], [0]),
    ('torch', 'std', lambda: [tens(3, 4), 1], [0]),
    ('torch', 'norm', lambda: [tens(3, 4)], [0]),
    ('torch', 'norm', lambda: [tens(3, 4), 3], [0]),
    ('torch', 'norm', lambda: [tens(3, 4), 2, 2], [0]),
    ('torch', 'dist', lambda: [tens(3, 4), tens(3, 4)], [0, 1]),
    ('torch', 'cumsum', lambda: [tens(3, 4), 2], [0]),
    ('torch', 'cumsum', lambda: [tens(3, 4)], [0]),
    ('util', 'rcumsum', lambda: [tens(3, 4), 2], [0]),
    ('torch', 'trace', lambda: [tens(4, 4)], [0]),
    ('torch', 'tril', lambda: [tens(4, 4)], [0]),
    ('torch', 'triu', lambda: [tens(4, 4), 1], [0]),
    ('torch', 'diag', lambda: [tens(4)], [0]),
    ('torch', 'diag', lambda: [tens(4, 4), 1], [0]),
    ('util', 'diagScatter', lambda: [tens(3), tens(4, 4), 1], [0]),
    ('torch', 'view', lambda: [tens(3, 4), 2, 6], [0]),
    ('torch', 'viewAs', lambda: [tens(3, 4), tens(12)], [0, 1]),
    ('torch', 'reshape', lambda: [tens(3, 4), 4, 3], [0]),
    ('torch', 'squeeze', lambda: [tens(3, 1, 4)], [0]),
    ('torch', 'squeeze', lambda: [tens(1, 1)], [0]),
    ('torch', 'unsqueeze', lambda: [tens(3, 4), 2], [0]),
    ('torch', 'contiguous', lambda: [tens(3, 4)], [0]),
    ('torch', 'clone', lambda: [tens(3, 4)], [0]),
    ('torch', 'expand', lambda: [tens(3, 1), 3, 4], [0]),
    ('torch', 'expandAs', lambda: [tens(1, 4), tens(3, 4)], [0, 1]),
    ('torch', 'transpose', lambda: [tens(3, 4, 2), 1, 3], [0]),
    ('torch', 't', lambda: [tens(3, 4)], [0]),
    ('torch', 'permute', lambda: [tens(2, 3, 4), 3, 1, 2], [0]),
    ('torch', 'select', lambda: [tens(3, 4), 2, 3], [0]),
    ('torch', 'select', lambda: [tens(4), 1, 2], [0]),
    ('torch', 'narrow', lambda: [tens(3, 4), 2, 2, 2], [0]),
    ('torch', 'index', lambda: [tens(4, 3), 1, longs(2, 4, 2)], [0]),
    ('util', 'selectSliceCopy', lambda: [tens(4), tens(3, 4), 1, 2], [0, 1]),
    ('util', 'narrowSliceCopy', lambda: [tens(3, 2), tens(3, 4), 2, 2, 2], [0, 1]),
    ('util', 'indexAdd', lambda: [tens(3, 3), tens(4, 3), 1, longs(2, 4, 2)], [0, 1]),
    ('util', 'scatterAdd', lambda: [tens(2, 3), tens(4, 3), 1, idx2x3(1, 4, 4, 2, 1, 1)], [0, 1]),
    ('torch', 'gather', lambda: [tens(4, 3), 1, idx2x3(1, 4, 4, 2, 1, 1)], [0]),
    ('torch', 'scatter', lambda: [tens(4, 3), 1, idx2x3(1, 4, 3, 2, 1, 2), tens(2, 3)], [0, 3]),
    ('torch', 'cat', lambda: [tens(3, 4), tens(2, 4), 1], [0, 1]),
    ('torch', 'cat', lambda: [tens(3, 4), tens(3, 2)], [0, 1]),
    ('torch', 'cat', lambda: [[tens(3), tens(2), tens(4)]], [0]),
    ('util', 'cat', lambda: [[tens(2, 3), tens(2, 3)], 1], [0]),
    ('util', 'cat', lambda: [[1.5, 2.5, 3.5]], [0]),
    ('torch', 'repeatTensor', lambda: [tens(2, 3), 2, 2], [0]),
    ('torch', 'repeatTensor', lambda: [tens(2, 3), 2, 1, 3], [0]),
    ('torch', 'sort', lambda: [distinct(3, 4)], [0]),
    ('torch', 'sort', lambda: [distinct(3, 4), 1, True], [0]),
    ('torch', 'topk', lambda: [distinct(3, 5), 2], [0]),
    ('torch', 'kthvalue', lambda: [distinct(3, 5), 2], [0]),
    ('torch', 'median', lambda: [distinct(3, 5)], [0]),
    ('torch', 'mode', lambda: [distinct(3, 5)], [0]),
    ('torch', 'maskedSelect', lambda: [tens(3, 4), mask((3, 4))], [0]),
    ('util', 'maskedSelectGrad', lambda: [tens(5), tens(3, 4),
                                          T.from_array(np.array([[1, 0, 1, 0], [0, 1, 1, 0],
                                                                 [0, 0, 0, 1]], np.uint8),
                                                       types.Byte)], [0, 1]),
    ('torch', 'typeAs', lambda: [tens(3, 4), tens(2)], [0, 1]),
    ('torch', 'double', lambda: [tens(3, 4)], [0]),
    ('torch', 'float', lambda: [tens(3, 4)], [0]),
    ('torch', 'type', lambda: [tens(3, 4), 'torch.DoubleTensor'], [0]),
    ('torch', 'copy', lambda: [tens(3, 4), tens(12)], [0, 1]),
    ('node', 'index_get', lambda: [tens(3, 4), 2], [0]),
    ('node', 'index_get', lambda: [tens(3, 4), [2, 3]], [0]),
    ('node', 'index_get', lambda: [tens(4), 3], [0]),
    ('node', 'index_set', lambda: [tens(3, 4), 2, tens(4)], [0, 2]),
    ('node', 'index_set', lambda: [tens(3, 4), [2, 3], 1.5], [0, 2]),
    ('node', 'index_set', lambda: [tens(4), 1, 0.5], [0, 2]),
    ('util', 'indexGetGrad', lambda: [tens(4), tens(3, 4), 2], [0, 1]),
    ('util', 'indexZero', lambda: [tens(3, 4), 2], [0]),
    ('util', 'fill', lambda: [tens(3, 4), 0.7], [0, 1]),
]

FLOAT_ONLY = {('torch', 'float')}  # computes in single precision: looser tolerance


def _weights(v):
    if type(v) is Tensor:
        return T.from_array(RNG.uniform(0.5, 1.5, size=v.size), types.Double)
    return 0.77


def _scalar_raw(out, w):
    if type(out) is tuple:
        out = out[0]
    if type(out) is Tensor:
        return float((out.arr().astype(np.float64) * w.arr()).sum())
    return float(out) * w


def _scalar_boxed(out, w):
    if type(out) is tuple:
        out = out[0]
    if type(core.raw(out)) is Tensor:
        return P.sum(P.cmul(P.double(out), w))
    return P.__mul(out, w)


STEP = [1e-6]


def _fd(f):
    h = STEP[0]
    return (f(h / 2) - f(-h / 2)) / h


def _fd_tensor(prim, args, a, w):
    """Finite differences over the elements of tensor a (an argument, or in one), in place."""
    g = np.zeros(a.size)
    arr = a.arr()
    for idx in np.ndindex(*a.size):
        old = arr[idx]

        def f(d):
            arr[idx] = old + d
            return _scalar_raw(prim.fwd(*args), w)
        g[idx] = _fd(f)
        arr[idx] = old
    return g


def _fd_number(prim, args, pos, sub, w):
    def f(d):
        a = list(args)
        if sub is None:
            a[pos] = args[pos] + d
        else:
            lst = list(args[pos])
            lst[sub] = lst[sub] + d
            a[pos] = lst
        return _scalar_raw(prim.fwd(*a), w)
    return _fd(f)


def numeric_grad(prim, args, pos, w):
    a = args[pos]
    if type(a) is list:
        return [_fd_tensor(prim, args, x, w) if type(x) is Tensor else
                _fd_number(prim, args, pos, i, w) for i, x in enumerate(a)]
    if type(a) is Tensor:
        return _fd_tensor(prim, args, a, w)
    return _fd_number(prim, args, pos, None, w)


def analytic_grads(prim, args, wrt, w):
    tr = core.Trace()
    boxed = list(args)
    leaves = []
    for pos in wrt:
        a = args[pos]
        if type(a) is list:
            boxed[pos] = [core.Box(x, tr) for x in a]
            leaves.extend(boxed[pos])
        else:
            boxed[pos] = core.Box(a, tr)
            leaves.append(boxed[pos])
    tr.leaves = leaves
    out = prim(*boxed)
    s = _scalar_boxed(out, w)
    return engine.gradients(tr, s)


def _as_np(g):
    return g.arr().astype(np.float64) if type(g) is Tensor else np.float64(g)


def _ids(case):
    return '%s.%s' % (case[0], case[1])


@pytest.mark.parametrize('case', CASES, ids=[_ids(c) + '-%d' % i for i, c in enumerate(CASES)])
def test_gradient_matches_finite_differences(case):
    table, name, make, wrt = case
    prim = prims.BY_NAME[(table, name)]
    args = make()
    out = prim.fwd(*args)
    w = _weights(out[0] if type(out) is tuple else out)
    grads = analytic_grads(prim, args, wrt, w)
    k = 0
    tol = 1e-3 if (table, name) in FLOAT_ONLY else 1e-5
    STEP[0] = 1e-2 if (table, name) in FLOAT_ONLY else 1e-6
    for pos in wrt:
        num = numeric_grad(prim, args, pos, w)
        if type(args[pos]) is list:
            for i, n in enumerate(num):
                ana = _as_np(grads[k])
                k += 1
                assert np.allclose(ana, n, rtol=tol, atol=tol), (pos, i, ana, n)
        else:
            ana = _as_np(grads[k])
            k += 1
            assert np.shape(ana) == np.shape(num) or np.size(ana) == np.size(num)
            assert np.allclose(np.reshape(ana, np.shape(num)), num, rtol=tol, atol=tol), \
                (pos, ana, num)


def test_every_differentiable_primitive_has_a_case():
    covered = {(c[0], c[1]) for c in CASES}
    missing = [(p.table, p.name) for p in prims.PRIMS
               if p.kind == core.DIFF and p.table in ('torch', 'op', 'util', 'node')
               and (p.table, p.name) not in covered]
    assert missing == []


@pytest.mark.parametrize('name', ['lt', 'gt', 'eq', 'ne', 'floor', 'sign'])
def test_zero_gradient_primitives_stop_the_gradient(name):
    prim = prims.BY_NAME[('torch', name)]
    x = tens(3, 4)
    tr = core.Trace()
    b = core.Box(x, tr)
    tr.leaves = [b]
    args = (b, 0.1) if name in ('lt', 'gt', 'eq', 'ne') else (b,)
    out = prim(*args)
    s = P.__add(P.sum(P.cmul(P.double(out), x)), P.sum(b))
    g = engine.gradients(tr, s)[0]
    assert np.allclose(g.arr(), 1.0)


def test_second_order_through_nested_traces():
    # f(x) = sum(x^3): gradient 3x^2; the derivative of sum(gradient) is 6x
    x = tens(5)
    outer = core.Trace()
    bo = core.Box(x, outer)
    outer.leaves = [bo]
    inner = core.Trace()
    bi = core.Box(bo, inner)
    inner.leaves = [bi]
    y = P.sum(P.pow(bi, 3))
    g = engine.gradients(inner, y)[0]
    assert np.allclose(core.raw(g).arr(), 3 * x.arr() ** 2)
    gg = engine.gradients(outer, P.sum(g))[0]
    assert np.allclose(gg.arr(), 6 * x.arr())


def test_missing_gradient_is_an_error():
    from luatorch.lib.errors import TorchError
    prim = prims.BY_NAME[('torch', 'clamp')]
    tr = core.Trace()
    lo = core.Box(-0.5, tr)
    tr.leaves = [lo]
    out = prim(tens(3), lo, 0.5)
    with pytest.raises(TorchError, match='missing gradient for argument 2 in function torch.clamp'):
        engine.gradients(tr, P.sum(out))


def test_unused_leaves_get_zero_gradients():
    tr = core.Trace()
    a, b = core.Box(tens(3), tr), core.Box(2.0, tr)
    c = core.Box(tens(2, 2), tr)
    tr.leaves = [a, b, c]
    g = engine.gradients(tr, P.sum(a))
    assert np.allclose(g[0].arr(), 1) and g[1] == 0.0 and np.allclose(g[2].arr(), 0)
    assert g[2].size == (2, 2)


def test_output_must_be_a_node_and_a_number():
    from luatorch.lib.errors import TorchError
    tr = core.Trace()
    a = core.Box(tens(3), tr)
    tr.leaves = [a]
    with pytest.raises(TorchError, match='A node type was not returned'):
        engine.gradients(tr, 3.0)
    tr = core.Trace()
    a = core.Box(tens(3), tr)
    tr.leaves = [a]
    with pytest.raises(TorchError, match='Output is not scalar'):
        engine.gradients(tr, P.exp(a))
    assert core.depth() == 0 or all(not t.live for t in core.ACTIVE)
