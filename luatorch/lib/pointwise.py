"""Element-wise maths, comparisons and the arithmetic operators of tensors (maths.md).

Every op follows TH (lib/TH/generic/THTensorMath.c and the cwrap declarations in TensorMath.lua):

* the result takes the size of the first source tensor; the other sources only need the same
  number of elements and are read in row-major order ("inconsistent tensor size" otherwise);
* a number argument is first converted to the tensor's C type `real` (float->integer truncates
  toward zero, integers wrap), so `IntTensor:mul(0.5)` multiplies by 0;
* integer types keep C arithmetic: wrapping, division and `%` truncating toward zero;
* comparisons give a ByteTensor, or a tensor of the input's type when that is the result given;
* FloatTensor maths is float maths: a transcendental function is libm's float function where
  numpy's float32 loop is that (libm.FLOAT32_LIBM) or libm.py reproduces it (tanhf), otherwise
  (exp, log, sin, cos: glibc's are within a fraction of an ulp, numpy's own float32 ones are not)
  it is evaluated in double and rounded once to float, which agrees with glibc's for all but
  ~0.05-1.4% of inputs, by one ulp.

Which types have which op is TensorMath.lua's: the transcendental functions, pow, lerp, atan2,
neg, cinv only for Float/Double, abs for Int/Long/Float/Double, the bit operations for integer
types; other types raise Torch's error.
"""
import inspect
import math

import numpy as np

from . import cblas, libm, tensor as T
from . import types
from . import xp as _xp
from .errors import TorchError
from .registry import OPS, bad_args, torch_fn, torch_op
from .storage import cast
from .tensor import Tensor

_F64 = np.dtype(np.float64)

# op name -> names of the tensor types TensorMath.lua declares it for (every type when absent).
# The registry is told (float_only=True, or types= where it takes that) so that the methods are
# nil on the other types as in Torch; the functions raise Torch's error for those types.
FLOATS = tuple(t.name for t in types.TYPES if t.is_float)
ABS_TYPES = tuple(t.name for t in types.TYPES if t.is_float or t.itemsize >= 4)  # Int Long Float Double
TYPE_ONLY = {}
_REGISTRY_KW = inspect.signature(torch_op).parameters


def _op(name, *sigs, ttypes=None, **kw):
    """@torch_op, recording (and telling the registry what it can) the types that have it."""
    if ttypes is not None:
        TYPE_ONLY[name] = ttypes
        if 'types' in _REGISTRY_KW:
            kw['types'] = ttypes
        elif ttypes == FLOATS and 'float_only' in _REGISTRY_KW:
            kw['float_only'] = True
    return torch_op(name, *sigs, **kw)


def _quiet():
    return np.errstate(all='ignore')


# ----------------------------------------------------------------------------- arguments


def _real(v, tt):
    """A Lua number as TH's `real` of type tt (what the C cast of the cwrap argument gives)."""
    if tt.is_float:
        if type(v) is float and v == v and abs(v) > 1e38:
            with _quiet():
                return tt.dtype.type(v)
        return tt.dtype.type(v)
    if type(v) is int and -0x8000000000000000 <= v <= 0x7fffffffffffffff:
        return np.int64(v).astype(tt.dtype)
    return cast(np.float64(v), tt)[()]


to_real = _real   # for other modules (e.g. the hot paths) converting numbers as TH does


def _desc(t):
    return '[' + ' x '.join(str(s) for s in t.size) + ']'


def _size_error(names, tensors):
    """TH_TENSOR_APPLY2/3's message for sources of different numbers of elements."""
    descs = ['%s %s' % (n, _desc(t)) for n, t in zip(names, tensors)]
    counts = [str(t.nelement()) for t in tensors]
    if len(descs) == 2:
        d, c = ' and '.join(descs), ' and '.join(counts)
    else:
        d = ', '.join(descs[:-1]) + ' and ' + descs[-1]
        c = ', '.join(counts[:-1]) + ' and ' + counts[-1]
    return TorchError('inconsistent tensor size, expected %s to have the same number of elements, '
                      'but got %s elements respectively' % (d, c))


