"""torch.*Storage: a flat, resizable buffer of one tensor type."""
import numpy as np

from . import heap
from . import xp as _xp

_allocated, _freed = heap.allocated, heap.freed

# Bumped whenever a storage's buffer is replaced or an existing tensor's geometry changes in
# place: the Lua binding caches such facts and reads this (a double) to know they are stale.
# See tensor.geometry_changed; code assigning `storage.data` or a tensor's size/stride/offset/
# storage directly must call it.
EPOCH = np.zeros(1, np.float64)


class Storage:
    """A 1-D numpy buffer (`data`) plus its Torch type. Tensors view into it.

    Its bytes are counted in `heap` (see heap.py) while the storage lives."""
    __slots__ = ('data', 'ttype', '_nb', '_job', '_watch', '_lua', '__weakref__')

    def __init__(self, ttype, n=0, data=None, view=False):
        """view=True: data is a view of another storage's buffer (not counted again)."""
        self._nb = 0        # (counted below, once the buffer exists: __del__ reads it)
        self.ttype = ttype
        self._job = None    # deferred.py: a result still to be written into it
        self._watch = None  # deferred.py: a copy of it that pending jobs use (see Watched)
        self._lua = -1.0    # the EPOCH in which Lua last cached a pointer into it (hot.py)
        if data is None:
            d = ttype.xp.zeros(int(n), ttype.dtype)
        else:
            d = data
            if ttype.cuda or type(d) is not np.ndarray:   # the buffer is of the type's module
                d = _xp.adopt(d, ttype)
        self.data = d
        nb = 0 if view else d.nbytes
        self._nb = nb
        if nb:
            _allocated(nb)

    def __del__(self):
        if self._nb:
            _freed(self._nb)

    def size(self):
        return self.data.shape[0]

    def touched(self, t):
        """The buffer, for tensor t (a view of it) about to read or write it (deferred.Watched
        ends only the watches t overlaps; a plain storage has none)."""
        return self.data

    def resize(self, n):
        """Reallocate keeping the common prefix (TH's realloc); tensors see the new buffer."""
        n = int(n)
        if n < 0:
            raise ValueError('size must be non-negative')
        old = self.data
        if n != old.shape[0]:
            new = self.ttype.xp.zeros(n, self.ttype.dtype)
            m = min(n, old.shape[0])
            new[:m] = old[:m]
            self.data = new
            EPOCH[0] += 1
            _freed(self._nb)
            self._nb = new.nbytes
            _allocated(self._nb)
        return self

    def set_data(self, d):
        """Replace the buffer (counted in heap instead of the old one)."""
        if self.ttype.cuda or type(d) is not np.ndarray:
            d = _xp.adopt(d, self.ttype)
        _freed(self._nb)
        self.data = d
        EPOCH[0] += 1
        self._nb = d.nbytes
        _allocated(self._nb)
        return self

    def fill(self, v):
        self.data[...] = v
        return self

    def copy(self, src):
        """Copy a storage of any type (or any 1-D sequence) of the same length."""
        d = src.data if isinstance(src, Storage) else _xp.asarray_any(src)
        if d.shape[0] != self.data.shape[0]:
            raise ValueError('size mismatch')
        _xp.put(self.data, cast(d, self.ttype))
        return self


def cast(arr, ttype):
    """Convert values to ttype as C does in TH: float->int truncates toward zero, ints wrap.
    (A device array stays one: the conversion runs where it is.)"""
    if type(arr) is not np.ndarray:
        arr = _xp.asarray_any(arr)
    if arr.dtype == ttype.dtype:
        return arr
    with np.errstate(invalid='ignore', over='ignore'):
        if not ttype.is_float and arr.dtype.kind == 'f':
            # x86-64 converts an out-of-range double through a 64-bit integer
            return np.trunc(arr).astype(np.int64).astype(ttype.dtype)
        return arr.astype(ttype.dtype)


def from_values(ttype, values):
    """A new storage holding a flat sequence of numbers."""
    return Storage(ttype, data=np.array(cast(np.asarray(values, dtype=np.float64), ttype),
                                        dtype=ttype.dtype).reshape(-1))
