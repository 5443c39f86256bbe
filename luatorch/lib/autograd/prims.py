"""The primitives autograd knows, each with its derivative: Torch's op layer plus a gradient.

A primitive's forward is the Torch op itself, called through the op table (registry.OPS) with
Torch's own argument forms, so there is no second copy of the maths here. What is added is,
per argument position, a vector-Jacobian product `vjp(g, ans, *args)`: the gradient of the
loss with respect to that argument, given `g`, the gradient with respect to the result `ans`.
The vjps are written with primitives (`P.*`), never with raw numpy, so that they can be
differentiated again (gradients of gradients) and recorded (optimized mode).

`prim(name, ...)` declares one; `Prim.table` says where Lua finds it: 'torch' (torch.NAME and,
when `method`, node:NAME), 'op' (an operator), 'util' (autograd.util.NAME), 'node' (indexing).
"""
import math

import numpy as np

from .. import blas, construct, indexing, linalg, pointwise, random_ops, reduce, shape_ops  # noqa: F401,E501 (their ops register themselves)
from .. import sorting  # noqa: F401
from .. import tensor as T
from .. import types
from ..errors import TorchError
from ..registry import OPS, bad_args, resolve_function
from ..storage import Storage
from ..tensor import Tensor
from .core import BOXABLE, COMPOSITE, DIFF, MISSING, NONDIFF, RANDOM, STATIC, ZERO, Box, apply, raw

BOXABLE.update((Tensor, int, float, Box))

PRIMS = []          # by id (0-based)
BY_NAME = {}


class Prim:
    __slots__ = ('id', 'name', 'qualname', 'fwd', 'vjps', 'kind', 'table', 'method', 'fast',
                 'effect')

    def __init__(self, name, fwd, kind, table, method, qualname):
        self.id = len(PRIMS)   # its place in PRIMS once declared (prim() appends it)
        self.name = name
        self.fwd = fwd
        self.vjps = []
        self.kind = kind
        self.table = table
        self.method = method
        self.qualname = qualname
        self.fast = None      # optional specializer for optimized mode (program.py)
        self.effect = False   # a step kept in programs even when its result is unused

    def __call__(self, *args):
        return apply(self, args)

    def __repr__(self):
        return '<prim %s>' % self.qualname


def prim(name, fwd=None, kind=DIFF, table='torch', method=False, grads=(), qualname=None):
    """Declare a primitive. `fwd` defaults to the Torch function `name` of the op table."""
    if fwd is None:
        fwd = torch_function(name)
    if qualname is None:
        qualname = {'torch': 'torch.', 'op': 'op.', 'util': 'util.', 'node': 'node.'}[table] + name
    p = Prim(name, fwd, kind, table, method, qualname)
    p.vjps = list(grads)
    PRIMS.append(p)
    BY_NAME[(table, name)] = p
    return p


class _P:
    """P.name(*args): apply primitive `name` (torch table first, then util, op, node)."""

    def __getattr__(self, name):
        for table in ('torch', 'util', 'op', 'node'):
            p = BY_NAME.get((table, name))
            if p is not None:
                setattr(self, name, p)
                return p
        raise AttributeError(name)


P = _P()


# ------------------------------------------------------------------------------ calling Torch

def call(name, *args):
    """torch.NAME(args) as Lua would call it (method-only ops: self first)."""
    op = OPS[name]
    if not op.res:
        r = op.fn(*args)
    else:
        res, srcs = resolve_function(op, args)
        if srcs is None:
            raise bad_args(op, args)
        r = op.fn(res, *srcs)
    if r is None and args:
        return args[0]
    return r


def torch_function(name):
    op = OPS.get(name)
    if op is None:
        raise KeyError('no Torch op %s' % name)
    if not op.res:
        fn = op.fn

        def f(*args):
            r = fn(*args)
            return args[0] if r is None and args else r
    else:
        fn = op.fn

        def f(*args):
            res, srcs = resolve_function(op, args)
            if srcs is None:
                raise bad_args(op, args)
            if res is not None:
                raise TorchError('autograd: torch.%s with a result tensor is not supported, use '
                                 'the functional form' % name)
            return fn(None, *srcs)
    f.__name__ = name
    return f


# ------------------------------------------------------------------------------ value helpers

def isT(v):
    return type(raw(v)) is Tensor


def isnum(v):
    t = type(raw(v))
    return t is float or t is int


def size(v):
    return raw(v).size


def nel(v):
    return raw(v).nelement()


def ndim(v):
    return len(raw(v).size)


def emul(a, b):
    """a times b element-wise, numbers or tensors."""
    if isT(a) and isT(b):
        return P.cmul(a, b)
    return P.__mul(a, b)


def ediv(a, b):
    if isT(a) and isT(b):
        return P.cdiv(a, b)
    return P.__div(a, b)


def neg(a):
    return P.__unm(a)


def tsum(a):
    return P.sum(a) if isT(a) else a


def vas(g, x):
    """g viewed with x's size (same number of elements)."""
    if size(g) == size(x):
        return g
    return P.viewAs(P.contiguous(g), x)


