"""Distance and similarity layers: Euclidean, WeightedEuclidean, Cosine, Normalize.

Euclidean/WeightedEuclidean keep their templates as the columns of weight (inputSize x
outputSize); Cosine keeps them as rows (outputSize x inputSize). Inputs are a vector or a batch.
"""
import numpy as np

from . import kernel
from ._util import like, out
from .. import xp as _xp
from ..errors import TorchError


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


@kernel
def Euclidean_updateOutput(input, output, weight):
    # y_j = || x - w_j ||
    x, vector = _batch(input)
    d = _diff(x, weight)
    _write(output, np.sqrt(np.einsum('bij,bij->bj', d, d)), vector)


def _div(gradOutput, output, vector):
    """gradOutput / (output + 1e-7) as a (batch, outputSize) array."""
    g, y = gradOutput.arr(), output.arr()
    r = g / (y + 1e-7)
    return r[None, :] if vector else r.reshape(-1, output.size[-1])


@kernel
def Euclidean_updateGradInput(input, gradOutput, gradInput, weight, output):
    # dy_j/dx = (x - w_j) / y_j
    x, vector = _batch(input)
    r = _div(gradOutput, output, vector)
    gi = like(gradInput, input)
    gi[...] = np.einsum('bij,bj->bi', _diff(x, weight), r).reshape(gi.shape)


@kernel
def Euclidean_accGradParameters(input, gradOutput, gradWeight, weight, output, scale):
    # dy_j/dw_j = (w_j - x) / y_j
    x, vector = _batch(input)
    r = _div(gradOutput, output, vector)
    gw = gradWeight.arr()
    gw -= scale * np.einsum('bij,bj->ij', _diff(x, weight), r)


# ----------------------------------------------------------------------------- WeightedEuclidean


@kernel
def WeightedEuclidean_updateOutput(input, output, weight, diagCov):
    # y_j = || c_j * (x - w_j) ||
    x, vector = _batch(input)
    d = _diff(x, weight)
    d *= diagCov.arr()
    _write(output, np.sqrt(np.einsum('bij,bij->bj', d, d)), vector)


@kernel
def WeightedEuclidean_updateGradInput(input, gradOutput, gradInput, weight, diagCov, output):
    # dy_j/dx = c_j^2 (x - w_j) / y_j
    x, vector = _batch(input)
    r = _div(gradOutput, output, vector)
    c = diagCov.arr()
    gi = like(gradInput, input)
    gi[...] = np.einsum('bij,ij,bj->bi', _diff(x, weight), c * c, r).reshape(gi.shape)


@kernel
def WeightedEuclidean_accGradParameters(input, gradOutput, gradWeight, gradDiagCov, weight,
                                        diagCov, output, scale):
    # dy_j/dw_j = c_j^2 (w_j - x) / y_j ;  dy_j/dc_j = c_j (w_j - x)^2 / y_j
    x, vector = _batch(input)
    r = _div(gradOutput, output, vector)
    c = diagCov.arr()
    d = _diff(x, weight)
    gw = gradWeight.arr()
    gw -= scale * (c * c * np.einsum('bij,bj->ij', d, r))
    gc = gradDiagCov.arr()
    gc += scale * (c * np.einsum('bij,bij,bj->ij', d, d, r))


# ----------------------------------------------------------------------------- Cosine


def _cosine_norms(x, weight, weightNorm, inputNorm):
    w = weight.arr()
    if x.shape[1] != weight.size[1]:
        raise TorchError('input has %d features, the layer expects %d' % (x.shape[1], weight.size[1]))
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
    w, wn, xn = _cosine_norms(x, weight, weightNorm, inputNorm)
    y = x @ w.T
    y /= wn[:, 0]
    y /= xn
    _write(output, y, vector)


@kernel
def Cosine_updateGradInput(input, gradOutput, gradInput, weight, output, weightNorm, inputNorm):
    # dy_j/dx_i = w_ji / (||w_j|| ||x||) - y_j x_i / ||x||^2
    x, vector = _batch(input, 'input must be vector or matrix')
    g = gradOutput.arr().reshape(x.shape[0], -1)
    y = output.arr().reshape(g.shape)
    wn, xn = weightNorm.arr()[:, 0], inputNorm.arr()
    gi = (g / wn) @ weight.arr()
    gi -= x * ((g * y).sum(axis=1, keepdims=True) / xn)
    gi /= xn
    like(gradInput, input)[...] = gi.reshape(input.size)


@kernel
def Cosine_accGradParameters(input, gradOutput, gradWeight, weight, output, weightNorm,
                             inputNorm, scale):
    # dy_j/dw_ji = x_i / (||w_j|| ||x||) - y_j w_ji / ||w_j||^2
    x, vector = _batch(input, 'input must be vector or matrix')
    g = gradOutput.arr().reshape(x.shape[0], -1)
    y = output.arr().reshape(g.shape)
    wn, xn = weightNorm.arr(), inputNorm.arr()
    d = g.T @ (x / xn)
    d -= weight.arr() * (g * y).sum(axis=0)[:, None] / wn
    d /= wn
    gw = gradWeight.arr()
    gw += scale * d


# ----------------------------------------------------------------------------- Normalize


@kernel
def Normalize_updateOutput(input, output, norm, normp, indices, p, eps):
    """y = x / ||x||_p for a vector or each row of a matrix; norm (n,1) [normp (n,1): sum |x|^p
    + eps; indices (n,1): argmax |x| when p is inf] are kept for backward."""
    if input.dim() > 2:
        raise TorchError('only 1d layer supported')
    x = input.arr().reshape(-1, input.size[-1]) if input.dim() else input.arr()
    n = x.shape[0]
    nv = out(norm, (n, 1))
    if p == float('inf'):
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


@kernel
def Normalize_updateGradInput(input, gradOutput, gradInput, norm, normp, indices, p, eps):
    if input.dim() > 2 or gradOutput.dim() > 2:
        raise TorchError('only 1d layer supported')
    d = input.size[-1]
    x = input.arr().reshape(-1, d)
    g = gradOutput.arr().reshape(x.shape)
    nv = norm.arr()
    cross = (x * g).sum(axis=1, keepdims=True)
    if p == float('inf'):
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
