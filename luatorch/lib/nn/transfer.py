"""Transfer (activation) functions and other elementwise modules.

Each kernel follows its THNN namesake: `X_updateOutput(input, output, ...)` resizes output like
input (or, in-place, makes output a view of the modified input) and
`X_updateGradInput(input, gradOutput, gradInput, ...)` likewise. Gradients are written as
`where(cond, g, 0)`-style selections so that masked entries are +0 (never -0), as in TH.

Bits: every kernel evaluates THNN's C expression as C99 on x86-64 does: `real` op `real` in the
element type, anything with a double (a literal such as `1.`, an accreal, libm's `exp`/`log`
of a float, which C promotes) in float64, rounded once where C assigns to a `real`. So a
FloatTensor kernel goes through float64 exactly where its C expression does (_F64 below), and
C's sequential sums (`sum += ...`) are summed in order (_rowsum, seq_rows), never pairwise. TH's
own float functions (expf, logf: Sigmoid, Exp, Log of a FloatTensor) are taken as the float64
function rounded to float32, as lib/pointwise.py does (glibc's expf/logf differ from that in
well under 1% of inputs; numpy's float32 exp/log in far more).
"""
from math import copysign, exp as _exp, log as _log, prod

import numpy as np

from . import _util, kernel
from ._util import like, out, seq_rows
from .conv import parallel
from .. import libm, random as R
from ..errors import TorchError
from ..pointwise import th_pow
from ..tensor import set_


def check_nelement(input, gradOutput):
    """THNN_CHECK_NELEMENT."""
    if input.size != gradOutput.size and input.nelement() != gradOutput.nelement():
        raise TorchError(
            'input and gradOutput have different number of elements: input[%s] has %d elements, '
            'while gradOutput[%s] has %d elements' % (
                ' x '.join(map(str, input.size)), input.nelement(),
                ' x '.join(map(str, gradOutput.size)), gradOutput.nelement()))


def _g(gradOutput, input):
    """gradOutput's array in input's shape."""
    g = gradOutput.arr()
    if g.shape == input.size or not (input.size or g.size):    # (an empty tensor's array is (0,))
        return g
    return g.reshape(input.size)


_F64 = np.dtype(np.float64)
_F32 = np.dtype(np.float32)


def _f32(a):
    """True when a is a float32 array (its C kernel mixes float and double: see the top)."""
    return a.dtype == _F32


# the signed integers of each float width: a float array viewed as these keeps its exact bits
_BITS = {np.dtype(np.float64): np.int64, np.dtype(np.float32): np.int32,
         np.dtype(np.float16): np.int16}


def _masked(gi, g, keep):
    """gi = keep ? g : +0, element by element as TH's `c ? g : 0`: g's exact bits where keep
    (NaN, inf, -0 included), +0 elsewhere whatever g holds there (an inf or NaN times 0 would
    be NaN). One pass: the bits times the 0/1 mask, as integers."""
    it = _BITS.get(g.dtype)
    if it is not None and gi.dtype == g.dtype:
        np.multiply(g.view(it), keep, out=gi.view(it))
    else:       # integers (exact as they are) or mixed types (a select, then the cast)
        np.copyto(gi, np.where(keep, g, 0), casting='same_kind')


def _zero_where(g, zero):
    """g = +0 where zero, in place (TH's `if (c) g = 0`); zero (a bool array) is consumed."""
    np.logical_not(zero, out=zero)
    it = _BITS.get(g.dtype)
    b = g if it is None else g.view(it)
    np.multiply(b, zero, out=b)


def _rowsum(a, ax):
    """C's `accreal sum = 0; for (d = 0; d < dim; d++) sum += a[d]` along axis ax (the softmax
    family's rows or planes), in double, keeping the axis."""
    shp = a.shape
    if type(a) is not np.ndarray:      # a device array: summed there (cunn's order is its own)
        return a.sum(axis=ax, keepdims=True, dtype=_F64)
    n = prod(shp[:ax])
    d = shp[ax]
    s = prod(shp[ax + 1:])
    if s > 1:       # planes: numpy reduces the middle axis of (n, d, s) plane after plane
        b = np.ascontiguousarray(a.reshape(n, d, s), dtype=_F64)
        r = np.add.reduce(b, axis=1)
        r += 0
    elif n > 1:     # rows: through a transposed copy (rows of n >= 2: an outer axis)
        r = np.add.reduce(np.array(a.reshape(n, d).T, dtype=_F64, order='C'), axis=0)
        r += 0
    else:
        r = seq_rows(a.reshape(d, 1).astype(_F64, copy=False))
    return r.reshape(shp[:ax] + (1,) + shp[ax + 1:])


# ----------------------------------------------------------------------------- Tanh, Sigmoid


# tanh costs ~40x a copy per element: from this many elements up, Tanh and Sigmoid split their
# forward pass between the nn threads (conv.parallel; elementwise, so the same bits)
_SPLIT_TANH = 8192


