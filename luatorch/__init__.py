"""luatorch: legacy Torch7 code, run unchanged on Python, numpy and LuaJIT."""
from .lib.tensor import Tensor


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


__all__ = ['Runtime', 'Tensor', 'to_numpy', 'from_numpy']
