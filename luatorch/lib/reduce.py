"""Reductions over a whole tensor or one dimension (maths.md): sum, prod, mean, max, min, cumsum,
cumprod, std, var, norm, renorm, dist, trace, histc, bhistc, all, any.

Behaviour follows TH (torch7's THTensorMath.c, as declared by TensorMath.lua):

* the whole-tensor forms return a number: `accreal` (types.py `acc`) for sum/prod/trace/mean/std/
  var/norm/dist, the element type for max/min; Python int for integer types, float otherwise;
* the dimension forms keep the reduced dimension with size 1;
* summing along a dimension accumulates in `acc` when that dimension has stride 1, and in the
  element type otherwise (TH's two loops): a FloatTensor summed along a strided dimension
  accumulates in float32;
* floating accumulations run in index order (TH's loops), never pairwise, so results agree with
  TH to the last bit;
* mean/std/var/norm/renorm/dist/histc/bhistc exist for the floating types only, all/any for
  ByteTensor only (`TYPE_ONLY`).
"""
import functools

import numpy as np

from . import tensor as T
from . import types
from . import xp as _xp
from .errors import TorchError, invalid_args
from .registry import LAST, REQUIRED, parse, torch_fn, torch_op  # noqa: F401 (re-exported)
from .storage import cast
from .tensor import Tensor

FLOATS = tuple(t for t in types.TYPES if t.is_float)
BYTE = (types.Byte,)

# op name -> names of the tensor types TH declares it for (every type when absent). The registry
# is told through `types=`; the ops
# themselves raise Torch's error for other types either way.
TYPE_ONLY = {}


def _limit(name, ttypes):
    TYPE_ONLY[name] = tuple(t.name for t in ttypes)
    return {'types': TYPE_ONLY[name]}


def quiet(f):
    """f with numpy's floating-point warnings off: overflow to inf, 0/0 -> nan are silent in TH."""
    @functools.wraps(f)
    def run(*args):
        with np.errstate(all='ignore'):
            return f(*args)
    return run


def op(name, *sigs, ttypes=None, **kw):
    """@torch_op (warnings off), limited to some tensor types when `ttypes` is given."""
    if ttypes is not None:
        kw.update(_limit(name, ttypes))
    return lambda f: torch_op(name, *sigs, **kw)(quiet(f)) and f


def fn(name, ttypes=None, **kw):
    """@torch_fn (warnings off), limited to some tensor types when `ttypes` is given."""
    if ttypes is not None:
        kw.update(_limit(name, ttypes))
    return lambda f: torch_fn(name, **kw)(quiet(f)) and f


def require_type(t, ttypes, name):
    if t.ttype.host not in ttypes:   # a Cuda type has its CPU twin's functions
        raise TorchError('%s does not implement the torch.%s() function' % (t.ttype.tensor_name, name))


# ----------------------------------------------------------------------------- arguments


def dim0(t, d, fname, argn, msg):
    """Check a 0-based dimension against TH's range test (message as TH words it)."""
    if not 0 <= d < len(t.size):
        raise TorchError("bad argument #%d to '%s' (%s)" % (argn, fname, msg % (d + 1) if '%' in msg else msg))
    return d


def check_res(res, ttype, args, expected):
    if res is not None and res.ttype is not ttype:
        raise invalid_args(args, expected)


# ----------------------------------------------------------------------------- numerics