def _bad(name, *args):
    op = OPS.get(name)
    args = tuple(a for a in args if a is not None)
    if op is None:
        return TorchError('invalid arguments to %s' % name)
    return bad_args(op, args)


def _unsupported(name, t):
    return TorchError('%s does not implement the torch.%s() function' % (t.ttype.tensor_name, name))


def _need_float(name, t):
    if not t.ttype.is_float:
        raise _unsupported(name, t)


def _result(name, res, t, *srcs):
    """res resized as t (a new tensor of t's type when None); checks the types agree."""
    tt = t.ttype
    if res is None:
        return T.empty(tt, t.size)
    if res.ttype is not tt:
        raise _bad(name, res, t, *srcs)
    if res.size != t.size:
        T.resize(res, t.size)
    return res


def _like(src, out):
    """The values of src in row-major order, shaped as the result array."""
    b = src.arr()
    if b.shape != out.shape:
        b = b.reshape(out.shape)
    return b


def _ts(name, res, t, v, kernel):
    """res = kernel(t, value) for a tensor and a number (TH's op(r_, t, value))."""
    tt = t.ttype
    v = _real(v, tt)
    res = _result(name, res, t)
    kernel(res.arr(), t.arr(), v, tt)
    return res


def _tt(name, res, t, src, kernel, names=('r_', 't', 'src')):
    """res = kernel(t, src) element-wise (TH's cop(r_, t, src))."""
    tt = t.ttype
    if src.ttype is not tt:
        raise _bad(name, res, t, src)
    if src.nelement() != t.nelement():
        raise _size_error(names, (t, t, src))
    res = _result(name, res, t, src)
    out = res.arr()
    kernel(out, t.arr(), _like(src, out), tt)
    return res


# ----------------------------------------------------------------------------- kernels
# kernel(out, a, b, tt): write f(a, b) into out; a is an array, b an array or a `real` scalar.


def _k_add(out, a, b, tt):
    np.add(a, b, out=out)


def _k_sub(out, a, b, tt):
    np.subtract(a, b, out=out)


def _k_mul(out, a, b, tt):
    np.multiply(a, b, out=out)


def _check_divisor(b):
    if not np.all(b):
        # TH's integer division by zero kills the process (SIGFPE); here it is an error
        raise TorchError('integer division by zero')


def _k_div(out, a, b, tt):
    if tt.is_float:
        with _quiet():
            np.divide(a, b, out=out)
        return
    _check_divisor(b)
    # C integer division truncates toward zero: remove the C remainder, then divide exactly
    r = np.fmod(a, b)
    with _quiet():
        np.floor_divide(a - r, b, out=out)


def _k_fmod(out, a, b, tt):
    if not tt.is_float:
        _check_divisor(b)
    with _quiet():
        np.fmod(a, b, out=out)


def _as(x, dtype):
    """x (an array of any module, or a number) in dtype, as an array or numpy scalar."""
    return x.astype(dtype, copy=False) if hasattr(x, 'astype') else np.asarray(x, dtype)[()]


def _k_remainder(out, a, b, tt):
    if tt.is_float:
        with _quiet():
            # a - b * floor(a / b), the floor product and difference in double as in C
            q = np.floor(np.divide(a, b))
            r = np.subtract(a, np.multiply(_as(b, _F64), q, dtype=_F64), dtype=_F64)
            out[...] = np.where(b == 0, np.nan, r)
        return
    _check_divisor(b)
    r = np.fmod(a, b)
    fix = (r != 0) & ((r < 0) != (b < 0))
    r = np.where(fix, r + b, r)
    out[...] = r


def _k_cmax(out, a, b, tt):
    np.copyto(out, np.where(a > b, a, b))


def _k_cmin(out, a, b, tt):
    np.copyto(out, np.where(a < b, a, b))


def _k_cpow(out, a, b, tt):
    # C pow() in double, the result converted to real
    with _quiet():
        if tt.dtype == _F64:
            np.power(a, b, out=out)
            return
        p = np.power(_as(a, _F64), _as(b, _F64))
        out[...] = p if tt.is_float else cast(p, tt)


