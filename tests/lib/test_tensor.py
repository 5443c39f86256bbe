"""luatorch.lib.tensor's geometry rules (TH's resizeNd), the geometry epoch the binding relies
on, and construct's sequence builders (range, linspace, logspace) against TH's arithmetic."""
import numpy as np
import pytest

from luatorch.lib import construct  # noqa: F401  (declares the ops)
from luatorch.lib import tensor as T
from luatorch.lib import types
from luatorch.lib.errors import TorchError
from luatorch.lib.registry import OPS
from luatorch.lib.storage import EPOCH, Storage


def test_resize_to_the_same_size_keeps_strides():
    t = T.empty(types.Double, (4, 4))
    v = T.narrow(t, 2, 1, 2)
    assert T.resize(v, (4, 2)) is v and v.stride == (4, 1)
    T.resize(v, (2, 4))
    assert v.stride == (4, 1) and v.size == (2, 4)
    T.resize(v, (3,))
    assert v.stride == (1,)


def test_resize_stops_at_the_first_non_positive_size():
    t = T.empty(types.Double, (2,))
    T.resize(t, (3, 0, 2))
    assert t.size == (3,) and t.stride == (1,)
    T.resize(t, (0, 5))
    assert t.size == () and t.nelement() == 0


def test_resize_with_strides_uses_the_given_ones():
    t = T.empty(types.Float, ())
    T.resize(t, (2, 3), (1, 2))
    assert t.stride == (1, 2) and t.storage.size() >= 6
    T.resize(t, (2, 3), (-1, 2))            # same size, given strides agree: unchanged
    assert t.stride == (1, 2)
    T.resize(t, (3, 3), (-1, 2))            # a negative stride: from the next one, as TH
    assert t.stride == (6, 2)


def test_geometry_changes_bump_the_epoch():
    t = T.empty(types.Double, (2, 2))
    e = EPOCH[0]
    T.resize(t, (2, 2))
    assert EPOCH[0] == e                    # nothing changed
    T.resize(t, (3, 3))
    assert EPOCH[0] > e
    e = EPOCH[0]
    T.set_(t, T.empty(types.Double, (5,)))
    assert EPOCH[0] > e
    e = EPOCH[0]
    s = Storage(types.Double, 4)
    s.resize(4)
    assert EPOCH[0] == e
    s.resize(8)
    assert EPOCH[0] > e


def call(name, *args):
    return OPS[name].fn(*args)


def test_range_counts_in_the_element_type_and_truncates_bounds_for_integers():
    r = call('range', T.empty(types.Long), 0.5, 7.9, 2)
    assert r.arr().tolist() == [0, 2, 4, 6]
    assert call('range', 5, 1, -1.5).arr().tolist() == [5.0, 3.5, 2.0]
    assert call('range', T.empty(types.Byte), 250, 260).arr().tolist() == [250, 251, 252, 253, 254, 255, 0, 1, 2, 3, 4]
    with pytest.raises(TorchError, match="bad argument #3 to 'range'"):
        call('range', 1, 2, 0)


def test_linspace_uses_ths_float_arithmetic():
    r = call('linspace', T.empty(types.Float), 0.1, 0.7, 7)
    a, b = np.float32(0.1), np.float32(0.7)
    i = np.arange(7, dtype=np.float32)
    want = a + i * (b - a) / np.float32(6)
    assert r.ttype is types.Float and (r.arr() == want).all()
    d = call('linspace', 0, 1, 10).arr()
    assert (d == 0.0 + np.arange(10.0) * 1.0 / 9.0).all()


def test_sequences_keep_a_result_with_the_right_count():
    x = T.empty(types.Double, (2, 3))
    x.arr()[...] = 0
    y = T.narrow(x, 2, 2, 2)
    assert call('logspace', y, 0, 3, 4) is y
    assert y.size == (2, 2) and x.arr().tolist() == [[0, 1, 10], [0, 100, 1000]]
    assert call('logspace', 0, 0, 1).arr().tolist() == [1.0]
    with pytest.raises(TorchError, match='invalid number of points'):
        call('linspace', 0, 1, 1)
    with pytest.raises(TorchError, match='invalid arguments'):
        call('linspace', T.empty(types.Long), 0, 1, 3)


def test_copy_is_bit_exact_for_big_contiguous_tensors():
    # big same-type copies go through a ufunc on the bits (not memcpy): -0, NaN payloads and
    # every integer type unchanged
    from luatorch.lib import tensor as T, types
    rng = np.random.default_rng(6)
    for tt in (types.Double, types.Float, types.Long, types.Int, types.Short, types.Byte):
        src = T.empty(tt, (40, 50))
        bits = rng.integers(0, 256, src.arr().nbytes, dtype=np.uint8)
        src.arr().reshape(-1).view(np.uint8)[...] = bits
        dst = T.empty(tt, (2000,))
        T.copy(dst, src)
        assert dst.arr().tobytes() == src.arr().tobytes()
        cl = T.clone(src)
        assert cl.arr().tobytes() == src.arr().tobytes()
