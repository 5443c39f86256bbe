"""nn.Linear: y = W x + b, for a vector or a batch (matrix) of inputs."""
import numpy as np

from . import kernel
from ._util import out
from .. import cblas, deferred
from ..tensor import resize
from ..errors import TorchError


def _check(input, weight):
    d = input.dim()
    if d not in (1, 2):
        raise TorchError('input must be vector or matrix')
    if input.size[-1] != weight.size[1]:
        raise TorchError('size mismatch, m1: [%s], m2: [%d x %d]' % (
            ' x '.join(map(str, input.size if d == 2 else (1,) + input.size)),
            weight.size[1], weight.size[0]))


@kernel
def Linear_updateOutput(input, output, weight, bias):
    _check(input, weight)
    x, w = input.arr(), weight.arr()
    if input.dim() == 1:
        o = out(output, (weight.size[0],))
        np.dot(w, x, out=o) if o.flags.c_contiguous else o.__setitem__(Ellipsis, w @ x)
    else:
        o = out(output, (input.size[0], weight.size[0]))
        if o.flags.c_contiguous:
            np.matmul(x, w.T, out=o)
        else:
            o[...] = x @ w.T
    if bias is not None:
        o += bias.arr()


@kernel
def Linear_updateGradInput(input, gradOutput, gradInput, weight):
    if input.dim() == 2 and input.size[0] >= 8 and weight.dim() == 2 and (
            gradOutput.size == (input.size[0], weight.size[0]) and input.size[1] == weight.size[1]):
        # a batch: the product waits until something reads gradInput (deferred.py), as for the
        # first layer of a network nothing does
        resize(gradInput, input.size)
        if deferred.defer(gradInput, _grad_input, (input.size, gradOutput, gradInput, weight), (1, 3)):
            return
    _grad_input(input.size, gradOutput, gradInput, weight)


def _grad_input(size, gradOutput, gradInput, weight):
    """gradInput (of `size`) = gradOutput W."""
    w, g = weight.arr(), gradOutput.arr()
    gi = out(gradInput, size)
    if len(size) == 1:
        if gi.dtype == g.dtype == w.dtype:
            np.dot(g, w, out=gi)
        else:
            gi[...] = g @ w
    elif gi.flags.c_contiguous:
        np.matmul(g, w, out=gi)
    else:
        gi[...] = g @ w


_ONES = {}


def _ones(n, dtype):
    """nn.Linear's addBuffer: n ones of dtype (kept, read-only)."""
    key = (n, dtype)
    a = _ONES.get(key)
    if a is None:
        if len(_ONES) > 64:
            _ONES.clear()
        a = _ONES[key] = np.ones(n, dtype)
        a.flags.writeable = False
    return a


@kernel
def Linear_accGradParameters(input, gradOutput, gradWeight, gradBias, scale):
    x, g = input.arr(), gradOutput.arr()
    gw = gradWeight.arr()
    if input.dim() == 1:
        # gradWeight += scale * gradOutput input^T: one BLAS rank-1 update (as TH's addr) where
        # numpy's BLAS is at hand; else the outer product as a GEMM of depth 1 and an add, the
        # scale on the vector (one pass less)
        if not cblas.ger(scale, g, x, gw):
            gw += np.dot((g if scale == 1 else scale * g).reshape(-1, 1), x.reshape(1, -1))
        if gradBias is not None:
            # gradBias:add(scale, gradOutput): TH's in-place cadd, BLAS axpy (one rounding where
            # it fuses; with scale 1 the same as an add)
            gb = gradBias.arr()
            if scale == 1:
                gb += g
            elif not cblas.axpy(scale, g, gb):
                gb += scale * g
    else:
        # gradWeight:addmm(scale, gradOutput:t(), input): TH's one GEMM with alpha = scale and
        # beta = 1 onto gradWeight (OpenBLAS adds each depth block into it: see cblas.mm)
        if not cblas.mm(scale, g.T, x, 1.0, gw):
            gw += (g.T if scale == 1 else scale * g.T) @ x
        if gradBias is not None:
            # gradBias:addmv(scale, gradOutput:t(), ones): TH's BLAS gemv, whose order of
            # summing the rows is its own
            gb = gradBias.arr()
            ones = _ones(g.shape[0], g.dtype)
            if not cblas.gemv_t_acc(scale, g, ones, gb):
                s = g.sum(0)
                gb += s if scale == 1 else scale * s
