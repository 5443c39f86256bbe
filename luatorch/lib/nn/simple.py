"""Simple parametrised layers: Add, CAdd, Mul, CMul, Bilinear, MM, LookupTable.

CMul/CAdd accept an input with as many elements as the parameter (any shape), one of the same
number of dimensions whose sizes match or are 1 in the parameter (broadcast), or a batch: the
first dimension indexes samples, each holding as many elements as the parameter.
"""

import numpy as np

from . import kernel
from ._util import like, ones, out, th_sum
from .. import cblas, xp as _xp
from ..errors import TorchError


# ----------------------------------------------------------------------------- TH's arithmetic
# Torch7's bits on host arrays: C's sequential sums (numpy's sum is pairwise), TH's sum along a
# dimension (accreal along a unit stride, else `real` from zero), the BLAS axpy of TH's in-place
# cadd (one rounding where OpenBLAS fuses), and TH's pow with its special exponents.

def _host(a):
    return type(a) is np.ndarray


def seq_sum(a, axis, dtype):
    """C's `acc = 0; for (...) acc += a[i];` along axis with acc of dtype (axis removed)."""
    if a.shape[axis] == 0:
        return np.zeros(a.shape[:axis] + a.shape[axis + 1:], dtype)
    r = np.take(np.cumsum(a, axis=axis, dtype=dtype), -1, axis=axis)
    r += r.dtype.type(0)          # 0 + -0 is +0
    return r


def th_sum_dim(a, axis):
    """THTensor_(sum) of a float array along axis (_util.th_sum), the dimension kept."""
    return np.expand_dims(th_sum(a, axis), axis)


def th_axpy(alpha, x, y):
    """y += alpha * x as TH's in-place cadd of contiguous tensors (BLAS axpy; alpha in y's type).
    Without the BLAS: the product rounded, then the sum."""
    a = y.dtype.type(alpha)
    if not cblas.axpy(a, np.ascontiguousarray(x).reshape(y.shape), y):
        y += a * x.reshape(y.shape)


def _copy_into(dst, src):
    np.copyto(like(dst, src), src.arr())


def _elementwise_view(input, param):
    """(x, p) numpy views of input and parameter arranged so that x op p broadcasts to x's
    shape, and the shape to write results into ('flat', 'bcast' or 'batch' case)."""
    x, p = input.arr(), param.arr()
    if input.nelement() == param.nelement():
        return x, p.reshape(x.shape), 'flat'
    if input.dim() == param.dim():
        for a, b in zip(input.size, param.size):
            if b != a and b != 1:
                raise TorchError('expand: the parameter of size %s cannot be expanded to size %s'
                                 % ('x'.join(map(str, param.size)), 'x'.join(map(str, input.size))))
        return x, p, 'bcast'
    if input.dim() == 0 or input.nelement() != input.size[0] * param.nelement():
        raise TorchError('input of size %s does not match the parameter of size %s' % (
            'x'.join(map(str, input.size)) or 'empty', 'x'.join(map(str, param.size))))
    bs = input.size[0]
    return x.reshape(bs, -1), p.reshape(1, -1), 'batch'


def _reduce_to(prod, param, case):
    """Sum prod (an array shaped like the broadcast result) down to param's shape."""
    if case == 'flat':
        return prod.reshape(param.size)
    if case == 'batch':
        return prod.sum(axis=0).reshape(param.size)
    axes = tuple(d for d, (a, b) in enumerate(zip(prod.shape, param.size)) if b == 1 and a != 1)
    return prod.sum(axis=axes, keepdims=True) if axes else prod


# ----------------------------------------------------------------------------- CMul, CAdd


@kernel
def CMul_updateOutput(input, output, weight):
    x, w, _ = _elementwise_view(input, weight)
    o = like(output, input)
    np.multiply(x, w, out=o.reshape(x.shape))