def _split(fn, x, o, least=_SPLIT_TANH, cost=64):
    """fn(x part, o part) over the whole arrays, split between the threads when they are big
    (least elements or more; cost: the work of one, in copies) contiguous host arrays."""
    n = o.size
    if (n < least or type(x) is not np.ndarray or not x.flags.c_contiguous
            or np.may_share_memory(x, o)):
        fn(x, o)
        return
    xf, of = x.reshape(-1), o.reshape(-1)
    parallel(lambda lo, hi: fn(xf[lo:hi], of[lo:hi]), n, n * cost)


def _expm1_split(t):
    """libm's expm1 of the contiguous array t in place, split between the nn threads when big
    (libm.tanh's costly part: one numpy call per thread, so they run at once)."""
    n = t.size
    if n < _SPLIT_TANH:
        np.expm1(t, out=t)
        return
    f = t.reshape(-1)
    parallel(lambda lo, hi: np.expm1(f[lo:hi], out=f[lo:hi]), n, n * 64)


@kernel
def Tanh_updateOutput(input, output):
    # THTensor_(tanh): libm's tanh / tanhf (libm.py), not numpy's own
    libm.tanh(input.arr(), out=like(output, input), expm1=_expm1_split)


@kernel
def Tanh_updateGradInput(gradOutput, gradInput, output):
    # THNN: gradOutput * (1. - z*z), z*z a real product, the rest in double
    y = output.arr()
    check_nelement(output, gradOutput)
    gi = like(gradInput, output)
    np.multiply(y, y, out=gi)
    if _f32(gi):
        t = np.subtract(1.0, gi, dtype=_F64)
        np.multiply(_g(gradOutput, output), t, out=gi, casting='same_kind')
    else:
        np.subtract(1.0, gi, out=gi)
        np.multiply(_g(gradOutput, output), gi, out=gi)


@kernel
def Sigmoid_updateOutput(input, output):
    # THNN's formula, 1 / (1 + exp(-x)) (exp(-x) overflows to inf for x < -709: 1/inf = 0)
    with np.errstate(over='ignore'):
        _split(_sigmoid, input.arr(), like(output, input))


def _sigmoid(x, o):
    if _f32(o):
        # TH_sigmoidf: 1.0f / (1.0f + expf(-x)), all in float (expf: see the top)
        t = np.negative(x, dtype=_F64)
        np.exp(t, out=t)
        np.copyto(o, t, casting='same_kind')
    else:
        np.negative(x, out=o)
        np.exp(o, out=o)
    o += 1
    np.divide(1.0, o, out=o)


@kernel
def Sigmoid_updateGradInput(gradOutput, gradInput, output):
    # THNN: gradOutput * (1. - z) * z, i.e. (g * (1. - z)) * z, in double
    check_nelement(output, gradOutput)
    y = output.arr()
    g = _g(gradOutput, output)
    gi = like(gradInput, output)
    if _f32(gi):
        t = np.subtract(1.0, y, dtype=_F64)
        t *= g
        np.multiply(t, y, out=gi, casting='same_kind')
    else:
        np.subtract(1.0, y, out=gi)
        np.multiply(g, gi, out=gi)
        gi *= y


# ----------------------------------------------------------------------------- threshold family


def _real(x, v):
    """v in x's element type, as THNN converts its accreal arguments to real before comparing
    (a float32 tensor compares with (float)threshold)."""
    return x.dtype.type(v) if x.dtype.kind == 'f' else v


# from this many elements, ReLU's passes are split between the nn threads (conv.parallel;
# element-wise, so the same bits): they are memory bound there, each thread reading its part
_SPLIT_RELU = 1 << 19
# from this many float32 elements, ReLU selects with the bits (_masked: compare, then the bits
# times the 0/1 mask), faster there than float32's slow fmax
_RELU_BITS32 = 8192


def _relu(x, o):
    """o = x > 0 ? x : +0 (THNN's out-of-place ReLU), exactly."""
    if x.dtype == np.float32 and o.dtype == x.dtype and x.size >= _RELU_BITS32:
        _masked(o, x, np.greater(x, 0.0))
    else:
        # fmax gives THNN's value everywhere (a NaN gives 0: fmax returns the other operand),
        # but the sign of its zero for a -0 input is unspecified (numpy's SIMD and scalar loops
        # differ: -0 at some lengths); then + 0 makes every zero +0 and changes nothing else
        # (x + 0 == x exactly for x != 0, and no NaN is left)
        np.fmax(x, 0.0, out=o)
        np.add(o, 0.0, out=o)


def _relu_(x):
    """x = x <= 0 ? +0 : x in place (THNN's in-place ReLU: a NaN stays NaN), exactly."""
    if x.dtype == np.float32 and x.size >= _RELU_BITS32:
        _zero_where(x, x <= 0.0)
    else:
        np.maximum(x, 0.0, out=x)       # keeps a NaN, bits and all; zeros of either sign ...
        np.add(x, 0.0, out=x)           # ... all +0


