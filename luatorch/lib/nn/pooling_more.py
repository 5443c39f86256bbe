"""More pooling: volumetric dilated max pooling and max unpooling, fractional max pooling
(spatial, volumetric), feature LP pooling, dynamic k-max pooling, volumetric replication padding.

The dilated max pooling copies the windows of the -inf padded input (a strided view) taps first
and reduces over the taps; fractional windows are gathered with one fancy index per output.
Gradients scatter back with one fancy assignment when windows cannot overlap, else bincount.
"""
from math import prod

import numpy as np

from . import kernel
from ._util import out, like, check
from .conv import _shape_str
from .pooling import _first_above, _live, _neg_zero, _pack_taps, _unpack_live
from .. import xp as _xp
from ..errors import TorchError


# ----------------------------------------------------------------------------- dilated max

def _strided(a, shape, strides):
    return _xp.strided_view(a, 0, shape, strides)


def _scatter(target, pos, vals, unique):
    """target (contiguous) = zeros with vals added at the flat positions pos."""
    t = target.reshape(-1)
    if unique:
        t[...] = 0
        t[pos.reshape(-1)] = vals.reshape(-1)
    else:
        t[...] = np.bincount(_xp.on_side(pos, vals).reshape(-1), vals.reshape(-1), t.size)


class _VolMax:
    """The geometry of a volumetric dilated max pooling for one input size and set of options:
    output sizes (Torch's rules: ceil or floor, the last window starting inside the input), the
    -inf padded extent covering every window, and the flat input offsets of windows and taps."""

    def __init__(self, size, k, s, p, dil, ceil_mode):
        if any(v <= 0 for v in k):
            raise TorchError('kernel size should be greater than zero, but got kT: %d kH: %d '
                             'kW: %d' % k)
        if any(v <= 0 for v in s):
            raise TorchError('stride should be greater than zero, but got dT: %d dH: %d dW: %d'
                             % s)
        if any(v <= 0 for v in dil):
            raise TorchError('dilation should be greater than 0, but got dilationT: %d '
                             'dilationH: %d dilationW: %d' % dil)
        if len(size) not in (4, 5):
            raise TorchError('4D or 5D (batch mode) tensor expected for input, but got: %s'
                             % _shape_str(size))
        if any(k[i] // 2 < p[i] for i in range(3)):
            raise TorchError('pad should be smaller than half of kernel size, but got kT: %d '
                             'kW: %d, kH: %d, padT: %d, padW: %d, padH: %d'
                             % (k[0], k[2], k[1], p[0], p[2], p[1]))
        S = tuple(size[-3:])
        o = []
        for i in range(3):
            num = S[i] - (dil[i] * (k[i] - 1) + 1) + 2 * p[i]
            n = (-(-num // s[i]) if ceil_mode else num // s[i]) + 1
            if any(p) and (n - 1) * s[i] >= S[i] + p[i]:
                n -= 1
            o.append(n)
        o = tuple(o)
        if any(v < 1 for v in o):
            raise TorchError('Given input size: (%dx%dx%dx%d). Calculated output size: '
                             '(%dx%dx%dx%d). Output size is too small'
                             % ((size[-4],) + S + (size[-4],) + o))
        self.k, self.s, self.p, self.dil, self.S, self.o = k, s, p, dil, S, o
        self.B = prod(size[:-3])
        self.K, self.P, self.V = prod(k), prod(o), prod(S)
        self.L = tuple(max(S[i] + 2 * p[i], (o[i] - 1) * s[i] + dil[i] * (k[i] - 1) + 1)
                       for i in range(3))
        self.unique = all(s[i] >= dil[i] * (k[i] - 1) + 1 for i in range(3))
        st = [S[1] * S[2], S[2], 1]
        base = sum(((np.arange(o[i]) * s[i] - p[i]) * st[i]).reshape([-1 if j == i else 1
                                                                       for j in range(3)])
                   for i in range(3))
        off = sum((np.arange(k[i]) * dil[i] * st[i]).reshape([-1 if j == i else 1
                                                              for j in range(3)])
                  for i in range(3))
        self.base = base.reshape(-1)
        self.off = off.reshape(-1)

    def windows(self, x):
        """x (B, *S) as its windows, taps first: (K, B*P) (a copy)."""
        B, S, L, p = self.B, self.S, self.L, self.p
        xp = _xp.module_of(x).full((B,) + L, -np.inf, x.dtype)
        xp[:, p[0]:p[0] + S[0], p[1]:p[1] + S[1], p[2]:p[2] + S[2]] = x
        e = xp.strides
        v = _strided(xp, self.k + (B,) + self.o,
                     tuple(e[1 + i] * self.dil[i] for i in range(3)) + (e[0],)
                     + tuple(e[1 + i] * self.s[i] for i in range(3)))
        return _xp.ascontiguous(v).reshape(self.K, B * self.P)


_VOL = {}


def _vol_geom(input, kT, kW, kH, dT, dW, dH, pT, pW, pH, dilT, dilW, dilH, ceil_mode):
    key = (input.size, (kT, kH, kW), (dT, dH, dW), (pT, pH, pW), (dilT, dilH, dilW),
           bool(ceil_mode))
    g = _VOL.get(key)
    if g is None:
        if len(_VOL) > 256:
            _VOL.clear()
        g = _VOL[key] = _VolMax(input.size, *key[1:])
    return g


@kernel
def VolumetricDilatedMaxPooling_updateOutput(input, output, indices, kT, kW, kH, dT, dW, dH,
                                             pT, pW, pH, dilT, dilW, dilH, ceil_mode):
    """Max over windows whose taps are dilation voxels apart; indices: the max's tap in its
    window packed as bytes t | h << 8 | w << 16 (Torch's layout), the first maximum winning."""
    g = _vol_geom(input, kT, kW, kH, dT, dW, dH, pT, pW, pH, dilT, dilW, dilH, ceil_mode)
    w = g.windows(input.arr().reshape((g.B,) + g.S))
    tap = w.argmax(0)
    y = out(output, input.size[:-3] + g.o)
    m = w.max(0, out=y.reshape(-1))
    # THNN scans the taps inside the input with 'val > maxval' from -inf (the padding holds
    # -inf): a NaN never wins; no winner gives -inf and the offsets -1 (bytes 255)
    _first_above(w, m, tap, 0, -np.inf, -1, _neg_zero(input.arr()))
    zt, rem = np.divmod(tap, kH * kW)
    zh, zw = np.divmod(rem, kW)
    _xp.put(out(indices, output.size).reshape(-1), _pack_taps(zt, zh, zw, tap))


@kernel
def VolumetricDilatedMaxPooling_updateGradInput(input, gradOutput, gradInput, indices, kT, kW,
                                                kH, dT, dW, dH, pT, pW, pH, dilT, dilW, dilH,
                                                ceil_mode):
    g = _vol_geom(input, kT, kW, kH, dT, dW, dH, pT, pW, pH, dilT, dilW, dilH, ceil_mode)
    want = tuple(input.size[:-3]) + tuple(g.o)
    if tuple(gradOutput.size) != want:
        raise TorchError('Need gradOutput of size %s but got gradOutput to be of shape: %s'
                         % (_shape_str(want), _shape_str(gradOutput.size)))
    ind, live = _unpack_live(indices.arr().reshape(g.B, g.P))
    tap = ((ind & 255) * kH + ((ind >> 8) & 255)) * kW + ((ind >> 16) & 255)
    pos = g.off[tap] + g.base + (np.arange(g.B) * g.V)[:, None]
    go = gradOutput.arr()
    if live is not None:
        pos, go = _live(pos, go, live)
    _scatter(out(gradInput, input.size), pos, go, g.unique)


# ----------------------------------------------------------------------------- max unpooling

def _unpool_positions(input, indices, oT, oW, oH, dT, dW, dH, pT, pW, pH):
    """Flat positions in the output of each input element (from VolumetricMaxPooling's
    indices: offsets in the window starting at i * d - pad)."""
    if input.dim() not in (4, 5):
        raise TorchError('4D or 5D (batch mode) tensor expected for input, but got: %s'
                         % _shape_str(input.size))
    if tuple(indices.size) != tuple(input.size):
        raise TorchError('input and indices shapes do not match: input %s, indices %s'
                         % (_shape_str(input.size), _shape_str(indices.size)))
    if dT <= 0 or dW <= 0 or dH <= 0:
        raise TorchError('stride should be greater than zero, but got dT: %d dH: %d dW: %d'
                         % (dT, dH, dW))
    iT, iH, iW = input.size[-3:]
    B = input.nelement() // (iT * iH * iW)
    ind = indices.arr().reshape(B, iT, iH, iW)
    t = (np.arange(iT) * dT - pT)[:, None, None] + (ind & 255)
    h = (np.arange(iH) * dH - pH)[:, None] + ((ind >> 8) & 255)
    w = np.arange(iW) * dW - pW + ((ind >> 16) & 255)
    pos = (t * oH + h) * oW + w
    bad = (t < 0) | (t >= oT) | (h < 0) | (h >= oH) | (w < 0) | (w >= oW)
    if bad.any():
        b = np.argwhere(bad)[0]
        raise TorchError('found an invalid max index %d (output volumes are of size %dx%dx%d)'
                         % (int(pos[tuple(b)]) + b[0] * oT * oH * oW, oT, oH, oW))
    pos = pos + (np.arange(B) * (oT * oH * oW))[:, None, None, None]
    return pos.reshape(-1), B


@kernel
def VolumetricMaxUnpooling_updateOutput(input, output, indices, oT, oW, oH, dT, dW, dH,
                                        pT, pW, pH):
    pos, B = _unpool_positions(input, indices, oT, oW, oH, dT, dW, dH, pT, pW, pH)
    y = out(output, input.size[:-3] + (oT, oH, oW))
    y[...] = 0
    y.reshape(-1)[pos] = input.arr().reshape(-1)


@kernel
def VolumetricMaxUnpooling_updateGradInput(input, gradOutput, gradInput, indices, oT, oW, oH,
                                           dT, dW, dH, pT, pW, pH):
    pos, B = _unpool_positions(input, indices, oT, oW, oH, dT, dW, dH, pT, pW, pH)
    if tuple(gradOutput.size[-3:]) != (oT, oH, oW):
        raise TorchError('Inconsistent gradOutput size. oT= %d, oH= %d, oW= %d, gradOutput: '
                         '%dx%dx%d' % ((oT, oH, oW) + tuple(gradOutput.size[-3:])))
    gi = like(gradInput, input)
    np.take(gradOutput.arr().reshape(-1), pos, out=gi.reshape(-1))


# ----------------------------------------------------------------------------- replication pad

def _replicate_map(n, lo, on):
    """Input index of each of the on output positions along an axis of n padded by lo (negative:
    cropped) at the start: clamped to the input."""
    return np.clip(np.arange(on) - lo, 0, n - 1)


def _vpad_maps(input, l, r, t, b, f, k):
    if input.dim() not in (4, 5):
        raise TorchError('4D or 5D (batch mode) tensor expected for input, but got: %s'
                         % _shape_str(input.size))
    T, H, W = input.size[-3:]
    oT, oH, oW = T + f + k, H + t + b, W + l + r
    if oT < 1 or oH < 1 or oW < 1:
        raise TorchError('input (D: %d H: %d, W: %d) is too small. Calculated output D: %d H: %d '
                         'W: %d' % (T, H, W, oT, oH, oW))
    return (_replicate_map(T, f, oT), _replicate_map(H, t, oH), _replicate_map(W, l, oW))


@kernel
def VolumetricReplicationPadding_updateOutput(input, output, pleft, pright, ptop, pbottom,
                                              pfront, pback):
    mt, mh, mw = _vpad_maps(input, pleft, pright, ptop, pbottom, pfront, pback)
    y = out(output, input.size[:-3] + (mt.size, mh.size, mw.size))
    y[...] = input.arr()[..., mt[:, None, None], mh[:, None], mw]


@kernel
def VolumetricReplicationPadding_updateGradInput(input, gradOutput, gradInput, pleft, pright,
                                                 ptop, pbottom, pfront, pback):
    mt, mh, mw = _vpad_maps(input, pleft, pright, ptop, pbottom, pfront, pback)
    T, H, W = input.size[-3:]
    want = tuple(input.size[:-3]) + (mt.size, mh.size, mw.size)
    if tuple(gradOutput.size) != want:
        raise TorchError('input and gradOutput must be compatible in size')
    B = input.nelement() // (T * H * W)
    pos = ((mt[:, None, None] * H + mh[:, None]) * W + mw).reshape(1, -1)
    pos = pos + (np.arange(B) * (T * H * W))[:, None]
    g = gradOutput.arr()
    gi = np.bincount(_xp.on_side(pos, g).reshape(-1), g.reshape(-1), B * T * H * W)
    like(gradInput, input)[...] = gi.reshape(input.size)


# ----------------------------------------------------------------------------- fractional max

def _fractional_starts(samples, n_in, n_out, pool, dtype):
    """(planes, n_out) window starts: trunc((i + u) * a) - trunc(u * a) with
    a = (n_in - pool) / (n_out - 1), the last one n_in - pool (Torch's maths in the tensor's
    precision)."""
    u = _xp.to_host(samples).astype(dtype)           # (window starts: host index arithmetic)
    starts = np.empty((u.size, n_out), np.int64)
    if n_out > 1:
        alpha = dtype.type(n_in - pool) / dtype.type(n_out - 1)
        i = np.arange(n_out - 1, dtype=dtype)
        starts[:, :-1] = (((i + u[:, None]) * alpha).astype(np.int64)
                          - (u * alpha).astype(np.int64)[:, None])
    starts[:, -1] = n_in - pool
    return starts


def _fractional_index(input, samples, osize, pools, sample_of_dim, names):
    """Flat (per plane) input positions of every window tap, (planes, *osize, K), for an input
    ([N,] C, *S) whose plane dimensions S take their random sample number sample_of_dim[d]."""
    nd = len(osize)
    if input.dim() not in (nd + 1, nd + 2):
        raise TorchError('%dD or %dD (batch mode) tensor expected for input, but got: %s'
                         % (nd + 1, nd + 2, _shape_str(input.size)))
    S = input.size[-nd:]
    for d in range(nd):
        if osize[d] + pools[d] - 1 >= S[d]:
            raise TorchError('poolSize%s (%d) too large relative to input %s (%d)'
                             % (names[d][0], pools[d], names[d][1], S[d]))
    planes = input.nelement() // prod(S)
    r = samples.arr().reshape(planes, nd)
    dtype = input.arr().dtype
    strides = [prod(S[d + 1:]) for d in range(nd)]
    pos = np.zeros((planes,) + tuple(osize) + tuple(pools), np.int64)
    for d in range(nd):
        st = _fractional_starts(r[:, sample_of_dim[d]], S[d], osize[d], pools[d], dtype)
        idx = (st[:, :, None] + np.arange(pools[d])) * strides[d]      # (planes, o_d, pool_d)
        sh = [planes] + [1] * (2 * nd)
        sh[1 + d] = osize[d]
        sh[1 + nd + d] = pools[d]
        pos += idx.reshape(sh)
    return pos.reshape((planes,) + tuple(osize) + (-1,)), prod(S)


def _fractional_forward(input, output, indices, samples, osize, pools, sample_of_dim, names):
    pos, V = _fractional_index(input, samples, osize, pools, sample_of_dim, names)
    nd = len(osize)
    x = input.arr().reshape(-1, V)
    planes = x.shape[0]
    pos = _xp.on_side(pos, x)
    v = np.take_along_axis(x, pos.reshape(planes, -1), 1).reshape(pos.shape)
    a = v.argmax(-1)
    y = out(output, input.size[:-nd] + tuple(osize))
    m = y.reshape(a.shape)
    m[...] = np.take_along_axis(v, a[..., None], -1)[..., 0]
    # THNN: 'val > maxVal' from -inf (a NaN never wins), then THAssert(maxVal != -THInf)
    _first_above(v, m, a, v.ndim - 1, -np.inf, -1)
    if a.size and a.min() < 0:
        raise TorchError("Assertion `maxVal != -THInf' failed. ")
    ind = out(indices, output.size).reshape(a.shape)
    _xp.put(ind, np.take_along_axis(pos, a[..., None], -1)[..., 0] + 1)


def _fractional_backward(input, gradOutput, gradInput, indices, osize):
    nd = len(osize)
    want = tuple(input.size[:-nd]) + tuple(osize)
    if tuple(gradOutput.size) != want:
        raise TorchError('gradOutput has the wrong size: expected %s, got %s'
                         % (_shape_str(want), _shape_str(gradOutput.size)))
    V = prod(input.size[-nd:])
    planes = input.nelement() // V
    idx = indices.arr().reshape(planes, -1) - 1 + (np.arange(planes) * V)[:, None]
    _scatter(out(gradInput, input.size), idx, gradOutput.arr(), False)


@kernel
def SpatialFractionalMaxPooling_updateOutput(input, output, outW, outH, poolSizeW, poolSizeH,
                                             indices, randomSamples):
    """Max over pseudo-random overlapping poolSizeH x poolSizeW windows giving an outH x outW
    output; randomSamples (N, C, 2): per plane, the sample for W then for H."""
    _fractional_forward(input, output, indices, randomSamples, (outH, outW),
                        (poolSizeH, poolSizeW), (1, 0), (('H', 'height'), ('W', 'width')))


@kernel
def SpatialFractionalMaxPooling_updateGradInput(input, gradOutput, gradInput, outW, outH,
                                                poolSizeW, poolSizeH, indices):
    _fractional_backward(input, gradOutput, gradInput, indices, (outH, outW))


@kernel
def VolumetricFractionalMaxPooling_updateOutput(input, output, outT, outW, outH, poolSizeT,
                                                poolSizeW, poolSizeH, indices, randomSamples):
    """The volumetric version; the input is ([N,] C, H, W, T) (Torch's layout for this module)
    and randomSamples (N, C, 3) hold the samples for T, W, H."""
    _fractional_forward(input, output, indices, randomSamples, (outH, outW, outT),
                        (poolSizeH, poolSizeW, poolSizeT), (2, 1, 0),
                        (('H', 'height'), ('W', 'width'), ('T', 'time')))


@kernel
def VolumetricFractionalMaxPooling_updateGradInput(input, gradOutput, gradInput, outT, outW,
                                                   outH, poolSizeT, poolSizeW, poolSizeH,
                                                   indices):
    _fractional_backward(input, gradOutput, gradInput, indices, (outH, outW, outT))


# ----------------------------------------------------------------------------- FeatureLPPooling

def _flp_view(a, batch_mode):
    """a as (batch, features, rest) and the index of its feature dimension."""
    fd = 1 if batch_mode else 0
    return a.reshape((a.shape[0] if batch_mode else 1, a.shape[fd], -1)), fd


def _flp_check(input, width, stride, batch_mode):
    nd = input.dim()
    if batch_mode:
        check(2 <= nd <= 4, 'input must be 2-4 dimensions for batch mode')
    else:
        check(1 <= nd <= 3, 'input must be 1-3 dimensions for non-batch mode')
    check(2 <= width <= 16, 'width must be between 2 - 16')
    check(1 <= stride <= 4, 'stride must be between 1 - 4')
    F = input.size[1 if batch_mode else 0]
    check(F >= width, 'input: feature dimension must be >= width')
    return (F - width) // stride + 1


_F64 = np.dtype(np.float64)


def _flp_exact(*arrays):
    return all(type(a) is np.ndarray and a.dtype in (_F64, np.dtype(np.float32)) for a in arrays)


# Host blocks: about this many elements of the (batch, features, rest) input at a time, so that
# the temporaries stay in cache and come from malloc's free lists (a fresh multi-megabyte array
# costs its page faults on every call).
_FLP_BLOCK = 1 << 16


def _flp_blocks(B, F, K):
    """(batch slice, rest slice) blocks of a (B, F, K) array, about _FLP_BLOCK elements each."""
    per = F * K
    if not per:
        return []
    if per <= _FLP_BLOCK:
        nb = _FLP_BLOCK // per
        return [(slice(b, min(b + nb, B)), slice(None)) for b in range(0, B, nb)]
    nk = max(1, _FLP_BLOCK // F)
    return [(slice(b, b + 1), slice(k, min(k + nk, K))) for b in range(B) for k in range(0, K, nk)]


class _Pow:
    """C's pow((double)a, e) of host Double/Float arrays, into a float64 array. libm's pow is
    within 0.54 ULP of the exact power (glibc), so it returns the exact power whenever that is
    a double: pow(v, 1) is v, and pow(v, 2) of a float's value is v * v (24 significant bits
    squared fit in 53, no overflow or underflow): those two skip libm. The exponent array
    (numpy's power loop calls libm when the exponent is an array, not a scalar 2 or 0.5) is
    made once, for the largest block."""

    def __init__(self, e, is_float):
        self.e = e
        self.mode = 1 if e == 1 else 2 if (e == 2 and is_float) else 0
        self.ea = None

    def __call__(self, a, out=None):
        """pow of a into out (a float64 array of a's shape; a new one when None): may be a."""
        if out is None:
            out = a.astype(_F64)
        elif out is not a:
            np.copyto(out, a)
        if self.mode == 1:
            return out
        if self.mode == 2:
            return np.multiply(out, out, out=out)
        n = out.size
        if self.ea is None or self.ea.size < n:
            self.ea = np.full(n, self.e)
        return np.power(out, self.ea[:n].reshape(out.shape), out=out)


def _flp_forward_host(x, y3, power, width, stride, nout):
    """THNN's loop on host Double/Float arrays, x (batch, features, rest), y3 the output
    (batch, nout, rest): per output `accreal v = 0; v += pow(x, power)` over the window in
    order, then pow(v, 1 / power) rounded once to real. Each input's pow is taken once, shared
    by the windows that overlap on it."""
    span = stride * (nout - 1) + 1
    is_float = x.dtype == np.float32
    pw, root = _Pow(power, is_float), _Pow(1.0 / power, False)
    share = stride <= width
    for bs, ks in _flp_blocks(*x.shape):
        xb = x[bs, :, ks]
        if share:
            p = pw(xb[:, :span + width - 1])
            term = lambda i: p[:, i:i + span:stride]
        else:
            term = lambda i: pw(xb[:, i:i + span:stride])
        s = np.add(term(0), term(1))       # width >= 2; from +0: s + 0 at the end
        for i in range(2, width):
            s += term(i)
        s += 0.0
        y3[bs, :, ks] = root(s, s)


def _flp_backward_host(x, y, g, gv, power, width, stride, nout):
    """THNN's loop on host Double/Float arrays, all (batch, *, rest): gradInput (gv, zeroed) +=
    (real)(gradOutput * pow(input / output, power - 1)), the quotient in real, the rest in
    double, skipping zero outputs; gradInput[j] gets its terms in increasing output feature,
    i.e. decreasing i = j - f * stride. power == 2 (pow(q, 1) is q): g * q in real, the same
    (two floats' product is exact in double)."""
    span = stride * (nout - 1) + 1
    e = power - 1.0
    pw = _Pow(e, x.dtype == np.float32)
    one = y.dtype.type(1)
    for bs, ks in _flp_blocks(*x.shape):
        xb, yb, gb, gvb = x[bs, :, ks], y[bs, :, ks], g[bs, :, ks], gv[bs, :, ks]
        dead = yb == 0
        if dead.any():
            yb = np.where(dead, one, yb)
        else:
            dead = None
        q = np.empty(yb.shape, x.dtype)
        if e != 1:
            g64 = gb.astype(_F64, copy=False)
            t = np.empty(yb.shape, _F64)
        for i in reversed(range(width)):
            sl = slice(i, i + span, stride)
            np.divide(xb[:, sl], yb, out=q)
            if e == 1:
                q *= gb
            else:
                pw(q, t)
                t *= g64
                np.copyto(q, t, casting='unsafe')
            if dead is not None:
                q[dead] = 0
            gvb[:, sl] += q


@kernel
def FeatureLPPooling_updateOutput(input, output, power, width, stride, batch_mode):
    """output[f] = (sum_{i < width} input[f * stride + i] ^ power) ^ (1 / power) along the
    feature dimension (the first, or the second in batch mode). On host Double/Float arrays
    as THNN: pow of each (double) input by the accreal power, summed in order in accreal from
    0, then pow(v, 1 / power) in double rounded once to real."""
    nout = _flp_check(input, width, stride, batch_mode)
    x, fd = _flp_view(input.arr(), batch_mode)
    acc = input.ttype.acc
    size = list(input.size)
    size[fd] = nout
    y = out(output, size)
    if _flp_exact(x):
        return _flp_forward_host(x, y.reshape(x.shape[0], nout, x.shape[2]), power, width,
                                 stride, nout)
    s = _xp.module_of(x).zeros((x.shape[0], nout, x.shape[2]), acc)
    for i in range(width):
        xi = x[:, i:i + stride * (nout - 1) + 1:stride].astype(acc)
        s += np.power(xi, power)
    y.reshape(s.shape)[...] = np.power(s, 1.0 / power)


@kernel
def FeatureLPPooling_updateGradInput(gradOutput, input, output, gradInput, power, width, stride,
                                     batch_mode):
    """gradInput[f * stride + i] += gradOutput[f] * (input / output[f]) ^ (power - 1), skipping
    zero outputs. On host Double/Float arrays as THNN: the quotient in real, pow and the
    product in double, rounded to real, added to gradInput in real in THNN's order (output
    feature after output feature)."""
    nout = _flp_check(input, width, stride, batch_mode)
    check(gradOutput.nelement() == output.nelement(), 'output and gradOutput sizes do not match')
    x, fd = _flp_view(input.arr(), batch_mode)
    check(output.size[fd] == nout, 'input and output sizes do not match with respect to width '
          'and stride')
    y = output.arr().reshape(x.shape[0], nout, x.shape[2])
    g = gradOutput.arr().reshape(y.shape)
    gi = like(gradInput, input)
    gv = gi.reshape(x.shape)
    gv[...] = 0
    if _flp_exact(x, y, g):
        return _flp_backward_host(x, y, g, gv, power, width, stride, nout)
    live = y != 0
    ysafe = np.where(live, y, 1)
    for i in range(width):
        sl = slice(i, i + stride * (nout - 1) + 1, stride)
        t = g * np.power(x[:, sl] / ysafe, power - 1)
        gv[:, sl] += np.where(live, t, 0)


# ----------------------------------------------------------------------------- dynamic k-max

@kernel
def TemporalDynamicKMaxPooling_updateOutput(input, output, indices, minK, factor):
    """The k largest values of each feature along the sequence, in sequence order;
    k = max(minK, ceil(factor * length)); indices: their 1-based positions."""
    nd = input.dim()
    check(nd in (2, 3), 'Only 2D or 3D(batch mode) accepted')
    L = input.size[nd - 2]
    k = max(minK, int(np.ceil(factor * L)))
    check(L >= minK, 'Input sequence length (%d) too small for desired k value (%d)' % (L, k))
    x = input.arr()
    ax = nd - 2
    order = np.argsort(-x, axis=ax, kind='stable')
    top = np.sort(order[(slice(None),) * ax + (slice(0, k),)], axis=ax)
    _xp.put(out(indices, top.shape), top + 1)
    np.copyto(out(output, top.shape), np.take_along_axis(x, top, axis=ax))


@kernel
def TemporalDynamicKMaxPooling_updateGradInput(input, gradOutput, gradInput, indices):
    ax = input.dim() - 2
    gi = like(gradInput, input)
    gi[...] = 0
    np.put_along_axis(gi, _xp.on_side(indices.arr(), gi) - 1, gradOutput.arr(), axis=ax)