@kernel
def CMul_updateGradInput(input, gradOutput, gradInput, weight):
    g, w, _ = _elementwise_view(gradOutput, weight)
    gi = like(gradInput, input)
    r = gi.reshape(g.shape)
    np.multiply(g, w, out=r)
    if _host(r):
        r += r.dtype.type(0)      # addcmul into zeros: 0 + w * g (a -0 becomes +0)


def _rows_first(a, case, param):
    """(R, P) view/copy of a broadcast-shaped array: the parameter's elements along the columns,
    the reduced positions along the rows in the order TH's loops visit them."""
    if case == 'batch':
        return a.reshape(a.shape[0], -1)
    red = [d for d, (n, b) in enumerate(zip(a.shape, param.size)) if b == 1 and n != 1]
    keep = [d for d in range(a.ndim) if d not in red]
    return a.transpose(red + keep).reshape(-1, param.nelement())


@kernel
def CMul_accGradParameters(input, gradOutput, gradWeight, scale):
    x, _, case = _elementwise_view(input, gradWeight)
    g = gradOutput.arr().reshape(x.shape)
    gw = gradWeight.arr()
    if not _host(gw):
        gw += scale * _reduce_to(x * g, gradWeight, case)
        return
    rt = gw.dtype.type
    if case == 'flat':
        # gradWeight:addcmul(scale, input, gradOutput): gw + (scale * x) * g
        t = rt(scale) * x
        t *= g
        gw += t.reshape(gw.shape)
        return
    # cmul into a buffer, TH's sum along each reduced dimension in turn, then add(scale, sum)
    p = x * g
    if case == 'batch':
        p = th_sum_dim(p, 0)
    else:
        for d, (n, b) in enumerate(zip(p.shape, gradWeight.size)):
            if b != n:
                p = th_sum_dim(p, d)
    if gradWeight.is_contiguous():
        th_axpy(scale, p, gw)
    else:
        gw += rt(scale) * p.reshape(gw.shape)


@kernel
def CAdd_updateOutput(input, output, bias):
    x, b, _ = _elementwise_view(input, bias)
    o = like(output, input)
    np.add(x, b, out=o.reshape(x.shape))


@kernel
def CAdd_updateGradInput(gradOutput, gradInput):
    _copy_into(gradInput, gradOutput)


def _acc_expanded(gb, scale, g, case, param):
    """TH's add(scale, gradOutput) into the parameter expanded as gradOutput (stride 0 along the
    reduced dimensions): each element gets gb + scale * g[r] (real maths) row after row."""
    rows = _rows_first(g, case, param)
    if rows.shape[0] == 1 and gb.flags.c_contiguous and g.flags.c_contiguous:
        th_axpy(scale, rows[0], gb)             # a single row is contiguous: axpy
        return
    rt = gb.dtype.type
    stack = np.empty((rows.shape[0] + 1, rows.shape[1]), gb.dtype)
    stack[0] = gb.reshape(-1)
    np.multiply(rows, rt(scale), out=stack[1:])
    np.add.accumulate(stack, axis=0, out=stack)
    gb[...] = stack[-1].reshape(gb.shape)


@kernel
def CAdd_accGradParameters(input, gradOutput, gradBias, scale):
    g, _, case = _elementwise_view(gradOutput, gradBias)
    gb = gradBias.arr()
    if not _host(gb):
        gb += scale * _reduce_to(g, gradBias, case)
    elif case == 'flat':
        if gradBias.is_contiguous() and gradOutput.is_contiguous():
            th_axpy(scale, g, gb)
        else:
            gb += gb.dtype.type(scale) * g.reshape(gb.shape)
    else:
        _acc_expanded(gb, scale, g, case, gradBias)


# ----------------------------------------------------------------------------- Add, Mul


def _add_batch(input, bias):
    if input.dim() == 0 or input.nelement() != input.size[0] * bias.nelement():
        raise TorchError('input of size %s does not match the bias of size %s' % (
            'x'.join(map(str, input.size)) or 'empty', 'x'.join(map(str, bias.size))))
    return input.size[0]


