"""Optimized mode: a differentiated call captured once as a straight-line program, then replayed.

The first call for given argument shapes runs the Lua function under a recording trace (whose
boxes wrap every tensor argument) with the differentiating trace inside it; every primitive
applied in the forward pass and in the reverse pass becomes a step `outs = prim(args)`. The
steps needed by the outputs (gradients, then the function's results) are compiled into one
Python function, so later calls run the maths alone: no Lua, no boxes, no tape.

For debugging (grad(f, {debugHook = ...})) the compiled function checks every value it makes
and calls back on the first nan/inf of each; `listing` is the program as pseudo-Lua (the
`gen.source` given to the hook) and `dot` its graph in GraphViz form.
"""
import numpy as np

from .. import tensor as T
from ..tensor import Tensor
from .core import RANDOM, Box, raw
from .fast import FAST, as_tensor, fresh_tensor, out_tensor


def _meta(v):
    """What compiling needs to know of a value: ('tensor', ttype, size), ('number',) or
    ('other',)."""
    if type(v) is Tensor:
        return ('tensor', v.ttype, v.size)
    if type(v) in (int, float):
        return ('number',)
    return ('other',)


def _tname(m):
    return m[1].tensor_name[len('torch.'):] if m[0] == 'tensor' else m[0]


def _array_ok(m):
    """Whether values of this description run as numpy arrays in compiled code."""
    return m[0] == 'tensor' and m[1].is_float and not m[1].cuda and len(m[2]) > 0 and \
        m[1].dtype.kind == 'f' and m[1].name != 'Half'


class Program:
    """The steps recorded by a recording trace."""

    def __init__(self):
        self.nslots = 0
        self.steps = []     # (prim, spec, outs, multi)
        self.inputs = []    # (slot, leaf index)
        self.meta = []      # slot -> _meta of the value seen at capture
        self.sites = []     # step -> where the Lua code called it (debugging), or None
        self.site_fn = None

    def new_slot(self, v=None):
        self.nslots += 1
        self.meta.append(_meta(v))
        return self.nslots - 1

    def add_step(self, prim, spec, outs, multi):
        self.steps.append((prim, spec, outs, multi))
        site = self.site_fn() if self.site_fn is not None else None
        if isinstance(site, bytes):
            site = site.decode('utf-8', 'replace')
        self.sites.append(site)


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


def _needed_steps(program, outputs):
    needed = set()
    for o in outputs:
        if o[0] == 'v':
            needed.add(o[1])
    keep = []
    for i in range(len(program.steps) - 1, -1, -1):
        prim, spec, outs, multi = program.steps[i]
        if prim.kind == RANDOM or prim.effect or any(o in needed for o in outs):
            keep.append(i)
            _spec_slots(spec, needed)
    keep.reverse()
    return keep