@kernel
def Threshold_updateOutput(input, output, threshold, val, inplace):
    x = input.arr()
    if threshold == 0 and val == 0 and copysign(1.0, val) > 0 and x.dtype.kind == 'f':
        # nn.ReLU (threshold +-0, val +0)
        if inplace:
            if x.size >= _SPLIT_RELU and type(x) is np.ndarray and x.flags.c_contiguous:
                xf = x.reshape(-1)
                parallel(lambda lo, hi: _relu_(xf[lo:hi]), x.size, x.size)
            else:
                _relu_(x)
        else:
            o = like(output, input)
            if o.size < _SPLIT_RELU:
                _relu(x, o)
            else:
                _split(_relu, x, o, _SPLIT_RELU, 1)
    else:
        threshold, val = _real(x, threshold), _real(x, val)
        if inplace:
            # THNN: if (x <= threshold) x = val (a NaN stays NaN)
            if val == threshold and threshold != 0:
                np.maximum(x, threshold, out=x)     # keeps NaN; a tie has threshold's bits
            else:
                x[x <= threshold] = val
        elif val == threshold and threshold != 0:
            # THNN: x > th ? x : val. fmax's value (NaN gives th); a tie has th's bits
            np.fmax(x, threshold, out=like(output, input))
        else:
            np.copyto(like(output, input), np.where(x > threshold, x, val))
    if inplace:
        set_(output, input)


@kernel
def Threshold_updateGradInput(input, gradOutput, gradInput, threshold, val, inplace):
    check_nelement(input, gradOutput)
    x = input.arr()
    if inplace:
        # TH zeroes gradOutput where input <= threshold (so a NaN input keeps its gradient)
        _zero_where(_g(gradOutput, input), x <= threshold)
        set_(gradInput, gradOutput)
    else:
        _masked(like(gradInput, input), _g(gradOutput, input), x > threshold)


def _hardtanh(x, o, lo, hi):
    """THNN's out-of-place HardTanh: o = x < lo ? lo : (x <= hi ? x : hi), so NaN gives hi and
    a tie keeps x (-0 stays -0 between bounds 0 and 6). o may be x."""
    if hi != 0 and lo != 0 and lo <= hi:
        # clip (one fast pass) has THNN's values, a tie having the bound's bits (not a zero),
        # but keeps NaN; fmin then makes it hi (and changes nothing else), when there is one
        np.clip(x, lo, hi, out=o)
        if o.dtype.kind == 'f' and (o.size < _RELU_BITS32 or np.isnan(o).any()):
            np.fmin(o, hi, out=o)
    elif hi != 0 and lo <= hi:
        # fmin: x > hi and NaN give hi, a tie x == hi has hi's bits (hi is not a zero); then
        # o < lo exactly where x < lo, and a zero o stays as x had it (-0 is not < 0)
        np.fmin(x, hi, out=o)
        o[o < lo] = lo
    else:
        below = x < lo
        keep = x <= hi
        np.copyto(o, np.where(below, lo, np.where(keep, x, hi)))


@kernel
def HardTanh_updateOutput(input, output, min_val, max_val, inplace):
    x = input.arr()
    if x.dtype.kind == 'f':
        min_val, max_val = _real(x, min_val), _real(x, max_val)
    if not inplace:
        _hardtanh(x, like(output, input), min_val, max_val)
        return
    # THNN in place: if (x < min) x = min; else if (x > max) x = max, so a NaN stays NaN ...
    if min_val <= max_val and min_val != 0 and max_val != 0:
        np.clip(x, min_val, max_val, out=x)     # keeps NaN; ties have the bound's bits
    else:
        below = x < min_val
        above = x > max_val
        above &= ~below
        x[below] = min_val
        x[above] = max_val
    # ... but where THNN takes its TH_TENSOR_APPLY path (a 1-d or non-contiguous input), its
    # in-place loop is followed by the out-of-place one over the same tensor (an `if` without
    # braces): NaN then becomes max (and with min > max everything below min, max)
    if input.dim() == 1 or not input.is_contiguous():
        _hardtanh(x, x, min_val, max_val)
    set_(output, input)


@kernel
def HardTanh_updateGradInput(input, gradOutput, gradInput, min_val, max_val, inplace):
    check_nelement(input, gradOutput)
    x = input.arr()
    # TH: input <= min_val || input >= max_val ? 0 : gradOutput (a NaN input keeps its gradient)
    zero = x <= min_val
    zero |= x >= max_val
    g = _g(gradOutput, input)
    if inplace:
        _zero_where(g, zero)
        set_(gradInput, gradOutput)
    else:
        np.logical_not(zero, out=zero)
        _masked(like(gradInput, input), g, zero)


@kernel
def LeakyReLU_updateOutput(input, output, negval, inplace):
    x = input.arr()
    if inplace:
        np.multiply(x, negval, out=x, where=x <= 0)
        set_(output, input)
    else:
        o = like(output, input)
        np.multiply(x, negval, out=o)
        np.copyto(o, x, where=x > 0)


