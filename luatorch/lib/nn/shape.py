"""Modules that move elements around or reduce along a dimension: Narrow, Select, Transpose,
Replicate, Padding, Max, Min, Sum (and Mean).

Dimensions and indices arrive 1-based and already resolved by the Lua module (negative values
turned positive), as the module's own fields describe them.
"""
from math import prod

import numpy as np

from . import kernel
from ._util import like, out, th_sum as _th_sum
from .. import deferred
from .. import xp as _xp
from ..errors import TorchError
from ..tensor import contiguous, contiguous_strides, resize, set_, view


def _axis(t, dim, fname):
    if not 1 <= dim <= t.dim():
        raise TorchError("bad argument #2 to '%s' (dimension %d out of range of %dD tensor)"
                         % (fname, dim, t.dim()))
    return dim - 1


def _span(t, dim, first, length, fname='narrow'):
    ax = _axis(t, dim, fname)
    if not (1 <= first and length >= 0 and first - 1 + length <= t.size[ax]):
        raise TorchError("bad argument #3 to '%s' (out of range)" % fname)
    return (slice(None),) * ax + (slice(first - 1, first - 1 + length),)


# ----------------------------------------------------------------------------- Narrow, Select


@kernel
def Narrow_updateOutput(input, output, dim, first, length):
    part = input.arr()[_span(input, dim, first, length)]
    np.copyto(out(output, part.shape), part)


@kernel
def Narrow_updateGradInput(input, gradOutput, gradInput, dim, first, length):
    _span(input, dim, first, length)        # (Torch's range error)
    if gradOutput.nelement() != prod(input.size[:dim - 1]) * length * prod(input.size[dim:]):
        raise TorchError('inconsistent tensor size')
    if not deferred.refused(gradInput):
        # the zero-padded result waits until something reads it: nngraph sums the Narrows of
        # one node straight from their gradOutputs (gModule_sumGradients), as in an LSTM cell
        if gradInput.size != input.size or not gradInput.is_contiguous():
            resize(gradInput, input.size)
        if deferred.defer(gradInput, _narrow_grad,
                          (gradInput, gradOutput, dim, first, length, input.size), (1,)):
            return
    _narrow_grad(gradInput, gradOutput, dim, first, length, input.size)


def _narrow_grad(gradInput, gradOutput, dim, first, length, size):
    """gradInput (of `size`) = zeros, gradOutput in [first, first + length) of dim."""
    gi = out(gradInput, size)
    span = _span(gradInput, dim, first, length)
    g = gradOutput.arr()
    if np.may_share_memory(gi, g):
        gi[...] = 0
    else:   # zeros only around the slice (one pass less over it)
        ax, lo, hi = dim - 1, first - 1, first - 1 + length
        if lo > 0:
            gi[span[:-1] + (slice(0, lo),)] = 0
        if hi < gi.shape[ax]:
            gi[span[:-1] + (slice(hi, None),)] = 0
    view = gi[span]
    view[...] = g.reshape(view.shape)


@kernel
def gModule_sumGradients(buf, *gs):
    """nngraph's sum of the gradients a node received (buf = gs[0] + gs[1], then + gs[2] ...),
    computed from their gradOutputs when every one is a Narrow's gradInput not computed yet
    (deferred) of buf's size and type, their slices along one dimension apart: outside the
    slices the sum is +0, inside one it is that gradOutput + 0 (a -0 becomes +0, as adding the
    other gradients' zeros makes it). The Narrows' own gradInputs stay uncomputed. False
    (nothing done) otherwise: the caller sums them itself."""
    if len(gs) < 2 or not deferred.ENABLED:
        return False
    jobs = [deferred.job_of(g, _narrow_grad) for g in gs]
    if None in jobs or any(g.size != buf.size or g.ttype is not buf.ttype for g in gs):
        return False
    dim = jobs[0].args[2]
    spans = sorted((j.args[3] - 1, j.args[3] - 1 + j.args[4]) for j in jobs)
    if any(j.args[2] != dim for j in jobs) or any(
            a[1] > b[0] for a, b in zip(spans, spans[1:])):
        return False
    b = out(buf, buf.size)
    if any(np.may_share_memory(b, j.args[1].arr()) for j in jobs):
        return False
    ax = dim - 1
    lead = (slice(None),) * ax
    at = 0
    for lo, hi in spans + [(b.shape[ax], None)]:
        if lo > at:
            b[lead + (slice(at, lo),)] = 0
        at = hi
    for j in jobs:
        lo = j.args[3] - 1
        view = b[lead + (slice(lo, lo + j.args[4]),)]
        np.add(j.args[1].arr().reshape(view.shape), 0, out=view, casting='unsafe')
    return True


def _pick(t, dim, index):
    ax = _axis(t, dim, 'select')
    if not 1 <= index <= t.size[ax]:
        raise TorchError("bad argument #3 to 'select' (out of range)")
    return (slice(None),) * ax + (index - 1,)


@kernel
def Select_updateOutput(input, output, dim, index):
    part = input.arr()[_pick(input, dim, index)]
    np.copyto(out(output, part.shape or (1,)), part)


