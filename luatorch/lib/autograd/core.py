"""The tape: boxes, traces and the reverse pass (torch-autograd's engine, in Python).

A differentiated call opens a *trace*. Its inputs are wrapped in `Box`es; every primitive
(`prims.Prim`) applied to boxed arguments computes its result from the unboxed values and
returns a new box remembering the primitive, its arguments and which of them were boxes. The
boxes of a trace, in creation order, are its tape; the reverse pass walks the tape backwards,
calling each primitive's vector-Jacobian products (written with primitives themselves, so a
reverse pass run inside another trace is recorded by it: gradients of gradients).

Traces nest: a box's value may be a box of an enclosing trace. `apply` works on the innermost
(highest level) trace present among the arguments and recurses on the unboxed values, as in
HIPS autograd. A *recording* trace (optimized mode) does not differentiate: it records every
primitive applied to its boxes as a step of a straight-line program (program.py).
"""
from ..errors import TorchError

# primitive kinds
DIFF = 0      # differentiable: boxed result, gradients through its vjps
ZERO = 1      # boxed result, no gradient flows (comparisons, floor, sign, ...)
NONDIFF = 2   # result unboxed in differentiating traces, recorded by recording traces
STATIC = 3    # computed from fully unboxed values, never boxed (size, dim, new, ...)
RANDOM = 4    # like NONDIFF, and recorded by a recording trace even with no boxed argument
COMPOSITE = 5  # a Python function of primitives: called with the arguments as given

# in a primitive's vjps: no gradient can be computed for that argument (an error if needed);
# None (or no entry) means the result does not depend on it differentiably (sizes, indices)
MISSING = object()

_level = [0]
ACTIVE = []        # live traces, innermost last
RECORDING = [None]  # the live recording trace, if any


BOXABLE = set()   # the value types a box may hold (Tensor, int, float, boxes): set by prims.py


class Trace:
    __slots__ = ('level', 'record', 'tape', 'live', 'leaves', 'program', 'debug', 'prof')

    def __init__(self, record=False):
        _level[0] += 1
        self.level = _level[0]
        self.record = record
        self.tape = []
        self.live = True
        self.leaves = []
        self.program = None
        self.debug = None
        self.prof = None      # a profiler.Profiler timing the ops (direct mode's profile option)
        ACTIVE.append(self)
        if record:
            RECORDING[0] = self

    def close(self):
        """End the trace: its boxes become plain values for any later use."""
        if self.live:
            self.live = False
            if self in ACTIVE:
                ACTIVE.remove(self)
            if RECORDING[0] is self:
                RECORDING[0] = None
        self.tape = []


class Box:
    """A traced value. `value` is the unboxed value (possibly a box of an outer trace)."""
    __slots__ = ('value', 'trace', 'prim', 'args', 'parents', 'g', 'out', 'slot', 'site')

    def __init__(self, value, trace):
        self.value = value
        self.trace = trace
        self.prim = None
        self.args = None
        self.parents = None
        self.g = None
        self.out = None
        self.slot = -1
        self.site = None

    def __repr__(self):
        return '<autograd node %r>' % (raw(self),)


def raw(v):
    """The plain value under any number of boxes."""
    while type(v) is Box:
        v = v.value
    return v


def deep_raw(v):
    t = type(v)
    if t is Box:
        return raw(v)
    if t is list:
        return [deep_raw(x) for x in v]
    if t is dict:
        return {k: deep_raw(x) for k, x in v.items()}
    if t is tuple:
        return tuple(deep_raw(x) for x in v)
    return v


def depth():
    return len(ACTIVE)


# ------------------------------------------------------------------------------ apply

def _scan(v, top, state):
    """Deep scan of a container argument: the innermost live trace, and whether dead boxes occur."""
    t = type(v)
    if t is Box:
        tr = v.trace
        if not tr.live:
            state[0] = True
        elif top is None or tr.level > top.level:
            top = tr
    elif t is list:
        for x in v:
            top = _scan(x, top, state)
    elif t is dict:
        for x in v.values():
            top = _scan(x, top, state)
    return top


def _strip(v):
    """Unbox boxes of dead traces (values kept after their trace ended act as constants)."""
    t = type(v)
    if t is Box:
        while type(v) is Box and not v.trace.live:
            v = v.value
        return v
    if t is list:
        return [_strip(x) for x in v]
    if t is dict:
        return {k: _strip(x) for k, x in v.items()}
    return v


def _unbox(v, top, path, parents, spec):
    """v with the boxes of trace `top` replaced by their values; records (path, box) parents.
    `spec` (recording traces) receives how the step reads the argument."""
    t = type(v)
    if t is Box:
        if v.trace is top:
            parents.append((path, v))
            if spec is not None:
                spec.append(('v', v.slot))
            return v.value
        if not v.trace.live:
            v = _strip(v)
            if spec is not None:
                spec.append(('c', v))
            return v
        if spec is not None:
            spec.append(('c', v))
        return v
    if t is list:
        if spec is None:
            return [_unbox(x, top, path + (i,), parents, None) for i, x in enumerate(v)]
        sub = []
        out = [_unbox(x, top, path + (i,), parents, sub) for i, x in enumerate(v)]
        spec.append(('l', sub))
        return out
    if t is dict:
        if spec is None:
            return {k: _unbox(x, top, path + (k,), parents, None) for k, x in v.items()}
        sub = []
        keys = list(v)
        out = {k: _unbox(v[k], top, path + (k,), parents, sub) for k in keys}
        spec.append(('d', list(zip(keys, sub))))
        return out
    if spec is not None:
        spec.append(('c', v))
    return v