def _k_atan2(out, a, b, tt):
    # TH_MATH_NAME(atan2): atan2f for FloatTensor, which numpy's float32 loop is
    with _quiet():
        np.arctan2(a, b, out=out)


def _unsigned(x):
    return x.view(np.dtype('u%d' % x.dtype.itemsize)) if x.dtype.kind == 'i' else x


def _k_lshift(out, a, b, tt):
    if tt.is_float:
        with _quiet():
            np.multiply(a, np.power(tt.dtype.type(2), b, dtype=tt.dtype), out=out)
        return
    # signed values are shifted as unsigned ones, as TH does
    ub = _as(b, _unsigned(out).dtype)
    np.left_shift(_unsigned(a), ub, out=_unsigned(out))


def _k_rshift(out, a, b, tt):
    if tt.is_float:
        with _quiet():
            np.divide(a, np.power(tt.dtype.type(2), b, dtype=tt.dtype), out=out)
        return
    ub = _as(b, _unsigned(out).dtype)
    np.right_shift(_unsigned(a), ub, out=_unsigned(out))


def _bit_kernel(ufunc, name):
    def kernel(out, a, b, tt):
        if tt.is_float:
            raise TorchError('%s is only supported for integer type tensors' % name)
        ufunc(a, b, out=out)
    return kernel


def _float_fn(fn, out, *args):
    """out = fn(args) for a float type: in double, rounded once for FloatTensor."""
    with _quiet():
        if out.dtype == _F64:
            fn(*args, out=out)
        else:
            out[...] = fn(*[_as(x, _F64) for x in args])


# ----------------------------------------------------------------------------- add, sub, mul, div


@torch_op('add', 'tn', 'tt', 'tnt')
def add(res, t, a, b=None):
    """[res] torch.add([res,] t, value) / ([res,] t, src) / ([res,] t, value, src)"""
    if b is None:
        if type(a) is Tensor:
            return _tt('add', res, t, a, _k_add)
        return _ts('add', res, t, a, _k_add)
    return _cadd('add', res, t, a, b, 1)


def _cadd(name, res, t, value, src, sign):
    """res = t + sign * value * src (TH's cadd/csub)."""
    tt = t.ttype
    v = _real(value, tt)
    if sign < 0:
        v = np.negative(v)  # -value as a real: wraps for unsigned types as C's conversion does

    def kernel(out, x, y, tt):
        if v == 1:
            np.add(x, y, out=out)
        elif not (out is x and tt.is_float and cblas.axpy(v, y, out)):
            np.add(x, np.multiply(y, v), out=out)
    return _tt(name, res, t, src, kernel)


@torch_op('csub', 'tn', 'tt', 'tnt')
def csub(res, t, a, b=None):
    """[res] torch.csub([res,] t, value) / ([res,] t, src) / ([res,] t, value, src)"""
    if b is None:
        if type(a) is Tensor:
            return _cadd('csub', res, t, 1, a, -1)
        return _ts('csub', res, t, a, _k_sub)
    return _cadd('csub', res, t, a, b, -1)


@torch_op('mul', 'tn')
def mul(res, t, v):
    return _ts('mul', res, t, v, _k_mul)


@torch_op('div', 'tn')
def div(res, t, v):
    return _ts('div', res, t, v, _k_div)


@torch_op('fmod', 'tn')
def fmod(res, t, v):
    return _ts('fmod', res, t, v, _k_fmod)


@torch_op('mod', 'tn')
def mod(res, t, v):
    """Deprecated alias of fmod."""
    return _ts('mod', res, t, v, _k_fmod)


@torch_op('remainder', 'tn')
def remainder(res, t, v):
    return _ts('remainder', res, t, v, _k_remainder)


@torch_op('cmul', 'tt')
def cmul(res, t, src):
    return _tt('cmul', res, t, src, _k_mul)


@torch_op('cdiv', 'tt')
def cdiv(res, t, src):
    return _tt('cdiv', res, t, src, _k_div)


@torch_op('cpow', 'tt')
def cpow(res, t, src):
    return _tt('cpow', res, t, src, _k_cpow)


@torch_op('cfmod', 'tt')
def cfmod(res, t, src):
    return _tt('cfmod', res, t, src, _k_fmod)