@kernel
def Add_updateOutput(input, output, bias, scalar):
    x, b = input.arr(), bias.arr()
    o = like(output, input)
    if scalar:
        np.add(x, b[0], out=o)
    elif input.size == bias.size:
        np.add(x, b, out=o)
    else:
        bs = _add_batch(input, bias)
        np.add(x.reshape(bs, -1), b.reshape(1, -1), out=o.reshape(bs, -1))


@kernel
def Add_updateGradInput(gradOutput, gradInput):
    _copy_into(gradInput, gradOutput)


@kernel
def Add_accGradParameters(input, gradOutput, gradBias, scale):
    g, gb = gradOutput.arr(), gradBias.arr()
    host = _host(gb)
    if gradBias.size[0] == 1:
        # gradBias[1] = gradBias[1] + scale * gradOutput:sum() (Lua numbers; sumall in accreal)
        if host:
            tot = float(seq_sum(g.reshape(-1), 0, np.float64))
            gb[0] = float(gb[0]) + scale * tot
        else:
            gb[0] += scale * g.sum(dtype=gradOutput.ttype.acc)
    elif input.size == gradBias.size:
        if host and gradBias.is_contiguous() and gradOutput.is_contiguous():
            th_axpy(scale, g, gb)                # gradBias:add(scale, gradOutput)
        else:
            gb += scale * g
    else:
        bs = _add_batch(input, gradBias)
        g2 = g.reshape(bs, -1)
        # gradBias:view(-1):addmv(scale, gradOutput:view(bs, -1):t(), ones): one BLAS gemv
        if not (host and gradBias.is_contiguous()
                and cblas.gemv_t_acc(scale, g2, ones(bs, gb.dtype), gb.reshape(-1))):
            gb += scale * g2.sum(axis=0).reshape(gb.shape)


@kernel
def Mul_updateOutput(input, output, weight):
    np.multiply(input.arr(), weight.arr()[0], out=like(output, input))


@kernel
def Mul_updateGradInput(input, gradOutput, gradInput, weight):
    # gradInput:resizeAs(input):zero():add(w, gradOutput): 0 + w * g (-0 becomes +0); the BLAS
    # axpy of contiguous tensors does nothing at all for w = 0
    gi = like(gradInput, input)
    w = weight.arr()[0]
    if _host(gi) and w == 0 and gradOutput.is_contiguous() and gradOutput.nelement() == gi.size:
        gi[...] = 0
        return
    np.multiply(gradOutput.arr().reshape(gi.shape), w, out=gi)
    if _host(gi):
        gi += gi.dtype.type(0)


@kernel
def Mul_accGradParameters(input, gradOutput, gradWeight, scale):
    if input.nelement() != gradOutput.nelement():
        raise TorchError('inconsistent tensor size')
    x, g = input.arr().ravel(), gradOutput.arr().ravel()
    # gradWeight[1] = gradWeight[1] + scale * input:dot(gradOutput), in Lua numbers (doubles);
    # the dot is the BLAS's (sdot gives a float for FloatTensors)
    gw = gradWeight.arr()
    gw[0] = float(gw[0]) + scale * float(np.dot(x, g))


# ----------------------------------------------------------------------------- Bilinear


@kernel
def Bilinear_updateOutput(input1, input2, output, weight, bias):
    x1, x2, w = input1.arr(), input2.arr(), weight.arr()
    if not _host(x1):
        return _bilinear_forward_device(input1, input2, output, weight, bias)
    # nn.Bilinear, k by k: buff = x1 @ W[k] (gemm), buff *= x2, output[:, k] = TH's sum along
    # the unit-stride dimension (accreal, one by one); then + bias (real)
    o = out(output, (input1.size[0], weight.size[0]))
    for k in range(w.shape[0]):
        p = np.matmul(x1, w[k])
        p *= x2
        o[:, k] = seq_sum(p, 1, np.float64)
    if bias is not None:
        o += bias.arr()


