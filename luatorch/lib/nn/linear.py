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
            gb = gradBias.arr()
            if scale == 1:
                gb += g
            else:
                gb += scale * g
    else:
        # scale 1: one GEMM adding into gradWeight (no temporary product; see cblas.gemm_tn_acc)
        if scale != 1 or not cblas.gemm_tn_acc(g, x, gw):
            gw += (g.T if scale == 1 else scale * g.T) @ x
        if gradBias is not None:
            gb = gradBias.arr()
            s = g.sum(0)
            gb += s if scale == 1 else scale * s