def seq_reduce(ufunc, a, axis, dtype):
    """ufunc over `axis` in index order, accumulating in dtype, keeping the axis (size 1).

    Floating accumulations run element after element as TH's loops do (numpy's reduce would sum
    pairwise); integer ones wrap the same in any order."""
    dtype = np.dtype(dtype)
    if dtype.kind != 'f':
        return ufunc.reduce(a, axis=axis, dtype=dtype, keepdims=True)
    n = a.shape[axis]
    # in blocks along the axis (bounded memory), the running value carried in front of the next
    step = max(1, _CHUNK // max(1, a.size // max(n, 1)))
    carry = None
    lead = (slice(None),) * axis
    for s in range(0, n, step):
        blk = a[lead + (slice(s, s + step),)]
        if carry is not None:
            blk = np.concatenate((carry, blk.astype(dtype)), axis=axis)
        m = blk.shape[axis]
        carry = ufunc.accumulate(blk, axis=axis, dtype=dtype)[lead + (slice(m - 1, m),)]
    return carry


_CHUNK = 1 << 22


def seq_all(ufunc, a, dtype):
    """ufunc over all of `a` in row-major order (TH_TENSOR_APPLY), as a numpy scalar of dtype."""
    flat = a.reshape(-1)
    if flat.shape[0] == 0:
        return np.dtype(dtype).type(ufunc.identity)
    return seq_reduce(ufunc, flat, 0, dtype)[0]


def cpow(a, p):
    """C's pow/powf elementwise (numpy special-cases some scalar exponents: sqrt, square...)."""
    a = _xp.asarray_any(a)
    return np.power(a, _xp.module_of(a).full(a.shape, p, a.dtype))


def keepdim_size(t, d, n=1):
    size = list(t.size)
    size[d] = n
    return tuple(size)


def put(res, ttype, vals):
    """The result tensor (new, or `res` resized) holding `vals` (computed before any resize)."""
    vals = _xp.asarray_any(vals)   # a device array stays one
    if res is None:
        res = T.empty(ttype, vals.shape if vals.size else ())
    else:
        T.resize(res, vals.shape if vals.size else ())
    if res.size:
        _xp.put(res.arr(), cast(vals, ttype))
    return res


def number(v, ttype):
    return T.to_number(v, ttype)


def _flat(t):
    return t.arr().reshape(-1)


def _dim_reduce(ufunc, t, d):
    """TH's sum/prod along d: acc type when d has stride 1 (or ints: same result), else the
    element type; in the element type in the end."""
    tt = t.ttype
    a = t.arr()
    dtype = tt.acc if (t.stride[d] == 1 or not tt.is_float) else tt.dtype
    return cast(seq_reduce(ufunc, a, d, dtype), tt)


# ----------------------------------------------------------------------------- sum & prod


def _sum_like(ufunc, name):
    def run(res, t, d=None):
        if d is None:
            if res is not None:
                raise invalid_args((res, t), _exp_all(name, t))
            return number(seq_all(ufunc, t.arr(), t.ttype.acc), t.ttype)
        check_res(res, t.ttype, (res, t, d), _exp_all(name, t))
        d = dim0(t, int(d) - 1, name, 2, 'dimension %d out of range')
        return put(res, t.ttype, _dim_reduce(ufunc, t, d))
    return run


def _exp_all(name, t):
    n = t.ttype.tensor_name[len('torch.'):]
    return '%s | [*%s*] %s index' % (n, n, n)


sum_ = op('sum', 't', 'tn', inplace=False)(_sum_like(np.add, 'sum'))
prod = op('prod', 't', 'tn', inplace=False)(_sum_like(np.multiply, 'prod'))


@op('cumsum', 't', 'tn', inplace=False)
def cumsum(res, t, d=1):
    return _cum(np.add, 'cumsum', res, t, d)


@op('cumprod', 't', 'tn', inplace=False)
def cumprod(res, t, d=1):
    return _cum(np.multiply, 'cumprod', res, t, d)


def _cum(ufunc, name, res, t, d):
    check_res(res, t.ttype, (res, t, d), '')
    d = dim0(t, int(d) - 1, name, 2, 'dimension %d out of range')
    vals = ufunc.accumulate(t.arr(), axis=d, dtype=t.ttype.acc)
    return put(res, t.ttype, cast(vals, t.ttype))


# ----------------------------------------------------------------------------- max & min


def _extreme(name, argfn, allfn):
    spec = (('T', None), ('I', None), ('t', REQUIRED), ('d', REQUIRED))

    def run(*args):
        if len(args) == 1 and type(args[0]) is Tensor:
            t = args[0]
            if not t.size:
                raise TorchError("bad argument #1 to '%s' (tensor must have one dimension)" % name)
            return number(allfn(t.arr()), t.ttype)
        rv, ri, t, d = parse(args, spec, _exp_extreme(args))
        d = dim0(t, d, name, 2, 'dimension %d out of range')
        a = t.arr()
        idx = np.expand_dims(argfn(a, axis=d), d)
        vals = np.take_along_axis(a, idx, axis=d)
        return put(rv, t.ttype, vals), put(ri, t.ttype.twin(types.Long), idx + 1)
    return run


def _exp_extreme(args):
    t = next((a for a in args if type(a) is Tensor), None)
    n = t.ttype.tensor_name[len('torch.'):] if t is not None else 'Tensor'
    return '%s | [*%s*] [*LongTensor*] %s index' % (n, n, n)


max_ = fn('max')(_extreme('max', np.argmax, np.max))
min_ = fn('min')(_extreme('min', np.argmin, np.min))


# ----------------------------------------------------------------------------- mean, std, var


@op('mean', 't', 'tn', inplace=False, ttypes=FLOATS)
def mean(res, t, d=None):
    require_type(t, FLOATS, 'mean')
    if d is None:
        if res is not None:
            raise invalid_args((res, t), _exp_all('mean', t))
        return _meanall(t)
    check_res(res, t.ttype, (res, t, d), _exp_all('mean', t))
    d = dim0(t, int(d) - 1, 'mean', 2, 'invalid dimension %d')
    s = _dim_reduce(np.add, t, d)
    return put(res, t.ttype, s / t.ttype.dtype.type(t.size[d]))


def _meanall(t):
    if not t.size:
        raise TorchError("bad argument #1 to 'mean' (empty Tensor)")
    return float(seq_all(np.add, t.arr(), t.ttype.acc) / t.nelement())


def _varall(t, biased, name):
    if not t.size:
        raise TorchError("bad argument #1 to '%s' (empty Tensor)" % name)
    acc = np.dtype(t.ttype.acc)
    m = seq_all(np.add, t.arr(), acc) / acc.type(t.nelement())
    dev = t.arr().astype(acc) - m
    s = seq_all(np.add, dev * dev, acc)
    with np.errstate(divide='ignore', invalid='ignore'):
        return s / acc.type(t.nelement() - (0 if biased else 1))


def _dim_moments(t, d, biased):
    """TH's one-pass var along d: sums of x and x*x (x*x in the element type) in acc."""
    tt = t.ttype
    real, acc = tt.dtype, np.dtype(tt.acc)
    a = t.arr()
    n = t.size[d]
    s = seq_reduce(np.add, a, d, acc)
    s2 = seq_reduce(np.add, a * a, d, acc)
    with np.errstate(divide='ignore', invalid='ignore', over='ignore'):
        s = s / acc.type(n)
        if biased:
            s2 = s2 / acc.type(n)
            s2 = s2 - s * s
        else:
            s2 = s2 / acc.type(n - 1)
            ratio = real.type(n) / real.type(n - 1)
            s2 = s2 - acc.type(ratio) * s * s
    return np.where(s2 < 0, acc.type(0), s2)


def _var_like(name, root):
    def run(res, t, a=None, b=None):
        require_type(t, FLOATS, name)
        tt = t.ttype
        n = tt.tensor_name[len('torch.'):]
        expected = '%s [boolean] | [*%s*] %s index [boolean]' % (n, n, n)
        if a is None or type(a) is bool:     # whole tensor: (t [,biased])
            if res is not None or b is not None:
                raise invalid_args(tuple(x for x in (res, t, a, b) if x is not None), expected)
            v = _varall(t, bool(a), name)
            return float(np.sqrt(v) if root else v)
        check_res(res, tt, (res, t, a), expected)
        if b is not None and type(b) is not bool:
            raise invalid_args(tuple(x for x in (res, t, a, b) if x is not None), expected)
        d = dim0(t, int(a) - 1, name, 3, 'invalid dimension %d')
        s2 = _dim_moments(t, d, bool(b))
        if root:
            with np.errstate(invalid='ignore'):
                s2 = np.sqrt(s2.astype(tt.dtype))
        return put(res, tt, s2.astype(tt.dtype))
    return run


var = op('var', 't', 'tb', 'tn', 'tnb', inplace=False, ttypes=FLOATS)(_var_like('var', False))
std = op('std', 't', 'tb', 'tn', 'tnb', inplace=False, ttypes=FLOATS)(_var_like('std', True))


# ----------------------------------------------------------------------------- norms


def _p_sum(a, p, axis, acc):
    """sum over axis (None: all) of |x|^p, the powers in the element type, summed in acc."""
    pw = cpow(np.abs(a), p)
    if axis is None:
        return seq_all(np.add, pw, acc)
    return seq_reduce(np.add, pw, axis, acc)


@op('norm', 't', 'tn', 'tnn', inplace=False, ttypes=FLOATS)
def norm(res, t, p=2, d=None):
    require_type(t, FLOATS, 'norm')
    tt = t.ttype
    real, acc = tt.dtype, np.dtype(tt.acc)
    p = real.type(p)
    a = t.arr()
    if d is None:
        if res is not None:
            raise invalid_args((res, t, p), _exp_all('norm', t))
        if p == 0:
            return float(np.count_nonzero(a))
        if p == 1:
            return float(seq_all(np.add, np.abs(a), acc))
        if p == 2:
            z = a.astype(acc)
            return float(np.sqrt(seq_all(np.add, z * z, acc)))
        s = _p_sum(a, p, None, acc)
        return float(cpow(real.type(_xp.scalar(s)), real.type(1.0 / np.float64(p))))
    d = dim0(t, int(d) - 1, 'norm', 3, 'invalid dimension %d')
    check_res(res, tt, (res, t, p, d), _exp_all('norm', t))
    if p == 0:
        vals = np.expand_dims(np.count_nonzero(a, axis=d), d)   # (CuPy's has no keepdims)
    else:
        s = _p_sum(a, p, d, acc)
        vals = cpow(s.astype(real), real.type(1.0 / np.float64(p)))
    return put(res, tt, vals)


@op('renorm', 'tnnn', ttypes=FLOATS)
def renorm(res, t, p, d, maxnorm):
    require_type(t, FLOATS, 'renorm')
    tt = t.ttype
    real = tt.dtype
    d = dim0(t, int(d) - 1, 'renorm', 3, 'invalid dimension %d')
    p, maxnorm = real.type(p), real.type(maxnorm)
    if not p > 0:
        raise TorchError("bad argument #2 to 'renorm' (non-positive-norm not supported)")
    if len(t.size) <= 1:
        raise TorchError("bad argument #1 to 'renorm' (need at least 2 dimensions, got %d dimensions)"
                         % len(t.size))
    a = np.moveaxis(t.arr(), d, 0).reshape(t.size[d], -1)
    # TH keeps the running norm in the element type
    if p == 1:
        s = seq_reduce(np.add, np.abs(a), 1, real)
    elif p == 2:
        z = a.astype(tt.acc)
        s = seq_reduce(np.add, (z * z).astype(real), 1, real)
    else:
        s = seq_reduce(np.add, cpow(np.abs(a), p), 1, real)
    nrm = cpow(s.astype(np.float64), np.float64(real.type(1) / p)).astype(real)
    with np.errstate(divide='ignore', invalid='ignore'):
        scale = (np.float64(maxnorm) / (nrm.astype(np.float64) + 1e-7)).astype(real)
    vals = np.where(nrm > maxnorm, a * scale, a)
    vals = np.moveaxis(vals.reshape((t.size[d],) + t.size[:d] + t.size[d + 1:]), 0, d)
    return put(res, tt, vals)


@op('dist', 'tt', 'ttn', inplace=False, ttypes=FLOATS)
def dist(res, t, o, p=2):
    if res is not None:
        raise invalid_args((res, t, o), _exp_all('dist', t))
    require_type(t, FLOATS, 'dist')
    if o.ttype is not t.ttype:
        raise invalid_args((t, o), _exp_all('dist', t))
    if t.nelement() != o.nelement():
        raise TorchError('inconsistent tensor size')
    real = t.ttype.dtype
    p = real.type(p)
    diff = _flat(t) - _flat(o)
    s = seq_all(np.add, cpow(np.abs(diff), p), real)   # TH sums in the element type here
    return float(cpow(real.type(_xp.scalar(s)), real.type(1.0 / np.float64(p))))


# ----------------------------------------------------------------------------- trace, all, any


@op('trace', 't', inplace=False)
def trace(res, t):
    if res is not None:
        raise invalid_args((res, t), _exp_all('trace', t))
    if len(t.size) != 2:
        raise TorchError("bad argument #1 to 'trace' (expected a matrix)")
    return number(seq_all(np.add, np.diagonal(t.arr()), t.ttype.acc), t.ttype)


def _logical(name, reduction):
    def run(res, t):
        if res is not None:
            raise invalid_args((res, t), 'ByteTensor')
        require_type(t, BYTE, name)
        if not t.size:
            raise TorchError("bad argument #1 to '%s' (empty Tensor)" % name)
        return bool(reduction(t.arr() != 0))
    return run


all_ = op('all', 't', inplace=False, ttypes=BYTE)(_logical('all', np.all))
any_ = op('any', 't', inplace=False, ttypes=BYTE)(_logical('any', np.any))


# ----------------------------------------------------------------------------- histograms


def _hist_range(t, lo, hi):
    real = t.ttype.dtype
    lo, hi = real.type(lo), real.type(hi)
    if lo == hi:
        if not t.size:
            raise TorchError("bad argument #1 to 'histc' (tensor must have one dimension)")
        a = t.arr()
        lo, hi = a.min(), a.max()
    if lo == hi:
        lo, hi = lo - real.type(1), hi + real.type(1)
    return lo, hi


def _bins(a, nbins, lo, hi):
    """Bin numbers (TH: (int)((x - min) / (max - min) * nbins), capped) of the values in range."""
    real = a.dtype
    keep = (a >= lo) & (a <= hi)
    with np.errstate(invalid='ignore', over='ignore'):
        b = ((a - lo) / (hi - lo) * real.type(nbins))
    b = np.minimum(np.trunc(np.where(keep, b, 0)).astype(np.int64), nbins - 1)
    return b, keep


@op('histc', 't', 'tn', 'tnn', 'tnnn', inplace=False, ttypes=FLOATS)
def histc(res, t, nbins=100, lo=0, hi=0):
    require_type(t, FLOATS, 'histc')
    nbins = int(nbins)
    lo, hi = _hist_range(t, lo, hi)
    b, keep = _bins(_flat(t), nbins, lo, hi)
    counts = np.bincount(b[keep], minlength=nbins)[:nbins] if nbins > 0 else b[:0]
    return put(res, t.ttype, counts)


@op('bhistc', 't', 'tn', 'tnn', 'tnnn', inplace=False, ttypes=FLOATS)
def bhistc(res, t, nbins=100, lo=0, hi=0):
    require_type(t, FLOATS, 'bhistc')
    if len(t.size) >= 3:
        raise TorchError("bad argument #2 to 'bhistc' (invalid dimension %d, the input must be a 2d "
                         "tensor)" % len(t.size))
    if len(t.size) < 2:
        raise TorchError("bad argument #2 to 'bhistc' (invalid dimension 2)")
    nbins = int(nbins)
    lo, hi = _hist_range(t, lo, hi)
    a = t.arr()
    rows = a.shape[0]
    b, keep = _bins(a, nbins, lo, hi)
    flat = (b + _xp.module_of(b).arange(rows)[:, None] * nbins)[keep]
    counts = np.bincount(flat, minlength=rows * nbins)[:rows * nbins].reshape(rows, nbins)
    return put(res, t.ttype, counts)
