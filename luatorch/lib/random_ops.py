"""Torch7's random functions and methods (random.md, maths.md "Random" section) and torch.Generator.

The numbers come from `random.py` (a bit-exact Torch7 generator); this module gives them Torch's
calling conventions. Torch's C wrappers accept, for each function, a list of argument lists
("variants"): an optional result tensor, then an optional Generator, then the parameters, some
with defaults. A call picks the first variant, in Torch's order, whose arguments match, trying for
each variant first the fewest optional arguments; so `t:uniform(10)` is uniform(10, 1) and
`torch.normal(-1)` is normal(-1, 1). `torch.X` picks the tensor type from its first or second
argument when that is a tensor (else the default type), as Torch's dispatcher does.

Declared (all with an optional Generator `g`):

* torch.manualSeed([g,] n), torch.seed([g]) -> seed, torch.initialSeed([g]) -> seed,
  torch.getRNGState([g] [, bytes]) -> ByteTensor (5048), torch.setRNGState([g,] bytes) -> bytes
* torch.random / uniform / normal / exponential / cauchy / logNormal / geometric / bernoulli:
  scalar forms return a number; as tensor methods (or torch.X(t, ...)) they fill t and return it
* torch.rand / randn([res,] [g,] sizes...), torch.randperm([res,] [g,] n),
  torch.multinomial([res,] [g,] probs, n [, replacement]) (also as methods, self = result)
* torch.Generator(): a new generator seeded from the OS; kind 200 in the Lua binding
"""

import numpy as np

from . import random as R
from . import tensor as T
from . import types
from . import xp as _xp
from .errors import TorchError, invalid_args
from .registry import NOTHING, torch_fn
from .storage import Storage
from .tensor import Tensor

Generator = R.Generator



# ----------------------------------------------------------------------------- argument matching
#
# A variant is (impl, specs); a spec is (kind, optional, default). Kinds:
#   'self' tensor of the call's type (required)      'res'  same, optional (allocated when absent)
#   'gen'  Generator (optional: default generator)    'real' number, passed to a tensor filler
#   'double', 'long', 'int' numbers                   'bool' boolean
#   'sizes' sizes as numbers or one LongStorage (the rest of the arguments)
#   'idx'  LongTensor result (optional)               'byte' ByteTensor (optional)
#   'ftensor' / 'dtensor' FloatTensor / DoubleTensor  'ptensor' a Float or Double tensor

_NUMBER = {'real', 'double', 'long', 'int'}
_NODEF = object()


def S(kind, default=_NODEF, opt=None):
    return (kind, default is not _NODEF if opt is None else opt, default)


GEN = S('gen', opt=True)


def _is_sizes(rest):
    if len(rest) == 1 and type(rest[0]) is Storage and rest[0].ttype is types.Long:
        return True
    return all(type(a) is int or type(a) is float for a in rest)


def _check(kind, v, tt):
    tv = type(v)
    if kind in _NUMBER:
        return tv is int or tv is float
    if kind == 'gen':
        return tv is Generator
    if tv is not Tensor:
        return kind == 'bool' and tv is bool
    vt = v.ttype
    if kind == 'self' or kind == 'res':
        return vt is tt
    if kind == 'idx':
        return vt is types.Long
    if kind == 'byte':
        return vt is types.Byte
    if kind == 'ftensor':
        return vt is types.Float
    if kind == 'dtensor':
        return vt is types.Double
    if kind == 'ptensor':
        return vt.is_float
    return False


def _forms(variants):
    """Every way a call can match, in Torch's order: variant by variant, and within one the
    optional arguments switched on as the bits of a counter (cwrap's order)."""
    out = []
    for impl, specs in variants:
        opts = [i for i, s in enumerate(specs) if s[1]]
        vararg = specs[-1][0] == 'sizes'
        for mask in range(1 << len(opts)):
            present = [i for i, s in enumerate(specs)
                       if not s[1] or (mask >> opts.index(i)) & 1]
            if vararg:
                present = present[:-1]
            kinds = tuple(specs[i][0] for i in present)
            plan = []
            for i, sp in enumerate(specs):
                if sp[0] == 'sizes':
                    plan.append((2, len(present)))
                elif i in present:
                    plan.append((0, present.index(i)))
                elif sp[0] == 'gen':
                    plan.append((1, None))
                else:
                    plan.append((3, None if sp[2] is _NODEF else sp[2]))
            out.append((impl, kinds, len(kinds), vararg, tuple(plan)))
    # forms indexed by the class of their first argument (a form with none fits any call)
    by_first = {}
    for c in ('t', 'g', 'n', 'b', 'x', None):
        by_first[c] = [f for f in out if not f[2] or _KIND_CLASS[f[1][0]] == c]
    return by_first


