"""Table layers and containers that join tensors: JoinTable (also used by Concat and Parallel to
join their children's outputs) and its backward pass, which hands each input its slice; the
two-input case of CAddTable and CMulTable in one call.

`dim` is 1-based and already positive (the Lua side resolves negative and batch dimensions).
Pieces are copied as TH's narrow + copy would: a piece may differ in shape from its slot as long
as the element counts agree (copied in row-major order).
"""
import numpy as np

from . import kernel
from ._util import out
from ..errors import TorchError
from ..tensor import Tensor, put, resize_as


def _place(dst, src, what):
    """dst[...] = src (TH copy: same number of elements, any shapes)."""
    if dst.shape == src.shape:
        dst[...] = src
    elif dst.size == src.size:
        dst[...] = src.reshape(dst.shape)
    else:
        raise TorchError('inconsistent tensor size, expected %s [%s] to have the same number of '
                         'elements as %s [%s]' % (
                             'slot', ' x '.join(map(str, dst.shape)),
                             what, ' x '.join(map(str, src.shape))))


def _joined_size(tensors, dim):
    if not tensors:
        raise TorchError('JoinTable: a non-empty table of tensors expected')
    first = tensors[0].size
    if not 1 <= dim <= len(first):
        raise TorchError('dimension %d out of range of %dD tensor' % (dim, len(first)))
    size = list(first)
    for t in tensors[1:]:
        if t.dim() < dim:
            raise TorchError('dimension %d out of range of %dD tensor' % (dim, t.dim()))
        size[dim - 1] += t.size[dim - 1]
    return size


@kernel
def JoinTable_updateOutput(inputs, output, dim):
    """output = the tensors of `inputs` concatenated along dim (sizes: the first input's, with
    dim summed over all)."""
    o = out(output, _joined_size(inputs, dim))
    ax = dim - 1
    index = [slice(None)] * o.ndim
    offset = 0
    for t in inputs:
        n = t.size[ax]
        index[ax] = slice(offset, offset + n)
        _place(o[tuple(index)], t.arr(), 'input')
        offset += n


@kernel
def JoinTable_updateGradInput(inputs, gradOutput, gradInputs, dim):
    """gradInputs[i] = the slice of gradOutput along dim where inputs[i] went (resized like it)."""
    g = gradOutput.arr()
    ax = dim - 1
    if g.ndim <= ax:
        raise TorchError('dimension %d out of range of %dD tensor' % (dim, g.ndim))
    index = [slice(None)] * g.ndim
    offset = 0
    for t, gi in zip(inputs, gradInputs):
        n = t.size[ax]
        if offset + n > g.shape[ax]:
            raise TorchError('gradOutput is too small along dimension %d' % dim)
        index[ax] = slice(offset, offset + n)
        _place(out(gi, t.size), g[tuple(index)], 'gradOutput slice')
        offset += n


# ----------------------------------------------------------------------------- CAddTable, CMulTable
# The commonest case, two inputs of one type and size (an LSTM's gates), in one call instead of
# the modules' resizeAs / copy / add (cmul) steps: the same single rounding per element (a copy
# then one in-place op), so the same bits. Each returns False, having written nothing but the
# resize the step-by-step code does first, when the tensors are not such (other types or sizes,
# a result overlapping an operand): the Lua module then goes step by step.

def _two(a, b, g=None):
    """a, b (and g) host tensors of one type and size."""
    if (type(a) is not Tensor or type(b) is not Tensor or a.ttype is not b.ttype
            or a.size != b.size or a.ttype.cuda):
        return False
    return g is None or type(g) is Tensor and g.ttype is a.ttype and g.size == a.size


def _result(t, like, *operands):
    """t resized as `like` (TH resizeAs), its array; None when it may overlap an operand."""
    if type(t) is not Tensor or t.ttype is not like.ttype:
        return None
    resize_as(t, like)
    r = t.arr()
    for x in operands:
        if np.may_share_memory(r, x):
            return None
    return r


def _binary(ufunc, output, a, b):
    """output = ufunc(a, b) for _two's tensors; False when not such."""
    if not _two(a, b):
        return False
    x, y = a.arr(), b.arr()
    o = _result(output, a, x, y)
    if o is None:
        return False
    ufunc(x, y, out=o)


@kernel
def CAddTable_updateOutput2(output, a, b):
    """output = a + b (resizeAs(a):copy(a):add(b))."""
    return _binary(np.add, output, a, b)


@kernel
def CMulTable_updateOutput2(output, a, b):
    """output = a * b (resizeAs(a):copy(a):cmul(b))."""
    return _binary(np.multiply, output, a, b)


@kernel
def CAddTable_updateGradInput2(gradOutput, a, b, gradA, gradB):
    """gradA, gradB = copies of gradOutput (resizeAs(input[i]):copy(gradOutput))."""
    if not _two(a, b, gradOutput):
        return False
    g = gradOutput.arr()
    ga = _result(gradA, a, g)
    gb = ga is not None and _result(gradB, b, g, ga)
    if gb is None or gb is False:
        return False
    put(ga, g)
    put(gb, g)


@kernel
def CMulTable_updateGradInput2(gradOutput, a, b, gradA, gradB):
    """gradA = gradOutput * b, gradB = gradOutput * a (resizeAs(input[i]):copy(gradOutput)
    :cmul(the other input))."""
    if not _two(a, b, gradOutput):
        return False
    g, x, y = gradOutput.arr(), a.arr(), b.arr()
    ga = _result(gradA, a, g, x, y)
    gb = ga is not None and _result(gradB, b, g, x, y, ga)
    if gb is None or gb is False:
        return False
    np.multiply(g, y, out=ga)
    np.multiply(g, x, out=gb)
