"""t[k] and t[k] = v for every index form Torch accepts (numbers, tables, masks, index tensors)."""
import numpy as np

from . import tensor as T
from .errors import TorchError
from .storage import Storage, cast
from .tensor import Tensor


def _int(i, msg='index out of range'):
    """A Lua number used as an index, as an int (NaN and inf index nothing)."""
    try:
        return int(i)
    except (ValueError, OverflowError):
        raise TorchError(msg) from None


def _num_index(t, i):
    n = t.size[0]
    i = _int(i)
    if i < 0:
        i += n + 1
    if not 1 <= i <= n:
        raise TorchError('index out of range')
    return i


def get_number(t, i):
    """t[i]: an element of a 1-D tensor, else select(1, i)."""
    if not t.size:
        raise TorchError('index out of range')
    i = _num_index(t, i)
    if len(t.size) == 1:
        return t.storage.data.item(t.offset + (i - 1) * t.stride[0])
    return Tensor(t.ttype, t.storage, t.offset + (i - 1) * t.stride[0], t.size[1:], t.stride[1:])


def _view_for_table(t, idx):
    """Apply a table index {i, {a,b}, {}, ...}: (view, all_numbers)."""
    if len(idx) > len(t.size):
        raise TorchError('index out of range: too many indices')
    r = t
    d = 0  # current dimension in r (0-based)
    numbers = 0
    for k in idx:
        if isinstance(k, (int, float)) and not isinstance(k, bool):
            n = r.size[d]
            i = _int(k)
            if i < 0:
                i += n + 1
            if not 1 <= i <= n:
                raise TorchError('index out of range')
            numbers += 1
            if len(r.size) == 1:
                r = Tensor(r.ttype, r.storage, r.offset + (i - 1) * r.stride[0], (1,), (1,))
                d += 1
            else:
                r = T.select(r, d + 1, i)
        elif isinstance(k, (list, dict)):
            if isinstance(k, dict):
                k = [k[j] for j in sorted(k)]
            n = r.size[d]
            if len(k) == 0:
                d += 1
                continue
            s = int(k[0])
            e = int(k[1]) if len(k) > 1 else s
            if s < 0:
                s += n + 1
            if e < 0:
                e += n + 1
            if not (1 <= s <= n and s <= e <= n):
                raise TorchError('index out of range')
            r = T.narrow(r, d + 1, s, e - s + 1)
            d += 1
        else:
            raise TorchError('invalid index in table: number or table expected')
    return r, numbers == len(t.size) and numbers > 0


def get(t, k):
    """t[k] for a table, ByteTensor mask or LongTensor index."""
    if isinstance(k, Storage):   # t[LongStorage{i, j}]: the element at those coordinates
        k = [int(x) for x in k.data]
    if isinstance(k, (int, float)):
        return get_number(t, k)
    if isinstance(k, list):
        v, scalar = _view_for_table(t, k)
        if scalar:
            return v.storage.data.item(v.offset)
        if v is t:   # t[{}]: a new tensor viewing all of t, as in Torch
            v = Tensor(t.ttype, t.storage, t.offset, t.size, t.stride)
        return v
    if isinstance(k, Tensor):
        from . import construct
        if construct.is_mask(t, k):
            return construct.masked_select(None, t, k)
        if k.ttype.name == 'Long':
            return construct.index_select(None, t, 1, k)
    raise TorchError('invalid tensor index: number, table, ByteTensor or LongTensor expected')


def _assign(view, v):
    if isinstance(v, Tensor):
        T.copy(view, v)
    elif isinstance(v, (int, float)):
        view.arr()[...] = cast(np.asarray(v), view.ttype) if not view.ttype.is_float else v
    else:
        raise TorchError('number or tensor expected as value')


def set_number(t, i, v):
    if not t.size:
        raise TorchError('index out of range')
    i = _num_index(t, i)
    if len(t.size) == 1:
        if not isinstance(v, (int, float)):
            if isinstance(v, Tensor) and v.nelement() == 1:
                v = v.arr().reshape(-1)[0]
            else:
                raise TorchError('number expected')
        t.storage.data[t.offset + (i - 1) * t.stride[0]] = cast(np.asarray(v), t.ttype)
        return
    _assign(Tensor(t.ttype, t.storage, t.offset + (i - 1) * t.stride[0], t.size[1:], t.stride[1:]), v)


def set(t, k, v):
    if isinstance(k, Storage):
        k = [int(x) for x in k.data]
    if isinstance(k, (int, float)):
        return set_number(t, k, v)
    if isinstance(k, list):
        view, _ = _view_for_table(t, k)
        return _assign(view, v)
    if isinstance(k, Tensor):
        from . import construct
        if construct.is_mask(t, k):
            if isinstance(v, Tensor):
                return construct.masked_copy(t, k, v)
            return construct.masked_fill(t, k, v)
        if k.ttype.name == 'Long':
            if isinstance(v, Tensor):
                return construct.index_copy(t, 1, k, v)
            return construct.index_fill(t, 1, k, v)
    raise TorchError('invalid tensor index: number, table, ByteTensor or LongTensor expected')


def storage_get(s, i):
    i = _int(i, 'index out of bounds')
    if not 1 <= i <= s.data.shape[0]:
        raise TorchError('index out of bounds')
    return s.data.item(i - 1)


def storage_set(s, i, v):
    i = _int(i, 'index out of bounds')
    if not 1 <= i <= s.data.shape[0]:
        raise TorchError('index out of bounds')
    s.data[i - 1] = cast(np.asarray(v), s.ttype)
