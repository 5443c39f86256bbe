"""torch functions that don't belong to a maths family."""
from .registry import torch_fn
from .storage import Storage
from .tensor import Tensor


@torch_fn('_pointer', method=False)
def pointer(x):
    """An integer identifying a tensor's or storage's underlying object (torch.pointer)."""
    if isinstance(x, (Tensor, Storage)):
        return id(x)
    return None
