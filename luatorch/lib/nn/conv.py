"""Convolutions: Temporal, Spatial (MM, dilated, full/transposed) and Volumetric.

Every convolution is unfold + GEMM: the input's sliding windows are a strided view, copied once
into a column buffer (Torch's `finput`, (N, C*K, P) for K kernel taps and P output positions),
then one batched matmul with the (O, C*K) weight matrix. The gradient with respect to the input is
the transposed GEMM followed by `fold`, the adjoint of unfold: for stride-1 2-D convolutions
with rows of 16 or more, one copy into a zero-margined buffer and one np.add.reduce over a strided
view of it (`_RFold`; for doubles the GEMM writes its columns straight into that buffer, a few
samples at a time, and there is no copy); otherwise one bincount for small or short-rowed
blocks, else one vectorised add per kernel tap (a single strided assignment when the windows do
not overlap). All of them add each input position's terms in the same order, so they give the
same bits. A transposed ("full") convolution is the same pair used the other way round. One
geometry object per (input size, weight size, options) holds what these depend on.

The kernels use numpy functions that CuPy implements too (arrays of a Cuda type reach CuPy through
numpy's dispatch); what is built on the host once (index tables) is moved with `_dev`, new arrays
are made in the input's module (`_empty`, `_zeros`), and the big element-wise loops are split
between threads (numpy releases the GIL) only for host arrays.
"""
import os
import threading
from math import prod

import numpy as np

from . import _util, kernel
from ._util import out
from .. import cblas, deferred, threads as _threads, xp as _xp
from ..errors import TorchError
from ..tensor import contiguous_strides, resize


# ----------------------------------------------------------------------------- arrays

def _host(a):
    return type(a) is np.ndarray


def _empty(like, shape, dtype=None):
    """An uninitialised array of like's module."""
    if _host(like):
        return np.empty(shape, dtype or like.dtype)
    return np.empty_like(like, dtype=dtype or like.dtype, shape=shape)


def _zeros(like, shape, dtype=None):
    if _host(like):
        return np.zeros(shape, dtype or like.dtype)
    return np.zeros_like(like, dtype=dtype or like.dtype, shape=shape)


def _full(like, shape, value):
    if _host(like):
        return np.full(shape, value, like.dtype)
    return np.full_like(like, value, shape=shape)


_DEVICE_COPIES = {}


def _dev(host, like):
    """host (a numpy array computed once: an index table, a matrix) as an array of like's module
    (device copies are kept while the host array lives in a cache)."""
    if _host(like):
        return host
    m = _xp.module_of(like)
    key = (id(host), m)
    hit = _DEVICE_COPIES.get(key)
    if hit is None or hit[0] is not host:
        if len(_DEVICE_COPIES) > 4096:
            _DEVICE_COPIES.clear()
        hit = _DEVICE_COPIES[key] = (host, _xp.to_module(host, m))
    return hit[1]


def _view(buf, shape, strides):
    """A view of the contiguous array buf's memory with the given shape and strides (bytes)."""
    if _host(buf):
        return np.ndarray(shape, buf.dtype, buf, 0, strides)
    return _xp.strided_view(buf, 0, shape, strides)


def _arange(like, n):
    """0..n-1 (int64) in like's module."""
    if _host(like):
        return np.arange(n, dtype=np.int64)
    return _xp.module_of(like).arange(n, dtype=np.int64)


def _strided(a, shape, strides):
    """A view with the given shape and strides (bytes) of `a`'s memory (of a contiguous copy when
    `a` is not contiguous: for reading only)."""
    if not a.flags.c_contiguous:
        a = _xp.ascontiguous(a)
    return _view(a, shape, strides)


def _out(t, size, strides):
    """out(t, size) for a size whose contiguous strides are known: t resized when it has another
    size or is not contiguous; its array."""
    if t.size != size or t.stride != strides:
        resize(t, size)
    return t.arr()


# ----------------------------------------------------------------------------- threads

def _thread_count():
    """Threads for the big element-wise loops (copies, folds, pooling): LUATORCH_NN_THREADS, else
    as many as BLAS uses (OPENBLAS_NUM_THREADS / OMP_NUM_THREADS, else the machine's cores)."""
    for var in ('LUATORCH_NN_THREADS', 'OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS'):
        v = os.environ.get(var, '')
        if v.isdigit() and int(v) > 0:
            return int(v)
    return os.cpu_count() or 1


_THREADS = _thread_count()
# below this many elements of work, splitting costs more than it saves
_PARALLEL_MIN = 1 << 18


class _Worker:
    """A thread that runs one part of a split at a time, handed over and waited for through two
    locks (an executor's futures cost ~19 us a split on this VM, these ~12)."""

    def __init__(self):
        self.go, self.done = threading.Lock(), threading.Lock()
        self.go.acquire()
        self.done.acquire()
        self.job = self.err = None
        threading.Thread(target=self._loop, name='nn', daemon=True).start()

    def _loop(self):
        while True:
            self.go.acquire()
            fn, lo, hi = self.job
            self.job = None
            try:
                fn(lo, hi)
            except BaseException as e:      # (raised again by wait, in the caller's thread)
                self.err = e
            self.done.release()

    def start(self, fn, lo, hi):
        self.job = (fn, lo, hi)
        self.go.release()

    def wait(self):
        self.done.acquire()
        err, self.err = self.err, None
        if err is not None:
            raise err


_WORKERS = []
_SPLIT = [threading.Lock()]     # one split at a time: a split asked for meanwhile runs unsplit


def _after_fork():
    _WORKERS.clear()            # a forked child starts its own threads
    _SPLIT[0] = threading.Lock()


os.register_at_fork(after_in_child=_after_fork)


