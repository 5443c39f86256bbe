"""Table layers and containers that join tensors: JoinTable (also used by Concat and Parallel to
join their children's outputs) and its backward pass, which hands each input its slice.

`dim` is 1-based and already positive (the Lua side resolves negative and batch dimensions).
Pieces are copied as TH's narrow + copy would: a piece may differ in shape from its slot as long
as the element counts agree (copied in row-major order).
"""
from . import kernel
from ._util import out
from ..errors import TorchError


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
