"""Distance and similarity layers: Euclidean, WeightedEuclidean, Cosine, Normalize.

Euclidean/WeightedEuclidean keep their templates as the columns of weight (inputSize x
outputSize); Cosine keeps them as rows (outputSize x inputSize). Inputs are a vector or a batch.
"""
import numpy as np

from . import kernel
from ._util import like, out, seq_rows
from .. import blas as _blas
from .. import cblas
from .. import tensor as _T
from .. import xp as _xp
from ..errors import TorchError
from ..pointwise import th_pow

_F64 = np.dtype(np.float64)


def _batch(input, what='1D or 2D input expected'):
    """input as a (batch, n) array, and whether it was a vector."""
    if input.dim() == 1:
        return input.arr()[None, :], True
    if input.dim() == 2:
        return input.arr(), False
    raise TorchError(what)


def _check_cols(x, weight):
    if x.shape[1] != weight.size[0]:
        raise TorchError('input has %d features, the layer expects %d' % (x.shape[1], weight.size[0]))


def _diff(x, weight):
    """D[b, i, j] = x[b, i] - w[i, j]."""
    _check_cols(x, weight)
    return x[:, :, None] - weight.arr()[None, :, :]


def _write(output, y, vector):
    o = out(output, y.shape[1:] if vector else y.shape)
    o[...] = y[0] if vector else y


# ----------------------------------------------------------------------------- Euclidean
# Both follow nn's Lua, op by op, as TH computes each op: the differences (x - w_j, times c_j)
# in real; THTensor_(norm)(r, d, 2, dim): per output `accreal sum += pow(fabs(d), 2)` in order
# (powf for float: libm's, which numpy's power loop calls when the exponent is an array, not
# numpy's own square), then pow(sum, 1.0/2) (powf of the sum rounded to float); `:sum(t, dim)`
# along a unit-stride dimension is an in-order accreal sum rounded to real, along another one
# (the batch) an in-order sum in real; in-place `:add(value, t)` of contiguous tensors is BLAS
# axpy (one rounding where OpenBLAS fuses).


def _pow(a, e):
    """libm's pow (powf for float32) of each element of a with the exponent e."""
    return np.power(a, np.full_like(a, e))


def _norm2(d, axis):
    s = np.add.accumulate(_pow(np.abs(d), 2), axis=axis, dtype=_F64).take(-1, axis=axis) + 0.0
    s = s.astype(d.dtype, copy=False)
    return _pow(s, 0.5)


def _acc_last(a):
    """THTensor_(sum)(r, a, lastdim) for a contiguous a: in order, in double, rounded to real."""
    return (np.add.accumulate(a, axis=-1, dtype=_F64)[..., -1] + 0.0).astype(a.dtype, copy=False)


def _sum_batch(a):
    """THTensor_(sum)(r, a, 1) over a non-unit-stride first dimension: r zeroed, then
    `r += a[b]` for each b in order, in real."""
    return np.add.accumulate(a, axis=0, dtype=a.dtype)[-1] + a.dtype.type(0)


def _row_sums(a):
    """_acc_last of a host (n, m) array, faster for many rows: in order from +0 in double,
    rounded to a's type. From 16 rows on, a's transposition as a C-contiguous double array is
    reduced along its first axis, which numpy does row after row (every row of a summed in
    order at once; along a's own rows np.add.accumulate is a serial chain, several times
    slower)."""
    n, m = a.shape
    if m == 0:
        return np.zeros(n, a.dtype)
    if n < 16 or m == 1:
        return _acc_last(a)
    t = np.empty((m, n), _F64)
    np.copyto(t, a.T)
    return seq_rows(t).astype(a.dtype, copy=False)


def _padded(n, m, dtype):
    """An uninitialised (n, m) array whose rows lie m + 8 elements apart: a column of it meets
    distinct cache sets (rows a multiple of 4 KiB apart share one set; transposing such an
    array, as _row_sums does, is several times slower)."""
    return np.empty((n, m + 8), dtype)[:, :m]