@kernel
def LeakyReLU_updateGradInput(input, gradOutput, gradInput, negval, inplace):
    check_nelement(input, gradOutput)
    x = input.arr()
    g = _g(gradOutput, input)
    if inplace:
        np.multiply(g, negval, out=g, where=x <= 0)
        set_(gradInput, gradOutput)
    else:
        gi = like(gradInput, input)
        np.multiply(g, negval, out=gi)
        np.copyto(gi, g, where=x > 0)


@kernel
def ELU_updateOutput(input, output, alpha, inplace):
    # THNN: x <= 0 ? (exp(x) - 1) * alpha : x, with alpha a real; exp(float) is in double
    x = input.arr()
    if _f32(x):
        neg = np.minimum(x, 0.0, dtype=_F64)
        alpha = float(np.float32(alpha))
    else:
        neg = np.minimum(x, 0.0)
    np.exp(neg, out=neg)
    neg -= 1.0
    neg *= alpha
    if inplace:
        np.copyto(x, neg, where=x <= 0, casting='same_kind')
        set_(output, input)
    else:
        o = like(output, input)
        np.copyto(o, np.where(x <= 0, neg, x), casting='same_kind')


@kernel
def ELU_updateGradInput(input, gradOutput, gradInput, output, alpha, inplace):
    check_nelement(input, gradOutput)
    y = output.arr()
    g = _g(gradOutput, output)
    if inplace:
        np.multiply(g, y + alpha, out=g, where=y <= 0)
        set_(gradInput, gradOutput)
    else:
        gi = like(gradInput, output)
        np.add(y, alpha, out=gi)
        gi *= g
        np.copyto(gi, g, where=~(y <= 0))       # (a NaN output keeps gradOutput)


@kernel
def HardShrink_updateOutput(input, output, lam):
    x = input.arr()
    o = like(output, input)
    _masked(o, x, (x > lam) | (x < -lam))


@kernel
def HardShrink_updateGradInput(input, gradOutput, gradInput, lam):
    check_nelement(input, gradOutput)
    x = input.arr()
    _masked(like(gradInput, input), _g(gradOutput, input), (x > lam) | (x < -lam))


@kernel
def SoftShrink_updateOutput(input, output, lam):
    # x - clip(x, -lam, lam): x-lam above lam, x+lam below -lam, exactly +0 between; TH's
    # `x > lambda ? x - lambda : x < -lambda ? x + lambda : 0` gives +0 for a NaN too (the
    # clip would carry the NaN through)
    x = input.arr()
    o = like(output, input)
    if lam < 0:     # (no `between`: x > lam gives x - lam, the rest x + lam, NaN 0)
        lam = _real(x, lam)
        np.copyto(o, np.where(x > lam, x - lam, np.where(x < -lam, x + lam, 0)),
                  casting='same_kind')
        return
    np.clip(x, -lam, lam, out=o)
    np.subtract(x, o, out=o)
    if o.dtype.kind == 'f' and o.size and np.isnan(o.min()):
        o[np.isnan(o)] = 0


@kernel
def SoftShrink_updateGradInput(input, gradOutput, gradInput, lam):
    HardShrink_updateGradInput(input, gradOutput, gradInput, lam)


@kernel
def SoftPlus_updateOutput(input, output, beta, threshold):
    # THNN: x*beta > threshold ? x : log1p(exp(x*beta)) / beta, beta and threshold reals (x*beta
    # a real product; exp, log1p and the division in double for a float)
    x = input.arr()
    o = like(output, input)
    bx = x * beta
    big = bx > threshold
    np.minimum(bx, threshold, out=bx)
    if _f32(bx):
        bx = bx.astype(_F64)
        beta = float(np.float32(beta))
    with np.errstate(over='ignore'):
        np.exp(bx, out=bx)
    np.log1p(bx, out=bx)
    np.divide(bx, beta, out=o, casting='same_kind')
    np.copyto(o, x, where=big)


@kernel
def SoftPlus_updateGradInput(input, gradOutput, gradInput, output, beta, threshold):
    # THNN: real z = exp(y*beta); y*beta > threshold ? g : g * (z - 1.) / z (in double)
    check_nelement(input, gradOutput)
    y = output.arr()
    g = _g(gradOutput, output)
    gi = like(gradInput, output)
    by = y * beta
    big = by > threshold
    np.minimum(by, threshold, out=by)
    with np.errstate(over='ignore', invalid='ignore'):
        if _f32(by):
            z = np.exp(by, dtype=_F64)
            np.copyto(by, z, casting='same_kind')       # real z
            np.copyto(z, by)
            t = np.subtract(z, 1.0)
            t *= g
            np.divide(t, z, out=gi, casting='same_kind')
        else:
            np.exp(by, out=by)
            np.subtract(by, 1.0, out=gi)
            gi *= g
            gi /= by
    np.copyto(gi, g, where=big)


@kernel
def SoftSign_updateOutput(input, output):
    x = input.arr()
    o = like(output, input)
    np.abs(x, out=o)
    o += 1.0
    np.divide(x, o, out=o)