class Compiled:
    """A program compiled to Python: `run(leaves)` -> list of outputs."""

    def __init__(self, program, outputs, names=None, checker=None, reduce=False):
        self.program = program
        self.outputs = outputs
        self.names = names or []      # display names of the outputs (grad(x), answer[1])
        self.keep = _needed_steps(program, outputs)
        self.number = 0
        self.reduce = reduce          # reduceFootprint: values released after their last use
        self._listing()
        self.source, self.run = self._compile(checker)

    def _last_uses(self):
        """step index (in self.keep order) -> slots read for the last time there, for the
        values the program makes (not its inputs, not its outputs)."""
        prog = self.program
        last = {}
        made = set()
        for n, i in enumerate(self.keep):
            prim, spec, outs, multi = prog.steps[i]
            for s in _spec_slots(spec, set()):
                last[s] = n
            for o in outs:
                made.add(o)
                last.setdefault(o, n)
        for o in self.outputs:
            if o[0] == 'v':
                last.pop(o[1], None)
        by_step = {}
        for s, n in last.items():
            if s in made:
                by_step.setdefault(n, []).append(s)
        return by_step

    # ---------------------------------------------------------------- display
    def _listing(self):
        """Names of the slots and the program as pseudo-Lua, one line per step."""
        prog = self.program
        names = {}
        for slot, i in prog.inputs:
            names[slot] = 'locals[%d]' % (i + 1)
        out_names = {}
        for o, n in zip(self.outputs, self.names):
            if o[0] == 'v' and o[1] not in out_names:
                out_names[o[1]] = n
        self.out_names = out_names
        consts = {}
        nt = nn = 0
        lines = ['return function(locals)']
        self.line_of = {}
        for i in self.keep:
            prim, spec, outs, multi = prog.steps[i]
            for o in outs:
                if prog.meta[o][0] != 'tensor':
                    nn += 1
                    names[o] = 'rlocal%d' % nn
                else:
                    nt += 1
                    names[o] = 'rlocals[%d]' % nt
            args = ', '.join(self._render(s, names, consts) for s in spec)
            fname = display_name(prim, spec, prog.meta)
            tensors = [names[o] for o in outs if prog.meta[o][0] == 'tensor']
            numbers = [names[o] for o in outs if prog.meta[o][0] != 'tensor']
            if numbers and not tensors:
                line = '    local %s = %s(%s)' % (', '.join(numbers), fname, args)
            else:
                line = '    %s(%s)' % (fname, ', '.join(tensors + ([args] if args else [])))
            lines.append(line)
            self.line_of[i] = len(lines)
        rets = []
        for o in self.outputs:
            rets.append(names.get(o[1], '?') if o[0] == 'v' else self._render(('c', o[1]), names, consts))
        lines.append('    return ' + ', '.join(rets))
        lines.append('end')
        self.slot_names = names
        self.listing = '\n'.join(lines) + '\n'

    @staticmethod
    def _render(s, names, consts):
        k = s[0]
        if k == 'v':
            return names.get(s[1], 'slot%d' % s[1])
        if k == 'l':
            return '{' + ', '.join(Compiled._render(x, names, consts) for x in s[1]) + '}'
        if k == 'd':
            return '{' + ', '.join('%s = %s' % (key, Compiled._render(x, names, consts))
                                   for key, x in s[1]) + '}'
        v = s[1]
        if v is None:
            return 'nil'
        if type(v) is bool:
            return 'true' if v else 'false'
        if type(v) in (int, float):
            if v != v:
                return '(0/0)'
            if v in (float('inf'), float('-inf')):
                return 'math.huge' if v > 0 else '-math.huge'
            if type(v) is float and v == int(v) and abs(v) < 1e15:
                return str(int(v))
            return repr(v)
        if type(v) is str:
            return repr(v)
        key = id(v)
        if key not in consts:
            consts[key] = 'constants[%d]' % (len(consts) + 1)
        return consts[key]

    def site_of(self, i):
        """Where the Lua code made step i, or (steps of the reverse pass) the forward step its
        first input comes from."""
        prog = self.program
        producer = {}
        for j, (prim, spec, outs, multi) in enumerate(prog.steps):
            for o in outs:
                producer[o] = j
        for _ in range(len(prog.steps)):
            if i is None or i < 0:
                return None
            site = prog.sites[i]
            if site:
                return site
            slots = sorted(_spec_slots(prog.steps[i][1], set()))
            i = producer.get(slots[0]) if slots else None
        return None

    def value_name(self, slot):
        return self.out_names.get(slot) or self.slot_names.get(slot, 'slot%d' % slot)

    def dot(self, bad=()):
        """The program as a GraphViz digraph; values in `bad` (slots) drawn red."""
        prog = self.program
        out = ['digraph graphname {']
        bad = set(bad)

        def vnode(slot):
            m = prog.meta[slot]
            label = self.value_name(slot)
            if m[0] == 'tensor':
                label += '\\n%s(%s)' % (_tname(m), ', '.join(str(x) for x in m[2]))
            shape = 'invtrapezium' if slot in dict(prog.inputs) else 'ellipse'
            if slot in self.out_names:
                shape = 'octagon' if self.out_names[slot].startswith('answer') else 'trapezium'
            color = 'red' if slot in bad else 'black'
            out.append('\tx%d [label="%s" color="%s" shape="%s"];' % (slot, label, color, shape))

        seen = set()
        for slot, _ in prog.inputs:
            vnode(slot)
            seen.add(slot)
        for n, i in enumerate(self.keep):
            prim, spec, outs, multi = prog.steps[i]
            color = 'red' if any(o in bad for o in outs) else 'black'
            label = display_name(prim, spec, prog.meta)
            site = prog.sites[i]
            if site and color == 'red':
                label += '\\n' + site
            out.append('\tnode%d [label="%s" color="%s" shape="box"];' % (n, label, color))
            for s in sorted(_spec_slots(spec, set())):
                if s not in seen:
                    vnode(s)
                    seen.add(s)
                out.append('\tx%d -> node%d;' % (s, n))
            for o in outs:
                if o not in seen:
                    vnode(o)
                    seen.add(o)
                out.append('\tnode%d -> x%d;' % (n, o))
        out.append('}')
        return '\n'.join(out) + '\n'

    # ---------------------------------------------------------------- code
    def _compile(self, checker):
        """Python source of the program: Float/Double tensors flow as numpy arrays through the
        steps that have an array kernel (fast.py), as tensors through the others."""
        prog = self.program
        meta = prog.meta
        consts = {}
        ns = {'clone': T.clone, 'W': as_tensor, 'OUT': out_tensor, 'FRESH': fresh_tensor,
              'np': np}
        rep = {}      # slot -> 'a' array, 'T' tensor, 'n' number, 'o' other
        fresh = {}    # slot -> an array no argument or constant shares memory with

        def const(v):
            k = id(v)
            if k not in consts:
                consts[k] = ('c%d' % len(consts), v)
            return consts[k][0]

        def ttname(tt):
            return const(tt)

        def arg_plain(s):
            """The argument as the op table takes it (tensors as tensors)."""
            k = s[0]
            if k == 'v':
                r = rep[s[1]]
                if r == 'a':
                    return 'W(s%d, %s)' % (s[1], ttname(meta[s[1]][1]))
                return 's%d' % s[1]
            if k == 'c':
                v = s[1]
                if v is None or type(v) is bool or type(v) is int:
                    return repr(v)
                if type(v) is float and v == v and abs(v) != float('inf'):
                    return repr(v)
                if type(v) is str:
                    return repr(v)
                return const(v)
            if k == 'l':
                return '[' + ', '.join(arg_plain(x) for x in s[1]) + ']'
            if k == 'd':
                return '{' + ', '.join('%s: %s' % (repr(key) if isinstance(key, (int, str))
                                                   else const(key), arg_plain(x))
                                       for key, x in s[1]) + '}'
            raise ValueError(k)

        def describe(s):
            """(description for fast.py, expression) of an argument, or None."""
            k = s[0]
            if k == 'v':
                m = meta[s[1]]
                r = rep[s[1]]
                if r == 'a':
                    return ('a', m[1].dtype, m[2]), 's%d' % s[1]
                if r == 'T' and _array_ok(m):
                    return ('a', m[1].dtype, m[2]), 's%d.arr()' % s[1]
                if r == 'n':
                    return ('n',), 's%d' % s[1]
                return None
            if k == 'c':
                v = s[1]
                if type(v) in (int, float) and type(v) is not bool:
                    return ('n',), arg_plain(s)
                if type(v) is Tensor and _array_ok(_meta(v)):
                    return ('a', v.ttype.dtype, v.size), '%s.arr()' % const(v)
            return None

        lines = ['def run(L):']
        for slot, i in prog.inputs:
            m = meta[slot]
            if _array_ok(m):
                lines.append('    s%d = L[%d].arr()' % (slot, i))
                rep[slot], fresh[slot] = 'a', False
            else:
                lines.append('    s%d = L[%d]' % (slot, i))
                rep[slot] = 'T' if m[0] == 'tensor' else ('n' if m[0] == 'number' else 'o')
            if checker is not None:
                ns['chk'] = checker
                lines.append('    chk(-1, %d, s%d)' % (slot, slot))
        self.fast_steps = 0
        release = self._last_uses() if self.reduce else {}
        for n, i in enumerate(self.keep):
            prim, spec, outs, multi = prog.steps[i]
            fname = 'f%d' % n
            kernel = None
            factory = FAST.get((prim.table, prim.name))
            if factory is not None and not multi:
                descs = [describe(s) for s in spec]
                om = meta[outs[0]]
                odesc = ('a', om[1].dtype, om[2]) if _array_ok(om) else \
                    (('n',) if om[0] == 'number' else None)
                if all(d is not None for d in descs) and odesc is not None:
                    kernel = factory([d[0] for d in descs], odesc)
                    if kernel is not None and (kernel[1] == 'n') != (odesc[0] == 'n'):
                        kernel = None
            if kernel is not None:
                fn, kind = kernel
                ns[fname] = fn
                lines.append('    s%d = %s(%s)' % (outs[0], fname, ', '.join(d[1] for d in descs)))
                rep[outs[0]] = 'n' if kind == 'n' else 'a'
                fresh[outs[0]] = kind == 'a'
                self.fast_steps += 1
            else:
                ns[fname] = prim.fwd
                lhs = ', '.join('s%d' % o for o in outs) + (',' if len(outs) == 1 and multi else '')
                lines.append('    %s = %s(%s)' % (lhs, fname, ', '.join(arg_plain(s) for s in spec)))
                for o in outs:
                    m = meta[o]
                    rep[o] = 'T' if m[0] == 'tensor' else ('n' if m[0] == 'number' else 'o')
            if checker is not None and prim.name != 'new':
                for o in outs:
                    lines.append('    chk(%d, %d, s%d)' % (i, o, o))
            if n in release:
                lines.append('    del %s' % ', '.join('s%d' % o for o in sorted(release[n])))
        rets = []
        for o in self.outputs:
            if o[0] == 'v':
                slot = o[1]
                if rep.get(slot) == 'a':
                    fn = 'FRESH' if fresh.get(slot) else 'OUT'
                    rets.append('%s(s%d, %s)' % (fn, slot, ttname(meta[slot][1])))
                    fresh[slot] = False      # a second output of the same slot is a copy
                else:
                    rets.append('s%d' % slot)
            elif o[0] == 't':
                rets.append('clone(%s)' % const(o[1]))
            else:
                rets.append(arg_plain(('c', o[1])))
        lines.append('    return [%s]' % ', '.join(rets))
        for name, v in consts.values():
            ns[name] = v
        src = '\n'.join(lines) + '\n'
        exec(compile(src, '<autograd program>', 'exec'), ns)
        run = ns['run']

        def quiet_run(leaves):
            with np.errstate(all='ignore'):
                return run(leaves)
        return src, quiet_run


