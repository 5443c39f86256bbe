"""Simple parametrised layers: Add, CAdd, Mul, CMul, Bilinear, MM, LookupTable.

CMul/CAdd accept an input with as many elements as the parameter (any shape), one of the same
number of dimensions whose sizes match or are 1 in the parameter (broadcast), or a batch: the
first dimension indexes samples, each holding as many elements as the parameter.
"""
import numpy as np

from . import kernel
from ._util import like, out
from .. import xp as _xp
from ..errors import TorchError


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
    np.multiply(g, w, out=gi.reshape(g.shape))


@kernel
def CMul_accGradParameters(input, gradOutput, gradWeight, scale):
    x, _, case = _elementwise_view(input, gradWeight)
    g = gradOutput.arr().reshape(x.shape)
    gw = gradWeight.arr()
    gw += scale * _reduce_to(x * g, gradWeight, case)


@kernel
def CAdd_updateOutput(input, output, bias):
    x, b, _ = _elementwise_view(input, bias)
    o = like(output, input)
    np.add(x, b, out=o.reshape(x.shape))


@kernel
def CAdd_updateGradInput(gradOutput, gradInput):
    _copy_into(gradInput, gradOutput)


@kernel
def CAdd_accGradParameters(input, gradOutput, gradBias, scale):
    g, _, case = _elementwise_view(gradOutput, gradBias)
    gb = gradBias.arr()
    gb += scale * _reduce_to(g, gradBias, case)


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
    if gradBias.size[0] == 1:
        gb[0] += scale * g.sum(dtype=gradOutput.ttype.acc)
    elif input.size == gradBias.size:
        gb += scale * g
    else:
        bs = _add_batch(input, gradBias)
        gb += scale * g.reshape(bs, -1).sum(axis=0).reshape(gb.shape)


@kernel
def Mul_updateOutput(input, output, weight):
    np.multiply(input.arr(), weight.arr()[0], out=like(output, input))


@kernel
def Mul_updateGradInput(input, gradOutput, gradInput, weight):
    gi = like(gradInput, input)
    np.multiply(gradOutput.arr().reshape(gi.shape), weight.arr()[0], out=gi)


@kernel
def Mul_accGradParameters(input, gradOutput, gradWeight, scale):
    if input.nelement() != gradOutput.nelement():
        raise TorchError('inconsistent tensor size')
    x, g = input.arr().ravel(), gradOutput.arr().ravel()
    gradWeight.arr()[0] += scale * float(np.dot(x, g))


# ----------------------------------------------------------------------------- Bilinear


@kernel
def Bilinear_updateOutput(input1, input2, output, weight, bias):
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


@kernel
def Bilinear_updateGradInput(input1, input2, gradOutput, gradInput1, gradInput2, weight):
    a = _bilinear_a(gradOutput, weight)
    x1, x2 = input1.arr(), input2.arr()
    g1 = like(gradInput1, input1)
    g2 = like(gradInput2, input2)
    np.matmul(a, x2[:, :, None], out=g1[:, :, None])
    np.matmul(x1[:, None, :], a, out=g2[:, None, :])


@kernel
def Bilinear_accGradParameters(input1, input2, gradOutput, gradWeight, gradBias, scale):
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
    if scaleGradByFreq:
        c = np.bincount(idx, minlength=nrows)
        if count is not None:
            np.copyto(out(count, (nrows,)), c, casting='unsafe')
        w = scale / c[idx]
        g = g * w[:, None].astype(g.dtype)
    elif scale != 1:
        g = g * scale
    np.add.at(gradWeight.arr(), idx, g)


@kernel
def LookupTable_renorm(input, weight, maxNorm, normType):
    if normType <= 0:
        raise TorchError('non-positive-norm not supported')
    if not weight.is_contiguous():
        raise TorchError('weight must be contiguous')
    rows = np.unique(_indices(input, weight.size[0], 'input').ravel())
    w = weight.arr()
    sub = w[rows]
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
