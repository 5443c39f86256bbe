"""luatorch: legacy Torch7 code, run unchanged on Python, numpy and LuaJIT."""
import os
import warnings

# (nn-conv) OpenBLAS's idle threads sleep at once instead of spinning ~0.1 s after each GEMM, so
# the nn kernels' own threads get the cores between GEMMs (read when numpy loads OpenBLAS)
os.environ.setdefault('OPENBLAS_THREAD_TIMEOUT', '4')

# Torch's C maths makes inf and NaN silently: numpy's floating-point warnings (overflow, invalid
# value, a NaN cast to an integer) from luatorch's own code are not shown, whatever the thread
warnings.filterwarnings('ignore', category=RuntimeWarning, module=r'luatorch\.')


def __getattr__(name):
    # luatorch.Tensor on first use: `th` starts (and may start again, reexec.py) before numpy loads
    if name == 'Tensor':
        from .lib.tensor import Tensor
        return Tensor
    raise AttributeError('module %r has no attribute %r' % (__name__, name))


def Runtime(*args, **kwargs):
    """A LuaJIT state with torch loaded (see luatorch.bindings.runtime.Runtime)."""
    from .bindings.runtime import Runtime as R
    return R(*args, **kwargs)


def to_numpy(t):
    """The numpy view of a tensor (no copy)."""
    return t.arr()


def from_numpy(a):
    """A tensor sharing memory with numpy array `a` (copied only when its layout needs it)."""
    from .lib.tensor import from_array
    return from_array(a, copy=False)


def load(path, mode='binary', referenced=True):
    """Read a Torch7 .t7 file without Lua: numpy arrays, dicts, lists, TorchObjects (lib/t7.py)."""
    from .lib.t7 import load as _load
    return _load(path, mode, referenced)


def save(path, obj, mode='binary', referenced=True):
    """Write numpy arrays, dicts, lists, numbers and strings as a Torch7 .t7 file (lib/t7.py)."""
    from .lib.t7 import save as _save
    return _save(path, obj, mode, referenced)


__all__ = ['Runtime', 'Tensor', 'to_numpy', 'from_numpy', 'load', 'save']