_KIND_CLASS = {'self': 't', 'res': 't', 'idx': 't', 'byte': 't', 'ftensor': 't', 'dtensor': 't',
               'ptensor': 't', 'gen': 'g', 'real': 'n', 'double': 'n', 'long': 'n', 'int': 'n',
               'bool': 'b'}
_ARG_CLASS = {Tensor: 't', Generator: 'g', int: 'n', float: 'n', bool: 'b'}


def _match(forms, args, tt):
    """(impl, values) of the first form the arguments match, else (None, None)."""
    na = len(args)
    forms = forms[_ARG_CLASS.get(type(args[0]), 'x') if na else None]
    for impl, kinds, n, vararg, plan in forms:
        if (na < n) if vararg else (na != n):
            continue
        for k, a in zip(kinds, args):
            if not _check(k, a, tt):
                break
        else:
            if vararg and not _is_sizes(args[n:]):
                continue
            vals = []
            for how, x in plan:
                if how == 0:
                    vals.append(args[x])
                elif how == 1:   # no generator given: torch's (cutorch's for a Cuda tensor)
                    vals.append(_xp.generator_for(args, R.default_generator))
                elif how == 3:
                    vals.append(x)
                else:
                    rest = args[x:]
                    vals.append(tuple(int(v) for v in rest[0].data)
                                if len(rest) == 1 and type(rest[0]) is Storage
                                else tuple(int(v) for v in rest))
            return impl, vals
    return None, None


def _helpname(spec, tt):
    kind, opt, _ = spec
    name = {
        'self': '*%s*' % tt.tensor_name[6:], 'res': '*%s*' % tt.tensor_name[6:],
        'gen': 'Generator', 'real': 'float' if tt is types.Float else 'double',
        'double': 'double', 'long': 'long', 'int': 'int', 'bool': 'boolean',
        'sizes': '(LongStorage | dim1 [dim2...])', 'idx': '*LongTensor*',
        'byte': '*ByteTensor*', 'ftensor': 'FloatTensor', 'dtensor': 'DoubleTensor',
        'ptensor': 'FloatTensor|DoubleTensor',
    }[kind]
    return '[%s]' % name if opt else name


def _invalid(variants, args, tt):
    exp = ' | '.join(' '.join(_helpname(s, tt) for s in specs) for _, specs in variants)
    return invalid_args(args, exp)


def _call_type(args):
    """Torch's dispatch: the type of the first or second argument when it is a tensor, else a
    trailing tensor type name (removed from the arguments), else the default type."""
    if args and type(args[0]) is Tensor:
        return args[0].ttype, args
    if len(args) > 1 and type(args[1]) is Tensor:
        return args[1].ttype, args
    if args and type(args[-1]) is str and args[-1] in types.BY_TENSOR_NAME:
        return types.BY_TENSOR_NAME[args[-1]], args[:-1]
    return types.default(), args


class _Op:
    """One Torch function: its variants and their compiled forms."""
    __slots__ = ('name', 'variants', 'forms', 'float_only')

    def __init__(self, name, variants, float_only=False):
        self.name, self.variants, self.float_only = name, variants, float_only
        self.forms = _forms(variants)


def _dispatch(op, args):
    # trailing nils are absent arguments (the binding passes one nil for a call with none)
    while args and args[-1] is None:
        args = args[:-1]
    tt, args = _call_type(args)
    if op.float_only and not tt.is_float:
        raise TorchError('%s does not implement the torch.%s() function'
                         % (tt.tensor_name, op.name))
    impl, vals = _match(op.forms, args, tt)
    if vals is None:
        raise _invalid(op.variants, args, tt)
    return impl, vals, tt