def _axpy(y, alpha, x):
    """y:add(alpha, x) in place (alpha converted to real): BLAS axpy for contiguous tensors,
    else TH's `y + alpha * x`."""
    alpha = y.dtype.type(alpha)
    x = x.reshape(y.shape)
    if not cblas.axpy(alpha, np.ascontiguousarray(x) if type(x) is np.ndarray else x, y):
        y += x * alpha


def _repeat(x, weight, diagCov=None):
    """nn's _repeat: R[b, i, j] = x[b, i] - w[i, j] (times c[i, j]), in real."""
    d = _diff(x, weight)
    if diagCov is not None:
        d *= diagCov.arr()
    return d


def _div(gradOutput, output, vector):
    """gradOutput / (output + 1e-7) as a (batch, outputSize) array (1e-7 added in real)."""
    g, y = gradOutput.arr(), output.arr()
    r = g / (y + y.dtype.type(1e-7))
    return r[None, :] if vector else r.reshape(-1, output.size[-1])


@kernel
def Euclidean_updateOutput(input, output, weight):
    # y_j = || x - w_j ||
    x, vector = _batch(input)
    _write(output, _norm2(_repeat(x, weight), 1), vector)


@kernel
def Euclidean_updateGradInput(input, gradOutput, gradInput, weight, output):
    # dy_j/dx = (x - w_j) / y_j: sum over j of R * div
    x, vector = _batch(input)
    r2 = _repeat(x, weight) * _div(gradOutput, output, vector)[:, None, :]
    gi = like(gradInput, input)
    gi[...] = _acc_last(r2).reshape(gi.shape)


@kernel
def Euclidean_accGradParameters(input, gradOutput, gradWeight, weight, output, scale):
    # dy_j/dw_j = (w_j - x) / y_j: gradWeight:add(-scale, R * div [summed over the batch])
    x, vector = _batch(input)
    r2 = _repeat(x, weight) * _div(gradOutput, output, vector)[:, None, :]
    _axpy(gradWeight.arr(), -scale, r2[0] if vector else _sum_batch(r2))


# ----------------------------------------------------------------------------- WeightedEuclidean


@kernel
def WeightedEuclidean_updateOutput(input, output, weight, diagCov):
    # y_j = || c_j * (x - w_j) ||
    x, vector = _batch(input)
    _write(output, _norm2(_repeat(x, weight, diagCov), 1), vector)


def _weighted_r2(x, vector, gradOutput, output, weight, diagCov):
    rep = _repeat(x, weight, diagCov)
    div = _div(gradOutput, output, vector)[:, None, :]
    r2 = rep * div
    r2 *= diagCov.arr()
    return rep, div, r2


@kernel
def WeightedEuclidean_updateGradInput(input, gradOutput, gradInput, weight, diagCov, output):
    # dy_j/dx = c_j^2 (x - w_j) / y_j
    x, vector = _batch(input)
    r2 = _weighted_r2(x, vector, gradOutput, output, weight, diagCov)[2]
    gi = like(gradInput, input)
    gi[...] = _acc_last(r2).reshape(gi.shape)


@kernel
def WeightedEuclidean_accGradParameters(input, gradOutput, gradWeight, gradDiagCov, weight,
                                        diagCov, output, scale):
    # dy_j/dw_j = c_j^2 (w_j - x) / y_j ;  dy_j/dc_j = c_j (w_j - x)^2 / y_j
    x, vector = _batch(input)
    rep, div, r2 = _weighted_r2(x, vector, gradOutput, output, weight, diagCov)
    c = diagCov.arr()
    rep /= c
    rep *= rep
    rep *= c
    rep *= div
    if vector:
        _axpy(gradWeight.arr(), -scale, r2[0])
        # nn adds this one unscaled for a vector input (`gradDiagCov:add(repeat2)`), so that
        # accUpdateGradParameters moves diagCov up by the gradient whatever the rate: as Torch7
        _axpy(gradDiagCov.arr(), 1.0, rep[0])
    else:
        _axpy(gradWeight.arr(), -scale, _sum_batch(r2))
        _axpy(gradDiagCov.arr(), scale, _sum_batch(rep))