@torch_op('cmod', 'tt')
def cmod(res, t, src):
    """Deprecated alias of cfmod."""
    return _tt('cmod', res, t, src, _k_fmod)


@torch_op('cremainder', 'tt')
def cremainder(res, t, src):
    return _tt('cremainder', res, t, src, _k_remainder)


@torch_op('lshift', 'tn')
def lshift(res, t, v):
    return _ts('lshift', res, t, v, _k_lshift)


@torch_op('rshift', 'tn')
def rshift(res, t, v):
    return _ts('rshift', res, t, v, _k_rshift)


@torch_op('clshift', 'tt')
def clshift(res, t, src):
    return _tt('clshift', res, t, src, _k_lshift)


@torch_op('crshift', 'tt')
def crshift(res, t, src):
    return _tt('crshift', res, t, src, _k_rshift)


def _declare_bit(name, ufunc):
    kv, kt = _bit_kernel(ufunc, name), _bit_kernel(ufunc, 'c' + name)

    def value_op(res, t, v):
        return _ts(name, res, t, v, kv)

    def tensor_op(res, t, src):
        return _tt('c' + name, res, t, src, kt)
    value_op.__name__, tensor_op.__name__ = name, 'c' + name
    torch_op(name, 'tn')(value_op)
    torch_op('c' + name, 'tt')(tensor_op)
    return value_op, tensor_op


bitand, cbitand = _declare_bit('bitand', np.bitwise_and)
bitor, cbitor = _declare_bit('bitor', np.bitwise_or)
bitxor, cbitxor = _declare_bit('bitxor', np.bitwise_xor)


@torch_op('cmax', 'tt', 'tn')
def cmax(res, t, b):
    if type(b) is Tensor:
        return _tt('cmax', res, t, b, _k_cmax, ('r', 't', 'src'))
    return _ts('cmax', res, t, b, _k_cmax)


@torch_op('cmin', 'tt', 'tn')
def cmin(res, t, b):
    if type(b) is Tensor:
        return _tt('cmin', res, t, b, _k_cmin, ('r', 't', 'src'))
    return _ts('cmin', res, t, b, _k_cmin)


@torch_op('clamp', 'tnn')
def clamp(res, t, lo, hi):
    tt = t.ttype
    lo, hi = _real(lo, tt), _real(hi, tt)
    res = _result('clamp', res, t)
    out, a = res.arr(), t.arr()
    if lo <= hi:
        np.maximum(a, lo, out=out)
        np.minimum(out, hi, out=out)  # NaN stays NaN, as TH's false comparisons leave it
    else:
        np.copyto(out, np.where(a < lo, lo, np.where(a > hi, hi, a)))
    return res


def _addc(name, res, t, value, s1, s2, divide):
    tt = t.ttype
    if s1.ttype is not tt or s2.ttype is not tt:
        raise _bad(name, res, t, value, s1, s2)
    n = t.nelement()
    if s1.nelement() != n or s2.nelement() != n:
        raise _size_error(('r_', 'src1', 'src2'), (t, s1, s2))
    v = _real(value, tt)
    if res is not t:
        res = _result(name, res, t, s1, s2)
        T.copy(res, t)
    out = res.arr()
    x, y = _like(s1, out), _like(s2, out)
    p = np.multiply(x, v)
    if divide:
        _k_div(p, p, y, tt)
    else:
        np.multiply(p, y, out=p)
    np.add(out, p, out=out)
    return res


@torch_op('addcmul', 'ttt', 'tntt')
def addcmul(res, t, a, b, c=None):
    """[res] torch.addcmul([res,] t [,value], src1, src2): t + value * src1 * src2"""
    if c is None:
        return _addc('addcmul', res, t, 1, a, b, False)
    return _addc('addcmul', res, t, a, b, c, False)


@torch_op('addcdiv', 'ttt', 'tntt')
def addcdiv(res, t, a, b, c=None):
    """[res] torch.addcdiv([res,] t [,value], src1, src2): t + value * src1 / src2"""
    if c is None:
        return _addc('addcdiv', res, t, 1, a, b, True)
    return _addc('addcdiv', res, t, a, b, c, True)