def unb(g, x):
    """The gradient `g` of a result brought back to the shape of the argument x: numbers get
    the sum, tensors of another shape (same number of elements, or expanded) a view/sum."""
    X = raw(x)
    G = raw(g)
    if type(X) is not Tensor:
        return P.sum(g) if type(G) is Tensor else g
    if type(G) is not Tensor:
        return P.fillLike(x, g)
    if G.size == X.size:
        return g
    if G.nelement() == X.nelement():
        return vas(g, x)
    return unexpand(g, x)


def unexpand(g, x):
    """Sum g over the dimensions along which x was expanded (leading ones, size-1 ones)."""
    X, G = raw(x), raw(g)
    lead = len(G.size) - len(X.size)
    out = g
    for _ in range(lead):
        out = P.sum(out, 1)
    gs = raw(out).size
    for d in range(len(X.size)):
        if X.size[d] == 1 and gs[lead + d] != 1:
            out = P.sum(out, lead + d + 1)
    return vas(out, x)


def typed_mask(m, like):
    return P.typeAs(m, like)


def _none(*_):
    return None


# ------------------------------------------------------------------------------ operators

def _isnum(v):
    t = type(v)
    return (t is int or t is float) and t is not bool


def _arith_error(op, *vals):
    for v in vals:
        if v is None or type(v) is bool or type(v) is str:
            raise TorchError('attempt to perform arithmetic on a %s value' % (
                'nil' if v is None else ('boolean' if type(v) is bool else 'string')))


def _op(name, pyop):
    def f(a, b=None):
        if _isnum(a) and _isnum(b):
            return pyop(a, b)
        _arith_error(name, a, b)
        return call(name, a, b)
    f.__name__ = name
    return f


def _unm(a, b=None):
    if _isnum(a):
        return -a
    _arith_error('__unm', a)
    return call('__unm', a)


def _pow(a, b):
    if _isnum(a) and _isnum(b):
        return float(a) ** b
    _arith_error('__pow', a, b)
    if type(a) is Tensor and _isnum(b):
        return call('pow', a, b)
    if _isnum(a) and type(b) is Tensor:
        return call('pow', a, b)
    raise TorchError("attempt to perform arithmetic on a tensor value (only tensor ^ number and "
                     "number ^ tensor are defined)")


def _mod(a, b):
    if _isnum(a) and _isnum(b):
        return a - math.floor(a / b) * b
    _arith_error('__mod', a, b)
    return call('__mod', a, b)


def _mul_a(g, ans, a, b):
    A, B = raw(a), raw(b)
    ta, tb = type(A) is Tensor, type(B) is Tensor
    if not ta and not tb:
        return P.__mul(g, b)
    if not ta:
        return P.sum(P.cmul(g, b))
    if not tb:
        return P.mul(g, b)
    if A.dim() == 2 and B.dim() == 2:
        return P.mm(g, P.t(b))
    if A.dim() == 2 and B.dim() == 1:
        return P.ger(g, b)
    return P.mul(b, g)


def _mul_b(g, ans, a, b):
    A, B = raw(a), raw(b)
    ta, tb = type(A) is Tensor, type(B) is Tensor
    if not ta and not tb:
        return P.__mul(g, a)
    if not tb:
        return P.sum(P.cmul(g, a))
    if not ta:
        return P.mul(g, a)
    if A.dim() == 2 and B.dim() == 2:
        return P.mm(P.t(a), g)
    if A.dim() == 2 and B.dim() == 1:
        return P.mv(P.t(a), g)
    return P.mul(a, g)


def _div_b(g, ans, a, b):
    # d(a/b)/db = -a/b^2 = -ans/b
    return unb(neg(ediv(emul(g, ans), b)), b)


prim('__add', _op('__add', lambda a, b: a + b), table='op',
     grads=[lambda g, ans, a, b: unb(g, a), lambda g, ans, a, b: unb(g, b)])
prim('__sub', _op('__sub', lambda a, b: a - b), table='op',
     grads=[lambda g, ans, a, b: unb(g, a), lambda g, ans, a, b: unb(neg(g), b)])
prim('__mul', _op('__mul', lambda a, b: a * b), table='op', grads=[_mul_a, _mul_b])
prim('__div', _op('__div', lambda a, b: a / b), table='op',
     grads=[lambda g, ans, a, b: unb(ediv(g, b), a), _div_b])
prim('__unm', _unm, table='op', grads=[lambda g, ans, a, b=None: neg(g)])
prim('__pow', _pow, table='op',
     grads=[lambda g, ans, a, b: unb(emul(emul(g, b), P.__pow(a, P.__sub(b, 1))), a),
            lambda g, ans, a, b: unb(emul(g, emul(P.log(a), ans)), b)])
prim('__mod', _mod, table='op', grads=[lambda g, ans, a, b: unb(g, a), MISSING])


# ------------------------------------------------------------------------------ arithmetic