def apply(prim, args):
    """prim applied to args (a tuple), boxes and all."""
    top = None
    dead = False
    nested = False
    for a in args:
        ta = type(a)
        if ta is Box:
            tr = a.trace
            if not tr.live:
                dead = True
            elif top is None or tr.level > top.level:
                top = tr
        elif ta is list or ta is dict:
            nested = True
    if nested:
        state = [dead]
        for a in args:
            if type(a) is list or type(a) is dict:
                top = _scan(a, top, state)
        dead = state[0]
    kind = prim.kind
    if kind == COMPOSITE:
        return prim.fwd(*args)
    if top is None:
        if dead:
            args = tuple(_strip(a) for a in args)
        if kind == RANDOM and RECORDING[0] is not None:
            return _record(RECORDING[0], prim, [('c', a) for a in args], prim.fwd(*args))
        return prim.fwd(*args)
    if kind == STATIC:
        return prim.fwd(*[deep_raw(a) for a in args])
    parents = []
    if top.record:
        spec = []
        rawargs = tuple(_unbox(a, top, (i,), parents, spec) for i, a in enumerate(args))
        return _record(top, prim, spec, apply(prim, rawargs))
    rawargs = tuple(_unbox(a, top, (i,), parents, None) for i, a in enumerate(args))
    prof = top.prof
    if prof is not None:
        return _profiled(prof, top, prim, rawargs, parents)
    ans = apply(prim, rawargs)
    if kind == NONDIFF or kind == RANDOM:
        return ans
    return _boxed(top, prim, rawargs, parents, ans)


def _profiled(prof, top, prim, rawargs, parents):
    t0 = prof.clock()
    ans = apply(prim, rawargs)
    elapsed = prof.clock() - t0
    if prim.kind == NONDIFF or prim.kind == RANDOM:
        prof.forward(prim, None, elapsed)
        return ans
    r = _boxed(top, prim, rawargs, parents, ans)
    prof.forward(prim, r[0] if type(r) is tuple else r, elapsed)
    return r


def _boxed(top, prim, rawargs, parents, ans):
    """The box of a differentiating trace for the result `ans` of prim."""
    kind = prim.kind
    multi = type(ans) is tuple
    first = ans[0] if multi else ans
    if type(first) not in BOXABLE:
        return ans
    b = Box(first, top)
    if kind == DIFF:
        b.prim = prim
        b.args = rawargs
        b.parents = parents
        if multi:
            b.out = ans
        top.tape.append(b)
    if top.debug is not None:
        top.debug(b, prim)
    if multi:
        return (b,) + tuple(ans[1:])
    return b


def _record(trace, prim, spec, ans):
    """A recording trace's step: new boxes (slots) for the outputs of prim."""
    prog = trace.program
    if type(ans) is tuple:
        outs = []
        boxes = []
        for v in ans:
            b = Box(v, trace)
            b.slot = prog.new_slot(v)
            outs.append(b.slot)
            boxes.append(b)
        prog.add_step(prim, spec, outs, True)
        return tuple(boxes)
    if type(ans) not in BOXABLE:
        return ans
    b = Box(ans, trace)
    b.slot = prog.new_slot(ans)
    prog.add_step(prim, spec, [b.slot], False)
    return b


# ------------------------------------------------------------------------------ reverse pass

def _pick(full, path):
    for k in path[1:]:
        if full is None:
            return None
        if type(full) is list:
            full = full[k] if type(k) is int and k < len(full) else None
        elif type(full) is dict:
            full = full.get(k)
        else:
            return None
    return full


def backward(trace, out, seed, accumulate):
    """Reverse pass of `trace` from box `out` with output gradient `seed`.

    Gradients end up in the `g` slot of the trace's leaves; `accumulate(a, b)` adds two."""
    out.g = seed
    tape = trace.tape
    prof = trace.prof
    for i in range(len(tape) - 1, -1, -1):
        b = tape[i]
        g = b.g
        if g is None:
            continue
        if prof is not None:
            t0 = prof.clock()
            _chain(b, g, accumulate)
            prof.backward(b, prof.clock() - t0)
        else:
            _chain(b, g, accumulate)
    trace.tape = []


def _chain(b, g, accumulate):
    """The gradients of box b's arguments from g, the gradient of b, added to theirs."""
    b.g = None
    prim = b.prim
    args = b.args
    ans = b.out if b.out is not None else b.value
    vjps = prim.vjps
    full = {}
    for path, pb in b.parents:
        pos = path[0]
        vjp = vjps[pos] if pos < len(vjps) else None
        if vjp is None:
            continue
        if vjp is MISSING:
            raise TorchError('missing gradient for argument %d in function %s'
                             % (pos + 1, prim.qualname))
        if len(path) == 1:
            gp = vjp(g, ans, *args)
        else:
            if pos not in full:
                full[pos] = vjp(g, ans, *args)
            gp = _pick(full[pos], path)
        if gp is None:
            continue
        if pb.g is None:
            pb.g = gp
        else:
            pb.g = accumulate(pb.g, gp)