# ----------------------------------------------------------------------------- unary functions


@torch_op('sign', 't')
def sign(res, t):
    res = _result('sign', res, t)
    a = t.arr()
    out = res.arr()
    dt = out.dtype
    np.subtract((a > 0).astype(dt), (a < 0).astype(dt), out=out)
    return res


def _scalar_fn(name, x):
    """torch.NAME(number): the C function on a number of the default tensor type."""
    f = _SCALAR[name]
    tt = types.default()
    if tt.dtype == _F64:
        try:
            return float(f(float(x)))
        except (ValueError, OverflowError, ZeroDivisionError):
            with _quiet():
                return float(_UNARY[name](np.float64(x)))
    with _quiet():
        return float(tt.dtype.type(_UNARY[name](np.float64(tt.dtype.type(x)))))


def _c_round(a, out=None):
    """C round(): halves away from zero (numpy rounds them to even)."""
    m = np.abs(a)
    f = np.floor(m)
    r = f + (m - f >= 0.5)
    return np.copysign(r, a, out=out)


def _sigmoid64(a, out=None):
    return np.divide(1.0, np.add(1.0, np.exp(np.negative(a))), out=out)


def _frac(a, out=None):
    return np.subtract(a, np.trunc(a), out=out)


def _rsqrt(a, out=None):
    return np.divide(1, np.sqrt(a), out=out)


# the functions (for FloatTensor: in float32 where numpy's loop or libm.py is libm's float
# function, else evaluated in double and rounded)
_UNARY = {
    'log': np.log, 'log1p': np.log1p, 'exp': np.exp,
    'cos': np.cos, 'acos': np.arccos, 'cosh': np.cosh,
    'sin': np.sin, 'asin': np.arcsin, 'sinh': np.sinh,
    'tan': np.tan, 'atan': np.arctan, 'tanh': libm.tanh,
    'sqrt': np.sqrt, 'round': _c_round, 'ceil': np.ceil, 'floor': np.floor, 'trunc': np.trunc,
    'abs': np.abs, 'frac': _frac, 'rsqrt': _rsqrt, 'sigmoid': _sigmoid64,
}

# exact in the tensor's own type (IEEE operations or exact functions), or libm's float function
_EXACT = {'sqrt', 'round', 'ceil', 'floor', 'trunc', 'abs', 'frac', 'rsqrt', 'tanh'} | (
    libm.FLOAT32_LIBM & set(_UNARY))

_SCALAR = {
    'log': math.log, 'log1p': math.log1p, 'exp': math.exp,
    'cos': math.cos, 'acos': math.acos, 'cosh': math.cosh,
    'sin': math.sin, 'asin': math.asin, 'sinh': math.sinh,
    'tan': math.tan, 'atan': math.atan, 'tanh': math.tanh,
    'sqrt': math.sqrt, 'ceil': lambda x: float(math.ceil(x)), 'floor': lambda x: float(math.floor(x)),
    'trunc': lambda x: float(math.trunc(x)), 'abs': math.fabs,
    'round': lambda x: float(_c_round(np.float64(x))),
    'frac': lambda x: x - float(math.trunc(x)),
    'rsqrt': lambda x: 1.0 / math.sqrt(x),
    'sigmoid': lambda x: 1.0 / (1.0 + math.exp(-x)),
}


def _declare_unary(name):
    fn64 = _UNARY[name]
    exact = name in _EXACT

    def op(res, t):
        if type(t) is not Tensor:
            return _scalar_fn(name, t)
        tt = t.ttype
        if not (tt.is_float or (name == 'abs' and tt.name in ABS_TYPES)):
            raise _unsupported(name, t)
        res = _result(name, res, t)
        out, a = res.arr(), t.arr()
        if not tt.is_float:
            np.abs(a, out=out)
        elif exact or tt.dtype == _F64:
            with _quiet():
                fn64(a, out=out)
        elif name == 'sigmoid':
            # 1.0f / (1.0f + expf(-x)): only expf is a libm call
            with _quiet():
                e = np.exp(np.negative(a).astype(_F64)).astype(tt.dtype)
                np.divide(tt.dtype.type(1), np.add(tt.dtype.type(1), e), out=out)
        else:
            _float_fn(fn64, out, a)
        return res
    op.__name__ = name
    _op(name, 't', 'n', ttypes=ABS_TYPES if name == 'abs' else FLOATS)(op)
    return op


