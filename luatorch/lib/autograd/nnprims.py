"""Primitives made of Lua code: nn modules and criteria (autograd.functionalize, autograd.nn.*),
and functions declared with autograd.overload.module (`user_prim`, at the end).

The module's own forward and backward (Lua, given here as Python callables) are the forward
and the gradient: `F(params, x)` / `F(x)` / `F(x, y)` computes the output, and a second
primitive `B(g, ans, ...)` runs `backward`, giving the gradients of the input and the
parameters as one tuple. The reverse pass of F calls B, so a captured program (optimized mode)
contains both steps. Module buffers are reused by nn, so what crosses is copied; and B runs the
forward again first when the module has since been used for another call (state such as
dropout noise or pooling indices belongs to the last forward).
"""
from .. import tensor as T
from ..errors import TorchError
from ..tensor import Tensor
from .core import DIFF, MISSING, STATIC, ZERO
from .prims import P, Prim, isT, raw


def _copy(v):
    t = type(v)
    if t is Tensor:
        return T.clone(v)
    if t is list:
        return [_copy(x) for x in v]
    if t is dict:
        return {k: _copy(x) for k, x in v.items()}
    return v


def _flat(v):
    """Tensors of an input (a tensor, or a table of tensors) in order."""
    if type(v) is list:
        return list(v)
    if type(v) is dict:
        return [v[k] for k in sorted(v, key=lambda k: (str(type(k)), k))]
    return [v]


def _regroup(x, parts):
    X = raw(x)
    if type(X) is list:
        return list(parts)
    if type(X) is dict:
        keys = sorted(X, key=lambda k: (str(type(k)), k))
        return {k: p for k, p in zip(keys, parts)}
    return parts[0]


def _new(name, fwd, kind=DIFF):
    """A primitive outside the global table (it lives as long as its Lua wrapper holds it)."""
    p = Prim(name, fwd, kind, 'nn', False, name)
    p.id = -1
    p.effect = True
    return p


class _State:
    __slots__ = ('last',)

    def __init__(self):
        self.last = None


def module_prim(name, layout, lfwd, lbwd):
    """layout: 'params' (F(params, x)), 'input' (F(x)), 'criterion' (F(x, y))."""
    state = _State()

    def fwd(*args):
        out = _copy(lfwd(*args))
        state.last = out
        return out

    def bwd(g, ans, *args):
        if state.last is not ans:
            lfwd(*args)
            state.last = ans
        if layout == 'criterion':
            gi = lbwd(*args)
            return tuple(_copy(_flat(gi)))
        r = lbwd(g, *args)
        if layout == 'params':
            gi, gp = r
            return tuple(_copy(_flat(gi)) + _copy(list(gp)))
        return tuple(_copy(_flat(r)))

    F = _new(name, fwd)
    B = _new(name + '.backward', bwd)
    B.vjps = [MISSING] * 8
    F.effect = True

    memo = [None, None, None]

    def grads(g, ans, args):
        if memo[0] is g and memo[1] is ans:
            return memo[2]
        r = B(g, ans, *args)
        if type(r) is not tuple:
            r = (r,)
        memo[0], memo[1], memo[2] = g, ans, r
        return r

    if layout == 'params':
        def g_params(g, ans, params, x):
            r = grads(g, ans, (params, x))
            k = len(_flat(raw(x)) if type(raw(x)) in (list, dict) else [x])
            gp = r[k:]
            if type(params) is dict:   # a Lua table with more than the list part: keys 1..n
                return {i: gp[i - 1] for i in params if type(i) is int and 1 <= i <= len(gp)}
            return list(gp)

        def g_x(g, ans, params, x):
            r = grads(g, ans, (params, x))
            k = len(_flat(raw(x)) if type(raw(x)) in (list, dict) else [x])
            return _regroup(x, r[:k])
        F.vjps = [g_params, g_x]
    elif layout == 'input':
        def g_in(g, ans, x):
            return _regroup(x, grads(g, ans, (x,)))
        F.vjps = [g_in]
    elif layout == 'criterion':
        def g_c(g, ans, x, y):
            parts = grads(1.0, ans, (x, y))
            if not (type(g) is float and g == 1.0):
                parts = [P.mul(p, g) if isT(p) else p for p in parts]
            return _regroup(x, parts)
        F.vjps = [g_c, MISSING]
    else:
        raise TorchError('unknown nn primitive layout %s' % layout)
    return F


# ------------------------------------------------------------------------------ user primitives

KINDS = {'gradient': DIFF, 'dynamic': DIFF, 'initializer': ZERO, 'static': STATIC}


def user_prim(name, how, fwd, vjps=()):
    """A primitive declared from Lua with autograd.overload.module: `fwd(*values)` is the
    function as it was (called with plain values), `vjps[i](g, ans, *args)` the gradient with
    respect to argument i+1 (called with the traced values, so it is differentiated and recorded
    in turn), None where no gradient was given. `how` is the declaration: 'gradient' and
    'dynamic' are differentiable (a missing gradient is an error when one is needed),
    'initializer' gives a traced result no gradient flows through, 'static' a plain one."""
    kind = KINDS.get(how)
    if kind is None:
        raise TorchError('autograd.overload: unknown kind of function %s' % how)
    p = Prim(name, fwd, kind, 'user', False, name)
    p.id = -1
    if kind == DIFF:
        given = list(vjps)
        p.vjps = [MISSING if v is None else v for v in given] + [MISSING] * 16
    return p