def _add_grads(sign):
    def ga(g, ans, a, b, c=None):
        return unb(g, a)

    def gb(g, ans, a, b, c=None):
        if c is None:
            return unb(g if sign > 0 else neg(g), b)
        # (a, value, c): a +- value * c
        s = tsum(emul(g, c))
        return s if sign > 0 else neg(s)

    def gc(g, ans, a, b, c=None):
        r = unb(emul(g, b), c)
        return r if sign > 0 else neg(r)
    return [ga, gb, gc]


prim('add', grads=_add_grads(1))
prim('csub', grads=_add_grads(-1))
prim('mul', grads=[lambda g, ans, t, n: P.mul(g, n),
                   lambda g, ans, t, n: P.sum(P.cmul(g, t))])
prim('div', grads=[lambda g, ans, t, n: P.div(g, n),
                   lambda g, ans, t, n: neg(P.__div(P.sum(P.cmul(g, ans)), n))])
prim('cmul', grads=[lambda g, ans, a, b: unb(emul(g, b), a),
                    lambda g, ans, a, b: unb(emul(g, a), b)])
prim('cdiv', grads=[lambda g, ans, a, b: unb(ediv(g, b), a),
                    lambda g, ans, a, b: unb(neg(ediv(emul(g, ans), b)), b)])


def _pow_a(g, ans, a, b):
    if isT(a):      # t ^ n
        return emul(g, emul(P.pow(a, P.__sub(b, 1)), b))
    if not isT(b):  # n ^ n
        return P.__mul(P.__mul(g, b), P.__pow(a, P.__sub(b, 1)))
    # n ^ t: sum(g * t * n^(t-1)) = sum(g * t * ans) / n
    return P.__div(tsum(emul(emul(g, b), ans)), a)


def _pow_b(g, ans, a, b):
    if isT(a):      # t ^ n: sum(g * log(t) * ans)
        return tsum(emul(g, emul(P.log(a), ans)))
    return emul(g, emul(ans, P.log(a)))


prim('pow', grads=[_pow_a, _pow_b])
prim('cpow', grads=[lambda g, ans, a, b: unb(emul(g, emul(P.cpow(a, P.__sub(b, 1)), b)), a),
                    lambda g, ans, a, b: unb(emul(g, emul(ans, P.log(a))), b)])


def _unary(name, vjp, method=False):
    prim(name, grads=[vjp], method=method)


def _sq(x):
    return emul(x, x)


_unary('exp', lambda g, ans, x: emul(g, ans))
_unary('log', lambda g, ans, x: ediv(g, x))
_unary('log1p', lambda g, ans, x: ediv(g, P.__add(x, 1)))
_unary('sqrt', lambda g, ans, x: ediv(P.__mul(g, 0.5), ans))
_unary('rsqrt', lambda g, ans, x: emul(g, P.__mul(emul(ans, _sq(ans)), -0.5)))
_unary('sin', lambda g, ans, x: emul(g, P.cos(x)))
_unary('cos', lambda g, ans, x: emul(g, neg(P.sin(x))))
_unary('tan', lambda g, ans, x: emul(g, P.__add(_sq(ans), 1)))
_unary('sinh', lambda g, ans, x: emul(g, P.cosh(x)))
_unary('cosh', lambda g, ans, x: emul(g, P.sinh(x)))
_unary('tanh', lambda g, ans, x: emul(g, P.__sub(1, _sq(ans))))
_unary('asin', lambda g, ans, x: ediv(g, P.sqrt(P.__sub(1, _sq(x)))))
_unary('acos', lambda g, ans, x: neg(ediv(g, P.sqrt(P.__sub(1, _sq(x))))))
_unary('atan', lambda g, ans, x: ediv(g, P.__add(_sq(x), 1)))
_unary('sigmoid', lambda g, ans, x: emul(g, emul(ans, P.__sub(1, ans))))
_unary('abs', lambda g, ans, x: emul(g, P.sign(x)))
_unary('neg', lambda g, ans, x: neg(g))
_unary('cinv', lambda g, ans, x: neg(emul(g, _sq(ans))))
_unary('frac', lambda g, ans, x: g)


def _atan2_y(g, ans, y, x):
    return ediv(emul(g, x), P.__add(_sq(x), _sq(y)))


def _atan2_x(g, ans, y, x):
    return neg(ediv(emul(g, y), P.__add(_sq(x), _sq(y))))


prim('atan2', grads=[_atan2_y, _atan2_x])
prim('fmod', grads=[lambda g, ans, x, n: g, MISSING])
prim('remainder', grads=[lambda g, ans, x, n: g, MISSING])
for _n in ('floor', 'ceil', 'round', 'trunc', 'sign'):
    prim(_n, kind=ZERO)
for _n in ('lt', 'le', 'gt', 'ge', 'eq', 'ne'):
    prim(_n, kind=ZERO, method=True)


def _clamp_g(g, ans, x, lo, hi):
    mask = P.cmul(P.ne(ans, lo), P.ne(ans, hi))
    return P.cmul(g, typed_mask(mask, g))