# module attributes exp, log, ...; abs_ and round_ keep Python's builtins usable here
UNARY = {_name: _declare_unary(_name) for _name in _UNARY}
globals().update({(n + '_' if n in ('abs', 'round') else n): f for n, f in UNARY.items()})


@_op('neg', 't', ttypes=FLOATS)
def neg(res, t):
    _need_float('neg', t)
    res = _result('neg', res, t)
    np.negative(t.arr(), out=res.arr())
    return res


@_op('cinv', 't', ttypes=FLOATS)
def cinv(res, t):
    _need_float('cinv', t)
    res = _result('cinv', res, t)
    with _quiet():
        np.divide(t.ttype.dtype.type(1), t.arr(), out=res.arr())
    return res


@_op('pow', 'tn', 'nt', 'nn', ttypes=FLOATS)
def pow_(res, a, b):
    """torch.pow([res,] t, n): t^n; torch.pow([res,] n, t): n^t; torch.pow(x, y) numbers."""
    if type(a) is not Tensor and type(b) is not Tensor:
        tt = types.default()
        with _quiet():
            if tt.dtype == _F64:
                try:
                    return math.pow(a, b)
                except (ValueError, OverflowError, ZeroDivisionError):
                    return float(np.power(np.float64(a), np.float64(b)))
            f = tt.dtype.type
            return float(f(np.power(np.float64(f(a)), np.float64(f(b)))))
    if type(a) is Tensor:
        _need_float('pow', a)
        return _ts('pow', res, a, b, _k_pow)
    _need_float('pow', b)
    tt = b.ttype
    v = _real(a, tt)
    res = _result('pow', res, b)
    # tpow: C pow(value, x) in double
    _float_fn(np.power, res.arr(), np.float64(v), b.arr())
    return res


def th_pow(a, v, out):
    """THTensor_(pow)(out, a, v), v converted to a's type: TH's special exponents (1: a copy,
    2: a*a, 3: a*a*a, 0.5: sqrt, -0.5: 1/sqrt, -1: 1/a, -2: 1/(a*a), in that type), else
    TH_MATH_NAME(pow): libm's pow, powf for a float array (numpy's float32 power loop calls it).
    Non-float arrays: numpy's power. (Also nn.Power's, nn.Normalize's and LRN's pow.)"""
    if a.dtype.kind != 'f':
        np.power(a, v, out=out)
        return
    v = a.dtype.type(v)
    one = a.dtype.type(1)
    if v == 1:
        np.copyto(out, a)
    elif v == 2:
        np.multiply(a, a, out=out)
    elif v == 3:
        np.multiply(np.multiply(a, a), a, out=out)
    elif v == 0.5:
        np.sqrt(a, out=out)
    elif v == -0.5:
        np.divide(one, np.sqrt(a), out=out)
    elif v == -1:
        np.divide(one, a, out=out)
    elif v == -2:
        np.divide(one, np.multiply(a, a), out=out)
    else:
        np.power(a, v, out=out)


def _k_pow(out, a, v, tt):
    with _quiet():
        th_pow(a, v, out)


@_op('atan2', 'tt', 'nn', ttypes=FLOATS)
def atan2(res, a, b):
    """torch.atan2([res,] tx, ty): atan2(tx, ty) element-wise; numbers give a number."""
    if type(a) is not Tensor:
        if type(b) is Tensor:
            raise _bad('atan2', res, a, b)
        tt = types.default()
        f = tt.dtype.type
        with _quiet():
            return float(f(np.arctan2(np.float64(f(a)), np.float64(f(b)))))
    _need_float('atan2', a)
    if type(b) is not Tensor:
        raise _bad('atan2', res, a, b)
    return _tt('atan2', res, a, b, _k_atan2, ('r_', 'tx', 'ty'))


