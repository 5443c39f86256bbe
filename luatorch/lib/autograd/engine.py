"""What the Lua half of autograd calls: traces, leaves, the reverse pass, optimized programs.

Lua (lua/autograd/runtime.lua) runs the user's function; these functions own everything else.
A direct-mode call is: `begin()`, `leaves(trace, values)` (the boxes standing for the
differentiated arguments), the Lua function (every supported op calls `apply`), then
`gradients(trace, out, seed)`. An optimized call is `opt_run` (replay a program already compiled
for these argument shapes) or, the first time, `opt_begin` / the Lua function / `opt_finish`.
"""
from .. import tensor as T
from ..errors import TorchError
from ..registry import NOTHING
from ..tensor import Tensor
from . import prims
from .core import ACTIVE, RECORDING, Box, Trace, backward, deep_raw, raw
from .prims import P, isT, vas
from .profiler import Profiler, summary
from .program import Compiled, Optimized, Program, finite, output_spec

PRIMS = prims.PRIMS


def apply(pid, *args):
    """Primitive number pid (1-based) applied to args, as called from Lua."""
    return PRIMS[pid - 1](*args)


def apply_prim(prim, *args):
    """A primitive given as an object (functionalized nn modules) applied to args."""
    return prim(*args)


def raw_value(v):
    return deep_raw(v)


def value_kind(v):
    """'number', 'tensor', or Lua's idea of anything else, under the boxes."""
    r = raw(v)
    if type(r) is Tensor:
        return 'tensor'
    if type(r) in (int, float):
        return 'number'
    return 'other'


def typename(v):
    r = raw(v)
    if type(r) is Tensor:
        return r.ttype.tensor_name
    if type(r) in (int, float):
        return 'number'
    return None


def depth():
    return len(ACTIVE)


def recording():
    return RECORDING[0] is not None


# ------------------------------------------------------------------------------ direct mode

def begin(profiler=None):
    t = Trace()
    t.prof = profiler
    return t


# ------------------------------------------------------------------------------ profiling

def profiler_new(site=None):
    return Profiler(site)


def profiler_cycle(p):
    p.cycle()


def profiler_report(p, kind):
    return p.report(kind)


def profile_summary(stats):
    return summary(stats)


def leaves(trace, values):
    """Boxes of `trace` for the differentiated argument's tensors and numbers."""
    out = []
    for v in values:
        if type(raw(v)) not in (Tensor, int, float):
            raise TorchError('autograd: cannot differentiate with respect to a %s'
                             % type(raw(v)).__name__)
        b = Box(v, trace)
        out.append(b)
    trace.leaves = out
    return out


def accumulate(a, b):
    if isT(a) and isT(b):
        return P.add(a, b)
    return P.__add(a, b)


def _finish_grad(leaf):
    g = leaf.g
    v = leaf.value
    rv = raw(v)
    if g is None:
        if type(rv) is Tensor:
            z = T.empty(rv.ttype, rv.size)
            if z.size:
                z.arr()[...] = 0
            return z
        return 0.0
    rg = raw(g)
    if type(rv) is Tensor:
        if type(rg) is not Tensor:
            g = P.fillLike(v, g)
            rg = raw(g)
        if rg.ttype is not rv.ttype:
            g = P.typeAs(g, v)
            rg = raw(g)
        if rg.size != rv.size:
            g = vas(g, v)
            rg = raw(g)
        if not rg.is_contiguous():
            g = P.contiguous(g)
    elif type(rg) is Tensor:
        g = P.sum(g)
    return g


NOT_A_NODE = ('A node type was not returned. This is either because a gradient was not defined, '
              'or the input is independent of the output')


def gradients(trace, out, seed=None):
    """Reverse pass of `trace` from the function's first result `out`; the gradients of the
    leaves, in order (zeros for those the result does not depend on)."""
    try:
        if type(out) is not Box or out.trace is not trace:
            raise TorchError(NOT_A_NODE)
        if seed is None:
            if type(raw(out)) not in (int, float):
                raise TorchError('Autograd only supports scalar return values. Output is not '
                                 'scalar')
            seed = 1.0
        backward(trace, out, seed, accumulate)
        return [_finish_grad(leaf) for leaf in trace.leaves]
    finally:
        trace.close()


def close(trace=None):
    if trace is not None:
        trace.close()


_INDEX_SET = prims.BY_NAME[('node', 'index_set')]