prim('clamp', grads=[_clamp_g, MISSING, MISSING])


prim('lerp', grads=[lambda g, ans, a, b, w: P.mul(g, P.__sub(1, w)),
                    lambda g, ans, a, b, w: P.mul(g, w),
                    lambda g, ans, a, b, w: P.sum(P.cmul(g, P.__sub(b, a)))])


def _addc(div):
    """addcmul(t, [v,] a, b) = t + v * a * b; addcdiv(t, [v,] a, b) = t + v * a / b."""
    def grad(pos):
        def f(g, ans, *args):
            if len(args) == 3:
                t, v, a, b = args[0], 1, args[1], args[2]
                which = ('t', 'a', 'b')[pos]
            else:
                t, v, a, b = args
                which = ('t', 'v', 'a', 'b')[pos]
            if which == 't':
                return unb(g, t)
            if which == 'v':
                return P.sum(P.cmul(g, P.cdiv(a, b) if div else P.cmul(a, b)))
            gv = g if len(args) == 3 else P.mul(g, v)
            if not div:
                return unb(P.cmul(gv, b if which == 'a' else a), a if which == 'a' else b)
            if which == 'a':
                return unb(P.cdiv(gv, b), a)
            return unb(neg(P.cdiv(P.cmul(gv, a), P.cmul(b, b))), b)
        return f
    return [grad(i) for i in range(4)]


prim('addcmul', grads=_addc(False))
prim('addcdiv', grads=_addc(True))


# ------------------------------------------------------------------------------ matrix products

def _mat_grads(kind):
    """Gradients of mm, mv, ger, bmm: (dA(g, A, B), dB(g, A, B))."""
    if kind == 'mm':
        return (lambda g, a, b: P.mm(g, P.t(b)), lambda g, a, b: P.mm(P.t(a), g))
    if kind == 'mv':
        return (lambda g, a, b: P.ger(g, b), lambda g, a, b: P.mv(P.t(a), g))
    if kind == 'ger':
        return (lambda g, a, b: P.mv(g, b), lambda g, a, b: P.mv(P.t(g), a))
    if kind == 'bmm':
        return (lambda g, a, b: P.bmm(g, P.transpose(b, 2, 3)),
                lambda g, a, b: P.bmm(P.transpose(a, 2, 3), g))
    if kind == 'addbmm':   # res 2D = sum_i A_i B_i
        def da(g, a, b):
            n = size(a)[0]
            return P.bmm(P.expand(P.view(P.contiguous(g), 1, size(g)[0], size(g)[1]), n,
                                  size(g)[0], size(g)[1]), P.transpose(b, 2, 3))

        def db(g, a, b):
            n = size(a)[0]
            return P.bmm(P.transpose(a, 2, 3), P.expand(
                P.view(P.contiguous(g), 1, size(g)[0], size(g)[1]), n, size(g)[0], size(g)[1]))
        return (da, db)
    raise KeyError(kind)


for _k in ('mm', 'mv', 'ger', 'bmm'):
    _da, _db = _mat_grads(_k)
    prim(_k, grads=[lambda g, ans, a, b, _da=_da: _da(g, a, b),
                    lambda g, ans, a, b, _db=_db: _db(g, a, b)])

prim('dot', grads=[lambda g, ans, a, b: P.mul(b, g), lambda g, ans, a, b: P.mul(a, g)])


def _addmat(kind):
    """addmm & co: res = v1 * M + v2 * op(A, B), Torch's forms [v1,] M, [v2,] A, B."""
    da, db = _mat_grads(kind)

    def parse(args):
        n = len(args)
        if n == 3:
            return None, 0, None, 1, 2
        if n == 4:
            if isnum(args[0]):
                return 0, 1, None, 2, 3
            return None, 0, 1, 2, 3
        return 0, 1, 2, 3, 4

    def product(a, b):
        if kind == 'addbmm':
            return P.sum(P.bmm(a, b), 1)
        return getattr(P, kind)(a, b)

    def grad(pos):
        def f(g, ans, *args):
            v1i, mi, v2i, ai, bi = parse(args)
            gv2 = g if v2i is None else P.mul(g, args[v2i])
            if pos == mi:
                return unb(g if v1i is None else P.mul(g, args[v1i]), args[mi])
            if pos == v1i:
                return P.sum(P.cmul(g, args[mi]))
            if pos == v2i:
                return P.sum(P.cmul(g, product(args[ai], args[bi])))
            if pos == ai:
                return da(gv2, args[ai], args[bi])
            if pos == bi:
                return db(gv2, args[ai], args[bi])
            return None
        return f
    return [grad(i) for i in range(5)]


prim('addmm', grads=_addmat('mm'))
prim('addmv', grads=_addmat('mv'))
prim('addr', grads=_addmat('ger'))
prim('baddbmm', grads=_addmat('bmm'))
prim('addbmm', grads=_addmat('addbmm'))


def _inverse_g(g, ans, x):
    at = P.t(ans)
    return neg(P.mm(P.mm(at, g), at))