@kernel
def Bilinear_updateGradInput(input1, input2, gradOutput, gradInput1, gradInput2, weight):
    x1, x2, w, g = input1.arr(), input2.arr(), weight.arr(), gradOutput.arr()
    if not _host(x1):
        return _bilinear_backward_device(input1, input2, gradOutput, gradInput1, gradInput2,
                                         weight)
    # nn.Bilinear: gi1 = (x2 @ W[1]^T) * g[:, 1]; gi2 = (0 + x1 @ W[1]) * g[:, 1] (addmm into
    # zeros); then for each further k the same products added (real maths)
    g1 = like(gradInput1, input1)
    g2 = like(gradInput2, input2)
    for k in range(w.shape[0]):
        a = np.matmul(x2, w[k].T)
        b = np.matmul(x1, w[k])
        gk = g[:, k:k + 1]
        if k == 0:
            b += b.dtype.type(0)
            np.multiply(a, gk, out=g1)
            np.multiply(b, gk, out=g2)
        else:
            a *= gk
            b *= gk
            g1 += a
            g2 += b


@kernel
def Bilinear_accGradParameters(input1, input2, gradOutput, gradWeight, gradBias, scale):
    x1, x2, g = input1.arr(), input2.arr(), gradOutput.arr()
    gw = gradWeight.arr()
    if not _host(gw):
        return _bilinear_acc_device(input1, input2, gradOutput, gradWeight, gradBias, scale)
    # nn.Bilinear: gradWeight[k]:addmm(buff:t(), x2) with buff = x1 * g[:, k] (no scale: Torch7
    # applies it to the bias only); gradBias:add(scale, gradOutput:sum(1))
    x2c = np.ascontiguousarray(x2)
    for k in range(gw.shape[0]):
        buff = x1 * g[:, k:k + 1]
        if not cblas.gemm_tn_acc(buff, x2c, gw[k]):
            gw[k] += buff.T @ x2c
    if gradBias is not None:
        gb = gradBias.arr()
        s = th_sum_dim(np.ascontiguousarray(g), 0)
        if gradBias.is_contiguous():
            th_axpy(scale, s, gb)
        else:
            gb += gb.dtype.type(scale) * s.reshape(gb.shape)


def _bilinear_forward_device(input1, input2, output, weight, bias):
    # y[b, k] = x1[b] . W[k] . x2[b] + bias[k]
    x1, x2, w = input1.arr(), input2.arr(), weight.arr()
    t = np.tensordot(x1, w, axes=([1], [1]))             # (b, k, j)
    o = out(output, (input1.size[0], weight.size[0]))
    np.matmul(t, x2[:, :, None], out=o[:, :, None])
    if bias is not None:
        o += bias.arr()


def _bilinear_a(gradOutput, weight):
    """A[b, i, j] = sum_k g[b, k] W[k, i, j]."""
    k, i, j = weight.size
    a = gradOutput.arr() @ weight.arr().reshape(k, i * j)
    return a.reshape(-1, i, j)


def _bilinear_backward_device(input1, input2, gradOutput, gradInput1, gradInput2, weight):
    a = _bilinear_a(gradOutput, weight)
    x1, x2 = input1.arr(), input2.arr()
    g1 = like(gradInput1, input1)
    g2 = like(gradInput2, input2)
    np.matmul(a, x2[:, :, None], out=g1[:, :, None])
    np.matmul(x1[:, None, :], a, out=g2[:, None, :])


def _bilinear_acc_device(input1, input2, gradOutput, gradWeight, gradBias, scale):
    x1, x2, g = input1.arr(), input2.arr(), gradOutput.arr()
    k, i, j = gradWeight.size
    outer = (x1[:, :, None] * x2[:, None, :]).reshape(-1, i * j)
    gw = gradWeight.arr()
    gw += (scale * (g.T @ outer)).reshape(k, i, j)
    if gradBias is not None:
        gb = gradBias.arr()
        gb += scale * g.sum(axis=0)


# ----------------------------------------------------------------------------- MM