def parallel(fn, n, work):
    """fn(lo, hi) over [0, n): in one call, or split between the threads when `work` (elements
    touched) is large. numpy releases the GIL inside its loops, so the parts run in parallel;
    the parts' BLAS calls run on one thread each. A split asked for while one runs (from a part,
    or from another thread) is done in one call."""
    t = min(_THREADS, n, _threads.requested() or n)
    if t <= 1 or work < _PARALLEL_MIN:
        fn(0, n)
        return
    lock = _SPLIT[0]
    if not lock.acquire(blocking=False):
        fn(0, n)
        return
    try:
        while len(_WORKERS) < t - 1:
            _WORKERS.append(_Worker())
        cut = [n * i // t for i in range(t + 1)]
        started = []
        with cblas.one_thread():
            try:
                for i in range(1, t):
                    _WORKERS[i - 1].start(fn, cut[i], cut[i + 1])
                    started.append(_WORKERS[i - 1])
                fn(cut[0], cut[1])
            finally:
                errors = []
                for w in started:
                    try:
                        w.wait()
                    except BaseException as e:
                        errors.append(e)
        if errors:
            raise errors[0]
    finally:
        lock.release()


# ----------------------------------------------------------------------------- checks

def _same_type(input, weight):
    if input.ttype is not weight.ttype:
        raise TorchError('expected input and weight of the same type, but got %s and %s' % (
            input.ttype.tensor_name, weight.ttype.tensor_name))


def _shape_str(size):
    return '[%s]' % ' x '.join(map(str, size))


def _out_sizes(S, k, s, p, dil):
    return tuple((S[i] + 2 * p[i] - (dil[i] * (k[i] - 1) + 1)) // s[i] + 1 for i in range(len(S)))


# ----------------------------------------------------------------------------- N-d convolution

def _conv_check(isize, wsize, k, s, p, dil, nd):
    """Torch's argument checks; returns (O, C, o)."""
    names = 'THW'[-nd:]
    if any(v <= 0 for v in k):
        raise TorchError('kernel size should be greater than zero, but got %s' % (
            ' '.join('k%s: %d' % (n, v) for n, v in zip(names, k))))
    if any(v <= 0 for v in s):
        raise TorchError('stride should be greater than zero, but got %s' % (
            ' '.join('d%s: %d' % (n, v) for n, v in zip(names, s))))
    if any(v <= 0 for v in dil):
        raise TorchError('dilation should be greater than zero')
    if len(isize) not in (nd + 1, nd + 2):
        raise TorchError('%dD or %dD input tensor expected but got: %s'
                         % (nd + 1, nd + 2, _shape_str(isize)))
    O = wsize[0] if wsize else 0
    K = prod(k)
    nin = prod(wsize) // (O * K) if O else 0
    cdim = len(isize) - nd - 1
    S = isize[cdim + 1:]
    o = _out_sizes(S, k, s, p, dil)
    if any(v < 1 for v in o):
        raise TorchError('Given input size: (%s). Calculated output size: (%s). Output size is too '
                         'small' % (' x '.join(map(str, (nin,) + S)), ' x '.join(map(str, (O,) + o))))
    if isize[cdim] != nin:
        raise TorchError('Need input of dimension %d and input.size[%d] == %d but got input to be '
                         'of shape: %s' % (len(isize), cdim, nin, _shape_str(isize)))
    return O, nin, o


class _ConvGeom:
    """What a convolution's unfolding depends on: input size, weight size and the options."""

    def __init__(self, isize, wsize, k, s, p, dil):
        nd = len(k)
        self.O, self.C, self.o = _conv_check(isize, wsize, k, s, p, dil, nd)
        self.k, self.s, self.p, self.dil, self.nd = k, s, p, dil, nd
        self.batched = len(isize) == nd + 2
        self.N = isize[0] if self.batched else 1
        self.S = isize[-nd:]
        self.K, self.P = prod(k), prod(self.o)
        self.CK = self.C * self.K
        self.pad = any(p)
        self.Sp = tuple(self.S[i] + 2 * p[i] for i in range(nd))
        self.split = _THREADS > 1 and self.N * self.CK * self.P >= _PARALLEL_MIN
        self.xshape = (self.N, self.C) + self.S
        self.yshape = ((self.N,) if self.batched else ()) + (self.O,) + self.o
        self.ystrides = contiguous_strides(self.yshape)
        self.isize = tuple(isize)
        self.istrides = contiguous_strides(self.isize)
        self.colshape = (self.N, self.CK, self.P)
        self.colstrides = contiguous_strides(self.colshape)
        # the convolution kernels keep their columns as (C*K, N, P): one GEMM for the batch
        self.tcolshape = (self.CK, self.N, self.P)
        self.tcolstrides = contiguous_strides(self.tcolshape)
        self.inner = (Ellipsis,) + tuple(slice(p[i], p[i] + self.S[i]) for i in range(nd))
        # element strides of the windows of a contiguous padded input (N, C, *Sp)
        sp = [prod(self.Sp[i + 1:]) for i in range(nd)]
        self.wshape = (self.N, self.C) + tuple(k) + self.o
        self.twshape = (self.C,) + tuple(k) + (self.N,) + self.o
        self.to_t = (1,) + tuple(range(2, 2 + nd)) + (0,) + tuple(range(2 + nd, 2 + 2 * nd))
        self.from_t = (1 + nd, 0) + tuple(range(1, 1 + nd)) + tuple(range(2 + nd, 2 + 2 * nd))
        self.wstrides = ((self.C * prod(self.Sp), prod(self.Sp)) + tuple(a * d for a, d in zip(sp, dil))
                         + tuple(a * t for a, t in zip(sp, s)))
        self._wbytes = {}
        self.pointwise = self.K == 1 and not self.pad and all(v == 1 for v in s)
        self.unique = all(s[i] >= dil[i] * (k[i] - 1) + 1 for i in range(nd))
        lead = (slice(None), slice(None))
        self.taps = [(lead + tuple(slice(off[i] * dil[i], off[i] * dil[i] + s[i] * (self.o[i] - 1) + 1,
                                         s[i]) for i in range(nd)), lead + off)
                     for off in np.ndindex(*k)]
        self._scatter_index = {}
        self.rowpad = self.O % 8 != 0 and self.O < 64
        self._rows = {}
        # one GEMM for the batch (columns (C*K, N, P)) rather than one per sample, when the
        # products per sample are small or narrow: fewer BLAS calls (each one wakes BLAS's
        # threads), at the price of transposing the output and gradOutput
        self.onegemm = self.N > 1 and (
            _ONEGEMM if _ONEGEMM is not None
            else self.O * self.CK * self.P < _ONEGEMM_MAX or self.P < 512)
        self._rfold = {}
        # (short output rows make the copy into G slow: the bincount or tap adds win there)
        self.rfoldable = (nd == 2 and all(v == 1 for v in s) and not self.pointwise
                          and self.o[-1] >= 16 and _RFOLD)

    def rfold(self, like, t):
        """The reduce fold of columns laid out as (C*K, N, P) when t, else (N, C*K, P), for host
        arrays of stride-1 2-D convolutions; None for others."""
        if not self.rfoldable or not _host(like):
            return None
        f = self._rfold.get(t)
        if f is None:
            f = self._rfold[t] = _RFold(self, t)
        return f

    def rows(self, like, n):
        """A zero-initialised (O rounded up to 8, n) buffer of like's type and module; callers
        fill the first O rows."""
        dtype = like.dtype
        key = (dtype, n)
        b = self._rows.get(key)
        if b is None:
            b = self._rows[key] = np.zeros((-(-self.O // 8) * 8, n), dtype)
        if not _host(like):
            b = _dev(b, like)
        return b

    def padded(self, x):
        """x (N, C, *S) as a contiguous array with the zero padding."""
        if not self.pad:
            return _xp.ascontiguous(x)
        xp = _zeros(x, (self.N, self.C) + self.Sp)
        xp[self.inner] = x
        return xp

    def windows(self, xp):
        it = xp.itemsize
        st = self._wbytes.get(it)
        if st is None:
            st = self._wbytes[it] = tuple(v * it for v in self.wstrides)
        return _view(xp, self.wshape, st)

    def unfold(self, x, buf, t=False):
        """Columns of x (N, C, *S): (N, C*K, P), or (C*K, N, P) when t; in the tensor buf when
        given."""
        if self.pointwise and (not t or self.N == 1):
            if buf is not None:
                out(buf, (0,))
            c = _xp.ascontiguous(x).reshape(self.N, self.C, self.P)
            return c.reshape(self.C, 1, self.P) if t else c
        v = self.windows(self.padded(x))
        shape, strides = (self.tcolshape, self.tcolstrides) if t else (self.colshape, self.colstrides)
        b = _out(buf, shape, strides) if buf is not None else _empty(x, shape)
        if t:
            b4, v = b.reshape(self.twshape), v.transpose(self.to_t)      # (C, *k, N, *o)
            nat = (slice(None),) * (1 + self.nd)
        else:
            b4, nat = b.reshape(self.wshape), ()
        if not self.split or not _host(b):
            np.copyto(b4, v)
        elif self.N > 1:
            parallel(lambda lo, hi: np.copyto(b4[nat + (slice(lo, hi),)], v[nat + (slice(lo, hi),)]),
                     self.N, b.size)
        else:
            sl = (lambda lo, hi: (slice(lo, hi),)) if t else (lambda lo, hi: (slice(None), slice(lo, hi)))
            parallel(lambda lo, hi: np.copyto(b4[sl(lo, hi)], v[sl(lo, hi)]), self.C, b.size)
        return b

    def scatter_index(self, t):
        """For each column element, its flat position in the padded input (for bincount)."""
        idx = self._scatter_index.get(t)
        if idx is None:
            base = np.arange(self.N * self.C * prod(self.Sp), dtype=np.int64).reshape(
                (self.N, self.C) + self.Sp)
            w = self.windows(base)
            idx = self._scatter_index[t] = (w.transpose(self.to_t) if t else w).reshape(-1).copy()
        return idx

    def by_bincount(self, n):
        """Whether fold adds n column elements with one bincount (which sums in float64)."""
        return ((n <= _SMALL_FOLD or (self.o[-1] < 16 and n <= 1 << 22))
                and self.N * self.C * prod(self.Sp) <= 4 * n)

    def fold(self, cols, target, t=False):
        """Adjoint of unfold: add the columns ((N, C*K, P), or (C*K, N, P) when t) into target
        (N, C, *S)."""
        if self.pointwise and (not t or self.N == 1):
            target[...] = cols.reshape(target.shape)
            return
        n = cols.size
        # one bincount beats K strided adds for small column blocks and for short output rows
        # (its index costs 8 bytes per column element, kept with the geometry: capped). It sums
        # in float64: host floats are added in their type, tap by tap, as THNN's col2im does
        if self.by_bincount(n) and (cols.dtype.itemsize == 8 or not _host(cols)):
            r = np.bincount(_dev(self.scatter_index(t), cols), cols.reshape(-1),
                            minlength=self.N * self.C * prod(self.Sp))
            target[...] = r.reshape((self.N, self.C) + self.Sp)[self.inner]
            return
        xp = target if not self.pad else _empty(cols, (self.N, self.C) + self.Sp)
        c = cols.reshape(self.twshape).transpose(self.from_t) if t else cols.reshape(self.wshape)
        w = self.windows(xp) if self.unique else None

        def part(lo, hi, axis):
            sl = (slice(lo, hi),) if axis == 0 else (slice(None), slice(lo, hi))
            xp[sl] = 0
            if w is not None:
                w[sl] = c[sl]
            else:
                x, cc = xp[sl], c[sl]
                for dst, src in self.taps:
                    x[dst] += cc[src]
            if self.pad:
                target[sl] = xp[sl][self.inner]

        if not self.split or not _host(xp):
            part(0, self.N, 0)
        elif self.N > 1:
            parallel(lambda lo, hi: part(lo, hi, 0), self.N, n)
        else:
            parallel(lambda lo, hi: part(lo, hi, 1), self.C, n)


class _RFold:
    """fold (the adjoint of unfold) for stride-1 2-D convolutions as one copy and one reduction
    (no scatter, no tap-by-tap adds).

    The columns (C*K rows of N*P, or N*C*K rows of P) are copied into a buffer G whose rows (one
    per input plane c and tap (i, j)) are laid out like the padded input plane (width Wp; the
    columns ow..Wp-1 stay 0) with zero margins, so that tap (i, j)'s term at padded input position
    p is G[row, base + p - off(i, j)], off(i, j) = i*dh*Wp + j*dw: one strided view
    (N, C, kh, kw, Hp*Wp) of G, summed over (i, j) by np.add.reduce starting from 0. Every position
    gets 0 + its taps' terms in (i, j) order, exactly as the tap-by-tap fold and the bincount add
    them (the extra terms are zeros, which change no sum that starts at +0)."""

    def __init__(self, g, t):
        (kh, kw), (dh, dw), (Hp, Wp), (oh, ow) = g.k, g.dil, g.Sp, g.o
        N, C, K, CK = g.N, g.C, g.K, g.CK
        self.g = g
        self.A = A = (kh - 1) * dh * Wp + (kw - 1) * dw     # largest tap offset
        self.HW = HW = Hp * Wp
        if t:       # columns (C*K, N, P): each G row holds the N samples, B apart
            B = HW + (kw - 1) * dw
            self.R = R = A + N * B
            self.gsize = CK * R
            self.dshape, self.dstrides = (CK, N, oh, ow), (R, B, Wp, 1)
            self.vstrides = (B, K * R, kw * R - dh * Wp, R - dw, 1)
        else:       # columns (N, C*K, P): a G row per sample and tap
            self.R = R = A + HW
            self.gsize = N * CK * R
            self.dshape, self.dstrides = (N, CK, oh, ow), (CK * R, R, Wp, 1)
            self.vstrides = (CK * R, K * R, kw * R - dh * Wp, R - dw, 1)
        self.vshape = (N, C, kh, kw, HW)
        self.t = t
        self._bufs = {}

    def _buffers(self, dtype):
        b = self._bufs.get(dtype)
        if b is None:
            it = np.dtype(dtype).itemsize
            G = np.zeros(self.gsize, dtype)
            gd = np.ndarray(self.dshape, dtype, G, self.A * it, tuple(s * it for s in self.dstrides))
            V = np.ndarray(self.vshape, dtype, G, self.A * it, tuple(s * it for s in self.vstrides))
            b = self._bufs[dtype] = (gd, V)
        return b

    def gemm(self, a, go, target):
        """target (N, C, *S) = fold(a @ go[n]) for every sample n, for a (C*K, O) and go
        (N, O, P) of columns (N, C*K, P) (self.t False): each product is written by the GEMM
        straight into G's rows (go is first copied into a zero-margined (O, oh, Wp) buffer, so
        each row's columns ow..Wp-1 get 0), a few samples at a time (G stays in cache): no copy of
        the columns. Each G element is the same dot product over O as in a @ go[n]."""
        g = self.g
        dt = go.dtype
        per = g.CK * self.R                              # G elements per sample
        step = max(1, min(g.N, (1 << 16) // per))        # samples per pass: ~512 KiB of doubles
        # the sums in the element type, position by position in tap order, as THNN's col2im
        acc = dt
        direct = not g.pad and acc == dt
        dst = target.reshape(g.N, g.C, -1)
        go4 = go.reshape((g.N, g.O) + g.o)

        def part(lo, hi):
            rows, V, inner, flat, red = self._gemm_buffers(dt, step, acc)
            for s in range(lo, hi, step):
                e = min(hi, s + step)
                m = e - s
                np.copyto(inner[:m], go4[s:e])
                np.matmul(a, flat[:m], out=rows[:m])
                if direct:
                    np.add.reduce(V[:m], axis=(2, 3), out=dst[s:e], initial=0, dtype=acc)
                else:
                    np.add.reduce(V[:m], axis=(2, 3), out=red[:m], initial=0, dtype=acc)
                    target[s:e] = red[:m].reshape((m, g.C) + g.Sp)[g.inner]

        if g.split and g.N > 1:
            parallel(part, g.N, g.N * g.C * g.K * self.HW)
        else:
            part(0, g.N)

    def _gemm_buffers(self, dt, step, acc):
        """A thread's buffers for gemm: G for `step` samples, its row and tap views, the padded
        gradOutput and the sums."""
        key = ('gemm', dt, step, acc, threading.get_ident())
        b = self._bufs.get(key)
        if b is None:
            g = self.g
            it = dt.itemsize
            (oh, ow), Wp = g.o, g.Sp[1]
            G = np.zeros(step * g.CK * self.R, dt)
            rows = np.ndarray((step, g.CK, oh * Wp), dt, G, self.A * it,
                              (g.CK * self.R * it, self.R * it, it))
            V = np.ndarray((step,) + self.vshape[1:], dt, G, self.A * it,
                           tuple(v * it for v in self.vstrides))
            gop = np.zeros((step, g.O, oh, Wp), dt)
            red = np.empty((step, g.C, self.HW), acc)
            b = self._bufs[key] = (rows, V, gop[..., :ow], gop.reshape(step, g.O, oh * Wp), red)
        return b

    def __call__(self, cols, target):
        """target (N, C, *S) = the columns added back at their input positions."""
        g = self.g
        gd, V = self._buffers(cols.dtype)
        c = cols.reshape(gd.shape)
        # the sums in the element type, position by position in tap order, as THNN's col2im
        acc = cols.dtype
        direct = not g.pad and acc == cols.dtype
        dst = target.reshape(g.N, g.C, -1) if direct else _empty(cols, (g.N, g.C, self.HW), acc)
        t = self.t

        def part(lo, hi):
            if t:
                np.copyto(gd[:, lo:hi], c[:, lo:hi])
            else:
                np.copyto(gd[lo:hi], c[lo:hi])
            np.add.reduce(V[lo:hi], axis=(2, 3), out=dst[lo:hi], initial=0, dtype=acc)
            if not direct:
                target[lo:hi] = dst[lo:hi].reshape((hi - lo, g.C) + g.Sp)[g.inner]

        if g.split and g.N > 1:
            parallel(part, g.N, V.size)
        else:
            part(0, g.N)


# the reduce fold for stride-1 2-D convolutions (LUATORCH_NN_RFOLD=0 turns it off)
_RFOLD = os.environ.get('LUATORCH_NN_RFOLD', '1') != '0'
# below this many column elements, folding them back with one bincount beats K strided adds
_SMALL_FOLD = 1 << 16
# the batch is one GEMM below this many multiply-adds per sample (LUATORCH_NN_ONEGEMM=0/1 forces)
_ONEGEMM_MAX = 1 << 20
_ONEGEMM = {'0': False, '1': True}.get(os.environ.get('LUATORCH_NN_ONEGEMM', ''))


def _conv_geom(input, weight, k, s, p, dil):
    key = (_ConvGeom, input.size, weight.size, k, s, p, dil)
    g = _GEOMS.get(key)
    if g is None:
        if len(_GEOMS) > 512:
            _GEOMS.clear()
        g = _GEOMS[key] = _ConvGeom(input.size, weight.size, k, s, p, dil)
    if input.ttype is not weight.ttype:
        _same_type(input, weight)
    return g


_GEOMS = {}


def _geom_of(shape, k, s, p, dil):
    """The unfolding geometry of arrays of shape (N, C, *S)."""
    key = (_ConvGeom, tuple(shape), (1, shape[1]) + tuple(k), tuple(k), tuple(s), tuple(p),
           tuple(dil))
    g = _GEOMS.get(key)
    if g is None:
        if len(_GEOMS) > 512:
            _GEOMS.clear()
        g = _GEOMS[key] = _ConvGeom(*key[1:])
    return g


def _im2col(x, k, s, p, dil, buf=None):
    """Columns (N, C*K, P) of the windows of x (N, C, *S), copied into the tensor buf when given
    (for modules built on this unfolding)."""
    return _geom_of(x.shape, k, s, p, dil).unfold(x, buf)


def _col2im(cols, shape, k, s, p, dil, target=None):
    """Adjoint of _im2col: the columns (N, C*K, P) added back into an array of `shape`
    (N, C, *S), `target` when given; returns it."""
    if target is None:
        target = _empty(cols, tuple(shape))
    _geom_of(shape, k, s, p, dil).fold(cols, target)
    return target


def _bias_check(bias, O):
    if bias is not None and bias.nelement() != O:
        raise TorchError('Need bias of dimension 1 and bias.size[0] == %d but got bias to be of '
                         'shape: %s' % (O, _shape_str(bias.size)))


def _go(gradOutput, g):
    """gradOutput's array as (N, O, P), checking its size."""
    if gradOutput.size != g.yshape:
        raise TorchError('Need gradOutput of size %s but got gradOutput to be of shape: %s' % (
            _shape_str(g.yshape), _shape_str(gradOutput.size)))
    return gradOutput.arr().reshape(g.N, g.O, g.P)


def _mm(a, b, g, out=None):
    """a (O, n) @ b (n, m) for a with few rows, padded to a multiple of 8 rows (OpenBLAS is up to
    1.5x faster per flop so) when g says so; into out when given."""
    if g.rowpad:
        ap = g.rows(a, a.shape[1])
        ap[:g.O] = a
        r = (ap @ b)[:g.O]
        if out is None:
            return r
        out[...] = r
        return out
    return a @ b if out is None else np.matmul(a, b, out=out)


def _exact(a):
    """Whether the kernels make THNN's BLAS calls on arrays like a (LUATORCH_NN_EXACT_BLAS=1,
    _util.EXACT_BLAS, and a host array the BLAS takes): one per sample with its m, n, k
    (OpenBLAS's bits depend on them: on the depth k, where it adds each depth block's product
    into C, and on m and n, which decide its blocking and edge kernels), alpha and beta.
    Otherwise (the default, and device arrays) the batched numpy route."""
    return _util.EXACT_BLAS and type(a) is np.ndarray and cblas.has_gemm(a.dtype)


def _layout(g, a):
    """Whether the columns are laid out (C*K, N, P) (one GEMM for the batch) for arrays like a."""
    return g.onegemm and not _exact(a)


def conv_forward(input, output, weight, bias, finput, k, s, p, dil):
    """Convolution of input ([N,] C, *S) with weight (O, C*K or O, C, *k): output ([N,] O, *o).
    The columns (finput) are (N, C*K, P) and multiplied sample by sample, or, for a batch of
    small products on the device, kept as (C*K, N, P) and multiplied in one GEMM (g.onegemm).
    Host arrays: THNN's calls, each output plane filled with its bias (or zeroed), then per sample
    addmm(y_n, 1, y_n, 1, W, cols_n): one gemm, depth C*K, beta 1."""
    g = _conv_geom(input, weight, k, s, p, dil)
    if bias is not None and bias.size != (g.O,):
        _bias_check(bias, g.O)
    w2 = weight.arr().reshape(g.O, g.CK)
    if _exact(w2) and _host(input.arr()):
        cols = g.unfold(input.arr().reshape(g.xshape), finput, False)
        y3 = _out(output, g.yshape, g.ystrides).reshape(g.N, g.O, g.P)
        if bias is not None:
            np.copyto(y3, bias.arr()[:, None])
        else:
            y3.fill(0)
        c3 = cols.reshape(g.N, g.CK, g.P)
        for n in range(g.N):
            if not cblas.mm(1.0, w2, c3[n], 1.0, y3[n]):
                y3[n] += w2 @ c3[n]
        return
    t = g.onegemm
    x = input.arr().reshape(g.xshape)
    if not t and g.split and g.N > 1 and not g.pointwise and not g.rowpad and _host(x):
        # each thread unfolds a sample and multiplies it at once (its columns still in cache),
        # one GEMM a sample as np.matmul makes them
        v = g.windows(g.padded(x))
        cols = _out(finput, g.colshape, g.colstrides)
        c4 = cols.reshape(g.wshape)
        y3 = _out(output, g.yshape, g.ystrides).reshape(g.N, g.O, g.P)
        b = None if bias is None else bias.arr()[:, None]

        def part(lo, hi):
            for n in range(lo, hi):
                np.copyto(c4[n], v[n])
                np.matmul(w2, cols[n], out=y3[n])
                if b is not None:
                    y3[n] += b
        parallel(part, g.N, g.N * g.CK * g.P)
        return
    cols = g.unfold(x, finput, t)
    y3 = _out(output, g.yshape, g.ystrides).reshape(g.N, g.O, g.P)
    if g.N == 1:
        if bias is not None and g.rowpad:
            # the padded product's rows plus the bias, in one pass
            np.add(_mm(w2, cols.reshape(g.CK, g.P), g), bias.arr()[:, None], out=y3[0])
            return
        _mm(w2, cols.reshape(g.CK, g.P), g, y3[0])
    elif t:
        y3[...] = _mm(w2, cols.reshape(g.CK, g.N * g.P), g).reshape(g.O, g.N, g.P).transpose(1, 0, 2)
    elif g.rowpad:
        wp = g.rows(w2, g.CK)
        wp[:g.O] = w2
        y3[...] = np.matmul(wp, cols)[:, :g.O]
    else:
        np.matmul(w2, cols, out=y3)
    if bias is not None:
        y3 += bias.arr()[:, None]


def _go_t(go, g):
    """gradOutput (N, O, P) as (O, N*P) (a copy when N > 1)."""
    return go[0] if g.N == 1 else _xp.ascontiguous(go.transpose(1, 0, 2)).reshape(g.O, -1)


def conv_grad_input(input, gradOutput, gradInput, weight, fgradInput, k, s, p, dil):
    if deferred.refused(gradInput):     # (a gradInput that is read: the checks below only once)
        _grad_input(input, gradOutput, gradInput, weight, k, s, p, dil)
        return
    g = _conv_geom(input, weight, k, s, p, dil)
    _go(gradOutput, g)
    if gradInput.size != g.isize or gradInput.stride != g.istrides:
        resize(gradInput, g.isize)
    # the result waits until something reads gradInput (deferred.py): for the first layer of a
    # network nothing does
    if not deferred.defer(gradInput, _grad_input,
                          (input, gradOutput, gradInput, weight, k, s, p, dil), (1, 3), (0,),
                          share=(3,)):
        _grad_input(input, gradOutput, gradInput, weight, k, s, p, dil)


def _grad_input(input, gradOutput, gradInput, weight, k, s, p, dil):
    """gradInput = the columns W^T gradOutput folded back onto the input's geometry (input: its
    size and type only)."""
    g = _conv_geom(input, weight, k, s, p, dil)
    go = _go(gradOutput, g)
    w2t = weight.arr().reshape(g.O, g.CK).T
    target = _out(gradInput, g.isize, g.istrides).reshape(g.xshape)
    if g.rfoldable and _host(go) and go.dtype == w2t.dtype == np.float64:
        # the GEMMs write into the reduce fold's buffer, sample by sample (no copy of the
        # columns). (Double only: OpenBLAS's dgemm gives each element the same bits whatever the
        # width of the product; its sgemm rounds the last column block differently.)
        g.rfold(go, False).gemm(w2t, go, target)
        return
    # (with few output planes the product is thin: one per sample writes its columns to cache).
    # Host floats: THNN's gemm per sample (OpenBLAS's sgemm rounds differently with another
    # product width); doubles give the same bits either way
    t = g.N == 1 or (g.onegemm and g.O >= 16 and not (_exact(go) and go.dtype != np.float64))
    gcols = w2t @ _go_t(go, g) if t else np.matmul(w2t, go)    # (C*K, N*P) or (N, C*K, P)
    rf = g.rfold(gcols, t)
    if rf is not None:
        rf(gcols, target)
    else:
        g.fold(gcols, target, t)


def _bias_sums(go, gb, scale):
    """THNN's bias gradient of SpatialConvolutionMM / VolumetricConvolutionMM: for each sample, in
    order, and each plane, gb[o] += scale * (a sum in the element type from 0, term by term, of
    go[n, o, :]). go (N, O, P) and gb (O,) host arrays of one type."""
    # add.accumulate adds strictly in order; + 0 gives what a sum started at +0 gives (-0 + 0)
    s = np.add.accumulate(go, axis=2)[:, :, -1] + go.dtype.type(0)
    if scale != 1:
        s *= go.dtype.type(scale)
    if go.shape[0] == 1:
        gb += s[0]
    else:
        gb[...] = np.add.accumulate(np.concatenate((gb[None], s)), axis=0)[-1]


def _bias_gemv(go, gb, scale):
    """THNN's bias gradient of the dilated and full convolutions: for each sample, in order,
    gemv('t', P, O, scale, go_n, P, ones, 1, 1, gb, 1). go (N, O, P) C-contiguous, gb (O,)
    contiguous: host arrays of one type."""
    N, O, P = go.shape
    ones = _util.ones(P, go.dtype)
    for n in range(N):
        if not cblas.gemv('t', P, O, scale, go[n], P, ones, 1, 1.0, gb, 1):
            gb += go.dtype.type(scale) * go[n].sum(1)


def _acc_exact(go, cols, gw2, gb, scale, bias_gemv):
    """gw2 (O, CK) += scale * go[n] @ cols[n]^T per sample (THNN's addmm(gw, 1, gw, scale, go_n,
    cols_n^T): gemm depth P, alpha scale, beta 1), then the bias gradient; host arrays, go (N, O, P)
    and gb C-contiguous."""
    for n in range(go.shape[0]):
        if not cblas.mm(scale, go[n], cols[n].T, 1.0, gw2):
            gw2 += gw2.dtype.type(scale) * (go[n] @ cols[n].T)
    if gb is not None:
        (_bias_gemv if bias_gemv else _bias_sums)(go, gb, scale)


def conv_acc_grad(input, gradOutput, gradWeight, gradBias, finput, k, s, p, dil, scale,
                  bias_gemv=False):
    """gradWeight += scale * the weight gradient, gradBias += scale * the bias gradient (THNN's
    bias: per-plane sums in order, or with bias_gemv (the dilated convolution) a gemv with ones)."""
    g = _conv_geom(input, gradWeight, k, s, p, dil)
    go = _go(gradOutput, g)
    gw = gradWeight.arr()
    gb = gradBias.arr() if gradBias is not None else None
    t = _layout(g, go)
    if finput is not None and finput.size == (g.tcolshape if t else g.colshape):
        cols = finput.arr()
    else:
        cols = g.unfold(input.arr().reshape(g.xshape), None, t)
    if (_exact(go) and gw.dtype == go.dtype and gw.flags.c_contiguous and _host(cols)
            and (gb is None or gb.flags.c_contiguous and gb.dtype == go.dtype)):
        _acc_exact(_xp.ascontiguous(go), cols.reshape(g.N, g.CK, g.P), gw.reshape(g.O, g.CK), gb,
                   scale, bias_gemv)
        return
    if t or g.N == 1:
        dw = _mm(_go_t(go, g), cols.reshape(g.CK, g.N * g.P).T if t else cols[0].T, g)
    else:
        dw = np.matmul(go, cols.transpose(0, 2, 1)).sum(0)
    if scale != 1:
        dw *= scale
    if gw.flags.c_contiguous:
        gw.reshape(g.O, g.CK).__iadd__(dw)
    else:
        gw += dw.reshape(gw.shape)
    if gradBias is not None:
        db = go.sum((0, 2)) if g.N > 1 else go[0].sum(1)
        if scale != 1:
            db *= scale
        gb.__iadd__(db)


# ----------------------------------------------------------------------------- Spatial

@kernel
def SpatialConvolutionMM_updateOutput(input, output, weight, bias, finput, fgradInput,
                                      kW, kH, dW, dH, padW, padH):
    conv_forward(input, output, weight, bias, finput, (kH, kW), (dH, dW), (padH, padW), (1, 1))


@kernel
def SpatialConvolutionMM_updateGradInput(input, gradOutput, gradInput, weight, finput, fgradInput,
                                         kW, kH, dW, dH, padW, padH):
    conv_grad_input(input, gradOutput, gradInput, weight, fgradInput, (kH, kW), (dH, dW),
                    (padH, padW), (1, 1))


@kernel
def SpatialConvolutionMM_accGradParameters(input, gradOutput, gradWeight, gradBias, finput,
                                           fgradInput, kW, kH, dW, dH, padW, padH, scale):
    conv_acc_grad(input, gradOutput, gradWeight, gradBias, finput, (kH, kW), (dH, dW),
                  (padH, padW), (1, 1), scale)


@kernel
def SpatialDilatedConvolution_updateOutput(input, output, weight, bias, finput, fgradInput,
                                           kW, kH, dW, dH, padW, padH, dilationW, dilationH):
    conv_forward(input, output, weight, bias, finput, (kH, kW), (dH, dW), (padH, padW),
                 (dilationH, dilationW))


@kernel
def SpatialDilatedConvolution_updateGradInput(input, gradOutput, gradInput, weight, finput,
                                              kW, kH, dW, dH, padW, padH, dilationW, dilationH):
    conv_grad_input(input, gradOutput, gradInput, weight, None, (kH, kW), (dH, dW), (padH, padW),
                    (dilationH, dilationW))


@kernel
def SpatialDilatedConvolution_accGradParameters(input, gradOutput, gradWeight, gradBias, finput,
                                                fgradInput, kW, kH, dW, dH, padW, padH,
                                                dilationW, dilationH, scale):
    conv_acc_grad(input, gradOutput, gradWeight, gradBias, finput, (kH, kW), (dH, dW),
                  (padH, padW), (dilationH, dilationW), scale, bias_gemv=True)


# ----------------------------------------------------------------------------- Volumetric

@kernel
def VolumetricConvolution_updateOutput(input, output, weight, bias, finput,
                                       kT, kW, kH, dT, dW, dH, padT, padW, padH):
    conv_forward(input, output, weight, bias, finput, (kT, kH, kW), (dT, dH, dW),
                 (padT, padH, padW), (1, 1, 1))


@kernel
def VolumetricConvolution_updateGradInput(input, gradOutput, gradInput, weight, finput, fgradInput,
                                          kT, kW, kH, dT, dW, dH, padT, padW, padH):
    conv_grad_input(input, gradOutput, gradInput, weight, fgradInput, (kT, kH, kW), (dT, dH, dW),
                    (padT, padH, padW), (1, 1, 1))


@kernel
def VolumetricConvolution_accGradParameters(input, gradOutput, gradWeight, gradBias, finput,
                                            kT, kW, kH, dT, dW, dH, padT, padW, padH, scale):
    conv_acc_grad(input, gradOutput, gradWeight, gradBias, finput, (kT, kH, kW), (dT, dH, dW),
                  (padT, padH, padW), (1, 1, 1), scale)


# ----------------------------------------------------------------------------- Full (transposed)

def _full_geom(input, weight, bias, k, s, p, adj):
    """Checks of a transposed convolution; the geometry of the convolution it transposes (whose
    input is this one's output), and the output size."""
    if any(v <= 0 for v in k):
        raise TorchError('kernel size should be greater than zero, but got kH: %d kW: %d' % k)
    if any(v <= 0 for v in s):
        raise TorchError('stride should be greater than zero, but got dH: %d dW: %d' % s)
    if input.dim() not in (3, 4):
        raise TorchError('3D or 4D input tensor expected but got: %s' % _shape_str(input.size))
    _same_type(input, weight)
    cdim = input.dim() - 3
    nin, nout = weight.size[0], weight.size[1]
    if input.size[cdim] != nin:
        raise TorchError('Need input of dimension %d and input.size[%d] == %d but got input to be '
                         'of shape: %s' % (input.dim(), cdim, nin, _shape_str(input.size)))
    S = input.size[cdim + 1:]
    o = tuple((S[i] - 1) * s[i] - 2 * p[i] + k[i] + adj[i] for i in range(2))
    if any(v < 1 for v in o):
        raise TorchError('Given input size: (%d x %d x %d). Calculated output size: (%d x %d x %d). '
                         'Output size is too small' % ((nin,) + S + (nout,) + o))
    if bias is not None and bias.nelement() != nout:
        raise TorchError('Need bias of dimension 1 and bias.size[0] == %d but got bias to be of '
                         'shape: %s' % (nout, _shape_str(bias.size)))
    osize = input.size[:cdim] + (nout,) + o
    key = (_ConvGeom, osize, weight.size, k, s, p, (1, 1))
    g = _GEOMS.get(key)
    if g is None:
        if len(_GEOMS) > 512:
            _GEOMS.clear()
        g = _GEOMS[key] = _ConvGeom(osize, weight.size, k, s, p, (1, 1))
    return g


def _full_go(gradOutput, g):
    if gradOutput.size != g.isize:
        raise TorchError('Need gradOutput of size %s but got gradOutput to be of shape: %s' % (
            _shape_str(g.isize), _shape_str(gradOutput.size)))
    return gradOutput.arr().reshape(g.xshape)


@kernel
def SpatialFullConvolution_updateOutput(input, output, weight, bias, finput, fgradInput,
                                        kW, kH, dW, dH, padW, padH, adjW, adjH):
    g = _full_geom(input, weight, bias, (kH, kW), (dH, dW), (padH, padW), (adjH, adjW))
    # g is the convolution from this output (N, nout, *o) to this input (N, nin, *S): O = nin
    x3 = input.arr().reshape(g.N, g.O, g.P)
    w2t = weight.arr().reshape(g.O, g.CK).T
    cols = (w2t @ x3[0])[None] if g.N == 1 else np.matmul(w2t, x3)
    y = _out(output, g.isize, g.istrides)
    g.fold(cols, y.reshape(g.xshape))
    if bias is not None:
        y.reshape(g.N, g.C, -1).__iadd__(bias.arr()[:, None])


@kernel
def SpatialFullConvolution_updateGradInput(input, gradOutput, gradInput, weight, finput,
                                           kW, kH, dW, dH, padW, padH, adjW, adjH):
    g = _full_geom(input, weight, None, (kH, kW), (dH, dW), (padH, padW), (adjH, adjW))
    cols = g.unfold(_full_go(gradOutput, g), None)
    w2 = weight.arr().reshape(g.O, g.CK)
    gi = out(gradInput, input.size).reshape(g.N, g.O, g.P)
    if g.N == 1:
        np.matmul(w2, cols[0], out=gi[0])
    else:
        np.matmul(w2, cols, out=gi)


@kernel
def SpatialFullConvolution_accGradParameters(input, gradOutput, gradWeight, gradBias, finput,
                                             fgradInput, kW, kH, dW, dH, padW, padH, adjW, adjH,
                                             scale):
    g = _full_geom(input, gradWeight, None, (kH, kW), (dH, dW), (padH, padW), (adjH, adjW))
    go = _full_go(gradOutput, g)
    cols = g.unfold(go, None)
    x3 = input.arr().reshape(g.N, g.O, g.P)
    gw = gradWeight.arr()
    gb = gradBias.arr() if gradBias is not None else None
    if (_exact(go) and _host(x3) and x3.dtype == gw.dtype == go.dtype and gw.flags.c_contiguous
            and (gb is None or gb.flags.c_contiguous and gb.dtype == go.dtype)):
        # THNN: per sample gemm (depth: the input plane) alpha scale, beta 1 into gradWeight,
        # then the bias by gemv with ones
        for n in range(g.N):
            if not cblas.mm(scale, x3[n], cols[n].T, 1.0, gw.reshape(g.O, g.CK)):
                gw.reshape(g.O, g.CK).__iadd__(gw.dtype.type(scale) * (x3[n] @ cols[n].T))
        if gb is not None:
            _bias_gemv(_xp.ascontiguous(go).reshape(g.N, g.C, -1), gb, scale)
        return
    dw = x3[0] @ cols[0].T if g.N == 1 else np.matmul(x3, cols.transpose(0, 2, 1)).sum(0)
    if scale != 1:
        dw *= scale
    gw += dw.reshape(gw.shape)
    if gradBias is not None:
        db = go.reshape(g.N, g.C, -1).sum((0, 2))
        if scale != 1:
            db *= scale
        gradBias.arr().__iadd__(db)


# ----------------------------------------------------------------------------- Temporal

def _temporal_check(input, kW, dW, frameSize=None):
    if kW <= 0:
        raise TorchError('kernel size should be greater than zero, but got kW: %d' % kW)
    if dW <= 0:
        raise TorchError('stride should be greater than zero, but got dW: %d' % dW)
    if input.dim() not in (2, 3):
        raise TorchError('2D or 3D (batch mode) tensor expected for input, but got: %s'
                         % _shape_str(input.size))
    dimS = input.dim() - 2
    if frameSize is not None and input.size[dimS + 1] != frameSize:
        raise TorchError('invalid input frame size. Got: %d, Expected: %d'
                         % (input.size[dimS + 1], frameSize))
    if input.size[dimS] < kW:
        raise TorchError('input sequence smaller than kernel size. Got: %d, Expected: %d'
                         % (input.size[dimS], kW))
    return (input.size[dimS] - kW) // dW + 1


def _seq(t):
    """t's array as (N, T, F) (a single sequence as a batch of one)."""
    a = t.arr()
    return a[None] if a.ndim == 2 else a


def _frames(x, kW, dW, nout):
    """x (N, T, F) -> view (N, nout, kW, F) of the windows of kW frames, every dW frames."""
    x = _xp.ascontiguous(x)
    st = x.strides
    return _view(x, (x.shape[0], nout, kW, x.shape[2]), (st[0], st[1] * dW, st[1], st[2]))


def _temporal_groups(T, kW, dW):
    """THNN's frame groups: (k, nFrame, outputFrameStride, inputFrameStride) for each GEMM of a
    sequence of T frames: the output frames k, k + ofs, k + 2 ofs, ... (nFrame of them) read
    non-overlapping input windows, so one GEMM takes them all (kW/dW + 1 GEMMs or so)."""
    ofs = (kW - 1) // dW + 1
    ifs = ofs * dW
    left = (T - kW) // dW + 1
    k = 0
    while left > 0:
        nframe = (T - k * dW - kW) // ifs + 1
        left -= nframe
        yield k, nframe, ofs, ifs
        k += 1


def _rows(a, start, n, step, width):
    """The (n, width) view of the flat array a: rows of `width` elements, `step` elements apart,
    from element start (THTensor_(setStorage2d) on a's storage)."""
    it = a.itemsize
    return np.ndarray((n, width), a.dtype, a, start * it, (step * it, it))


def _addmm(alpha, a, b, c):
    """c += alpha * a @ b as TH's addmm(c, 1, c, alpha, a, b): one BLAS GEMM onto c (numpy's
    product and add where the BLAS is not at hand)."""
    if not cblas.mm(alpha, a, b, 1.0, c):
        c += (a @ b) * alpha if alpha != 1 else a @ b


def _temporal_host(*arrays):
    return all(type(a) is np.ndarray for a in arrays)


@kernel
def TemporalConvolution_updateOutput(input, output, weight, bias, kW, dW, inputFrameSize,
                                     outputFrameSize):
    nout = _temporal_check(input, kW, dW, inputFrameSize)
    _same_type(input, weight)
    x = _seq(input)
    N, T, F = x.shape
    y = out(output, input.size[:-2] + (nout, outputFrameSize))
    y3 = y.reshape(N, nout, outputFrameSize)
    w = weight.arr()
    if not _temporal_host(x, y3, w):
        cols = _frames(x, kW, dW, nout).reshape(N, nout, kW * inputFrameSize)
        np.matmul(cols, w.T, out=y3)
        y3 += bias.arr()
        return
    # THNN: every output frame starts as the bias, then per sample one GEMM (beta 1) per group
    # of frames reading non-overlapping windows
    x = np.ascontiguousarray(x)
    wt = w.reshape(outputFrameSize, kW * F).T
    y3[...] = bias.arr()
    for n in range(N):
        xf, yf = x[n].reshape(-1), y3[n].reshape(-1)
        for k, nf, ofs, ifs in _temporal_groups(T, kW, dW):
            _addmm(1.0, _rows(xf, k * dW * F, nf, ifs * F, kW * F), wt,
                   _rows(yf, k * outputFrameSize, nf, ofs * outputFrameSize, outputFrameSize))


@kernel
def TemporalConvolution_updateGradInput(input, gradOutput, gradInput, weight, kW, dW):
    nout = _temporal_check(input, kW, dW)
    x = _seq(input)
    g = _seq(gradOutput)
    if g.shape[1] != nout:
        raise TorchError('Need gradOutput of %d frames but got %d' % (nout, g.shape[1]))
    N, T, F = x.shape
    w = weight.arr()
    gi3 = out(gradInput, input.size).reshape(N, T, F)
    gi3[...] = 0
    if _temporal_host(g, gi3, w):
        # THNN: gradInput zeroed, then the same groups' GEMMs (beta 1) into its windows
        g = np.ascontiguousarray(g)
        w2 = w.reshape(w.shape[0], kW * F)
        O = w2.shape[0]
        for n in range(N):
            gf, gif = g[n].reshape(-1), gi3[n].reshape(-1)
            for k, nf, ofs, ifs in _temporal_groups(T, kW, dW):
                _addmm(1.0, _rows(gf, k * O, nf, ofs * O, O), w2,
                       _rows(gif, k * dW * F, nf, ifs * F, kW * F))
        return
    gc = np.matmul(g, w).reshape(N, nout, kW, F)
    if dW >= kW:
        _frames(gi3, kW, dW, nout)[...] = gc
    else:
        for j in range(kW):
            gi3[:, j:j + dW * (nout - 1) + 1:dW] += gc[:, :, j]


@kernel
def TemporalConvolution_accGradParameters(input, gradOutput, gradWeight, gradBias, kW, dW, scale):
    nout = _temporal_check(input, kW, dW)
    x = _seq(input)
    g = _seq(gradOutput)
    N, T, F = x.shape
    gw, gb = gradWeight.arr(), gradBias.arr()
    if _temporal_host(x, g, gw, gb) and gw.flags.c_contiguous and gb.flags.c_contiguous:
        # THNN, per sample: gradBias:add(scale, gradOutput[k]) frame by frame (BLAS axpy: with
        # scale 1 a plain add, so the frames are summed in order onto gradBias), then the groups'
        # GEMMs with alpha = scale onto gradWeight; scale as a real
        scale = gw.dtype.type(scale)
        x, g = np.ascontiguousarray(x), np.ascontiguousarray(g)
        O = g.shape[2]
        gw2 = gw.reshape(O, kW * F)
        for n in range(N):
            if scale == 1:
                gb[...] = _util.seq_rows(np.concatenate((gb[None], g[n])), False)
            else:
                for k in range(nout):
                    if not cblas.axpy(scale, g[n, k], gb):
                        gb += scale * g[n, k]
            xf, gf = x[n].reshape(-1), g[n].reshape(-1)
            for k, nf, ofs, ifs in _temporal_groups(T, kW, dW):
                _addmm(scale, _rows(gf, k * O, nf, ofs * O, O).T,
                       _rows(xf, k * dW * F, nf, ifs * F, kW * F), gw2)
        return
    cols = _frames(x, kW, dW, nout).reshape(N * nout, kW * F)
    g2 = g.reshape(N * nout, -1)
    dw = g2.T @ cols
    db = g2.sum(0)
    if scale != 1:
        dw *= scale
        db *= scale
    gw.__iadd__(dw.reshape(gradWeight.size))
    gb.__iadd__(db)