def _arg_error(name, e, argn=1):
    """random.py's ValueErrors are Torch's THArgCheck failures."""
    return TorchError("bad argument #%d to '%s' (%s)" % (argn, name, e))


def _run(name, fn, *a, argn=1):
    try:
        return fn(*a)
    except ValueError as e:
        raise _arg_error(name, e, argn) from None
    except ZeroDivisionError as e:
        raise TorchError(str(e)) from None
    except TypeError as e:
        raise TorchError(str(e)) from None


# ----------------------------------------------------------------------------- generators


@torch_fn('Generator', method=False)
def new_generator(*_):
    """torch.Generator(): a generator seeded from the OS (Torch's THGenerator_new)."""
    return Generator()


@torch_fn('_gen', method=False)
def default_generator_fn(*_):
    """The default generator (lua/torch/Tensor.lua stores it as torch._gen)."""
    return R.default_generator


_MANUAL = _Op('manualSeed', [(None, [GEN, S('long')])])
_SEED = _Op('seed', [(None, [GEN])])
_INITIAL = _Op('initialSeed', [(None, [GEN])])


@torch_fn('manualSeed', method=False)
def manual_seed(*args):
    _, (gen, n), _ = _dispatch(_MANUAL, args)
    R.manual_seed(gen, n)
    return NOTHING     # torch.manualSeed returns no value


@torch_fn('seed', method=False)
def seed(*args):
    _, (gen,), _ = _dispatch(_SEED, args)
    return R.seed(gen)


@torch_fn('initialSeed', method=False)
def initial_seed(*args):
    _, (gen,), _ = _dispatch(_INITIAL, args)
    return R.initial_seed(gen)


_GET_STATE = _Op('getRNGState', [(None, [GEN, S('byte', None)])])
_SET_STATE = _Op('setRNGState', [(None, [GEN, S('byte', None)])])


@torch_fn('getRNGState', method=False)
def get_rng_state(*args):
    _, (gen, res), _ = _dispatch(_GET_STATE, args)
    if res is None:
        res = T.empty(types.Byte)
    T.resize(res, (R.STATE_SIZE,))
    if not res.is_contiguous():
        raise TorchError("bad argument #1 to 'getRNGState' (RNG state needs to be contiguous)")
    res.arr()[...] = np.frombuffer(R.get_state(gen), dtype=np.uint8)
    return res


@torch_fn('setRNGState', method=False)
def set_rng_state(*args):
    _, (gen, state), _ = _dispatch(_SET_STATE, args)
    if state is None:
        state = T.empty(types.Byte)
    if state.nelement() != R.STATE_SIZE:
        raise TorchError("bad argument #1 to 'setRNGState' (RNG state is wrong size)")
    if not state.is_contiguous():
        raise TorchError("bad argument #1 to 'setRNGState' (RNG state needs to be contiguous)")
    _run('setRNGState', R.set_state, gen, state.arr())
    return state


# ----------------------------------------------------------------------------- draws


def _declare(name, variants, float_only=False):
    """torch.NAME and the tensor method NAME, dispatching over `variants`."""
    o = _Op(name, variants, float_only)

    def op(*args):
        impl, vals, tt = _dispatch(o, args)
        return impl(tt, *vals)
    op.__name__ = name
    torch_fn(name)(op)
    return op


def _fill(filler, name, argn=1):
    """A tensor variant: fill self with `filler(gen, arr, ttype, *params)`, return self."""
    def impl(tt, t, gen, *params):
        _run(name, filler, gen, t.arr(), t.ttype, *params, argn=argn)
        return t
    return impl


def _scalar(fn, name, argn=1):
    def impl(tt, gen, *params):
        return _run(name, fn, gen, *params, argn=argn)
    return impl


_declare('random', [
    (_scalar(R.random, 'random', 2), [GEN, S('long'), S('long')]),
    (_scalar(R.random, 'random'), [GEN, S('long')]),
    (_scalar(R.random, 'random'), [GEN]),
    (_fill(R.fill_random, 'random', 2), [S('self'), GEN, S('long'), S('long')]),
    (_fill(R.fill_random, 'random'), [S('self'), GEN, S('long')]),
    (_fill(R.fill_random, 'random'), [S('self'), GEN]),
])

