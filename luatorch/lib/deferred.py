"""Results computed when first read: gradients nobody asks for are never computed.

nn's backward always computes the gradient with respect to each module's input, as Torch7's
does, though nobody reads the one of a network's first layer (the gradient with respect to the
data): for a 784-256-10 MLP that is a third of the matrix products of a training step. A kernel
may hand such a result to `defer` instead of writing it: the target tensor is sized now, the
tensors the result depends on are copied (their values as of the call), and the target's storage
becomes pending. The first time anything reads or writes that storage's buffer (Python code
through `storage.data`, Lua through the pointer caches that EPOCH invalidates) the kernel runs on
the copies, so what is read is exactly what the eager kernel would have written. A storage that
was read once is not deferred again (its copies are freed), so inner layers, whose gradInput
the previous layer reads at once, cost one wasted copy per storage and nothing after.

Only the storage's class changes while pending (`Pending`, whose `data` property runs the job
and turns the storage back into a plain Storage), so reading a plain storage costs nothing more.
LUATORCH_DEFER=0 turns deferring off.

A weight is copied once for all the jobs that need it while it does not change (the clones of
an unrolled network share their weights: the 20 timesteps of an LSTM's backward pass each
defer their input layer's gradInput with the same weight). After the copy the weight's storage
becomes `Watched` until anything touches its buffer (Python through `data`, Lua through its
pointer caches, which EPOCH sends back to Python); a job asking for a copy of a storage still
watched takes the copy made before. A copy shared by several jobs is never written again: a
job that needs a new copy while others hold its old one makes another.
"""
import os
import threading
import weakref

import numpy as np

from .storage import EPOCH, Storage
from .tensor import Tensor

ENABLED = os.environ.get('LUATORCH_DEFER', '1') != '0'
# copies larger than this (elements) are not made: the result is computed at once
MAX_COPY = 1 << 22
# nor beyond this many bytes of copies held by all pending results together (an unrolled
# network's clones each keep their own: 50 clones of a big first layer must not double memory)
MAX_HELD = 1 << 27
_PENDING = weakref.WeakSet()      # the pending storages
# copies at `share` smaller than this (elements) are not offered to other jobs: copying them
# again costs less than watching (and, when Lua caches a pointer into the weight, the EPOCH
# bump after which Lua asks Python again for every tensor it had cached: LeNet lost 8%)
SHARE_MIN = 1 << 16

_data = Storage.__dict__['data']    # the slot itself, read without running a pending job
_lock = threading.RLock()
OFF = False     # storage._job once the storage was read while pending: compute at once


class _Guarded(Storage):
    """A storage whose buffer nothing reaches (through `data`, read or assigned) before its
    class's `_reached` has run; its size needs no such step."""
    __slots__ = ()

    @property
    def data(self):
        self._reached()
        return _data.__get__(self)

    @data.setter
    def data(self, d):
        self._reached()
        _data.__set__(self, d)

    def size(self):
        return _data.__get__(self).shape[0]


class Pending(_Guarded):
    """A storage whose buffer a deferred job has still to write."""
    __slots__ = ()

    def _reached(self):
        materialize(self)


class Watched(_Guarded):
    """A plain storage parts of whose buffer were copied for pending jobs and not touched since.
    _watch: [(lo, hi, geometry, _Copy)], the elements [lo, hi) each copy was taken of. A tensor
    reaching the buffer (Tensor.arr, Lua's pointer caches) ends the watches its elements overlap
    (`touched`); any other access through `data` ends them all."""
    __slots__ = ()

    def _reached(self):
        _unwatch(self)

    def touched(self, t):
        """The buffer, for tensor t (a view of this storage) about to read or write it."""
        n = t.nelement()
        ws = self._watch        # (once: another thread may end the watches meanwhile)
        if n and ws:
            lo = t.offset
            hi = lo + 1 + sum((a - 1) * b for a, b in zip(t.size, t.stride) if a > 1 and b > 0)
            if any(b < 0 for b in t.stride):
                lo, hi = 0, self.size()
            keep = [w for w in ws if w[1] <= lo or w[0] >= hi]
            if not keep:
                _unwatch(self)
            elif len(keep) < len(ws):
                self._watch = keep
        return _data.__get__(self)


def _unwatch(st, copy=None):
    """End st's watches (only the one offering `copy` when given)."""
    if type(st) is Watched:
        keep = [] if copy is None else [w for w in st._watch or () if w[3] is not copy]
        if keep:
            st._watch = keep
        else:
            st.__class__ = Storage
            st._watch = None


def _watched(src):
    """The copy a job took of tensor src whose elements nothing touched since, or None."""
    st = src.storage
    if type(st) is Watched:
        g = _geom(src)
        for w in st._watch or ():
            if w[2] == g:
                return w[3]
    return None


def _lua_caches(st):
    """Whether Lua may hold a valid cached pointer into st (one handed out in this EPOCH):
    then EPOCH must move for Lua to ask Python again before using it."""
    return st._lua == EPOCH[0]


def _watch(src, copy):
    """Offer copy to later jobs while src's elements are untouched; True when EPOCH must move
    (Lua may hold a pointer into them)."""
    st = src.storage
    if st._job is OFF:          # (a raw pointer went out: its writes cannot be seen)
        return False
    lo = src.offset
    w = (lo, lo + src.nelement(), _geom(src), copy)
    if type(st) is Storage:
        st._watch = [w]
        st.__class__ = Watched
    elif type(st) is Watched:
        st._watch = (st._watch or []) + [w]
    else:
        return False
    copy.source = weakref.ref(st)
    return _lua_caches(st)