prim('inverse', grads=[_inverse_g])


# ------------------------------------------------------------------------------ reductions

def _dim_arg(args, i):
    v = args[i] if len(args) > i else None
    return v if _isnum(raw(v)) else None


def _sum_g(g, ans, x, d=None):
    if d is None:
        return P.fillLike(x, g)
    return P.expandAs(g, x)


def _mean_g(g, ans, x, d=None):
    if d is None:
        return P.fillLike(x, P.__div(g, nel(x)))
    return P.expandAs(P.div(g, size(x)[int(raw(d)) - 1]), x)


prim('sum', grads=[_sum_g], method=True)
prim('mean', grads=[_mean_g], method=True)


def _extreme_g(g, ans, x, d=None):
    if d is None:
        return P.mul(typed_mask(P.eq(x, ans), x), g)
    vals = ans[0]
    mask = typed_mask(P.eq(x, P.expandAs(vals, x)), x)
    return P.cmul(mask, P.expandAs(g, x))


prim('max', grads=[_extreme_g], method=True)
prim('min', grads=[_extreme_g], method=True)


def _cext_g(which):
    def f(g, ans, a, b):
        x = a if which == 0 else b
        if not isT(x):
            return P.sum(P.cmul(g, typed_mask(P.eq(ans, x), g)))
        return unb(P.cmul(g, typed_mask(P.eq(vas(x, ans), ans), g)), x)
    return f


prim('cmax', grads=[_cext_g(0), _cext_g(1)])
prim('cmin', grads=[_cext_g(0), _cext_g(1)])


def _prod_g(g, ans, x, d=None):
    # d prod / d x_i = prod / x_i (x without zeros)
    if d is None:
        return P.cdiv(P.fillLike(x, P.__mul(g, ans)), x)
    return P.cdiv(P.cmul(P.expandAs(g, x), P.expandAs(ans, x)), x)


prim('prod', grads=[_prod_g], method=True)


def _var_parts(args):
    """(x, d (1-based) or None, biased) of var/std's forms t, tb, tn, tnb."""
    x = args[0]
    d = None
    biased = False
    for a in args[1:]:
        r = raw(a)
        if type(r) is bool:
            biased = r
        elif _isnum(r):
            d = int(r)
    return x, d, biased


def _var_g(g, ans, *args):
    x, d, biased = _var_parts(args)
    X = raw(x)
    if d is None:
        n = X.nelement()
        c = P.__sub(x, P.mean(x))
        return P.mul(c, P.__div(P.__mul(g, 2.0), n if biased else n - 1))
    n = X.size[d - 1]
    c = P.__sub(x, P.expandAs(P.mean(x, d), x))
    return P.cmul(c, P.expandAs(P.div(g, (n if biased else n - 1) / 2.0), x))


def _std_g(g, ans, *args):
    x, d, biased = _var_parts(args)
    if d is None:
        return _var_g(P.__div(g, P.__mul(ans, 2.0)), None, *args)
    return _var_g(P.cdiv(g, P.mul(ans, 2.0)), None, *args)


prim('var', grads=[_var_g], method=True)
prim('std', grads=[_std_g], method=True)


def _norm_g(g, ans, x, p=2, d=None):
    p = raw(p)
    if d is None:
        if p == 1:
            return P.mul(P.sign(x), g)
        coef = P.__div(g, P.__pow(ans, p - 1))
        if p == 2:
            return P.mul(x, coef)
        return P.mul(P.cmul(P.sign(x), P.pow(P.abs(x), p - 1)), coef)
    ex = P.expandAs(ans, x)
    ge = P.expandAs(g, x)
    if p == 1:
        return P.cmul(P.sign(x), ge)
    coef = P.cdiv(ge, P.pow(ex, p - 1))
    if p == 2:
        return P.cmul(x, coef)
    return P.cmul(P.cmul(P.sign(x), P.pow(P.abs(x), p - 1)), coef)


prim('norm', grads=[_norm_g], method=True)


def _dist_g(sign):
    def f(g, ans, a, b, p=2):
        r = _norm_g(g, ans, P.__sub(a, b), p)
        r = vas(r, a if sign > 0 else b)
        return r if sign > 0 else neg(r)
    return f


prim('dist', grads=[_dist_g(1), _dist_g(-1)], method=True)


def _cumsum_dim(x, d):
    return int(raw(d)) if d is not None else 1


prim('cumsum', grads=[lambda g, ans, x, d=None: P.rcumsum(g, _cumsum_dim(x, d))], method=True)


def _rcumsum(g, d):
    """Reverse cumulative sum along dimension d (1-based): the adjoint of cumsum."""
    a = g.arr()
    r = np.flip(np.cumsum(np.flip(a, d - 1), axis=d - 1, dtype=g.ttype.acc), d - 1)
    return T.from_array(r, g.ttype)


prim('rcumsum', _rcumsum, table='util', grads=[lambda g, ans, x, d: P.cumsum(g, d)])


def _trace_g(g, ans, x):
    return P.mul(P.eyeLike(x), g)