_declare('geometric', [
    (_scalar(R.geometric, 'geometric'), [GEN, S('double')]),
    (_fill(R.fill_geometric, 'geometric'), [S('self'), GEN, S('double')]),
])


def _bernoulli_tensor(tt, t, gen, p):
    if p.nelement() != t.nelement():
        raise TorchError('inconsistent tensor size')
    _run('bernoulli', R.fill_bernoulli, gen, t.arr(), t.ttype, p.arr())
    return t


_declare('bernoulli', [
    (_scalar(R.bernoulli, 'bernoulli'), [GEN, S('double', 0.5)]),
    (_fill(R.fill_bernoulli, 'bernoulli'), [S('self'), GEN, S('double', 0.5)]),
    (_bernoulli_tensor, [S('self'), GEN, S('ftensor')]),
    (_bernoulli_tensor, [S('self'), GEN, S('dtensor')]),
])

for _name, _fn, _filler, _a, _b in (
        ('uniform', R.uniform, R.fill_uniform, 0, 1),
        ('normal', R.normal, R.fill_normal, 0, 1),
        ('cauchy', R.cauchy, R.fill_cauchy, 0, 1),
        ('logNormal', R.log_normal, R.fill_log_normal, 1, 2)):
    _declare(_name, [
        (_scalar(_fn, _name, 2), [GEN, S('double', _a), S('double', _b)]),
        (_fill(_filler, _name, 2), [S('self'), GEN, S('real', _a), S('real', _b)]),
    ], float_only=True)

_declare('exponential', [
    (_scalar(R.exponential, 'exponential'), [GEN, S('double')]),
    (_fill(R.fill_exponential, 'exponential'), [S('self'), GEN, S('real')]),
], float_only=True)


# ----------------------------------------------------------------------------- constructors


def _result(res, tt, size):
    if res is None:
        res = Tensor(tt, Storage(tt, 0))
    return T.resize(res, size)


def _rand(filler):
    def impl(tt, res, gen, size):
        res = _result(res, tt, size)
        _run('rand', filler, gen, res.arr(), tt)
        return res
    return impl


_declare('rand', [(_rand(R.fill_uniform), [S('res', None), GEN, S('sizes')])], float_only=True)
_declare('randn', [(_rand(R.fill_normal), [S('res', None), GEN, S('sizes')])], float_only=True)


def _randperm(tt, res, gen, n):
    perm = _run('randperm', R.randperm, gen, n)
    res = _result(res, tt, (len(perm),))
    res.arr()[...] = perm.astype(tt.dtype)
    return res


_declare('randperm', [(_randperm, [S('res', None), GEN, S('long')])])


def _multinomial(tt, res, gen, probs, n, replacement):
    if probs.dim() not in (1, 2):
        raise TorchError("bad argument #2 to 'multinomial' (prob_dist must be 1 or 2 dim)")
    idx = _run('multinomial', R.multinomial, gen, probs.arr(), n, replacement, argn=2)
    res = _result(res, probs.ttype.twin(types.Long), idx.shape)   # CudaLong for Cuda probs
    _xp.put(res.arr(), idx)
    return res


_declare('multinomial', [
    (_multinomial, [S('idx', None), GEN, S('ptensor'), S('int'), S('bool', False)]),
])


# ----------------------------------------------------------------------------- alias method
#
# torch.multinomialAliasSetup / torch.multinomialAlias are Lua (lua/torch/Tensor.lua) around
# these two, which follow TH's multinomialAliasSetup / multinomialAliasDraw and cwrap's handling
# of index tensors: an index tensor given as an argument is decremented on the way in (and,
# when it is not also a result, stays so: Torch's draw leaves the alias table one lower), a
# returned one incremented on the way out.

_ALIAS_FLOAT = ('Float', 'Double')