@kernel
def Select_updateGradInput(input, gradOutput, gradInput, dim, index):
    gi = like(gradInput, input)
    gi[...] = 0
    pick = _pick(input, dim, index)
    gi[pick] = gradOutput.arr().reshape(np.shape(gi[pick]))    # (of a vector: one element)


# ----------------------------------------------------------------------------- Transpose


def _order(nd, permutations, offset):
    order = list(range(nd))
    for a, b in permutations:
        a, b = a - 1 + offset, b - 1 + offset
        if not (0 <= a < nd and 0 <= b < nd):
            raise TorchError("bad argument #2 to 'transpose' (out of range)")
        order[a], order[b] = order[b], order[a]
    return order


@kernel
def Transpose_updateOutput(input, output, permutations, offset):
    t = input.arr().transpose(_order(input.dim(), permutations, offset))
    np.copyto(out(output, t.shape), t)


@kernel
def Transpose_updateGradInput(input, gradOutput, gradInput, permutations, offset):
    order = _order(input.dim(), permutations, offset)
    t = gradOutput.arr().transpose([order.index(k) for k in range(len(order))])
    np.copyto(out(gradInput, t.shape), t)


# ----------------------------------------------------------------------------- Replicate


@kernel
def Replicate_updateOutput(input, output, nfeatures, rdim):
    """output: a view of input with a new dimension rdim of size nfeatures and stride 0."""
    nd = input.dim()
    if rdim > nd + 1:
        raise TorchError('Not enough input dimensions to replicate along dimension %d.' % rdim)
    size = input.size[:rdim - 1] + (int(nfeatures),) + input.size[rdim - 1:]
    stride = input.stride[:rdim - 1] + (0,) + input.stride[rdim - 1:]
    set_(output, input.storage, input.offset, size, stride)


@kernel
def Replicate_updateGradInput(input, gradOutput, gradInput, rdim):
    gi = like(gradInput, input)
    if type(gi) is not np.ndarray:     # a device: its own sum
        gi[...] = gradOutput.arr().sum(axis=rdim - 1, dtype=gradOutput.ttype.acc).reshape(gi.shape)
    else:   # nn: gradInput:view(...):sum(gradOutput, rdim)
        np.copyto(gi, th_sum(gradOutput, rdim - 1).reshape(gi.shape))


# ----------------------------------------------------------------------------- Padding


def _padding_slices(input, dim, pad, index):
    """(input part, output part) slice pairs of nn.Padding; pad > 0 counts index from the right."""
    ax = _axis(input, dim, 'narrow')
    n = input.size[ax]
    if pad > 0:
        index = n - index + 2
    else:
        pad = -pad
    pre = (slice(None),) * ax
    if index == 1:
        return [(pre + (slice(0, n),), pre + (slice(pad, pad + n),))]
    if index == n + 1:
        return [(pre + (slice(0, n),), pre + (slice(0, n),))]
    if not 1 < index <= n:
        raise TorchError("bad argument #3 to 'narrow' (out of range)")
    k = index - 1
    return [(pre + (slice(0, k),), pre + (slice(0, k),)),
            (pre + (slice(k, n),), pre + (slice(k + pad, n + pad),))]


@kernel
def Padding_updateOutput(input, output, dim, pad, index, value):
    ax = _axis(input, dim, 'narrow')
    size = list(input.size)
    size[ax] += abs(int(pad))
    o = out(output, size)
    o[...] = value
    x = input.arr()
    for src, dst in _padding_slices(input, dim, pad, index):
        o[dst] = x[src]


@kernel
def Padding_updateGradInput(input, gradOutput, gradInput, dim, pad, index):
    gi = like(gradInput, input)
    g = gradOutput.arr()
    for src, dst in _padding_slices(input, dim, pad, index):
        gi[src] = g[dst]


# ----------------------------------------------------------------------------- Max, Min


def th_sum(t, ax):
    """THTensor_(sum)(r, t, ax) of a host tensor (_util.th_sum, in t's accreal)."""
    return _th_sum(t.arr(), ax, t.ttype.acc)


def _extremum(input, output, indices, dim, argfn, valfn, fname):
    """TH's max/min along a dimension: the first NaN if there is one, else the first extremum
    (ties, -0 against +0: the earlier element), its value and 1-based index."""
    ax = _axis(input, dim, fname)
    x = input.arr()
    i = argfn(x, axis=ax, keepdims=True)    # numpy's argmax/argmin: that same element
    o = out(indices, i.shape)
    if indices.ttype.cuda is input.ttype.cuda:
        np.add(i, 1, out=o)
    else:   # a LongTensor of indices for a Cuda input (nn.Max's own is one)
        _xp.put(o, i + 1)
    if type(x) is not np.ndarray:     # a device: its own max/min
        v = valfn(x, axis=ax, keepdims=input.dim() == 1)
    else:   # the element itself (np.max may give +0 for -0, another NaN)
        v = np.take_along_axis(x, i, axis=ax)
        if input.dim() > 1:
            v = v.squeeze(ax)
    np.copyto(out(output, v.shape), v)