# ----------------------------------------------------------------------------- Cosine
# On host Double/Float tensors these follow nn's Cosine.lua op by op, as TH computes each op:
# `w:norm(2, 2)` (_norm2: accreal sum of pow(|w|, 2), then pow(sum, 0.5) in real's libm) plus
# 1e-12 in real; a vector's `input:norm()` (THTensor_(normall), p == 2: accreal sum of z*z in
# order, sqrt in double) + 1e-12 in Lua's doubles, and `:div(n)` by (real)n; cdiv/cmul element
# by element in real; `:sum(t, 2)` in order in accreal, `:sum(t, 1)` in real unless the row has
# one element; addmv/addmm/addr as THTensor_(addmv/addmm/addr) call the BLAS (lib/blas.py's
# _gemv_into/_gemm_into/_ger_into on the same operands). nn's accGradParameters applies scale
# only to the first term for a vector input and not at all for a batch (so its
# accUpdateGradParameters is wrong); here scale multiplies the whole gradient: Torch7's bits
# for scale == 1 (and for any scale, had nn scaled both terms). Device arrays
# keep the vectorised code below (_cosine_*_xp).


def _exact(*arrays):
    return all(type(a) is np.ndarray and a.dtype in _EXACT for a in arrays)


_EXACT = (np.dtype(np.float64), np.dtype(np.float32))


def _tensor(a, like_t):
    """A C-contiguous host array as a tensor of like_t's type sharing its memory."""
    return _T.from_array(np.ascontiguousarray(a), like_t.ttype, copy=False)


def _normall2(x):
    """Lua's `x:norm() + 1e-12` of a host vector: THTensor_(normall)(x, 2) is sqrt of an
    accreal (double) in-order sum of z*z, z = (double)x; 1e-12 added as a Lua number."""
    z = x.astype(_F64)
    z *= z
    s = (np.add.accumulate(z)[-1] + 0.0) if z.size else 0.0
    return float(np.sqrt(s)) + 1e-12


def _weight_norm(weight, weightNorm):
    """weightNorm:norm(weight, 2, 2):add(1e-12), shape (outputSize, 1)."""
    w = weight.arr()
    wn = out(weightNorm, (weight.size[0], 1))
    wn[:, 0] = _row_norm2(w)
    wn += w.dtype.type(1e-12)
    return wn


def _row_norm2(m):
    """_norm2(m, 1) of a host matrix: pow(|m|, 2) summed along each row by _row_sums."""
    return _pow(_row_sums(_pow(np.abs(m), 2)), 0.5)


def _zero_if_resized(t, size):
    """TH's `resize(...)`; `zero()` when the element count changed. Its array."""
    n = t.nelement()
    a = out(t, size)
    m = 1
    for s in size:
        m *= s
    if m != n:
        a[...] = 0
    return a


def _cosine_check(x, weight):
    if x.shape[1] != weight.size[1]:
        raise TorchError('input has %d features, the layer expects %d' % (x.shape[1], weight.size[1]))


def _cosine_norms(x, weight, weightNorm, inputNorm):
    w = weight.arr()
    _cosine_check(x, weight)
    wn = out(weightNorm, (weight.size[0], 1))
    np.sqrt(np.einsum('ij,ij->i', w, w), out=wn[:, 0])
    wn += 1e-12
    xn = out(inputNorm, (x.shape[0], 1))
    np.sqrt(np.einsum('ij,ij->i', x, x), out=xn[:, 0])
    xn += 1e-12
    return w, wn, xn