def _alias_args(name, args, kinds):
    """args against kinds ('p' float tensor, 'q' tensor of the probs' type, 'l' LongTensor,
    'g' optional Generator, trailing '?' optional) -> values, or Torch's invalid-arguments error."""
    out, i = [], 0
    ftype = next((a.ttype for a in args if type(a) is Tensor and a.ttype.is_float), None)
    for k in kinds:
        opt = k.endswith('?')
        k = k[0]
        a = args[i] if i < len(args) else None
        if k == 'g':
            ok = type(a) is Generator
        elif type(a) is not Tensor:
            ok = False
        elif k == 'l':
            ok = a.ttype is types.Long
        else:
            ok = a.ttype.is_float and a.ttype is ftype and a.ttype.name in _ALIAS_FLOAT
        if ok:
            out.append(a)
            i += 1
        elif opt:
            out.append(R.default_generator if k == 'g' else None)
        else:
            break
    else:
        if i == len(args):
            return out
    tt = ftype or types.default()
    n = tt.tensor_name[len('torch.'):]
    exp = {'multinomialAliasSetup_': '%s [*LongTensor*] [*%s*]' % (n, n),
           'multinomialAlias_': '[*LongTensor*] [Generator] LongTensor %s' % n}[name]
    raise invalid_args(args, exp)


@torch_fn('multinomialAliasSetup_', types=_ALIAS_FLOAT)
def alias_setup(*args):
    """[J, q] torch.multinomialAliasSetup_(probs [, J] [, q]): the alias and probability tables."""
    probs, J, q = _alias_args('multinomialAliasSetup_', args, ('p', 'l?', 'q?'))
    tt = probs.ttype
    real = tt.dtype.type
    n = probs.nelement()
    J = T.empty(types.Long) if J is None else J
    q = T.empty(tt) if q is None else q
    p = [real(v) for v in probs.arr().reshape(-1)] if n else []
    jj = [0] * n
    qq = [real(0)] * n
    smaller, larger = [], []
    for i in range(n):
        qq[i] = real(n) * p[i]
        (smaller if qq[i] < 1.0 else larger).append(i)
    with np.errstate(all='ignore'):
        # pair each outcome below 1 with one above (TH's loop, from the ends of both lists)
        while smaller and larger:
            large, small = larger[-1], smaller[-1]
            jj[small] = large
            qq[large] = real(float(qq[large]) - (1.0 - float(qq[small])))
            if qq[large] < 1.0:
                smaller[-1] = large
                larger.pop()
            else:
                smaller.pop()
        if n:
            q_min = q_max = qq[n - 1]
            for v in qq:
                if v < q_min:
                    q_min = v
                elif v > q_max:
                    q_max = v
            if not q_min > 0:
                raise TorchError("bad argument #2 to 'multinomialAliasSetup_' (q_min is less than 0)")
            if q_max > 1:
                qq = [v / q_max for v in qq]
        for i in range(n):
            if jj[i] <= 0:      # never an alias target: always keep the outcome itself
                qq[i] = real(1.0)
    T.resize(J, (n,))
    T.resize(q, (n,))
    if n:
        J.arr()[...] = np.asarray(jj, np.int64).reshape(J.arr().shape) + 1
        q.arr()[...] = np.asarray(qq, tt.dtype).reshape(q.arr().shape)
    return J, q


@torch_fn('multinomialAlias_', types=_ALIAS_FLOAT)
def alias_draw(*args):
    """[output] torch.multinomialAlias_(output, [gen,] J, q): output's elements drawn with the
    tables of multinomialAliasSetup_ (a uniform index, then a Bernoulli draw per element)."""
    out, gen, J, q = _alias_args('multinomialAlias_', args, ('l', 'g?', 'l', 'q'))
    if len(out.size) > 1:
        raise TorchError("bad argument #1 to 'multinomialAlias_' (output must be a 1D tensor)")
    J.arr()[...] -= 1 if J.size else 0
    jv = J.arr().reshape(-1)
    qv = q.arr().reshape(-1).astype(np.float64)
    k = jv.shape[0]
    n = out.nelement()
    if not n:
        return out
    if not k:
        raise TorchError("bad argument #3 to 'multinomialAlias_' (empty alias table)")
    u = R.draw_uniform(gen, 2 * n).reshape(n, 2)
    idx = (u[:, 0] * k).astype(np.int64)
    pq = qv[idx]
    if not np.all((pq >= 0) & (pq <= 1)):
        raise TorchError("bad argument #1 to 'multinomialAlias_' (must be >= 0 and <= 1)")
    mask = u[:, 1] <= pq
    out.arr()[...] = np.where(mask, idx + 1, jv[idx])
    return out