def _scatter_back(input, gradOutput, gradInput, indices, dim):
    """gradInput: zeros with gradOutput placed where the extrema were."""
    ax = dim - 1
    gi = like(gradInput, input)
    i = indices.arr()
    if indices.ttype.cuda is not input.ttype.cuda:
        i = _xp.on_side(i, gi)
    pos = input.ttype.xp.arange(1, input.size[ax] + 1).reshape((-1,) + (1,) * (input.dim() - ax - 1))
    g = gradOutput.arr().reshape(i.shape)
    np.copyto(gi, np.where(pos == i, g, 0.0))


@kernel
def Max_updateOutput(input, output, indices, dim):
    _extremum(input, output, indices, dim, np.argmax, np.max, 'max')


@kernel
def Max_updateGradInput(input, gradOutput, gradInput, indices, dim):
    _scatter_back(input, gradOutput, gradInput, indices, dim)


@kernel
def Min_updateOutput(input, output, indices, dim):
    _extremum(input, output, indices, dim, np.argmin, np.min, 'min')


@kernel
def Min_updateGradInput(input, gradOutput, gradInput, indices, dim):
    _scatter_back(input, gradOutput, gradInput, indices, dim)


# ----------------------------------------------------------------------------- Sum, Mean


@kernel
def Sum_updateOutput(input, output, dim, sizeAverage, squeeze):
    ax = _axis(input, dim, 'sum')
    if type(input.arr()) is not np.ndarray:     # a device: its own sum
        s = input.arr().sum(axis=ax, keepdims=True, dtype=input.ttype.acc)
    else:
        s = np.expand_dims(th_sum(input, ax), ax)
    if squeeze and input.dim() > 1:
        s = s.squeeze(ax)
    o = out(output, s.shape)
    np.copyto(o, s, casting='unsafe')
    if sizeAverage:
        o /= input.size[ax]


@kernel
def Sum_updateGradInput(input, gradOutput, gradInput, dim, sizeAverage):
    ax = dim - 1
    keep = input.size[:ax] + (1,) + input.size[ax + 1:]
    gi = like(gradInput, input)
    gi[...] = gradOutput.arr().reshape(keep)
    if sizeAverage:
        gi /= input.size[ax]


# ----------------------------------------------------------------------------- View, Reshape


def _as_view(dst, src, size):
    """dst becomes a view of (contiguous) src with the given size (-1: inferred)."""
    size = tuple(size)
    if (dst.storage is src.storage and dst.offset == src.offset and dst.size == size
            and dst.is_contiguous() and src.is_contiguous()):
        return      # already that view (the steady state of a training loop)
    if -1 in size or not src.is_contiguous():
        size = view(src, size).size
    else:
        n = 1
        for s in size:
            n *= s
        if n != src.nelement():
            raise TorchError("bad argument #2 to 'view' (size mismatch)")
    set_(dst, src.storage, src.offset, size, contiguous_strides(size))


def _sizes(size):
    return size.data.tolist() if hasattr(size, 'data') else [int(s) for s in size]


@kernel
def View_updateOutput(input, output, size, numElements, numInputDims):
    """nn.View: the leading dimensions beyond numInputDims (or the ones left over once size is
    filled) form a batch dimension."""
    size = _sizes(size)
    isz = input.size
    ind = len(isz)
    maxdim = ind if numInputDims is None else int(numInputDims)
    ine = 1
    for s in isz[max(ind - maxdim, 0):]:
        ine *= s
    if numElements == 0 or ine % numElements != 0:
        raise TorchError('input view (%s) and desired view (%s) do not match' % (
            'x'.join(map(str, isz)), 'x'.join(map(str, size))))
    bsz = 1 if -1 in size else ine // numElements
    for s in isz[:max(ind - maxdim, 0)]:
        bsz *= s
    if bsz == 1 and (numInputDims is None or ind <= numInputDims):
        _as_view(output, input, size)
    else:
        _as_view(output, input, [bsz] + size)


@kernel
def View_updateGradInput(input, gradOutput, gradInput):
    _as_view(gradInput, gradOutput, input.size)


@kernel
def Reshape_updateOutput(input, output, size, nelement, batchMode):
    """nn.Reshape: input (copied first if not contiguous) viewed as size, or as a batch of size
    when it has a leading batch dimension (batchMode true, or nil and the sizes say so)."""
    size = _sizes(size)
    src = contiguous(input)
    if batchMode is False or (batchMode is None and input.nelement() == nelement
                              and input.size and input.size[0] != 1):
        _as_view(output, src, size)
    else:
        _as_view(output, src, [input.size[0] if input.size else 0] + size)


@kernel
def Reshape_updateGradInput(input, gradOutput, gradInput):
    _as_view(gradInput, contiguous(gradOutput), input.size)


@kernel
def Unsqueeze_updateOutput(input, output, pos):
    """output: a view of input with a singleton dimension inserted at pos (1-based)."""
    nd = input.dim()
    d = int(pos) - 1
    size = input.size[:d] + (1,) + input.size[d:]
    stride = input.stride[:d] + (1,) + input.stride[d:]
    set_(output, input.storage, input.offset, size, stride)