@kernel
def Cosine_updateOutput(input, output, weight, weightNorm, inputNorm):
    # y_j = (w_j . x) / (||w_j|| ||x||)
    x, vector = _batch(input, 'input must be vector or matrix')
    if not _exact(x, weight.arr()):
        return _cosine_forward_xp(x, vector, output, weight, weightNorm, inputNorm)
    _cosine_check(x, weight)
    O = weight.size[0]
    wn = _weight_norm(weight, weightNorm)
    if vector:
        n = _normall2(x[0])
        xn = out(inputNorm, (1, 1))     # (nn keeps this norm in a Lua field; kept here too)
        xn[...] = n
        o = out(output, (O,))
        o[...] = 0
        _blas._gemv_into(output, 1, 1, weight, input)
        o = output.arr()
        o /= wn[:, 0]
        o /= o.dtype.type(n)
    else:
        _zero_if_resized(output, (x.shape[0], O))
        _blas._gemm_into(output, 0, 1, input, _T.transpose(weight))
        xn = out(inputNorm, (x.shape[0], 1))
        xn[:, 0] = _row_norm2(x)
        xn += x.dtype.type(1e-12)
        o = output.arr()
        o /= wn[:, 0][None, :]
        o /= xn


@kernel
def Cosine_updateGradInput(input, gradOutput, gradInput, weight, output, weightNorm, inputNorm):
    # dy_j/dx_i = w_ji / (||w_j|| ||x||) - y_j x_i / ||x||^2
    x, vector = _batch(input, 'input must be vector or matrix')
    if not _exact(x, weight.arr(), gradOutput.arr(), output.arr(), weightNorm.arr()):
        return _cosine_backward_xp(x, vector, input, gradOutput, gradInput, weight, output,
                                   weightNorm, inputNorm)
    wn = weightNorm.arr()
    _zero_if_resized(gradInput, input.size)
    if vector:
        n = _normall2(x[0])
        wt = np.array(weight.arr(), order='C')
        wt /= wn
        wt /= wt.dtype.type(n)
        w_ = _tensor(wt, weight)
        _blas._ger_into(w_, 1, -1 / (n * n), output, input)
        _blas._gemv_into(gradInput, 0, 1, _T.transpose(w_), gradOutput)
    else:
        xn = inputNorm.arr()
        gi = gradInput.arr()
        np.divide(x, xn, out=gi)
        g = gradOutput.arr()
        go = np.array(g, order='C')
        go *= output.arr()
        gi *= _row_sums(go)[:, None]
        go = g / wn[:, 0][None, :]
        _blas._gemm_into(gradInput, -1, 1, _tensor(go, gradOutput), weight)
        gi = gradInput.arr()
        gi /= xn


@kernel
def Cosine_accGradParameters(input, gradOutput, gradWeight, weight, output, weightNorm,
                             inputNorm, scale):
    # dy_j/dw_ji = x_i / (||w_j|| ||x||) - y_j w_ji / ||w_j||^2
    x, vector = _batch(input, '1D or 2D input expected')
    if not _exact(x, weight.arr(), gradOutput.arr(), output.arr(), gradWeight.arr()):
        return _cosine_accgrad_xp(x, gradOutput, gradWeight, weight, output, weightNorm,
                                  inputNorm, scale)
    wn = weightNorm.arr()
    # (a copy: accUpdateGradParameters passes weight as gradWeight, which nn's Lua would read
    # back after its first update; Torch7's bits whenever the two differ)
    w = np.array(weight.arr(), order='C')
    if vector:
        n = _normall2(x[0])
        go = gradOutput.arr() / wn[:, 0]
        _blas._ger_into(gradWeight, 1, scale / n, _tensor(go, gradOutput), input)
        go /= wn[:, 0]
        go *= output.arr()
        wt = w
        wt *= go[:, None]
        _axpy(gradWeight.arr(), -scale, wt)
    else:
        wt = w
        go = np.array(gradOutput.arr(), order='C')
        go *= output.arr()
        # `_sum:sum(go, 1)`: along a unit stride (one column) in accreal, else in real
        s = _acc_last(go.T) if go.shape[1] == 1 else seq_rows(go)
        s /= wn[:, 0]
        wt *= s[:, None]
        inp = x / inputNorm.arr()
        w_ = _tensor(wt, weight)
        _blas._gemm_into(w_, -1, 1, _T.transpose(gradOutput), _tensor(inp, input))
        wt = w_.arr()
        wt /= wn
        _axpy(gradWeight.arr(), scale, wt)