def assign(x, k, v):
    """x[k] = v on a node: the node's new value (Lua rebinds the proxy to it)."""
    return _INDEX_SET(x, k, v)


# ------------------------------------------------------------------------------ optimized mode

def opt_new():
    return Optimized()


def opt_run(opt, skey, values):
    """Replay the program compiled for these argument shapes: (number, outputs...), or None."""
    c = opt.lookup(skey, values)
    if c is None:
        return NOTHING
    return (c.number,) + tuple(c.run(values))


def opt_begin(values, isparam, withgrad, site=None):
    """A recording trace over all argument leaves, and a differentiating trace over the
    parameters inside it: (recording trace, differentiating trace or None, boxes).
    `site()` (debugging) tells where the Lua code is, for each step recorded."""
    rec = Trace(record=True)
    rec.program = Program()
    rec.program.site_fn = site
    g = Trace() if withgrad else None
    out = []
    for i, (v, p) in enumerate(zip(values, isparam)):
        b = Box(v, rec)
        b.slot = rec.program.new_slot(v)
        rec.program.inputs.append((b.slot, i))
        rec.leaves.append(b)
        if p and g is not None:
            gb = Box(b, g)
            g.leaves.append(gb)
            out.append(gb)
        else:
            out.append(b)
    return rec, g, out


INVALID_RETURN = ('invalid return value type from autograd function, autograd only supports '
                  'scalar return values')


def opt_finish(opt, skey, values, rec, g, out, seed, answers, hook=None, reduce=False, run=False):
    """Finish a capture: reverse pass (recorded), compile, store. Returns (number, outputs...)
    where the outputs are the gradients of the parameters, then the answers. `reduce`
    (reduceFootprint): the program drops each value it makes after its last use."""
    try:
        rec.program.site_fn = None
        grads = []
        if g is not None:
            if seed is None:
                if type(raw(out)) not in (int, float):
                    raise TorchError(INVALID_RETURN)
                seed = 1.0
            elif type(raw(out)) is not Tensor:
                raise TorchError(INVALID_RETURN)
            if type(out) is Box and out.trace is g:
                backward(g, out, seed, accumulate)
            grads = [_finish_grad(leaf) for leaf in g.leaves]
            g.close()
        results = [_unwrap_to(v, rec) for v in grads + list(answers)]
        outputs = [output_spec(v) for v in results]
        pidx = [i for i, p in enumerate(isparam_of(g, rec)) if p] if g is not None else []
        names = (['grad(locals[%d])' % (i + 1) for i in pidx][:len(grads)]
                 + ['answer[%d]' % (i + 1) for i in range(len(answers))])
        holder = []
        checker = _checker(hook, holder) if hook is not None else None
        compiled = Compiled(rec.program, outputs, names, checker, bool(reduce))
        holder.append(compiled)
        rec.close()
        num = opt.add(skey, values, compiled)
        if run or hook is not None:
            return (num,) + tuple(compiled.run(values))
        return (num,) + tuple(raw(v) for v in results)
    finally:
        if g is not None:
            g.close()
        rec.close()


def isparam_of(g, rec):
    """For each leaf of the recording trace, whether the differentiating trace boxes it."""
    boxed = {id(leaf.value) for leaf in g.leaves}
    return [id(b) in boxed for b in rec.leaves]


def _checker(hook, holder):
    def chk(step, slot, v):
        if not finite(v):
            hook(holder[0].number, step, slot)
    return chk


def _unwrap_to(v, rec):
    """A value of a differentiating trace seen from the recording trace `rec` under it."""
    while type(v) is Box and v.trace is not rec:
        v = v.value
    return v


# ------------------------------------------------------------------------------ debugging

def program_source(opt, number):
    """The compiled Python of program `number` (1-based) of an optimized df."""
    return opt.programs[number - 1].source


def program_listing(opt, number):
    """Program `number` as pseudo-Lua (what optimized mode runs, one line per step)."""
    return opt.programs[number - 1].listing


def program_info(opt, number, step, slot):
    """(value name, line in the listing, listing, where the Lua code made it) of a value."""
    c = opt.programs[number - 1]
    return (c.value_name(slot), c.line_of.get(step, 0), c.listing, c.site_of(step) or '')


def program_dot(opt, number, bad_slot=None):
    c = opt.programs[number - 1]
    return c.dot(() if bad_slot is None else (bad_slot,))


def program_steps(opt, number):
    return len(opt.programs[number - 1].keep)