@_op('lerp', 'ttn', 'nnn', ttypes=FLOATS)
def lerp(res, a, b, w):
    """torch.lerp([res,] a, b, weight): a + weight * (b - a)"""
    if type(a) is not Tensor:
        if type(b) is Tensor:
            raise _bad('lerp', res, a, b, w)
        f = types.default().dtype.type
        with _quiet():
            a, b, w = f(a), f(b), f(w)
            return float(a + w * (b - a))
    _need_float('lerp', a)
    if type(b) is not Tensor or b.ttype is not a.ttype:
        raise _bad('lerp', res, a, b, w)
    if a.nelement() != b.nelement():
        raise TorchError("bad argument #2 to 'lerp' (sizes do not match)")
    tt = a.ttype
    wv = _real(w, tt)
    res = _result('lerp', res, a, b)
    out = res.arr()
    x, y = a.arr(), _like(b, out)
    with _quiet():
        d = np.subtract(y, x)
        np.multiply(d, wv, out=d)
        np.add(x, d, out=out)
    return res


# ----------------------------------------------------------------------------- comparisons


def _declare_compare(name, ufunc):
    def op(res, t, b):
        tt = t.ttype
        if type(b) is Tensor:
            if b.ttype is not tt:
                raise _bad(name, res, t, b)
            if b.nelement() != t.nelement():
                raise _size_error(('r_', 'ta', 'tb'), (t, t, b))
        else:
            b = _real(b, tt)
        if res is None:
            res = T.empty(tt.twin(types.Byte), t.size)   # a Cuda type's: CudaByteTensor
        elif res.ttype.host is not types.Byte and res.ttype is not tt:
            raise _bad(name, res, t, b)
        elif res.size != t.size:
            T.resize(res, t.size)
        out = res.arr()
        y = _like(b, out) if type(b) is Tensor else b
        if res.ttype.cuda is tt.cuda:
            ufunc(t.arr(), y, out=out)
        else:   # a ByteTensor result of a Cuda comparison (or the reverse)
            _xp.put(out, ufunc(t.arr(), y))
        return res
    op.__name__ = name
    torch_op(name, 'tn', 'tt', inplace=False)(op)
    return op


lt = _declare_compare('lt', np.less)
le = _declare_compare('le', np.less_equal)
gt = _declare_compare('gt', np.greater)
ge = _declare_compare('ge', np.greater_equal)
eq = _declare_compare('eq', np.equal)
ne = _declare_compare('ne', np.not_equal)


# ----------------------------------------------------------------------------- operators


def _operand_error(op, x):
    kind = 'userdata' if isinstance(x, Tensor) else type(x).__name__
    return TorchError("bad argument #2 to '%s' (number expected, got %s)" % (op, kind))


def _number(x, op):
    if type(x) is int or type(x) is float:
        return x
    raise _operand_error(op, x)


def _both(a, b, op):
    if type(a) is Tensor:
        if type(b) is Tensor and b.ttype is a.ttype:
            return a, b, None
        return a, None, _number(b, op)
    if type(b) is Tensor:
        return b, None, _number(a, op)
    raise TorchError('expecting two Tensors or one Tensor and one number')


@torch_fn('__add', function=False)
def op_add(a, b):
    """t + t2, t + n, n + t: a new tensor of the tensor's type."""
    t, t2, n = _both(a, b, '__add')
    if t2 is not None:
        return _tt('add', None, t, t2, _k_add)
    return _ts('add', None, t, n, _k_add)


@torch_fn('__sub', function=False)
def op_sub(a, b):
    """t - t2, t - n, n - t"""
    t, t2, n = _both(a, b, '__sub')
    if t2 is not None:
        return _tt('csub', None, t, t2, _k_sub)
    if t is a:
        return _ts('csub', None, t, n, _k_sub)
    # n - t: a tensor filled with n, minus t
    v = _real(n, t.ttype)
    r = T.empty(t.ttype, t.size)
    np.subtract(v, t.arr(), out=r.arr())
    return r


@torch_fn('__mul', function=False)
def op_mul(a, b):
    """t * n, n * t; t1 * t2 is a dot product (1D, 1D), mv (2D, 1D) or mm (2D, 2D)."""
    t, t2, n = _both(a, b, '__mul')
    if t2 is None:
        return _ts('mul', None, t, n, _k_mul)
    return _matmul(t, t2)


