"""Small helpers shared by the nn kernels."""
import os

from ..errors import TorchError
from ..tensor import resize


# LUATORCH_NN_EXACT_BLAS=1: the convolutions and nn.Linear make exactly THNN's BLAS calls (one
# GEMM per sample with its m, n, k, the bias inside them, alpha = scale): Torch7's bits on this
# OpenBLAS and thread count. Off by default: those bits depend on the BLAS build and its thread
# count anyway (Torch7 on another machine gets others), and the calls cost LeNet at batch 32 a
# third of its speed (one GEMM per batch, padded rows, numpy's products otherwise). The
# element-wise maths, sums and libm calls are Torch7's in both modes.
EXACT_BLAS = os.environ.get('LUATORCH_NN_EXACT_BLAS', '0') == '1'


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