def _cosine_forward_xp(x, vector, output, weight, weightNorm, inputNorm):
    w, wn, xn = _cosine_norms(x, weight, weightNorm, inputNorm)
    y = x @ w.T
    y /= wn[:, 0]
    y /= xn
    _write(output, y, vector)


def _cosine_backward_xp(x, vector, input, gradOutput, gradInput, weight, output, weightNorm,
                        inputNorm):
    g = gradOutput.arr().reshape(x.shape[0], -1)
    y = output.arr().reshape(g.shape)
    wn, xn = weightNorm.arr()[:, 0], inputNorm.arr()
    gi = (g / wn) @ weight.arr()
    gi -= x * ((g * y).sum(axis=1, keepdims=True) / xn)
    gi /= xn
    like(gradInput, input)[...] = gi.reshape(input.size)


def _cosine_accgrad_xp(x, gradOutput, gradWeight, weight, output, weightNorm, inputNorm, scale):
    g = gradOutput.arr().reshape(x.shape[0], -1)
    y = output.arr().reshape(g.shape)
    wn, xn = weightNorm.arr(), inputNorm.arr()
    d = g.T @ (x / xn)
    d -= weight.arr() * (g * y).sum(axis=0)[:, None] / wn
    d /= wn
    gw = gradWeight.arr()
    gw += scale * d


# ----------------------------------------------------------------------------- Normalize
# On host Double/Float tensors: nn's Normalize.lua op by op. THTensor_(pow)(r, t, e) (th_pow)
# has its own cases (e as real: 1 copies, 2 is t*t, 3 t*t*t, 0.5 sqrt, -0.5 1/sqrt, -1 1/t,
# -2 1/(t*t), else libm's pow/powf per element); `normp:sum(buffer, 2)` is an in-order accreal
# sum rounded to real; eps is added in real; `norm:pow(normp, 1/p)` takes 1/p from Lua's
# doubles; the rest element by element in real (`add(-1, buffer)`, an axpy by -1, is exact
# subtraction). Device arrays keep the vectorised code (_normalize_*_xp).

_INF = float('inf')
_ROWS = 1 << 15     # about this many elements of a host input at a time (temporaries in cache)


