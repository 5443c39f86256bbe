"""Convolutions: Temporal, Spatial (MM, dilated, full/transposed) and Volumetric.

Every spatial convolution is unfold + GEMM: the input's sliding windows are a strided view
(`_windows`), copied once into a column buffer (Torch's `finput`, shape (N, C*K, P) for K kernel
taps and P output positions), then one batched matmul with the (O, C*K) weight matrix. The
gradient with respect to the input is the transposed GEMM followed by `_col2im`, which adds the
columns back with one vectorised add per kernel tap (or a single strided assignment when the
windows do not overlap). The same three helpers serve 1, 2 and 3 spatial dimensions.
"""
import os
from concurrent.futures import ThreadPoolExecutor
from math import prod

import numpy as np

from . import kernel
from ._util import out
from ..errors import TorchError


# ----------------------------------------------------------------------------- helpers

def _thread_count():
    """Threads for the big element-wise loops (copies, folds, pooling): as many as BLAS uses
    (OPENBLAS_NUM_THREADS / OMP_NUM_THREADS, else the machine's cores)."""
    for var in ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS'):
        v = os.environ.get(var, '')
        if v.isdigit() and int(v) > 0:
            return int(v)
    return os.cpu_count() or 1


_THREADS = _thread_count()
_POOL = []
# below this many elements of work, splitting costs more than it saves
_PARALLEL_MIN = 1 << 18


