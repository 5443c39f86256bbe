"""The table of Torch functions and methods, declared once next to their Python code.

`@torch_op(name, *signatures)` registers a function written in the full form `fn(res, *sources)`
(res is None when Torch would allocate the result). From the signatures the binding derives every
calling form Torch accepts, as TH's cwrap does:

* `torch.add(a, b)`            -> fn(None, a, b)
* `torch.add(r, a, b)`         -> fn(r, a, b)        (the extra leading tensor is the result)
* `x:add(b)`   (inplace=True)  -> fn(x, x, b)        (method: the result is self, source too)
* `x:add(a, b)`(inplace=True)  -> fn(x, a, b)
* `x:sum(2)`   (inplace=False) -> fn(None, x, 2)     (method = function form with self first)

A signature is a string of argument kinds: 't' tensor, 'n' number, 's' string, 'b' boolean,
'x' anything, 'T' a tensor or nil-able table of tensors. `@torch_fn(name)` registers a function
called with its arguments as given (method form passes self first). Such a function may match
its arguments against a cwrap-style declaration with `parse` (optional results, defaults), and
return `NOTHING` where Torch returns no value (None makes Lua return the first argument).
Argument errors are `errors.invalid_args` / `bad_args`, worded as cwrap's.
"""
from . import types
from .errors import invalid_args
from .tensor import Tensor

OPS = {}


class _Nothing:
    """What a Torch function returning no value at all returns (None means: the first argument)."""
    __slots__ = ()

    def __repr__(self):
        return 'NOTHING'


NOTHING = _Nothing()


class Op:
    __slots__ = ('name', 'fn', 'sigs', 'inplace', 'method', 'function', 'res', 'types')

    def __init__(self, name, fn, sigs, inplace, method, function, res, types=None):
        self.name, self.fn, self.sigs = name, fn, sigs
        self.inplace, self.method, self.function, self.res = inplace, method, function, res
        self.types = types  # names of the tensor types having this method (None: all), as in TH


def _kind(v):
    t = type(v)
    if t is Tensor:
        return 't'
    if t is int or t is float:
        return 'n'
    if t is bool:
        return 'b'
    if t is str:
        return 's'
    return '?'


_KIND = {Tensor: 't', int: 'n', float: 'n', bool: 'b', str: 's'}
_MATCH = {}


def _matches(sigs, args):
    """Do args fit one of the signatures? (memoised on the argument kinds)"""
    kind = _KIND.get
    ks = ''.join([kind(type(a), '?') for a in args])
    key = (sigs, ks)
    r = _MATCH.get(key)
    if r is None:
        r = any(len(s) == len(ks) and all(p == k or p == 'x' for p, k in zip(s, ks)) for s in sigs)
        if len(_MATCH) < 100000:
            _MATCH[key] = r
    return r


def resolve_function(op, args):
    """(res, sources) of a function-form call torch.NAME(args...)."""
    if _matches(op.sigs, args):
        return None, args
    if args and type(args[0]) is Tensor and _matches(op.sigs, args[1:]):
        return args[0], args[1:]
    return None, None


def resolve_method(op, self, args):
    """(res, sources) of a method-form call self:NAME(args...)."""
    if op.inplace:
        if _matches(op.sigs, args):
            return self, args
        a = (self,) + args
        if _matches(op.sigs, a):
            return self, a
        return None, None
    return resolve_function(op, (self,) + args)


def bad_args(op, args):
    """Torch's error for a call matching none of op's signatures (the forms cwrap would list:
    the optional result, then the sources, named for the type of the call's first tensor)."""
    tt = next((a.ttype for a in args if type(a) is Tensor), None) or types.default()
    tname = tt.tensor_name[len('torch.'):]
    names = {'t': tname, 'n': tt.c_real, 's': 'string', 'b': 'boolean', 'x': 'value'}
    res = '[*%s*] ' % tname if op.res else ''
    exp = ' | '.join(res + ' '.join(names[c] for c in s) for s in op.sigs)
    return invalid_args(args, exp)


# ----------------------------------------------------------------------------- cwrap declarations
#
# For functions whose forms are one TH declaration with optional arguments (max, min, sort,
# topk, kthvalue, median, mode...): `parse` matches the arguments as cwrap's generated code does.


REQUIRED = object()
LAST = 'last'  # default dimension: the source's last


def parse(args, spec, expected):
    """Match `args` against one cwrap declaration, as TH's generated wrappers do.

    spec: (kind, default) pairs; kinds 'T' a result tensor of the source's type, 'I' a LongTensor
    of indices, 't' the source, 'n' a number, 'd' a dimension (1-based number), 'b' a boolean.
    Optional arguments (default not REQUIRED) are tried in cwrap's order: the variant leaving out
    the later optional arguments wins. Returns the argument values with defaults filled
    (results None when not given; dimensions 0-based, LAST -> the source's last) or raises
    TorchError('invalid arguments ...')."""
    ttype = None
    for a in args:
        if type(a) is Tensor:
            ttype = a.ttype
            break
    opt = [i for i, (k, d) in enumerate(spec) if d is not REQUIRED]
    nreq = len(spec) - len(opt)
    extra = len(args) - nreq
    if 0 <= extra <= len(opt):
        for variant in range(1 << len(opt)):
            if bin(variant).count('1') != extra:
                continue
            present = set(opt[b] for b in range(len(opt)) if variant >> b & 1)
            vals, ok, j = [], True, 0
            for i, (k, d) in enumerate(spec):
                if d is not REQUIRED and i not in present:
                    vals.append(None if k in 'TI' else d)
                    continue
                a = args[j]
                j += 1
                ta = type(a)
                if k in 'Tt':
                    ok = ta is Tensor and a.ttype is ttype
                elif k == 'I':
                    ok = ta is Tensor and a.ttype.host is types.Long   # or CudaLong
                elif k in 'nd':
                    ok = ta is int or ta is float
                elif k == 'b':
                    ok = ta is bool
                if not ok:
                    break
                vals.append(a)
            if ok:
                src = vals[[k for k, _ in spec].index('t')]
                for i, (k, d) in enumerate(spec):
                    if k == 'd':
                        vals[i] = len(src.size) - 1 if vals[i] == LAST else int(vals[i]) - 1
                return vals
    raise invalid_args(args, expected)


FLOAT_TYPES = ('Float', 'Double')


def _types(types, float_only):
    return FLOAT_TYPES if float_only else (tuple(types) if types else None)


def torch_op(name, *sigs, inplace=True, method=True, function=True, float_only=False, types=None):
    """Register fn(res, *sources) under a Torch name; see the module docstring.

    float_only / types (type names such as 'Byte'): the tensor types that have the method."""
    def deco(fn):
        OPS[name] = Op(name, fn, sigs, inplace, method, function, True, _types(types, float_only))
        return fn
    return deco


def torch_fn(name, method=True, function=True, float_only=False, types=None):
    """Register fn(*args), called with the arguments as given (method form: self first)."""
    def deco(fn):
        OPS[name] = Op(name, fn, (), False, method, function, False, _types(types, float_only))
        return fn
    return deco