def _row_blocks(n, m):
    """Slices of n rows of m elements, about _ROWS elements (and at least 16 rows) each."""
    k = max(16, _ROWS // max(m, 1))
    return [slice(r, min(r + k, n)) for r in range(0, n, k)]


def _fresh_if_shared(o, *arrays):
    """o, or a new array like it when o may overlap one of arrays (written block by block,
    o must not overwrite what a later block reads)."""
    if any(np.may_share_memory(o, a) for a in arrays):
        return np.empty_like(o)
    return o


@kernel
def Normalize_updateOutput(input, output, norm, normp, indices, p, eps):
    """y = x / ||x||_p for a vector or each row of a matrix; norm (n,1) [normp (n,1): sum |x|^p
    + eps; indices (n,1): argmax |x| when p is inf] are kept for backward."""
    if input.dim() > 2:
        raise TorchError('only 1d layer supported')
    if not input.dim():     # (nn.Normalize reads input:size(1))
        raise TorchError("bad argument #1 to 'size' (dimension 1 out of range of 0D tensor)")
    x = input.arr().reshape(-1, input.size[-1])
    if not _exact(x):
        return _normalize_forward_xp(input, x, output, norm, normp, indices, p, eps)
    n, m = x.shape
    R = x.dtype.type
    nv = out(norm, (n, 1))
    if p == _INF:
        iv = out(indices, (n, 1))
    else:
        npv = out(normp, (n, 1))
    with np.errstate(all='ignore'):
        # |x| and its argmax (TH's max: the first maximum, or NaN), or by blocks of rows
        # pow(|x|, p) and its in-order row sums
        for rs in [slice(None)] if p == _INF else _row_blocks(n, m):
            xb = x[rs]
            if p == _INF:
                a = np.abs(xb)
                i = a.argmax(axis=1)[:, None]
                iv[rs] = i + 1
                nv[rs] = np.take_along_axis(a, i, axis=1)
            else:
                buf = _padded(xb.shape[0], m, x.dtype)
                th_pow(np.abs(xb) if p % 2 != 0 else xb, p, buf)
                npv[rs, 0] = _row_sums(buf)
        if p == _INF:
            nv += R(eps)
        else:
            npv += R(eps)
            th_pow(npv, 1.0 / p, nv)
        o = like(output, input).reshape(x.shape)
        y = _fresh_if_shared(o, x)
        np.divide(x, nv, out=y)
    if y is not o:
        o[...] = y


@kernel
def Normalize_updateGradInput(input, gradOutput, gradInput, norm, normp, indices, p, eps):
    if input.dim() > 2 or gradOutput.dim() > 2:
        raise TorchError('only 1d layer supported')
    d = input.size[-1]
    x = input.arr().reshape(-1, d)
    g = gradOutput.arr().reshape(x.shape)
    nv = norm.arr()
    if not _exact(x, g, nv):
        return _normalize_backward_xp(input, gradInput, x, g, nv, normp, indices, p, eps)
    R = x.dtype.type
    n, m = x.shape
    gio = like(gradInput, input).reshape(x.shape)
    gi = _fresh_if_shared(gio, x, g)
    with np.errstate(all='ignore'):
        if p == _INF:
            iv, mult = indices.arr(), nv
            den = nv * nv
        else:
            mult = normp.arr()
            den = mult * nv
        for rs in _row_blocks(n, m):
            xb, gb = x[rs], g[rs]
            xg = _padded(xb.shape[0], m, x.dtype)
            np.multiply(xb, gb, out=xg)
            cross = _row_sums(xg)[:, None]
            if p == _INF:
                i = iv[rs] - 1
                buf = np.zeros_like(xb)
                np.put_along_axis(buf, i, np.take_along_axis(xb, i, axis=1) / nv[rs], axis=1)
                buf *= cross
            elif p == 2:
                buf = xb * cross
            else:
                if p % 2 != 0:
                    a = np.abs(xb)
                    if p < 2:
                        a += R(eps)
                else:
                    a = xb
                buf = np.empty_like(xb)
                th_pow(a, p - 2, buf)
                buf *= xb
                buf *= cross
            gib = gi[rs]
            np.multiply(mult[rs], gb, out=gib)
            gib -= buf
            gib /= den[rs]
    if gi is not gio:
        gio[...] = gi


def _normalize_forward_xp(input, x, output, norm, normp, indices, p, eps):
    n = x.shape[0]
    nv = out(norm, (n, 1))
    if p == _INF:
        a = np.abs(x)
        i = a.argmax(axis=1)[:, None]
        _xp.put(out(indices, (n, 1)), i + 1)      # indices: a LongTensor, also for a Cuda input
        nv[...] = np.take_along_axis(a, i, axis=1)
        nv += eps
    else:
        npv = out(normp, (n, 1))
        a = np.abs(x) if p % 2 != 0 else x
        npv[...] = (a ** p).sum(axis=1, keepdims=True)
        npv += eps
        np.power(npv, 1.0 / p, out=nv)
    like(output, input)[...] = (x / nv).reshape(input.size)


def _normalize_backward_xp(input, gradInput, x, g, nv, normp, indices, p, eps):
    cross = (x * g).sum(axis=1, keepdims=True)
    if p == _INF:
        i = _xp.on_side(indices.arr(), x) - 1
        gi = nv * g
        buf = np.zeros_like(x)
        np.put_along_axis(buf, i, np.take_along_axis(x, i, axis=1) / nv, axis=1)
        gi -= buf * cross
        gi /= nv * nv
    else:
        npv = normp.arr()
        gi = npv * g
        if p % 2 != 0:
            a = np.abs(x)
            if p < 2:
                a += eps
            buf = a ** (p - 2) * x
        elif p == 2:
            buf = x
        else:
            buf = x ** (p - 2) * x
        gi -= buf * cross
        gi /= npv * nv
    like(gradInput, input)[...] = gi.reshape(input.size)