@kernel
def SoftSign_updateGradInput(input, gradOutput, gradInput):
    # g / (1 + |x|)^2
    check_nelement(input, gradOutput)
    x = input.arr()
    gi = like(gradInput, input)
    np.abs(x, out=gi)
    gi += 1.0
    gi *= gi
    np.divide(_g(gradOutput, input), gi, out=gi)


@kernel
def LogSigmoid_updateOutput(input, output, buffer):
    # THNN: real m = fmax(0, -x); real z = exp(-m) + exp(-x - m); output = -(m + log(z)); the
    # buffer keeps z. For a float: -x - m is a float difference, exp and log are in double.
    x = input.arr()
    o = like(output, input)
    z = like(buffer, input)
    m = np.fmax(-x, 0.0)
    if _f32(o):
        # (-m) - x is -(x + m), as C's (-x) - m (exp does not see the sign of a zero)
        t = np.negative(m)
        np.subtract(t, x, out=t)
        e = np.exp(t, dtype=_F64)
        t64 = np.negative(m, dtype=_F64)
        np.exp(t64, out=t64)
        t64 += e
        np.copyto(z, t64, casting='same_kind')          # real z
        np.log(z, out=t64, dtype=_F64)
        t64 += m
        np.negative(t64, out=o, casting='same_kind')
        return
    np.negative(m, out=o)
    np.exp(o, out=z)
    np.subtract(o, x, out=o)
    np.exp(o, out=o)
    z += o
    np.log(z, out=o)
    o += m
    np.negative(o, out=o)


@kernel
def LogSigmoid_updateGradInput(input, gradOutput, gradInput, buffer):
    # THNN: -max_deriv - sign * ((z - 1.0) / z), in double: q = (z - 1) / z for x >= 0 (and NaN),
    # 1 - q for x < 0; rounded to real, then times gradOutput (cmul, in real)
    check_nelement(input, gradOutput)
    x = input.arr()
    z = buffer.arr()
    gi = like(gradInput, buffer)
    neg = x < 0
    q = np.subtract(z, 1.0, dtype=_F64) if _f32(gi) else gi
    if q is gi:
        np.subtract(z, 1.0, out=q)
    q /= z
    np.copyto(q, np.subtract(1.0, q), where=neg)    # (faster than a masked subtract)
    if q is not gi:
        np.copyto(gi, q, casting='same_kind')
    gi *= _g(gradOutput, buffer)


# ----------------------------------------------------------------------------- PReLU, RReLU


def _prelu_weight(input, weight, nOutputPlane):
    """weight broadcast against input: planes are dim 1 of a batch (dim 0 of a vector)."""
    nd = input.dim()
    pdim = 1 if nd > 1 else 0
    if nd == 0 or input.size[pdim] != nOutputPlane:
        raise TorchError('Wrong number of input planes. Expected %d but got %d.' % (
            nOutputPlane, input.size[pdim] if nd else 0))
    w = weight.arr()
    if nd > 1:
        w = w.reshape((1, nOutputPlane) + (1,) * (nd - 2))
    return w


@kernel
def PReLU_updateOutput(input, output, weight, nOutputPlane):
    x = input.arr()
    o = like(output, input)
    w = weight.arr()[0] if nOutputPlane == 0 else _prelu_weight(input, weight, nOutputPlane)
    np.multiply(x, w, out=o)
    np.copyto(o, x, where=x > 0)


@kernel
def PReLU_updateGradInput(input, gradOutput, gradInput, weight, nOutputPlane):
    check_nelement(input, gradOutput)
    x = input.arr()
    g = _g(gradOutput, input)
    gi = like(gradInput, input)
    w = weight.arr()[0] if nOutputPlane == 0 else _prelu_weight(input, weight, nOutputPlane)
    np.multiply(g, w, out=gi)
    np.copyto(gi, g, where=x > 0)


@kernel
def PReLU_accGradParameters(input, gradOutput, gradWeight, nOutputPlane, scale):
    # THNN: `real sum = 0; if (x <= 0) sum += x * g` in element order (a NaN input is left
    # out), then gradWeight += scale * sum with scale a real; with planes, one such sum per
    # (sample, plane), added into gradWeight[plane] sample after sample
    check_nelement(input, gradOutput)
    x = input.arr()
    prod = x * _g(gradOutput, input)
    _masked(prod, prod, x <= 0)
    gw = gradWeight.arr()
    scale = gw.dtype.type(scale)
    if nOutputPlane == 0:
        gw[0] += scale * seq_rows(prod.reshape(prod.size, 1))[0]
    else:
        _prelu_weight(input, gradWeight, nOutputPlane)
        nd = input.dim()
        bs = input.size[0] if nd > 1 else 1
        ks = prod.size // (bs * nOutputPlane)
        sums = prod.reshape(bs * nOutputPlane, ks)
        sums = seq_rows(sums.T) if ks > 1 else sums.reshape(bs * nOutputPlane)
        terms = np.empty((bs + 1, nOutputPlane), gw.dtype)
        terms[0] = gw
        np.multiply(sums.reshape(bs, nOutputPlane), scale, out=terms[1:])
        gw[...] = seq_rows(terms, False)