def parallel(fn, n, work):
    """fn(lo, hi) over [0, n): in one call, or split between the threads when `work` (elements
    touched) is large. numpy releases the GIL inside its loops, so the parts run in parallel."""
    t = min(_THREADS, n)
    if t <= 1 or work < _PARALLEL_MIN:
        fn(0, n)
        return
    if not _POOL:
        _POOL.append(ThreadPoolExecutor(_THREADS - 1, thread_name_prefix='nn'))
    cut = [n * i // t for i in range(t + 1)]
    futures = [_POOL[0].submit(fn, cut[i], cut[i + 1]) for i in range(1, t)]
    fn(cut[0], cut[1])
    for f in futures:
        f.result()


def _strided(a, shape, strides):
    """A view of `a`'s memory with the given shape and strides (bytes)."""
    if type(a) is np.ndarray and a.flags.c_contiguous:
        return np.ndarray(shape, a.dtype, a, 0, strides)
    return np.lib.stride_tricks.as_strided(a, shape, strides)


def _same_type(input, weight):
    if input.ttype is not weight.ttype:
        raise TorchError('expected input and weight of the same type, but got %s and %s' % (
            input.ttype.tensor_name, weight.ttype.tensor_name))


def _shape_str(size):
    return '[%s]' % ' x '.join(map(str, size))


def _out_sizes(S, k, s, p, dil):
    return tuple((S[i] + 2 * p[i] - (dil[i] * (k[i] - 1) + 1)) // s[i] + 1 for i in range(len(S)))


def _pad(x, p, value=0):
    """x (N, C, *S) with p zeros (or `value`) added on both sides of each spatial dim."""
    if not any(p):
        return x
    d = len(p)
    xp = np.full(x.shape[:2] + tuple(x.shape[2 + i] + 2 * p[i] for i in range(d)), value, x.dtype)
    xp[(Ellipsis,) + tuple(slice(p[i], p[i] + x.shape[2 + i]) for i in range(d))] = x
    return xp


def _windows(xp, k, o, s, dil):
    """The sliding windows of xp (N, C, *S): a view of shape (N, C, *k, *o)."""
    st = xp.strides
    sp = st[2:]
    return _strided(xp, xp.shape[:2] + tuple(k) + tuple(o),
                    st[:2] + tuple(a * b for a, b in zip(sp, dil)) + tuple(a * b for a, b in zip(sp, s)))


def _im2col(x, k, s, p, dil, buf=None):
    """Columns of x (N, C, *S): (N, C*K, P), copied into `buf` (a tensor) when given."""
    N, C = x.shape[:2]
    o = _out_sizes(x.shape[2:], k, s, p, dil)
    K, P = prod(k), prod(o)
    if K == 1 and not any(p) and all(v == 1 for v in s) and x.flags.c_contiguous:
        return x.reshape(N, C, P)
    v = _windows(_pad(x, p), k, o, s, dil)
    if buf is None:
        return v.reshape(N, C * K, P)
    b = out(buf, (N, C * K, P))
    np.copyto(b.reshape(v.shape), v)
    return b


def _col2im(cols, shape, k, s, p, dil, target=None):
    """Sum the columns (N, C*K, P) back into an array of `shape` (N, C, *S): the adjoint of
    _im2col. Writes into `target` (an array of that shape) when given."""
    N, C = shape[:2]
    S = shape[2:]
    d = len(S)
    o = _out_sizes(S, k, s, p, dil)
    c = cols.reshape((N, C) + tuple(k) + o)
    direct = target is not None and not any(p)
    xp = target if direct else np.zeros((N, C) + tuple(S[i] + 2 * p[i] for i in range(d)), cols.dtype)
    if all(s[i] >= dil[i] * (k[i] - 1) + 1 for i in range(d)):
        # windows do not overlap: one strided assignment
        if direct:
            xp[...] = 0
        _windows(xp, k, o, s, dil)[...] = c
    else:
        if direct:
            xp[...] = 0
        lead = (slice(None), slice(None))
        for off in np.ndindex(*k):
            sl = tuple(slice(off[i] * dil[i], off[i] * dil[i] + s[i] * (o[i] - 1) + 1, s[i])
                       for i in range(d))
            xp[lead + sl] += c[lead + off]
    if direct:
        return xp
    r = xp[(Ellipsis,) + tuple(slice(p[i], p[i] + S[i]) for i in range(d))]
    if target is not None:
        target[...] = r
        return target
    return r


def _batch(t, nd):
    """Numpy view of t with a leading batch dimension (t has nd or nd+1 dims)."""
    a = t.arr()
    return (a[None], False) if a.ndim == nd else (a, True)


def _check_input(input, dims, what):
    if input.dim() not in dims:
        raise TorchError('%s input tensor expected but got: %s' % (
            ' or '.join('%dD' % d for d in dims) + what, _shape_str(input.size)))


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
        self.xshape = (self.N, self.C) + self.S
        self.yshape = ((self.N,) if self.batched else ()) + (self.O,) + self.o
        self.inner = (Ellipsis,) + tuple(slice(p[i], p[i] + self.S[i]) for i in range(nd))
        # element strides of the windows of a contiguous padded input (N, C, *Sp)
        sp = [prod(self.Sp[i + 1:]) for i in range(nd)]
        self.wshape = (self.N, self.C) + tuple(k) + self.o
        self.wstrides = ((self.C * prod(self.Sp), prod(self.Sp)) + tuple(a * d for a, d in zip(sp, dil))
                         + tuple(a * t for a, t in zip(sp, s)))
        self.pointwise = self.K == 1 and not self.pad and all(v == 1 for v in s)
        self.unique = all(s[i] >= dil[i] * (k[i] - 1) + 1 for i in range(nd))
        lead = (slice(None), slice(None))
        self.taps = [(lead + tuple(slice(off[i] * dil[i], off[i] * dil[i] + s[i] * (self.o[i] - 1) + 1,
                                         s[i]) for i in range(nd)), lead + off)
                     for off in np.ndindex(*k)]
        self._scatter_index = None
        self.rowpad = self.O % 8 != 0 and self.O < 64
        self._rows = {}

    def rows(self, dtype, n):
        """A zero-initialised (O rounded up to 8, n) buffer; callers fill the first O rows."""
        key = (dtype, n)
        b = self._rows.get(key)
        if b is None:
            b = self._rows[key] = np.zeros((-(-self.O // 8) * 8, n), dtype)
        return b

    def padded(self, x):
        """x (N, C, *S) as a contiguous array with the zero padding."""
        if not self.pad:
            return np.ascontiguousarray(x)
        xp = np.zeros((self.N, self.C) + self.Sp, x.dtype)
        xp[self.inner] = x
        return xp

    def windows(self, xp):
        it = xp.itemsize
        return np.ndarray(self.wshape, xp.dtype, xp, 0, tuple(v * it for v in self.wstrides))

    def unfold(self, x, buf):
        """Columns (N, C*K, P) of x (N, C, *S), in the tensor buf when given."""
        if self.pointwise:
            if buf is not None:
                out(buf, (0,))
            return np.ascontiguousarray(x).reshape(self.N, self.C, self.P)
        v = self.windows(self.padded(x))
        b = out(buf, (self.N, self.CK, self.P)) if buf is not None else \
            np.empty((self.N, self.CK, self.P), x.dtype)
        b4 = b.reshape(self.wshape)
        if self.N > 1:
            parallel(lambda lo, hi: np.copyto(b4[lo:hi], v[lo:hi]), self.N, b.size)
        else:
            parallel(lambda lo, hi: np.copyto(b4[:, lo:hi], v[:, lo:hi]), self.C, b.size)
        return b

    def scatter_index(self):
        """For each column element, its flat position in the padded input (for bincount)."""
        if self._scatter_index is None:
            base = np.arange(self.N * self.C * prod(self.Sp), dtype=np.int64).reshape(
                (self.N, self.C) + self.Sp)
            self._scatter_index = self.windows(base).reshape(-1).copy()
        return self._scatter_index

    def fold(self, cols, target):
        """Adjoint of unfold: add the columns (N, C*K, P) into target (N, C, *S)."""
        if self.pointwise:
            target[...] = cols.reshape(target.shape)
            return
        n = cols.size
        # one bincount beats K strided adds for small column blocks and for short output rows
        # (its index costs 8 bytes per column element, kept with the geometry: capped)
        if ((n <= _SMALL_FOLD or (self.o[-1] < 16 and n <= 1 << 22))
                and self.N * self.C * prod(self.Sp) <= 4 * n):
            r = np.bincount(self.scatter_index(), cols.reshape(-1), self.N * self.C * prod(self.Sp))
            target[...] = r.reshape((self.N, self.C) + self.Sp)[self.inner]
            return
        xp = target if not self.pad else np.empty((self.N, self.C) + self.Sp, cols.dtype)
        c = cols.reshape(self.wshape)
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

        if self.N > 1:
            parallel(lambda lo, hi: part(lo, hi, 0), self.N, n)
        else:
            parallel(lambda lo, hi: part(lo, hi, 1), self.C, n)


# below this many column elements, folding them back with one bincount beats K strided adds
_SMALL_FOLD = 1 << 16


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


def conv_forward(input, output, weight, bias, finput, k, s, p, dil):
    """Convolution of input ([N,] C, *S) with weight (O, C*K or O, C, *k): output ([N,] O, *o)."""
    g = _conv_geom(input, weight, k, s, p, dil)
    _bias_check(bias, g.O)
    cols = g.unfold(input.arr().reshape(g.xshape), finput)
    y3 = out(output, g.yshape).reshape(g.N, g.O, g.P)
    w2 = weight.arr().reshape(g.O, g.CK)
    if g.rowpad:
        # OpenBLAS is up to 1.5x faster per flop with a multiple of 8 rows
        wp = g.rows(w2.dtype, g.CK)
        wp[:g.O] = w2
        y3[...] = (wp @ cols[0])[None, :g.O] if g.N == 1 else np.matmul(wp, cols)[:, :g.O]
    elif g.N == 1:
        np.matmul(w2, cols[0], out=y3[0])
    else:
        np.matmul(w2, cols, out=y3)
    if bias is not None:
        y3 += bias.arr()[:, None]


def conv_grad_input(input, gradOutput, gradInput, weight, fgradInput, k, s, p, dil):
    g = _conv_geom(input, weight, k, s, p, dil)
    go = _go(gradOutput, g)
    w2t = weight.arr().reshape(g.O, g.CK).T
    gcols = (w2t @ go[0])[None] if g.N == 1 else np.matmul(w2t, go)
    g.fold(gcols, out(gradInput, input.size).reshape(g.xshape))


def conv_acc_grad(input, gradOutput, gradWeight, gradBias, finput, k, s, p, dil, scale):
    g = _conv_geom(input, gradWeight, k, s, p, dil)
    go = _go(gradOutput, g)
    if finput is not None and finput.size == (g.N, g.CK, g.P):
        cols = finput.arr()
    else:
        cols = g.unfold(input.arr().reshape(g.xshape), None)
    if g.N == 1:
        if g.rowpad:
            gp = g.rows(go.dtype, g.P)
            gp[:g.O] = go[0]
            dw = (gp @ cols[0].T)[:g.O]
        else:
            dw = go[0] @ cols[0].T
    else:
        dw = np.matmul(go, cols.transpose(0, 2, 1)).sum(0)
    if scale != 1:
        dw *= scale
    gw = gradWeight.arr()
    if gradWeight.is_contiguous():
        gw.reshape(g.O, g.CK).__iadd__(dw)
    else:
        gw += dw.reshape(gw.shape)
    if gradBias is not None:
        db = go.sum((0, 2))
        if scale != 1:
            db *= scale
        gradBias.arr().__iadd__(db)


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
                  (padH, padW), (dilationH, dilationW), scale)


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

def _go_check(gradOutput, x_batched, O, o):
    want = (O,) + tuple(o)
    got = gradOutput.size[1:] if x_batched else gradOutput.size
    if tuple(got) != want:
        raise TorchError('Need gradOutput of size %s but got gradOutput to be of shape: %s' % (
            _shape_str(((gradOutput.size[0],) if x_batched else ()) + want),
            _shape_str(gradOutput.size)))


def _full_check(input, weight, bias, k, s, p, adj):
    if any(v <= 0 for v in k):
        raise TorchError('kernel size should be greater than zero, but got kH: %d kW: %d' % k)
    if any(v <= 0 for v in s):
        raise TorchError('stride should be greater than zero, but got dH: %d dW: %d' % s)
    _check_input(input, (3, 4), '')
    _same_type(input, weight)
    cdim = 0 if input.dim() == 3 else 1
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
    return nin, nout, o


@kernel
def SpatialFullConvolution_updateOutput(input, output, weight, bias, finput, fgradInput,
                                        kW, kH, dW, dH, padW, padH, adjW, adjH):
    k, s, p = (kH, kW), (dH, dW), (padH, padW)
    nin, nout, o = _full_check(input, weight, bias, k, s, p, (adjH, adjW))
    x, batched = _batch(input, 3)
    N = x.shape[0]
    w2 = weight.arr().reshape(nin, -1)
    x3 = x.reshape(N, nin, -1)
    cols = (w2.T @ x3[0])[None] if N == 1 else np.matmul(w2.T, x3)
    y = out(output, ((N,) if batched else ()) + (nout,) + o)
    _col2im(cols, (N, nout) + o, k, s, p, (1, 1), y if batched else y[None])
    if bias is not None:
        y.reshape(N, nout, -1).__iadd__(bias.arr()[:, None])


@kernel
def SpatialFullConvolution_updateGradInput(input, gradOutput, gradInput, weight, finput,
                                           kW, kH, dW, dH, padW, padH, adjW, adjH):
    k, s, p = (kH, kW), (dH, dW), (padH, padW)
    nin, nout, o = _full_check(input, weight, None, k, s, p, (adjH, adjW))
    x, batched = _batch(input, 3)
    _go_check(gradOutput, batched, nout, o)
    g, _ = _batch(gradOutput, 3)
    N = x.shape[0]
    cols = _im2col(g, k, s, p, (1, 1))
    w2 = weight.arr().reshape(nin, -1)
    gi = out(gradInput, input.size).reshape(N, nin, -1)
    if N == 1:
        np.matmul(w2, cols[0], out=gi[0])
    else:
        np.matmul(w2, cols, out=gi)


@kernel
def SpatialFullConvolution_accGradParameters(input, gradOutput, gradWeight, gradBias, finput,
                                             fgradInput, kW, kH, dW, dH, padW, padH, adjW, adjH,
                                             scale):
    k, s, p = (kH, kW), (dH, dW), (padH, padW)
    nin, nout, o = _full_check(input, gradWeight, None, k, s, p, (adjH, adjW))
    x, batched = _batch(input, 3)
    _go_check(gradOutput, batched, nout, o)
    g, _ = _batch(gradOutput, 3)
    N = x.shape[0]
    cols = _im2col(g, k, s, p, (1, 1))
    x3 = x.reshape(N, nin, -1)
    if N == 1:
        dw = x3[0] @ cols[0].T
    else:
        dw = np.matmul(x3, cols.transpose(0, 2, 1)).sum(0)
    if scale != 1:
        dw *= scale
    gw = gradWeight.arr()
    gw += dw.reshape(gw.shape)
    if gradBias is not None:
        db = g.reshape(N, nout, -1).sum((0, 2))
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


def _frames(x, kW, dW, nout):
    """x (N, T, F) -> view (N, nout, kW, F) of the windows of kW frames, every dW frames."""
    st = x.strides
    return _strided(x, (x.shape[0], nout, kW, x.shape[2]), (st[0], st[1] * dW, st[1], st[2]))


@kernel
def TemporalConvolution_updateOutput(input, output, weight, bias, kW, dW, inputFrameSize,
                                     outputFrameSize):
    nout = _temporal_check(input, kW, dW, inputFrameSize)
    _same_type(input, weight)
    x, batched = _batch(input, 2)
    N = x.shape[0]
    cols = _frames(x, kW, dW, nout).reshape(N, nout, kW * inputFrameSize)
    y = out(output, ((N,) if batched else ()) + (nout, outputFrameSize))
    y3 = y if batched else y[None]
    np.matmul(cols, weight.arr().T, out=y3)
    y3 += bias.arr()


@kernel
def TemporalConvolution_updateGradInput(input, gradOutput, gradInput, weight, kW, dW):
    nout = _temporal_check(input, kW, dW)
    x, batched = _batch(input, 2)
    g, _ = _batch(gradOutput, 2)
    if g.shape[1] != nout:
        raise TorchError('Need gradOutput of %d frames but got %d' % (nout, g.shape[1]))
    N, T, F = x.shape
    gcols = np.matmul(g, weight.arr())          # (N, nout, kW*F)
    gi = out(gradInput, input.size)
    gi3 = gi if batched else gi[None]
    gi3[...] = 0
    gc = gcols.reshape(N, nout, kW, F)
    if dW >= kW:
        _frames(gi3, kW, dW, nout)[...] = gc
    else:
        for j in range(kW):
            gi3[:, j:j + dW * (nout - 1) + 1:dW] += gc[:, :, j]


@kernel
def TemporalConvolution_accGradParameters(input, gradOutput, gradWeight, gradBias, kW, dW, scale):
    nout = _temporal_check(input, kW, dW)
    x, batched = _batch(input, 2)
    g, _ = _batch(gradOutput, 2)
    N, T, F = x.shape
    cols = _frames(x, kW, dW, nout).reshape(N * nout, kW * F)
    g2 = g.reshape(N * nout, -1)
    dw = g2.T @ cols
    db = g2.sum(0)
    if scale != 1:
        dw *= scale
        db *= scale
    gradWeight.arr().__iadd__(dw.reshape(gradWeight.size))
    gradBias.arr().__iadd__(db)
