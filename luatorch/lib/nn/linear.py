"""nn.Linear: y = W x + b, for a vector or a batch (matrix) of inputs."""
import numpy as np

from . import _util, kernel
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


def _host(*arrays):
    return all(type(a) is np.ndarray for a in arrays)


def _fits(w, x, y):
    """Host arrays of one type, contiguous, y apart from w and x (else numpy's copies)."""
    return (_host(w, x, y) and w.flags.c_contiguous and x.flags.c_contiguous
            and y.flags.c_contiguous and w.dtype == x.dtype == y.dtype and w.ndim == 2
            and not np.may_share_memory(y, w) and not np.may_share_memory(y, x))


def _addmv_rows(alpha, w, x, beta, y):
    """y = beta y + alpha w x for a C-contiguous (out, in) host matrix w and contiguous vectors:
    TH's addmv(y, beta, y, alpha, w, x), which takes w as the column-major (in, out) matrix:
    BLAS gemv('t', in, out, ..., lda in) (with in == 1, gemv('n', out, 1, ..., lda out)). False
    (nothing done) where the BLAS is not at hand or the arrays do not fit."""
    if not _fits(w, x, y):
        return False
    out_, in_ = w.shape
    if in_ == 1:
        return cblas.gemv('n', out_, 1, alpha, w, out_, x, 1, beta, y, 1)
    return cblas.gemv('t', in_, out_, alpha, w, in_, x, 1, beta, y, 1)


def _addmv_cols(alpha, w, x, beta, y):
    """y = beta y + alpha w^T x for a C-contiguous (out, in) host matrix w: TH's addmv with
    weight:t(), column-major (in, out) as it lies: gemv('n', in, out, ..., lda in)."""
    if not _fits(w, x, y):
        return False
    out_, in_ = w.shape
    return cblas.gemv('n', in_, out_, alpha, w, in_, x, 1, beta, y, 1)


@kernel
def Linear_updateOutput(input, output, weight, bias):
    # nn.Linear: a vector: output:copy(bias) (or zero), output:addmv(1, weight, input); a batch:
    # output:addmm(0, output, 1, input, weight:t()), output:addr(1, ones, bias). The same BLAS
    # calls here (cblas), so the same bits (the bias inside gemv's sums for a vector)
    # (with LUATORCH_NN_EXACT_BLAS=1: otherwise numpy's products, then the bias)
    _check(input, weight)
    x, w = input.arr(), weight.arr()
    exact = _util.EXACT_BLAS
    if input.dim() == 1:
        o = out(output, (weight.size[0],))
        if exact:
            if bias is not None:
                o[...] = bias.arr()
            else:
                o[...] = 0
            if _addmv_rows(1.0, w, x, 1.0, o):
                return
            o += w @ x
            return
        np.dot(w, x, out=o) if o.flags.c_contiguous else o.__setitem__(Ellipsis, w @ x)
    else:
        o = out(output, (input.size[0], weight.size[0]))
        if not (exact and cblas.mm(1.0, x, w.T, 0.0, o)):
            if o.flags.c_contiguous:
                np.matmul(x, w.T, out=o)
            else:
                o[...] = x @ w.T
    if bias is not None:
        o += bias.arr()         # (ger with a vector of ones: each element + 1 * bias exactly)


@kernel
def Linear_updateGradInput(input, gradOutput, gradInput, weight):
    if input.dim() == 2 and input.size[0] >= 8 and weight.dim() == 2 and (
            gradOutput.size == (input.size[0], weight.size[0]) and input.size[1] == weight.size[1]):
        # a batch: the product waits until something reads gradInput (deferred.py), as for the
        # first layer of a network nothing does
        resize(gradInput, input.size)
        if deferred.defer(gradInput, _grad_input, (input.size, gradOutput, gradInput, weight), (1, 3),
                          share=(3,)):
            return
    _grad_input(input.size, gradOutput, gradInput, weight)


def _grad_input(size, gradOutput, gradInput, weight):
    """gradInput (of `size`) = gradOutput W: nn.Linear's gradInput:addmv(0, 1, weight:t(),
    gradOutput) / addmm(0, 1, gradOutput, weight), as those BLAS calls."""
    w, g = weight.arr(), gradOutput.arr()
    gi = out(gradInput, size)
    if _util.EXACT_BLAS:
        if len(size) == 1:
            if not _addmv_cols(1.0, w, g, 0.0, gi):
                gi[...] = g @ w
        elif not cblas.mm(1.0, g, w, 0.0, gi):
            gi[...] = g @ w
    elif len(size) == 1 and gi.dtype == g.dtype == w.dtype:
        np.dot(g, w, out=gi)
    elif len(size) != 1 and gi.flags.c_contiguous:
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
            # (with LUATORCH_NN_EXACT_BLAS=1; by default the rows summed in order, then added)
            gb = gradBias.arr()
            if not (_util.EXACT_BLAS and cblas.gemv_t_acc(scale, g, _util.ones(g.shape[0], g.dtype), gb)):
                s = g.sum(0)
                gb += s if scale == 1 else scale * s