_OPERATOR_NAMES = {'__add': 'torch_add', '__sub': 'torch_csub', '__div': 'torch_div',
                   '__unm': 'torch_neg', '__pow': 'torch_pow', '__mod': 'torch_remainder'}


def display_name(prim, spec, meta):
    """The Torch function a step amounts to, as torch-autograd's generated code names it."""
    if prim.table == 'op':
        kinds = []
        for s in spec:
            if s[0] == 'v':
                kinds.append(meta[s[1]])
            elif s[0] == 'c' and type(s[1]) is Tensor:
                kinds.append(_meta(s[1]))
            else:
                kinds.append(('number',))
        tensors = [k for k in kinds if k[0] == 'tensor']
        if prim.name == '__mul':
            if len(tensors) == 2 and len(kinds) == 2:
                d = (len(kinds[0][2]), len(kinds[1][2]))
                return {(2, 2): 'torch_mm', (2, 1): 'torch_mv', (1, 1): 'torch_dot'}.get(d, 'torch_mul')
            return 'torch_mul' if tensors else 'mul'
        if not tensors:
            return {'__add': 'add', '__sub': 'sub', '__div': 'div', '__unm': 'unm',
                    '__pow': 'pow', '__mod': 'mod'}[prim.name]
        return _OPERATOR_NAMES[prim.name]
    return prim.qualname.replace('.', '_')


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


def finite(v):
    """True when v (tensor, array or number) holds no nan or inf."""
    if type(v) is np.ndarray:
        return v.dtype.kind != 'f' or bool(np.isfinite(v).all())
    if type(v) is Tensor:
        if not v.ttype.is_float or not v.size:
            return True
        return bool(np.isfinite(v.arr()).all())
    if type(v) is float:
        return v == v and v not in (float('inf'), float('-inf'))
    return True
