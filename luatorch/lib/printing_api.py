"""tostring for Tensor and Storage objects (the formatting itself is in printing.py)."""
from .storage import Storage
from .tensor import Tensor
from .xp import to_host


def tensor_tostring(t):
    from .printing import tensor_tostring as fmt
    return fmt(to_host(t.arr() if t.size else t.arr()[:0]), t.ttype)


def storage_tostring(s):
    from .printing import storage_tostring as fmt
    return fmt(to_host(s.data), s.ttype)


__all__ = ['tensor_tostring', 'storage_tostring', 'Tensor', 'Storage']