@kernel
def RReLU_updateOutput(input, output, noise, lower, upper, train, inplace):
    x = input.arr()
    if train:
        nz = like(noise, input)
        neg = x <= 0
        nz[...] = 1.0
        k = int(np.count_nonzero(neg))
        if k:
            # one uniform(lower, upper) per non-positive element, in element order
            r = np.empty(k, x.dtype)
            R.fill_uniform(R.default_generator, r, noise.ttype, lower, upper)
            nz[neg] = r
    else:
        slope = _rrelu_slope(x, lower, upper)
    if inplace:
        if train:
            x *= nz
        else:
            np.multiply(x, slope, out=x, where=x <= 0)
        set_(output, input)
    else:
        o = like(output, input)
        if train:
            np.multiply(x, nz, out=o)
        else:
            np.multiply(x, slope, out=o)
            np.copyto(o, x, where=x > 0)


def _rrelu_slope(x, lower, upper):
    """THNN's negSlope = (lower + upper) / 2 with lower and upper reals, in real."""
    f = x.dtype.type if x.dtype.kind == 'f' else float
    return f(f(lower) + f(upper)) / f(2)


@kernel
def RReLU_updateGradInput(input, gradOutput, gradInput, noise, lower, upper, train, inplace):
    check_nelement(input, gradOutput)
    x = input.arr()
    g = _g(gradOutput, input)
    f = x.dtype.type if x.dtype.kind == 'f' else float
    # THNN: upper - lower (reals) > 1E-6 (in double)
    if train and float(f(f(upper) - f(lower))) > 1e-6:
        nz = noise.arr()
        if inplace:
            g *= nz
            set_(gradInput, gradOutput)
        else:
            np.multiply(g, nz, out=like(gradInput, input))
    else:
        slope = _rrelu_slope(x, lower, upper)
        if inplace:
            np.multiply(g, slope, out=g, where=x <= 0)
            set_(gradInput, gradOutput)
        else:
            # THNN: x <= 0 ? g * negSlope : g (a NaN input keeps gradOutput)
            gi = like(gradInput, input)
            np.multiply(g, slope, out=gi)
            np.copyto(gi, g, where=~(x <= 0))


# ----------------------------------------------------------------------------- softmax family


_max = np.maximum.reduce


def _softmax_axis(t):
    nd = t.dim()
    if nd not in (1, 2, 3, 4):
        raise TorchError('1D, 2D, 3D or 4D tensor expected')
    return 0 if nd in (1, 3) else 1


def _softmax(x, o, ax):
    """THNN's SoftMax of x into o along ax, per row or plane: m = the maximum (a real), real z =
    exp(x - m) (x - m a real difference, exp in double), sum += z in double, in order, then
    o = z * (1/sum) (in double). (A NaN makes its whole row NaN, whatever the maximum.)"""
    m = _row_max(x, ax)
    np.subtract(x, m, out=o)
    if _f32(o):
        t = np.exp(o, dtype=_F64)
        np.copyto(o, t, casting='same_kind')        # real z
    else:
        np.exp(o, out=o)
    r = _rowsum(o, ax)
    np.divide(1.0, r, out=r)
    np.multiply(o, r, out=o, casting='same_kind')


@kernel
def SoftMax_updateOutput(input, output):
    ax = _softmax_axis(input)
    _softmax(input.arr(), like(output, input), ax)


def _softmax_grad(g, y, gi, ax):
    """THNN: sum += (accreal)g * y in order; gi = y * (g - sum), in double."""
    p = np.multiply(g, y, dtype=_F64)
    s = _rowsum(p, ax)
    if _f32(gi):
        np.subtract(g, s, out=p)
        np.multiply(y, p, out=gi, casting='same_kind')
    else:
        np.subtract(g, s, out=gi)
        np.multiply(y, gi, out=gi)


@kernel
def SoftMax_updateGradInput(input, gradOutput, gradInput, output):
    ax = _softmax_axis(output)
    if gradOutput.size != output.size:
        raise TorchError('input and gradOutput shapes do not match')
    _softmax_grad(gradOutput.arr(), output.arr(), like(gradInput, output), ax)


def _row_max(x, ax):
    """x.max(axis=ax, keepdims=True). Rows of a 2-D host array are reduced through a transposed
    copy when they are short: numpy reduces each short row separately (slow for many rows), the
    copy column by column. The maximum is exact either way (rows with several NaNs of different
    bit patterns may yield another of those NaNs)."""
    if ax == 1 and x.ndim == 2 and type(x) is np.ndarray and x.shape[1] <= 64 and x.shape[0] >= 16:
        return _max(x.T.copy(), axis=0)[:, None]
    return x.max(axis=ax, keepdims=True)


