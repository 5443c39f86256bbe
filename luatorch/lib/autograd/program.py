"""Optimized mode: a differentiated call captured once as a straight-line program, then replayed.

The first call for given argument shapes runs the Lua function under a recording trace (whose
boxes wrap every tensor argument) with the differentiating trace inside it; every primitive
applied in the forward pass and in the reverse pass becomes a step `outs = prim(args)`. The
steps needed by the outputs (gradients, then the function's results) are compiled into one
Python function, so later calls run the maths alone: no Lua, no boxes, no tape.
"""
import numpy as np

from .. import tensor as T
from ..errors import TorchError
from ..tensor import Tensor
from .core import RANDOM, Box, raw


class Program:
    """The steps recorded by a recording trace."""

    def __init__(self):
        self.nslots = 0
        self.steps = []     # (prim, spec, outs)
        self.inputs = []    # (slot, leaf index)
        self.effects = set()

    def new_slot(self):
        self.nslots += 1
        return self.nslots - 1

    def add_step(self, prim, spec, outs, multi):
        self.steps.append((prim, spec, outs, multi))


def _spec_slots(spec, out):
    for s in spec:
        k = s[0]
        if k == 'v':
            out.add(s[1])
        elif k == 'l':
            _spec_slots(s[1], out)
        elif k == 'd':
            _spec_slots([x for _, x in s[1]], out)
    return out


class Compiled:
    """A program compiled to Python: run(leaves) -> outputs (a list)."""

    def __init__(self, program, outputs, checker=None, names=None):
        self.outputs = outputs
        self.source, self.run, self.listing, self.lines = _compile(program, outputs, checker, names)


def output_spec(v):
    """How the compiled program produces the value v (a box of the recording trace, or a
    constant)."""
    if type(v) is Box:
        if v.slot < 0:
            v = raw(v)
        else:
            return ('v', v.slot)
    if type(v) is Tensor:
        return ('t', v)
    return ('c', v)


def _compile(program, outputs, checker, names):
    needed = set()
    for o in outputs:
        if o[0] == 'v':
            needed.add(o[1])
    keep = []
    for prim, spec, outs, multi in reversed(program.steps):
        if prim.kind == RANDOM or any(o in needed for o in outs) or prim.effect:
            keep.append((prim, spec, outs, multi))
            _spec_slots(spec, needed)
    keep.reverse()
    consts = {}
    ns = {'clone': T.clone}

    def const(v):
        k = id(v)
        if k not in consts:
            consts[k] = ('c%d' % len(consts), v)
        return consts[k][0]

    def arg(s):
        k = s[0]
        if k == 'v':
            return 's%d' % s[1]
        if k == 'c':
            v = s[1]
            if v is None or type(v) in (bool, int, float):
                return repr(v) if not (type(v) is float and v != v) and v not in (
                    float('inf'), float('-inf')) else const(v)
            if type(v) is str:
                return repr(v)
            return const(v)
        if k == 'l':
            return '[' + ', '.join(arg(x) for x in s[1]) + ']'
        if k == 'd':
            return '{' + ', '.join('%s: %s' % (const(key) if not isinstance(key, (int, str))
                                               else repr(key), arg(x)) for key, x in s[1]) + '}'
        raise ValueError(k)

    lines = ['def run(L):']
    listing = []
    line_of = []
    for slot, i in program.inputs:
        lines.append('    s%d = L[%d]' % (slot, i))
    for n, (prim, spec, outs, multi) in enumerate(keep):
        fname = 'f%d' % n
        ns[fname] = prim.fast(spec) if prim.fast is not None else prim.fwd
        args = ', '.join(arg(s) for s in spec)
        lhs = ', '.join('s%d' % o for o in outs) + (',' if len(outs) == 1 and multi else '')
        lines.append('    %s = %s(%s)' % (lhs, fname, args))
        listing.append((prim, spec, outs))
        line_of.append(len(lines))
        if checker is not None:
            ns['chk'] = checker
            for o in outs:
                lines.append('    chk(%d, %d, s%d)' % (n, o, o))
    rets = []
    for o in outputs:
        if o[0] == 'v':
            rets.append('s%d' % o[1])
        elif o[0] == 't':
            rets.append('clone(%s)' % const(o[1]))
        else:
            rets.append(arg(('c', o[1])))
    lines.append('    return [%s]' % ', '.join(rets))
    for name, v in consts.values():
        ns[name] = v
    src = '\n'.join(lines) + '\n'
    exec(compile(src, '<autograd program>', 'exec'), ns)
    return src, ns['run'], listing, line_of


class Optimized:
    """The programs of one optimized df, by argument signature."""

    def __init__(self):
        self.cache = {}
        self.programs = []

    def key(self, skey, leaves):
        k = [skey]
        for v in leaves:
            if type(v) is Tensor:
                k.append((v.ttype.idx,) + v.size)
            else:
                k.append(None)
        return tuple(k)

    def lookup(self, skey, leaves):
        return self.cache.get(self.key(skey, leaves))

    def add(self, skey, leaves, compiled):
        self.programs.append(compiled)
        compiled.number = len(self.programs)
        self.cache[self.key(skey, leaves)] = compiled
        return compiled.number


def check_finite(v):
    """True when v (tensor or number) holds no nan or inf."""
    if type(v) is Tensor:
        if not v.ttype.is_float or not v.size:
            return True
        return bool(np.isfinite(v.arr()).all())
    if type(v) is float:
        return v == v and v not in (float('inf'), float('-inf'))
    return True


__all__ = ['Program', 'Compiled', 'Optimized', 'output_spec', 'check_finite', 'TorchError']