@torch_fn('__div', function=False)
def op_div(a, b):
    """t / n (only a number divisor)"""
    if type(a) is not Tensor:
        raise TorchError("bad argument #1 to '__div' (tensor expected, got %s)" % type(a).__name__)
    if type(b) is not int and type(b) is not float:
        raise TorchError("bad argument #2 to '__div' (number expected)")
    return _ts('div', None, a, b, _k_div)


@torch_fn('__mod', function=False)
def op_mod(a, b):
    """t % n: remainder with the divisor's sign, as Lua's %."""
    if type(a) is not Tensor:
        raise TorchError("bad argument #1 to '__mod' (tensor expected, got %s)" % type(a).__name__)
    if type(b) is not int and type(b) is not float:
        raise TorchError("bad argument #2 to '__mod' (number expected)")
    return _ts('remainder', None, a, b, _k_remainder)


@torch_fn('__unm', function=False)
def op_unm(a, b=None):
    """-t: a new tensor (t times -1)"""
    if type(a) is not Tensor:
        raise TorchError('tensor expected')
    r = T.empty(a.ttype, a.size)
    np.negative(a.arr(), out=r.arr())
    return r


def _dot(a, b):
    """TH's dot of two tensors seen as vectors, as a Lua number of the tensor's type."""
    if a.nelement() != b.nelement():
        raise _size_error(('tensor', 'src'), (a, b))
    tt = a.ttype
    x, y = a.arr().reshape(-1), b.arr().reshape(-1)
    if tt.is_float and not tt.cuda and type(x) is np.ndarray:
        from . import blas          # (TH's dot: BLAS over the stretches the tensors share)
        return blas.dot(a, b)
    if tt.is_float:
        return float(tt.dtype.type(np.dot(x, y)))
    s = np.dot(x.astype(np.int64), y.astype(np.int64))
    return int(cast(np.asarray(s), tt))


def _matmul(a, b):
    da, db = len(a.size), len(b.size)
    tt = a.ttype
    if da == 1 and db == 1:
        return _dot(a, b)
    if da == 2 and db == 1:
        if a.size[1] != b.size[0]:
            raise TorchError('size mismatch, %s, %s' % (_desc(a), _desc(b)))
        r = T.empty(tt, (a.size[0],))
    elif da == 2 and db == 2:
        if a.size[1] != b.size[0]:
            raise TorchError('size mismatch, m1: %s, m2: %s' % (_desc(a), _desc(b)))
        r = T.empty(tt, (a.size[0], b.size[1]))
    else:
        raise TorchError('multiplication between %dD and %dD tensors not yet supported' % (da, db))
    if r.size:
        if tt.is_float and not tt.cuda and type(a.arr()) is np.ndarray:
            # Torch's __mul: r:zero():addmv(1, r, 1, a, b) / addmm(1, r, 1, a, b): TH's BLAS
            # call onto zeros, the bits of blas.py's mv / mm (beta 0 onto zeros: the same sums)
            from . import blas
            return (blas.mv if db == 1 else blas.mm)(r, a, b)
        with _quiet():
            np.matmul(a.arr(), b.arr(), out=r.arr())
    return r


__all__ = [
    'to_real', 'add', 'csub', 'mul', 'div', 'fmod', 'mod', 'remainder', 'cmul', 'cdiv', 'cpow', 'cfmod',
    'cmod', 'cremainder', 'lshift', 'rshift', 'clshift', 'crshift', 'bitand', 'bitor', 'bitxor',
    'cbitand', 'cbitor', 'cbitxor', 'cmax', 'cmin', 'clamp', 'addcmul', 'addcdiv', 'sign',
    'neg', 'cinv', 'pow_', 'atan2', 'lerp', 'lt', 'le', 'gt', 'ge', 'eq', 'ne',
    'op_add', 'op_sub', 'op_mul', 'op_div', 'op_mod', 'op_unm',
] + sorted(n + '_' if n in ('abs', 'round') else n for n in _UNARY)