def _one_short_row(a):
    """A double host array holding one short row (LeNet's 10 classes, one sample at a time):
    the LogSoftMax steps below in Python floats (C's doubles, libm's exp and log through math)
    cost less than numpy's calls."""
    return (a.size <= 32 and a.dtype == _F64 and type(a) is np.ndarray
            and (a.ndim == 1 or a.shape[0] == 1))


def _logsoftmax_row(xs, o):
    """LogSoftMax_updateOutput's loops for one row of doubles xs into o; False (o untouched)
    where math would raise (numpy's path then gives inf/NaN as C does)."""
    m = max(xs)     # (a NaN anywhere makes every output NaN, whichever maximum is taken)
    s = 0.0
    try:
        for v in xs:
            s += _exp(v - m)
        ls = m + _log(s)
    except (OverflowError, ValueError):
        return False
    o.reshape(-1)[:] = [v - ls for v in xs]
    return True


def _logsoftmax_grad_row(gs, ys, gi):
    """LogSoftMax_updateGradInput's loops for one row: sum += g from 0, gi = g - exp(y) * sum."""
    s = 0.0
    for v in gs:
        s += v
    try:
        gi.reshape(-1)[:] = [v - _exp(y) * s for v, y in zip(gs, ys)]
    except OverflowError:
        return False
    return True


@kernel
def LogSoftMax_updateOutput(input, output):
    # THNN per row or plane: m = the maximum (a real), logsum += exp(x - m) in double in order
    # (x - m a real difference), logsum = m + log(logsum), output = x - logsum (in double)
    ax = _softmax_axis(input)
    x = input.arr()
    o = like(output, input)
    if _one_short_row(x) and _logsoftmax_row(x.reshape(-1).tolist(), o):
        return
    m = _row_max(x, ax)
    if _f32(o):
        e = np.subtract(x, m)
        e = np.exp(e, dtype=_F64)
    else:
        e = o
        np.subtract(x, m, out=e)
        np.exp(e, out=e)
    lse = np.log(_rowsum(e, ax))
    np.add(m, lse, out=lse)
    np.subtract(x, lse, out=o, casting='same_kind')


@kernel
def LogSoftMax_updateGradInput(input, gradOutput, gradInput, output):
    # THNN: sum += g in double, in order; gi = g - exp(y) * sum (exp of a float in double)
    ax = _softmax_axis(output)
    if gradOutput.size != output.size:
        raise TorchError('input and gradOutput shapes do not match')
    y, g = output.arr(), gradOutput.arr()
    gi = like(gradInput, output)
    if _one_short_row(y) and _one_short_row(g) and _logsoftmax_grad_row(
            g.reshape(-1).tolist(), y.reshape(-1).tolist(), gi):
        return
    s = _rowsum(g, ax)
    if _f32(gi):
        t = np.exp(y, dtype=_F64)
        t *= s
        np.subtract(g, t, out=gi, casting='same_kind')
    else:
        np.exp(y, out=gi)
        gi *= s
        np.subtract(g, gi, out=gi)


@kernel
def SoftMin_updateOutput(input, output):
    # nn.SoftMin: THNN's SoftMax of input:mul(-1)
    x = input.arr()
    ax = _softmax_axis(input)
    _softmax(np.multiply(x, -1), like(output, input), ax)


@kernel
def SoftMin_updateGradInput(input, gradOutput, gradInput, output):
    # SoftMax's gradient (input only gives the shape), then gradInput:mul(-1)
    SoftMax_updateGradInput(input, gradOutput, gradInput, output)
    np.multiply(gradInput.arr(), -1, out=gradInput.arr())


# ----------------------------------------------------------------------------- pointwise maths


def _libm_f(fn, x, o):
    """o = TH's fn of x (TH_MATH_NAME: fn, or fnf for a float: see the top)."""
    if _f32(o):
        np.copyto(o, fn(x, dtype=_F64), casting='same_kind')
    else:
        fn(x, out=o)


@kernel
def Exp_updateOutput(input, output):
    with np.errstate(over='ignore'):
        _libm_f(np.exp, input.arr(), like(output, input))


@kernel
def Exp_updateGradInput(input, gradOutput, gradInput, output):
    check_nelement(output, gradOutput)
    np.multiply(output.arr(), _g(gradOutput, output), out=like(gradInput, output))


@kernel
def Log_updateOutput(input, output):
    with np.errstate(divide='ignore', invalid='ignore'):
        _libm_f(np.log, input.arr(), like(output, input))


@kernel
def Log_updateGradInput(input, gradOutput, gradInput):
    # (1 / x) * g, in that order as nn.Log does
    check_nelement(input, gradOutput)
    gi = like(gradInput, input)
    with np.errstate(divide='ignore'):
        np.divide(1.0, input.arr(), out=gi)
    gi *= _g(gradOutput, input)


@kernel
def Square_updateOutput(input, output):
    x = input.arr()
    np.multiply(x, x, out=like(output, input))