def _eye_like(x):
    r = T.empty(x.ttype, x.size)
    a = r.arr()
    a[...] = 0
    np.fill_diagonal(a, 1)
    return r


prim('eyeLike', _eye_like, kind=STATIC, table='util')
prim('trace', grads=[_trace_g], method=True)
prim('tril', grads=[lambda g, ans, x, k=0: P.tril(g, k)], method=True)
prim('triu', grads=[lambda g, ans, x, k=0: P.triu(g, k)], method=True)


def _diag_g(g, ans, x, k=0):
    if ndim(x) == 1:
        return P.diag(g, k)
    return P.diagScatter(g, x, k)


def _diag_scatter(g, x, k=0):
    r = T.empty(x.ttype, x.size)
    a = r.arr()
    a[...] = 0
    k = int(k)
    n = g.size[0]
    idx = np.arange(n)
    if k >= 0:
        a[idx, idx + k] = g.arr()
    else:
        a[idx - k, idx] = g.arr()
    return r


prim('diag', grads=[_diag_g], method=True)
prim('diagScatter', _diag_scatter, table='util', grads=[lambda g, ans, gg, x, k=0: P.diag(g, k)])


# ------------------------------------------------------------------------------ shapes & views

def _view_g(g, ans, x, *rest):
    if not isT(g):
        return P.fillLike(x, g)
    return vas(g, x)


prim('view', grads=[_view_g], method=True)
prim('viewAs', grads=[_view_g], method=True)
prim('reshape', grads=[_view_g], method=True)
prim('squeeze', grads=[_view_g], method=True)
prim('unsqueeze', grads=[_view_g], method=True)
prim('contiguous', grads=[lambda g, ans, x: g], method=True)
prim('clone', grads=[lambda g, ans, x: g], method=True)
prim('expand', grads=[lambda g, ans, x, *s: unexpand(g, x)], method=True)
prim('expandAs', grads=[lambda g, ans, x, t: unexpand(g, x)], method=True)
prim('transpose', grads=[lambda g, ans, x, d1, d2: P.transpose(g, d1, d2)], method=True)
prim('t', grads=[lambda g, ans, x: P.t(g)], method=True)


def _permute_g(g, ans, x, *dims):
    dims = [int(raw(d)) for d in dims]
    if len(dims) == 1 and isinstance(dims[0], (list, tuple)):
        dims = list(dims[0])
    inv = [0] * len(dims)
    for i, d in enumerate(dims):
        inv[d - 1] = i + 1
    return P.permute(g, *inv)


prim('permute', grads=[_permute_g], method=True)


def _select_g(g, ans, x, d, i):
    return P.selectSliceCopy(g, x, d, i)


def _select_slice_copy(g, x, d, i):
    r = T.empty(x.ttype if isinstance(x, Tensor) else g.ttype, x.size)
    r.arr()[...] = 0
    s = T.select(r, int(d), int(i)) if len(r.size) > 1 else None
    if s is None:
        r.arr()[int(i) - 1] = g if not isinstance(g, Tensor) else g.arr().reshape(())
    else:
        T.copy(s, g)
    return r


def _narrow_slice_copy(g, x, d, i, n):
    r = T.empty(x.ttype, x.size)
    r.arr()[...] = 0
    T.copy(T.narrow(r, int(d), int(i), int(n)), g)
    return r


def _index_add(g, x, d, idx):
    r = T.empty(g.ttype, x.size)
    a = r.arr()
    a[...] = 0
    ix = idx.arr().reshape(-1).astype(np.int64) - 1
    d0 = int(d) - 1
    gg = g.arr()
    np.add.at(a, (slice(None),) * d0 + (ix,), gg)
    return r


prim('select', grads=[_select_g], method=True)
prim('narrow', grads=[lambda g, ans, x, d, i, n: P.narrowSliceCopy(g, x, d, i, n)], method=True)
prim('index', grads=[lambda g, ans, x, d, idx: P.indexAdd(g, x, d, idx)], method=True)
prim('selectSliceCopy', _select_slice_copy, table='util',
     grads=[lambda gg, ans, g, x, d, i: P.select(gg, d, i)])
prim('narrowSliceCopy', _narrow_slice_copy, table='util',
     grads=[lambda gg, ans, g, x, d, i, n: P.narrow(gg, d, i, n)])
prim('indexAdd', _index_add, table='util',
     grads=[lambda gg, ans, g, x, d, idx: P.index(gg, d, idx)])


def _scatter_add(g, x, d, idx):
    """zeros of x's size, g's elements added at positions idx along d (gather's adjoint)."""
    r = T.empty(g.ttype, x.size)
    a = r.arr()
    a[...] = 0
    d0 = int(d) - 1
    ix = idx.arr().astype(np.int64) - 1
    gg = g.arr()
    grid = list(np.indices(ix.shape, sparse=True))
    grid[d0] = ix
    np.add.at(a, tuple(grid), gg)
    return r


prim('scatterAdd', _scatter_add, table='util',
     grads=[lambda gg, ans, g, x, d, idx: P.gather(gg, d, idx)])
