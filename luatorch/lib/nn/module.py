"""Module-level helpers: flattening parameters into one storage (getParameters)."""
import numpy as np

from . import kernel
from ..errors import TorchError
from ..storage import Storage
from ..tensor import Tensor, set_


def _compact(t):
    """True when t covers a gap-free block of its storage (in some order of its dimensions;
    expanded, stride-0 dimensions don't count)."""
    dims = sorted(((st, sz) for sz, st in zip(t.size, t.stride) if st != 0 and sz != 1),
                  reverse=True)
    expect = 1
    for st, sz in reversed(dims):
        if st != expect:
            return False
        expect *= sz
    return True


def _positions(t, base):
    """Indices (in a flat space where t's storage starts at `base`) of every element of t."""
    n = t.nelement()
    if n == 0:
        return np.empty(0, np.int64)
    idx = np.full(1, base + t.offset, np.int64)
    for sz, st in zip(t.size, t.stride):
        idx = (idx[:, None] + np.arange(sz, dtype=np.int64) * st).ravel()
    return idx


def _span(t):
    """The storage interval [start, end) a compact tensor covers (None when it has no element)."""
    if t.nelement() == 0:
        return None
    return t.offset, t.offset + 1 + sum((sz - 1) * st for sz, st in zip(t.size, t.stride) if st > 0)


def _flatten_compact(params, ttype, order, base):
    """Module_flatten when every tensor covers a gap-free block: works on intervals, copying each
    storage's used runs once (no per-element index arrays: a model of several GB flattens with
    one extra copy of its parameters)."""
    runs = {}
    for p in params:
        if p.storage is None:
            continue
        sp = _span(p)
        if sp is not None:
            runs.setdefault(id(p.storage), []).append(sp)
    merged, total = {}, 0
    for s in order:
        out = []
        for a, b in sorted(runs.get(id(s), ())):
            if out and a <= out[-1][1]:
                out[-1][1] = max(out[-1][1], b)
            else:
                out.append([a, b])
        placed = []
        for a, b in out:
            placed.append((a, b, total))
            total += b - a
        merged[id(s)] = placed
    flat = Storage(ttype, total)
    dst = flat.data
    for s in order:
        for a, b, at in merged[id(s)]:
            dst[at:at + b - a] = s.data[a:b]
    for p in params:
        if p.storage is None:
            continue
        off = 0
        for a, b, at in merged[id(p.storage)] if p.nelement() else ():
            if a <= p.offset < b:
                off = at + p.offset - a
                break
        set_(p, flat, off, p.size, p.stride)
    return Tensor(ttype, flat, 0, (total,) if total else (), (1,) if total else ())


@kernel
def Module_flatten(params):
    """Make every tensor of params a view of one new contiguous storage; returns the flat tensor.

    Tensors sharing a storage keep sharing (their relative layout is kept); elements of the
    storages that no tensor uses are squeezed out, as nn's Module.flatten does."""
    params = [p for p in params if p is not None]
    if not params:
        return None
    ttype = params[0].ttype
    base = {}
    order = []
    n = 0
    for p in params:
        if not isinstance(p, Tensor):
            raise TorchError('flatten: tensors expected')
        if p.ttype is not ttype:
            raise TorchError('flatten: parameters of different types (%s and %s)'
                             % (ttype.tensor_name, p.ttype.tensor_name))
        s = p.storage
        if s is None:
            continue
        if id(s) not in base:
            base[id(s)] = n
            order.append(s)
            n += s.size()
    if all(_compact(p) for p in params if p.storage is not None):
        return _flatten_compact(params, ttype, order, base)
    return _flatten_indexed(params, ttype, order, base, n)


def _flatten_indexed(params, ttype, order, base, n):
    """Module_flatten in general: per-element positions (tensors with gaps)."""
    used = np.zeros(n, bool)
    pos = {}
    for p in params:
        if p.storage is None:
            continue
        ix = _positions(p, base[id(p.storage)])
        used[ix] = True
        pos[id(p)] = ix
    holes = np.cumsum(~used)
    total = int(used.sum())
    if total != n and not all(_compact(p) for p in params if p.storage is not None):
        raise TorchError('Cannot gather tensors that are not compact')
    flat = Storage(ttype, total)
    dst = flat.data
    for s in order:
        b = base[id(s)]
        seg = used[b:b + s.size()]
        where = np.arange(b, b + s.size())[seg]
        dst[where - holes[where]] = s.data[seg]
    for p in params:
        if p.storage is None:
            continue
        ix = pos[id(p)]
        if len(ix) == 0:
            set_(p, flat, 0, p.size, p.stride)
            continue
        first = base[id(p.storage)] + p.offset
        set_(p, flat, int(first - holes[first]), p.size, p.stride)
    return Tensor(ttype, flat, 0, (total,) if total else (), (1,) if total else ())