class _Copy:
    # a copy of an operand taken for jobs: users, the jobs holding it (written only while
    # one job does); source, a weak reference to the storage watched for it
    __slots__ = ('t', 'users', 'source')

    def __init__(self, t):
        self.t, self.users, self.source = t, 1, None

    def release(self):
        self.users -= 1


class _Job:
    # fn(*args) with args[at] the target, made again from geom when the job runs (the job holds
    # no reference to its storage: no cycle keeps a dropped storage's buffer alive)
    __slots__ = ('fn', 'args', 'at', 'geom', 'snaps', 'nbytes')


def _geom(t):
    return (t.offset, t.size, t.stride, t.ttype)


def _plain(t):
    """A contiguous CPU tensor of a floating type."""
    return (type(t) is Tensor and t.ttype.is_float and not t.ttype.cuda and t.size
            and type(_data.__get__(t.storage)) is np.ndarray and t.is_contiguous())


def _like_copy(t, c):
    """Whether t has the size, strides (contiguous) and type of copy c, on a host buffer: as
    plain as c's source was."""
    return (type(t) is Tensor and t.size == c.size and t.stride == c.stride and t.ttype is c.ttype
            and type(_data.__get__(t.storage)) is np.ndarray)


def refused(target):
    """Whether defer would compute at once whatever the arguments (deferring off, or turned off
    for target's storage by a read): callers skip the checks deferring needs."""
    return not ENABLED or target.storage._job is OFF


def defer(target, fn, args, snap, shape=(), share=()):
    """Leave `target` (already sized as fn(*args) leaves it) to be written by fn(*args) when its
    storage is first read. The tensors args[i] for i in `snap` are copied now; those at `shape`
    lend only their size and type (fn must not read their elements). Returns False when the
    caller must compute now (deferring is off, was turned off for this storage by a read, or
    the arguments are not plain contiguous CPU float tensors of a size worth copying). The
    copies of those at `share` (among `snap`: weights) serve every job while the storage is not
    touched."""
    if refused(target):
        return False
    st = target.storage
    job = st._job
    pending = type(st) is Pending
    if pending:     # (the same geometry as when it was found plain: plain still)
        if job.fn is not fn or job.geom != _geom(target):
            materialize(st)    # something else is asked of it now: the old result, then eagerly
            return False
    elif not _plain(target):
        return False
    else:
        n = sum(args[i].nelement() for i in snap)
        if n > MAX_COPY or not all(_plain(args[i]) for i in snap):
            return False
        nbytes = sum(args[i].nelement() * args[i].ttype.itemsize for i in snap)
        if nbytes + held() > MAX_HELD:
            return False
        job = _Job()
        job.fn, job.snaps, job.nbytes = fn, {}, nbytes
    # the arguments as of now: copies (kept from the last call when the sizes agree), or for
    # those at `share` the copy another job took of the same, untouched, storage
    a = list(args)
    watch = False
    for i in snap:
        src = args[i]
        c = job.snaps.get(i)
        if not (c is not None and _like_copy(src, c.t) or _plain(src)):
            if pending:
                materialize(st)
            return False
        w = _watched(src) if i in share else None
        if w is not None:
            if c is not w:
                if c is not None:
                    c.release()
                c = job.snaps[i] = w
                c.users += 1
            a[i] = c.t
            continue
        if c is None or c.users > 1 or c.t.size != src.size or c.t.ttype is not src.ttype:
            if c is not None:
                c.release()
            c = job.snaps[i] = _Copy(Tensor(src.ttype, Storage(src.ttype, src.nelement()), 0,
                                            src.size, src.stride))
        else:
            _unwatch(c.source and c.source(), c)    # (its old source may still offer it)
        np.copyto(c.t.arr(), src.arr())
        a[i] = c.t
        if i in share and src.nelement() >= SHARE_MIN and _watch(src, c):
            watch = True
    if pending and type(st) is not Pending:
        return False    # an operand shares the target's storage: copying it ran the old job
    for i in shape:
        src = args[i]
        a[i] = Tensor(src.ttype, Storage(src.ttype, 0), 0, src.size, src.stride)
    if not pending or args[job.at] is not target:
        job.at = next(i for i, v in enumerate(args) if v is target)
    a[job.at] = None
    job.args, job.geom = a, _geom(target)
    st._job = job
    if not pending:
        _unwatch(st)
        st.__class__ = Pending
        _PENDING.add(st)
        watch = watch or _lua_caches(st)
    if watch:
        EPOCH[0] += 1     # Lua's pointer caches re-ask Python: it runs the job, ends a watch
    return True


def materialize(st):
    """Run the pending job of storage st (if any); st is a plain Storage afterwards, never
    deferred again."""
    with _lock:
        if type(st) is not Pending:
            return
        job = st._job
        st.__class__ = Storage
        st._job = OFF
        _PENDING.discard(st)
        offset, size, stride, ttype = job.geom
        job.args[job.at] = Tensor(ttype, st, offset, size, stride)
        for c in job.snaps.values():
            c.release()
        job.fn(*job.args)


def job_of(t, fn):
    """The job of fn still to write tensor t's whole storage (t spanning it as the job's target
    does), or None. Its args: the call's, the copies in place of the operands; the target None."""
    st = t.storage
    if type(st) is not Pending:
        return None
    job = st._job
    if job.fn is not fn or job.geom != _geom(t):
        return None
    return job


def held():
    """Bytes of copies the pending results hold."""
    return sum(st._job.nbytes for st in list(_PENDING))


def pending(st):
    """Whether storage st holds a result not computed yet."""
    return type(st) is Pending
