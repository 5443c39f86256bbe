"""Small helpers shared by the nn kernels."""
from ..errors import TorchError
from ..tensor import resize


def out(t, size):
    """Resize t (TH's resizeNd) and return its numpy view (contiguous)."""
    if t.size == size or t.size == tuple(size):
        a = t.arr()
        if a.flags.c_contiguous:
            return a
    resize(t, size)
    return t.arr()


def like(t, src):
    """Resize t to src's size; its numpy view."""
    return out(t, src.size)


def check(cond, msg):
    if not cond:
        raise TorchError(msg)


def ndim_check(t, dims, what='input'):
    """Torch's '<dims>D tensor expected' check."""
    if t.dim() not in dims:
        raise TorchError('%s must be a %s tensor' % (
            what, ' or '.join('%dD' % d for d in dims)))
