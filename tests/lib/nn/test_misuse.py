"""nn.misuse: which argument of a failed kernel call was of the wrong kind, in luaT's words."""
import numpy as np
import pytest

from luatorch.lib import types
from luatorch.lib.errors import TorchError
from luatorch.lib.nn import load_all, misuse
from luatorch.lib.tensor import empty, from_array

K = load_all()


def T(a, tt=types.Double):
    return from_array(np.asarray(a, dtype=tt.dtype), tt)


def explained(name, *args):
    """The message misuse gives for K[name](*args), which must fail."""
    fn = K[name]
    with pytest.raises(Exception) as info:
        fn(*args)
    e = misuse(fn, args, info.value)
    assert isinstance(e, TorchError), info.value
    return str(e)


def linear():
    return T(np.ones((3, 4))), T(np.zeros(3))


@pytest.mark.parametrize('bad,kind', [(3, 'number'), ('x', 'string'), ([], 'table'),
                                      ({'a': 1}, 'table'), (None, 'nil'), (True, 'boolean')])
def test_a_value_where_a_tensor_goes(bad, kind):
    w, b = linear()
    msg = explained('Linear_updateOutput', bad, empty(types.Double), w, b)
    assert msg == "bad argument #1 to 'Linear_updateOutput' (torch.DoubleTensor expected, got %s)" % kind


def test_the_expected_type_is_the_modules_own():
    w, b = (T(np.ones((3, 4)), types.Float), T(np.zeros(3), types.Float))
    msg = explained('Linear_updateOutput', 2, empty(types.Float), w, b)
    assert '(torch.FloatTensor expected, got number)' in msg


def test_a_table_holding_something_else():
    msg = explained('JoinTable_updateOutput', [T(np.ones(2)), 'x'], empty(types.Double), 1)
    assert msg == ("bad argument #1 to 'JoinTable_updateOutput' "
                   "(table of tensors expected, got string at index 2)")


def test_an_integer_tensor_where_a_float_one_goes():
    x = T(np.ones((2, 4), dtype=np.int64), types.Long)
    msg = explained('SoftPlus_updateOutput', x, empty(types.Double), 1, 20)   # (Lua's 1: an int)
    assert msg == ("bad argument #1 to 'SoftPlus_updateOutput' "
                   "(torch.DoubleTensor expected, got torch.LongTensor)")


def test_an_unrelated_failure_is_not_explained():
    fn = K['Linear_updateOutput']
    w, b = linear()
    args = (T(np.ones(4)), empty(types.Double), w, b)
    assert misuse(fn, args, ValueError('something else')) is None
    assert misuse(fn, args, TorchError('size mismatch')) is None