def _mm_operands(a, b, transA, transB):
    x, y = a.arr(), b.arr()
    if a.dim() not in (2, 3):
        raise TorchError('input tensors must be 2D or 3D')
    if a.dim() == 2:
        if b.dim() != 2:
            raise TorchError('second input tensor must be 2D')
        if transA:
            x = x.T
        if transB:
            y = y.T
        if x.shape[1] != y.shape[0]:
            raise TorchError('matrix sizes do not match')
    else:
        if b.dim() != 3:
            raise TorchError('second input tensor must be 3D')
        if a.size[0] != b.size[0]:
            raise TorchError('inputs must contain the same number of minibatches')
        if transA:
            x = x.transpose(0, 2, 1)
        if transB:
            y = y.transpose(0, 2, 1)
        if x.shape[2] != y.shape[1]:
            raise TorchError('matrix sizes do not match')
    return x, y


@kernel
def MM_updateOutput(a, b, output, transA, transB):
    x, y = _mm_operands(a, b, transA, transB)
    o = out(output, x.shape[:-1] + y.shape[-1:])
    np.matmul(x, y, out=o)


@kernel
def MM_updateGradInput(a, b, gradOutput, gradA, gradB, transA, transB):
    nd = gradOutput.dim()
    if nd not in (2, 3):
        raise TorchError('arguments must be a 2D or 3D Tensor')
    if a.dim() != nd:
        raise TorchError('first input tensor must be %dD' % nd)
    if b.dim() != nd:
        raise TorchError('second input tensor must be %dD' % nd)
    # with C = opA(A) opB(B): dopA = g opB^T and dopB = opA^T g (transposed back when op is ^T)
    x, y = _mm_operands(a, b, transA, transB)
    g = gradOutput.arr()
    gt = np.swapaxes(g, -1, -2)
    ga = like(gradA, a)
    gb = like(gradB, b)
    if transA:
        np.matmul(y, gt, out=ga)
    else:
        np.matmul(g, np.swapaxes(y, -1, -2), out=ga)
    if transB:
        np.matmul(gt, x, out=gb)
    else:
        np.matmul(np.swapaxes(x, -1, -2), g, out=gb)


# ----------------------------------------------------------------------------- LookupTable


def _indices(input, nrows, what='inputs'):
    """0-based int64 indices of a 1D/2D index tensor, range-checked against nrows."""
    idx = input.arr()
    if idx.dtype != np.int64:
        with np.errstate(invalid='ignore'):     # (NaN: C's conversion gives the lowest long)
            idx = idx.astype(np.int64)
    if idx.size:
        lo, hi = int(idx.min()), int(idx.max())
        if lo < 1 or hi > nrows:
            bad = lo if lo < 1 else hi
            raise TorchError('%s need to be in the range 1 <= input < %d, but got input of value: %d'
                             % (what, nrows + 1, bad))
    return idx - 1


@kernel
def LookupTable_updateOutput(input, output, weight):
    if input.dim() not in (1, 2):
        raise TorchError('input must be a vector or matrix')
    idx = _indices(input, weight.size[0], 'input')
    o = out(output, input.size + (weight.size[1],))
    if input.ttype.cuda is not weight.ttype.cuda:   # host indices for a Cuda table (cunn copies them)
        idx = _xp.on_side(idx, o)
    np.take(weight.arr(), idx, axis=0, out=o)