prim('gather', grads=[lambda g, ans, x, d, idx: P.scatterAdd(g, x, d, idx)], method=True)


def _scatter(dst, d, idx, src):
    r = T.clone(dst)
    return call('scatter', r, d, idx, src)


prim('scatter', _scatter, grads=[lambda g, ans, dst, d, idx, src: P.scatter(g, d, idx, 0),
                                 None, None,
                                 lambda g, ans, dst, d, idx, src: P.gather(g, d, idx)])


def _cat_parts(args):
    """(list of pieces, dim used (1-based), is_table) of cat's forms."""
    a = raw(args[0])
    if type(a) is Tensor:
        pieces = [args[0], args[1]]
        d = args[2] if len(args) > 2 else None
        table = False
    else:
        pieces = list(args[0]) if not isinstance(args[0], dict) else \
            [args[0][k] for k in sorted(k for k in args[0] if isinstance(k, int))]
        d = args[1] if len(args) > 1 else None
        table = True
    d = raw(d)
    if d is None or int(d) == -1:
        d = max(len(raw(p).size) for p in pieces)
    return pieces, int(d), table


def _cat_grad(pos):
    def f(g, ans, *args):
        pieces, d, table = _cat_parts(args)
        out = []
        off = 1
        for p in pieces:
            sz = size(p)
            n = sz[d - 1] if d - 1 < len(sz) else (1 if sz else 0)
            if n:
                piece = P.narrow(g, d, off, n)
                out.append(vas(piece, p) if len(sz) != len(size(g)) else piece)
            else:
                out.append(None)
            off += n
        if table:
            return out if pos == 0 else None
        return out[pos] if pos < 2 else None
    return f


prim('cat', grads=[_cat_grad(0), _cat_grad(1), None], method=True)


def _util_cat(x, y=None, d=None):
    if isinstance(x, Tensor):
        return call('cat', x, y, d) if d is not None else call('cat', x, y)
    items = list(x) if isinstance(x, list) else [x[k] for k in sorted(x)]
    if items and isinstance(items[0], Tensor):
        return call('cat', items, y) if y is not None else call('cat', items)
    return T.from_array(np.array([float(v) for v in items]), types.default())


def _util_cat_g(pos):
    def f(g, ans, x, y=None, d=None):
        if isT(x):
            return _cat_grad(pos)(g, ans, x, y, d) if d is not None else _cat_grad(pos)(g, ans, x, y)
        items = list(x) if isinstance(x, list) else [x[k] for k in sorted(x)]
        if items and isT(items[0]):
            return _cat_grad(pos)(g, ans, x, y) if y is not None else _cat_grad(pos)(g, ans, x)
        if pos != 0:
            return None
        return [P.select(g, 1, i + 1) for i in range(len(items))]
    return f


prim('cat', _util_cat, table='util', grads=[_util_cat_g(0), _util_cat_g(1), None])


def _repeat_g(g, ans, x, *sizes):
    sizes = [int(raw(s)) for s in sizes]
    if len(sizes) == 1 and isinstance(sizes[0], (list, tuple)):
        sizes = list(sizes[0])
    xs = list(size(x))
    xs = [1] * (len(sizes) - len(xs)) + xs
    inter = []
    for r, s in zip(sizes, xs):
        inter += [r, s]
    out = P.view(P.contiguous(g), *inter)
    for i in range(len(sizes)):
        out = P.sum(out, 2 * i + 1)
    return vas(out, x)


def _repeat(x, *sizes):
    from ..storage import Storage
    if len(sizes) == 1 and isinstance(sizes[0], Storage):
        sizes = tuple(int(v) for v in sizes[0].data)
    return call('repeatTensor', x, *sizes)


prim('repeatTensor', _repeat, grads=[_repeat_g], method=True)


def _sorted_g(dimpos):
    """Gradient of sort/topk/kthvalue/median/mode's values: scattered back by the indices."""
    def f(g, ans, x, *rest):
        idx = ans[1]
        d = None
        if dimpos is not None and len(rest) > dimpos and _isnum(raw(rest[dimpos])):
            d = int(raw(rest[dimpos]))
        if d is None:
            d = ndim(x)
        return P.scatterAdd(g, x, d, idx)
    return f


prim('sort', grads=[_sorted_g(0)], method=True)
prim('topk', grads=[_sorted_g(1)], method=True)
prim('kthvalue', grads=[_sorted_g(1)], method=True)
prim('median', grads=[_sorted_g(0)], method=True)
prim('mode', grads=[_sorted_g(0)], method=True)


def _masked_select_g(g, ans, x, mask):
    return P.maskedSelectGrad(g, x, mask)


def _masked_select_grad(g, x, mask):
    r = T.empty(g.ttype, x.size)
    a = r.arr()
    a[...] = 0
    a[mask.arr().astype(bool).reshape(a.shape)] = g.arr().reshape(-1)
    return r


