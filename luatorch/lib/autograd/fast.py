"""Array kernels for compiled programs (optimized mode).

A program is compiled for fixed argument types and sizes, so a step whose arguments are Float
or Double tensors can skip the op layer's dispatch (argument forms, result allocation, type
checks): it runs on the numpy arrays directly. Each factory here gets the step's argument
descriptions and returns `(fn, kind)` or None (then the step calls the op through the op table
as usual). `kind`: 'a' a new array, 'v' an array that may share memory with an argument,
'n' a number.

Results follow the op layer: elementwise maths in the tensor's type, FloatTensor
transcendental functions as pointwise._UNARY computes them, Float/Double mm, mv, ger, dot and
`*` through blas.py's ops (TH's BLAS calls, the same bits). Sums use numpy's (pairwise)
summation: faster than the op layer's element-after-element order, so a compiled sum may differ
from torch.sum in the last bits.
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from .. import blas, pointwise, types
from .. import tensor as T
from ..storage import Storage
from ..tensor import Tensor

FAST = {}
_F64 = np.dtype(np.float64)


def as_tensor(a, tt, fresh=False):
    """A tensor over the numpy array a, with a's geometry (strides included, so that the op
    layer computes on it exactly as on the tensor the program was captured with)."""
    it = a.itemsize
    if a.flags.c_contiguous:
        flat = a.reshape(-1)
        strides = T.contiguous_strides(a.shape)
    elif all(s >= 0 and s % it == 0 for s in a.strides):
        span = 1 + sum((n - 1) * s // it for n, s in zip(a.shape, a.strides)) if a.size else 0
        flat = as_strided(a, (span,), (it,))
        strides = tuple(s // it for s in a.strides)
    else:
        a = np.ascontiguousarray(a)
        flat = a.reshape(-1)
        strides = T.contiguous_strides(a.shape)
        fresh = True
    t = Tensor(tt, Storage(tt, data=flat, view=not fresh), 0, a.shape, strides)
    return t.set_arr_cache(a)


def out_tensor(a, tt):
    """A tensor owning a copy of array a (results must not share memory with arguments)."""
    return as_tensor(np.array(a, order='C'), tt, True)


def fresh_tensor(a, tt):
    return as_tensor(a, tt, True)

_TT = {t.dtype: t for t in types.TYPES}


def fast(*names, table='torch'):
    def deco(factory):
        for n in names:
            FAST[(table, n)] = factory
        return factory
    return deco


# argument descriptions: ('a', dtype, shape) an array, ('n',) a number, ('c', value) other

def _arrays(am):
    return [m for m in am if m[0] == 'a']


def _same_type(am):
    arrs = _arrays(am)
    return len({m[1] for m in arrs}) <= 1 and all(m[0] in ('a', 'n') for m in am)


def _shape_fix(sa, sb):
    """b brought to a's shape (Torch: same number of elements, a's shape wins)."""
    if sa == sb:
        return None
    return sa


def _binary(ufunc):
    def factory(am, out):
        if len(am) != 2 or not _same_type(am):
            return None
        ka, kb = am[0][0], am[1][0]
        if ka == 'a' and kb == 'a':
            sa, sb = am[0][2], am[1][2]
            if sa == sb:
                return (lambda a, b: ufunc(a, b)), 'a'
            if int(np.prod(sa)) != int(np.prod(sb)):
                return None
            return (lambda a, b: ufunc(a, b.reshape(sa))), 'a'
        if ka == 'a' and kb == 'n':
            dt = am[0][1]
            return (lambda a, n: ufunc(a, dt.type(n))), 'a'
        if ka == 'n' and kb == 'a':
            dt = am[1][1]
            return (lambda n, b: ufunc(dt.type(n), b)), 'a'
        return None
    return factory


fast('__add', table='op')(_binary(np.add))
fast('__sub', table='op')(_binary(np.subtract))
fast('cmul')(_binary(np.multiply))
fast('cdiv')(_binary(np.divide))
fast('mul')(lambda am, out: _binary(np.multiply)(am, out) if am and am[0][0] == 'a' else None)
fast('div')(lambda am, out: _binary(np.divide)(am, out) if am and am[0][0] == 'a' else None)


@fast('__div', table='op')
def _div_op(am, out):
    if len(am) == 2 and am[0][0] == 'a' and am[1][0] == 'n':
        return _binary(np.divide)(am, out)
    return None


def _addsub(ufunc):
    def factory(am, out):
        if not _same_type(am):
            return None
        if len(am) == 2:
            if am[0][0] == 'a':
                return _binary(ufunc)(am, out)
            return None
        if len(am) == 3 and am[0][0] == 'a' and am[1][0] == 'n' and am[2][0] == 'a':
            dt = am[0][1]
            sa = am[0][2]
            reshape = am[2][2] != sa
            if reshape and int(np.prod(sa)) != int(np.prod(am[2][2])):
                return None

            def f(a, v, b):
                if reshape:
                    b = b.reshape(sa)
                return ufunc(a, np.multiply(dt.type(v), b))
            return f, 'a'
        return None
    return factory


fast('add')(_addsub(np.add))
fast('csub')(_addsub(np.subtract))


def _th_product(name, am, numpy_fn, kind):
    """blas.NAME on tensors over host arrays: Float/Double products make TH's BLAS calls there
    (their bits depend on the call's structure); other types and device arrays keep
    numpy_fn."""
    tt = _TT.get(am[0][1])
    if tt is None or not tt.is_float:
        return numpy_fn, kind
    op = getattr(blas, name)

    def f(a, b):
        if type(a) is not np.ndarray or type(b) is not np.ndarray:
            return numpy_fn(a, b)
        if kind == 'n':
            return op(as_tensor(a, tt), as_tensor(b, tt))
        return op(None, as_tensor(a, tt), as_tensor(b, tt)).arr()
    return f, kind


@fast('__mul', table='op')
def _mul_op(am, out):
    if len(am) != 2 or not _same_type(am):
        return None
    ka, kb = am[0][0], am[1][0]
    if ka == 'a' and kb == 'a':
        da, db = len(am[0][2]), len(am[1][2])
        # (as pointwise._matmul: Float/Double through blas.py's TH calls)
        if (da, db) == (2, 2):
            return _th_product('mm', am, lambda a, b: np.matmul(a, b), 'a')
        if (da, db) == (2, 1):
            return _th_product('mv', am, lambda a, b: np.dot(a, b), 'a')
        if (da, db) == (1, 1):
            return _th_product('dot', am, lambda a, b: float(np.dot(a, b)), 'n')
        return None
    return _binary(np.multiply)(am, out)


@fast('mm')
def _mm(am, out):
    if len(am) == 2 and _same_type(am) and all(m[0] == 'a' and len(m[2]) == 2 for m in am):
        return _th_product('mm', am, lambda a, b: np.matmul(a, b), 'a')
    return None


@fast('mv')
def _mv(am, out):
    if len(am) == 2 and _same_type(am) and am[0][0] == 'a' and am[1][0] == 'a':
        return _th_product('mv', am, lambda a, b: np.dot(a, b), 'a')
    return None


@fast('ger')
def _ger(am, out):
    if len(am) == 2 and _same_type(am) and am[0][0] == 'a' and am[1][0] == 'a':
        return _th_product('ger', am, lambda a, b: np.multiply.outer(a, b), 'a')
    return None


@fast('dot')
def _dot(am, out):
    if len(am) == 2 and _same_type(am) and am[0][0] == 'a' and am[1][0] == 'a':
        return _th_product('dot', am, lambda a, b: float(np.dot(a.reshape(-1), b.reshape(-1))),
                           'n')
    return None


@fast('__unm', table='op')
def _unm(am, out):
    if am and am[0][0] == 'a':
        return (lambda a, b=None: np.negative(a)), 'a'
    return None


@fast('neg')
def _neg(am, out):
    if len(am) == 1 and am[0][0] == 'a':
        return (lambda a: np.negative(a)), 'a'
    return None


def _unary(name):
    fn64 = pointwise._UNARY[name]
    exact = name in pointwise._EXACT

    def factory(am, out):
        if len(am) != 1 or am[0][0] != 'a':
            return None
        dt = am[0][1]
        if dt == _F64 or exact:
            return (lambda a: fn64(a)), 'a'
        if name == 'sigmoid':      # as the op layer: 1.0f / (1.0f + expf(-x))
            one = dt.type(1)
            return (lambda a: np.divide(one, np.add(one, np.exp(np.negative(a).astype(_F64))
                                                    .astype(dt)))), 'a'
        return (lambda a: fn64(a.astype(_F64)).astype(dt)), 'a'
    return factory


for _n in ('exp', 'log', 'log1p', 'sqrt', 'tanh', 'sin', 'cos', 'tan', 'sinh', 'cosh', 'asin',
           'acos', 'atan', 'abs', 'sigmoid', 'rsqrt'):
    fast(_n)(_unary(_n))


@fast('sign')
def _sign(am, out):
    if len(am) == 1 and am[0][0] == 'a':
        return (lambda a: np.sign(a)), 'a'
    return None


def _reduce(mean):
    """sum/mean with the op layer's own summation (reduce.seq_all / seq_reduce: element after
    element, in the accumulation type TH uses), so results are those of torch.sum/mean."""
    from .. import reduce as R
    from ..storage import cast

    def factory(am, out):
        if am[0][0] != 'a' or len(am) > 2 or (len(am) == 2 and am[1][0] != 'n'):
            return None
        tt = _TT[am[0][1]]
        acc = np.dtype(tt.acc)
        if len(am) == 1:
            if mean:
                return (lambda a: float(R.seq_all(np.add, a, acc) / a.size)), 'n'
            return (lambda a: T.to_number(R.seq_all(np.add, a, acc), tt)), 'n'
        dt = tt.dtype

        def f(a, d):
            d = int(d) - 1
            dtype = acc if a.strides[d] == a.itemsize else dt
            r = cast(R.seq_reduce(np.add, a, d, dtype), tt)
            return r / dt.type(a.shape[d]) if mean else r
        return f, 'a'
    return factory


fast('sum')(_reduce(False))
fast('mean')(_reduce(True))


def _reshape_to_out(am, out):
    if am[0][0] != 'a' or out is None or out[0] != 'a':
        return None
    shape = out[2]
    return (lambda a, *rest: a.reshape(shape)), 'v'


for _n in ('view', 'viewAs', 'reshape', 'unsqueeze'):
    fast(_n)(_reshape_to_out)


@fast('squeeze')
def _squeeze(am, out):
    if out is None or out[0] != 'a':
        return None
    return _reshape_to_out(am, out)


@fast('expand', 'expandAs')
def _expand(am, out):
    if am[0][0] != 'a' or out is None or out[0] != 'a':
        return None
    shape = out[2]
    return (lambda a, *rest: np.broadcast_to(a, shape)), 'v'


@fast('t')
def _t(am, out):
    if len(am) == 1 and am[0][0] == 'a' and len(am[0][2]) == 2:
        return (lambda a: a.T), 'v'
    return None


@fast('transpose')
def _transpose(am, out):
    if len(am) == 3 and am[0][0] == 'a' and am[1][0] == 'n' and am[2][0] == 'n':
        return (lambda a, d1, d2: np.swapaxes(a, int(d1) - 1, int(d2) - 1)), 'v'
    return None


@fast('contiguous')
def _contiguous(am, out):
    if len(am) == 1 and am[0][0] == 'a':
        return (lambda a: np.ascontiguousarray(a)), 'v'
    return None


@fast('clone')
def _clone(am, out):
    if len(am) == 1 and am[0][0] == 'a':
        return (lambda a: np.array(a)), 'a'
    return None


@fast('narrow')
def _narrow(am, out):
    if len(am) == 4 and am[0][0] == 'a' and all(m[0] == 'n' for m in am[1:]):
        def f(a, d, i, n):
            d, i = int(d) - 1, int(i) - 1
            return a[(slice(None),) * d + (slice(i, i + int(n)),)]
        return f, 'v'
    return None


@fast('select')
def _select(am, out):
    if len(am) == 3 and am[0][0] == 'a' and am[1][0] == 'n' and am[2][0] == 'n':
        if len(am[0][2]) == 1:
            return (lambda a, d, i: a.item(int(i) - 1)), 'n'
        return (lambda a, d, i: a[(slice(None),) * (int(d) - 1) + (int(i) - 1,)]), 'v'
    return None


@fast('fill', table='util')
def _fill(am, out):
    if len(am) == 2 and am[0][0] == 'a' and am[1][0] == 'n':
        dt, shape = am[0][1], am[0][2]
        return (lambda a, v: np.full(shape, v, dt)), 'a'
    return None


def _same_typed(am, out):
    if am[0][0] == 'a' and out is not None and out[0] == 'a' and out[1] == am[0][1]:
        return (lambda a, *rest: a), 'v'
    return None


for _n in ('typeAs', 'double', 'float', 'type'):
    fast(_n)(_same_typed)


@fast('selectSliceCopy', table='util')
def _select_slice_copy(am, out):
    if out is None or out[0] != 'a' or len(am) != 4 or am[2][0] != 'n' or am[3][0] != 'n':
        return None
    dt, shape = out[1], out[2]

    def f(g, x, d, i):
        r = np.zeros(shape, dt)
        idx = (slice(None),) * (int(d) - 1) + (int(i) - 1,)
        r[idx] = np.reshape(g, r[idx].shape)
        return r
    return f, 'a'


@fast('narrowSliceCopy', table='util')
def _narrow_slice_copy(am, out):
    if out is None or out[0] != 'a' or len(am) != 5:
        return None
    dt, shape = out[1], out[2]

    def f(g, x, d, i, n):
        r = np.zeros(shape, dt)
        i = int(i) - 1
        idx = (slice(None),) * (int(d) - 1) + (slice(i, i + int(n)),)
        r[idx] = np.reshape(g, r[idx].shape)
        return r
    return f, 'a'