@kernel
def LookupTable_accGradParameters(input, gradOutput, gradWeight, count, scaleGradByFreq,
                                  paddingValue, scale):
    if input.dim() not in (1, 2):
        raise TorchError('input must be a vector or matrix, but is of shape: %s'
                         % 'x'.join(map(str, input.size)))
    if not gradWeight.is_contiguous():
        raise TorchError('gradWeight must be contiguous')
    nrows, d = gradWeight.size
    idx = _indices(input, nrows).ravel()
    g = gradOutput.arr().reshape(-1, d)
    keep = input.arr().ravel() != paddingValue
    if not keep.all():
        idx, g = idx[keep], g[keep]
    gw = gradWeight.arr()
    if scaleGradByFreq:
        c = np.bincount(idx, minlength=nrows)
        if count is not None:
            np.copyto(out(count, (nrows,)), c, casting='unsafe')
    if not _host(gw):
        if scaleGradByFreq:
            g = g * (scale / c[idx])[:, None].astype(g.dtype)
        elif scale != 1:
            g = g * scale
        np.add.at(gw, idx, g)
        return
    # THNN: for each index in turn, axpy(d, scale_, gradOutput row, 1, gradWeight row, 1) with
    # scale_ = (real) scale, divided by the row's count (real maths) when scaling by frequency
    rt = gw.dtype.type
    s = rt(scale)
    if not scaleGradByFreq and s == 1:
        np.add.at(gw, idx, g)                   # 1 * g + w: one rounding either way
        return
    sc = (s / c[idx].astype(gw.dtype)) if scaleGradByFreq else np.full(len(idx), s, gw.dtype)
    # rows updated one after another; distinct rows are independent: batch the k-th
    # occurrences of every row (with one scale) into one axpy over gathered rows
    order = np.argsort(idx, kind='stable')
    sidx = idx[order]
    first = np.r_[0, np.flatnonzero(sidx[1:] != sidx[:-1]) + 1] if len(sidx) else sidx
    rank = np.empty(len(idx), np.int64)
    rank[order] = np.arange(len(idx)) - np.repeat(first, np.diff(np.r_[first, len(idx)]))
    g = np.ascontiguousarray(g)
    for r in range(int(rank.max()) + 1 if len(idx) else 0):
        sel = np.flatnonzero(rank == r)
        for val in np.unique(sc[sel]):
            pos = sel[sc[sel] == val]
            rows = idx[pos]
            tmp = gw[rows]
            th_axpy(val, g[pos], tmp)
            gw[rows] = tmp


@kernel
def LookupTable_renorm(input, weight, maxNorm, normType):
    if normType <= 0:
        raise TorchError('non-positive-norm not supported')
    if not weight.is_contiguous():
        raise TorchError('weight must be contiguous')
    rows = np.unique(_indices(input, weight.size[0], 'input').ravel())
    w = weight.arr()
    sub = w[rows]
    if not _host(w):
        if normType == 1:
            norm = np.abs(sub).sum(axis=1)
        elif normType == 2:
            norm = np.sqrt((sub * sub).sum(axis=1))
        else:
            norm = (np.abs(sub) ** normType).sum(axis=1) ** (1.0 / normType)
        big = norm > maxNorm
        if big.any():
            rows = rows[big]
            w[rows] = sub[big] * (maxNorm / (norm[big] + 1e-7))[:, None]
        return
    # THNN's renormRow (maxNorm, normType and norm `real`): norm accumulated element by element
    # (|x| or x * x in real; pow(|x|, p) in double, each sum rounded to real), then
    # norm = pow(norm, 1.0 / p) and, above maxNorm, row *= (real) (maxNorm / (norm + 1e-7))
    rt = w.dtype.type
    mx, p = rt(maxNorm), rt(normType)
    f64 = np.float64
    if p == 1:
        norm = seq_sum(np.abs(sub), 1, w.dtype)
    elif p == 2:
        norm = seq_sum(sub * sub, 1, w.dtype)
    else:
        terms = np.power(np.abs(sub).astype(f64), np.full(sub.shape, p, f64))
        norm = np.zeros(len(rows), w.dtype)
        for j in range(sub.shape[1]):
            norm[...] = norm.astype(f64) + terms[:, j]
    norm = np.power(norm.astype(f64), np.full(norm.shape, 1.0 / f64(p))).astype(w.dtype)
    big = norm > mx
    if big.any():
        factor = (f64(mx) / (norm[big].astype(f64) + 1e-7)).astype(w.dtype)
        w[rows[big]] = sub[big] * factor[:, None]