prim('maskedSelect', grads=[_masked_select_g], method=True)
prim('maskedSelectGrad', _masked_select_grad, table='util',
     grads=[lambda gg, ans, g, x, mask: P.maskedSelect(gg, mask)])


# ------------------------------------------------------------------------------ types & copies

def _type_g(g, ans, x, *rest):
    if not isT(g):
        return g
    return P.typeAs(g, x)


prim('typeAs', grads=[_type_g], method=True)
for _tt in types.TYPES:
    prim(_tt.name.lower(), kind=DIFF if _tt.is_float else ZERO, method=True, grads=[_type_g])


def _type_fwd(x, name=None):
    if name is None:
        return x.ttype.tensor_name
    return call('type', x, name)


prim('type', _type_fwd, method=True, grads=[_type_g])


def _copy(dst, src):
    r = T.clone(dst) if isinstance(dst, Tensor) else dst
    return T.copy(r, src)


prim('copy', _copy, grads=[None, lambda g, ans, dst, src: P.typeAs(vas(g, src), src)])


# ------------------------------------------------------------------------------ indexing

def _key(k):
    """A LongStorage index is the element at those coordinates, as a table of them."""
    if isinstance(k, Storage):
        return [int(v) for v in k.data]
    return k


def _index_get(x, k):
    return indexing.get(x, _key(k))


def _index_set(x, k, v):
    r = T.clone(x)
    indexing.set(r, _key(k), v)
    return r


def _index_get_grad(g, x, k):
    r = T.empty(g.ttype if isinstance(g, Tensor) else x.ttype, x.size)
    r.arr()[...] = 0
    indexing.set(r, _key(k), g)
    return r


def _index_zero(g, k):
    r = T.clone(g)
    indexing.set(r, _key(k), 0)
    return r


def _set_v(g, ans, x, k, v):
    gk = P.index_get(g, k)
    if not isT(v):
        return tsum(gk)
    if not isT(gk):
        return gk
    return vas(gk, v)


prim('index_get', _index_get, table='node',
     grads=[lambda g, ans, x, k: P.indexGetGrad(g, x, k)], qualname='DirectNode.__internal_get')
prim('index_set', _index_set, table='node',
     grads=[lambda g, ans, x, k, v: P.indexZero(g, k), None, _set_v],
     qualname='DirectNode.__internal_set')
prim('indexGetGrad', _index_get_grad, table='util',
     grads=[lambda gg, ans, g, x, k: P.index_get(gg, k)])
prim('indexZero', _index_zero, table='util', grads=[lambda gg, ans, g, k: P.indexZero(gg, k)])


# ------------------------------------------------------------------------------ util.*

def _fill(a, b):
    r = T.empty(a.ttype, a.size)
    if r.size:
        r.arr()[...] = b
    return r


prim('fill', _fill, table='util', grads=[None, lambda g, ans, a, b: P.sum(g)])
P.fillLike = BY_NAME[('util', 'fill')]


def composite(name, fn, table='torch', method=False):
    """A function of primitives, exposed to Lua like a primitive."""
    return prim(name, fn, kind=COMPOSITE, table=table, method=method)


def _split_args(args):
    x = args[0]
    n = raw(args[1])
    d = int(raw(args[2])) if len(args) > 2 and args[2] is not None else 1
    return x, n, d


def _pieces(x, size_, d):
    n = size(x)[d - 1]
    out, start = [], 1
    while start <= n:
        k = int(min(size_, n - start + 1))
        out.append(P.narrow(x, d, start, k))
        start += k
    return out


def _split(*args):
    if isinstance(args[0], list):         # torch.split(result_table, x, n [, d])
        args = args[1:]
    x, n, d = _split_args(args)
    if n <= 0:
        raise TorchError('split size must be positive')
    return _pieces(x, n, d)


def _chunk(*args):
    if isinstance(args[0], list):
        args = args[1:]
    x, n, d = _split_args(args)
    return _pieces(x, math.ceil(size(x)[d - 1] / n), d)


composite('split', _split, method=True)
composite('chunk', _chunk, method=True)


# ------------------------------------------------------------------------------ non-differentiable

def _functional(name):
    def f(t, *args):
        return call(name, T.clone(t), *args)
    f.__name__ = name
    return f


prim('zero', _functional('zero'), kind=NONDIFF)
for _n in ('bernoulli', 'uniform', 'normal', 'random', 'exponential', 'cauchy', 'logNormal',
           'geometric', 'rand', 'randn', 'multinomial'):
    if _n in OPS:
        prim(_n, kind=RANDOM)

for _n in ('size', 'dim', 'nDimension', 'nElement', 'numel', 'isTensor', 'isSameSizeAs',
           'stride', 'isContiguous', 'storageOffset', 'totable', 'equal', 'all', 'any',
           'elementSize', 'isSize', 'isSetTo'):
    if _n in OPS:
        prim(_n, kind=STATIC, method=True)


def names():
    """[(id (1-based), table, name, kind, method)] for the Lua side."""
    return [(p.id + 1, p.table, p.name, p.kind, p.method) for p in PRIMS]