@kernel
def Square_updateGradInput(input, gradOutput, gradInput):
    # THNN: 2.0 * g * x in double ((2g)x: for a float, the exact product rounded once)
    check_nelement(input, gradOutput)
    gi = like(gradInput, input)
    if _f32(gi):
        t = np.multiply(_g(gradOutput, input), input.arr(), dtype=_F64)
        np.multiply(t, 2.0, out=gi, casting='same_kind')
    else:
        np.multiply(_g(gradOutput, input), 2.0, out=gi)
        gi *= input.arr()


@kernel
def Sqrt_updateOutput(input, output, eps):
    with np.errstate(invalid='ignore'):
        np.sqrt(input.arr(), out=like(output, input))


@kernel
def Sqrt_updateGradInput(input, gradOutput, gradInput, output):
    # output == 0 ? 0 : 0.5 * (g / output)
    check_nelement(output, gradOutput)
    y = output.arr()
    gi = like(gradInput, input)
    with np.errstate(divide='ignore', invalid='ignore'):
        np.divide(_g(gradOutput, output), y, out=gi)
    gi *= 0.5
    np.copyto(gi, 0.0, where=y == 0)


@kernel
def Power_updateOutput(input, output, p):
    with np.errstate(all='ignore'):
        th_pow(input.arr(), p, like(output, input))


@kernel
def Power_updateGradInput(input, gradOutput, gradInput, p):
    # nn.Power: pow(x, p - 1) (p - 1 a Lua number), cmul(gradOutput), mul(p): in real
    check_nelement(input, gradOutput)
    gi = like(gradInput, input)
    with np.errstate(all='ignore'):
        th_pow(input.arr(), p - 1, gi)
        gi *= _g(gradOutput, input)
        gi *= gi.dtype.type(p) if gi.dtype.kind == 'f' else p


@kernel
def Abs_updateOutput(input, output):
    np.abs(input.arr(), out=like(output, input))


@kernel
def Abs_updateGradInput(input, gradOutput, gradInput):
    # THNN: g * (x >= 0 ? 1 : -1) (a product: a NaN g keeps its sign, and a NaN x gives -g)
    check_nelement(input, gradOutput)
    x = input.arr()
    gi = like(gradInput, input)
    g = _g(gradOutput, input)
    if gi.dtype.kind == 'f':
        sgn = np.greater_equal(x, 0).astype(gi.dtype)
        sgn *= 2
        sgn -= 1
        np.multiply(g, sgn, out=gi)
    else:
        np.negative(g, out=gi)
        np.copyto(gi, g, where=x >= 0)


# ----------------------------------------------------------------------------- dropout


@kernel
def Dropout_updateOutput(input, output, noise, p, train, v2, inplace):
    """nn.Dropout: noise ~ bernoulli(1-p) (scaled by 1/(1-p) in v2) while training."""
    if inplace:
        set_(output, input)
        o = input.arr()
    else:
        o = like(output, input)
        np.copyto(o, input.arr())
    if p > 0:
        if train:
            nz = like(noise, input)
            R.fill_bernoulli(R.default_generator, nz, noise.ttype, 1 - p)
            if v2:
                nz /= (1 - p)
            o *= nz
        elif not v2:
            o *= (1 - p)


@kernel
def Dropout_updateGradInput(input, gradOutput, gradInput, noise, p, train, v2, inplace):
    if inplace:
        set_(gradInput, gradOutput)
        gi = gradOutput.arr()
    else:
        gi = like(gradInput, gradOutput)
        np.copyto(gi, gradOutput.arr())
    if train:
        if p > 0:
            gi *= noise.arr().reshape(gi.shape)
    elif not v2 and p > 0:
        gi *= (1 - p)


def feature_dropout(input, output, noise, p, train, nspatial, shapes):
    """Spatial/VolumetricDropout: one bernoulli(1-p) draw per feature map (nspatial trailing
    dimensions) while training; evaluation scales by 1-p. shapes: the inputs' names, for the
    error."""
    o = like(output, input)
    np.copyto(o, input.arr())
    if train:
        nd = input.dim()
        if nd not in (nspatial + 1, nspatial + 2):
            raise TorchError('Input must be ' + shapes)
        nz = out(noise, input.size[:nd - nspatial] + (1,) * nspatial)
        R.fill_bernoulli(R.default_generator, nz, noise.ttype, 1 - p)
        o *= nz
    else:
        o *= (1 - p)


def feature_dropout_grad(gradOutput, gradInput, noise):
    gi = like(gradInput, gradOutput)
    np.multiply(gradOutput.arr(), noise.arr(), out=gi)


@kernel
def SpatialDropout_updateOutput(input, output, noise, p, train):
    """nn.SpatialDropout: one bernoulli(1-p) draw per feature map."""
    feature_dropout(input, output, noise, p, train, 2,
                    '4D (nbatch, nfeat, h, w) or 3D (nfeat, h, w)')


@kernel
def SpatialDropout_updateGradInput(input, gradOutput, gradInput, noise):
    feature_dropout_grad(gradOutput, gradInput, noise)
