"""The Cuda types' array module (luatorch/lib/xp.py) from Python: the type table entries, the
numpy fallback, and the routing of every array made for a Cuda type through the device module,
checked with a stand-in device (host memory of its own array class) so that a host array held
by a Cuda storage would show."""
import numpy as np
import pytest

from luatorch.lib import blas, construct, pointwise
from luatorch.lib import random as R
from luatorch.lib import tensor as T
from luatorch.lib import types, xp
from luatorch.lib.storage import Storage

Cuda = types.CUDA_BY_NAME['Float']
CudaDouble = types.CUDA_BY_NAME['Double']
CudaLong = types.CUDA_BY_NAME['Long']


# ----------------------------------------------------------------------------- the type table


def test_cuda_types_are_entries_of_the_one_table():
    names = [t.tensor_name for t in types.CUDA_TYPES]
    assert names == ['torch.CudaByteTensor', 'torch.CudaCharTensor', 'torch.CudaShortTensor',
                     'torch.CudaIntTensor', 'torch.CudaLongTensor', 'torch.CudaTensor',
                     'torch.CudaDoubleTensor', 'torch.CudaHalfTensor']
    assert Cuda.storage_name == 'torch.CudaStorage' and Cuda.dtype == np.float32
    assert CudaDouble.dtype == np.float64 and CudaLong.dtype == np.int64
    for t in types.CUDA_TYPES:
        assert t.cuda and types.BY_TENSOR_NAME[t.tensor_name] is t
        assert types.BY_STORAGE_NAME[t.storage_name] is t
        assert t.host.tensor_name == 'torch.%sTensor' % t.name and not t.host.cuda
        assert t.host.device is t and t.device is t
        assert t.acc == t.host.acc and t.is_float == t.host.is_float
    # the CPU lookups stay CPU
    assert types.BY_NAME['Float'] is types.Float and types.BY_DTYPE[np.dtype(np.float32)] is types.Float
    assert len({t.idx for t in types.ALL_TYPES}) == len(types.ALL_TYPES) == 16
    assert all(types.ALL_TYPES[t.idx - 1] is t for t in types.ALL_TYPES)


def test_cpu_types_use_numpy_and_fallback_cuda_types_too(monkeypatch):
    monkeypatch.setenv('LUATORCH_CUDA', 'cpu')
    xp.use(None)
    try:
        assert types.Double.xp is np and Cuda.xp is np and not xp.on_gpu()
        assert 'LUATORCH_CUDA=cpu' in xp.fallback_reason()
        t = T.empty(Cuda, (2, 3))
        assert type(t.storage.data) is np.ndarray and repr(t) == '<torch.CudaTensor of size 2x3>'
        assert xp.device_count() == 1 and xp.get_device() == 1
        free, total = xp.memory_usage()
        assert 0 <= free <= total
    finally:
        xp.use(None)


def test_mode_reads_the_environment(monkeypatch):
    monkeypatch.setenv('LUATORCH_CUDA', ' Strict ')
    assert xp.mode() == 'strict'
    monkeypatch.delenv('LUATORCH_CUDA')
    assert xp.mode() == ''


def test_without_cupy_the_reason_says_so(monkeypatch):
    monkeypatch.delenv('LUATORCH_CUDA', raising=False)
    try:
        import cupy  # noqa: F401 - only whether it imports
        pytest.skip('CuPy is installed here')
    except ImportError:
        pass
    xp.use(None)
    try:
        assert xp.device_module() is np and xp.fallback_reason() == 'CuPy is not installed'
    finally:
        xp.use(None)


# ----------------------------------------------------------------------------- a stand-in device


class DeviceArray(np.ndarray):
    """An array 'on the device': host memory, but its own class, as a CuPy array would be."""


class FakeDevice:
    """The part of CuPy's interface luatorch's lib uses to make and move arrays."""
    __name__ = 'fakedevice'
    ndarray = DeviceArray

    @staticmethod
    def zeros(n, dtype):
        return np.zeros(n, dtype).view(DeviceArray)

    @staticmethod
    def asarray(a):   # host -> device: a copy
        return np.array(np.asarray(a), copy=True).view(DeviceArray)

    @staticmethod
    def asnumpy(a):   # device -> host: a copy
        return np.array(a.view(np.ndarray), copy=True)

    @staticmethod
    def ascontiguousarray(a):
        return np.ascontiguousarray(a).view(DeviceArray)


@pytest.fixture
def device():
    xp.use(FakeDevice)
    yield FakeDevice
    xp.use(None)


def on_device(t):
    return type(t.storage.data) is DeviceArray and type(t.arr()) is DeviceArray


def test_allocation_views_and_resizes_are_device_arrays(device):
    assert Cuda.xp is device and types.Float.xp is np and xp.on_gpu()
    t = T.empty(Cuda, (3, 4))
    assert on_device(t)
    for v in (T.select(t, 1, 2), T.narrow(t, 2, 2, 2), T.transpose(t, 1, 2), T.view(t, (12,)),
              T.expand(T.view(t, (1, 12)), (3, 12)), T.unfold(T.view(t, (12,)), 1, 3, 3)):
        assert on_device(v) and np.shares_memory(v.arr(), t.arr())
    T.resize(t, (5, 5))
    assert on_device(t) and t.arr().shape == (5, 5)
    s = Storage(Cuda, 4)
    s.resize(9)
    assert type(s.data) is DeviceArray and s.size() == 9


def test_a_cuda_storage_never_holds_a_host_array(device):
    host = np.arange(6, dtype=np.float32)
    s = Storage(Cuda, data=host)
    assert type(s.data) is DeviceArray and not np.shares_memory(s.data, host)
    s.set_data(np.ones(3, np.float32))
    assert type(s.data) is DeviceArray
    # and a CPU storage never holds a device array
    c = Storage(types.Float, data=FakeDevice.asarray(host))
    assert type(c.data) is np.ndarray and list(c.data) == list(host)


def test_from_array_and_copies_cross_host_and_device(device):
    a = np.arange(12.).reshape(3, 4)
    t = T.from_array(a, Cuda)
    assert on_device(t) and t.arr().dtype == np.float32
    np.testing.assert_array_equal(np.asarray(t.arr()), a)
    back = T.to_type(t, types.Double)                       # device -> host
    assert type(back.arr()) is np.ndarray
    np.testing.assert_array_equal(back.arr(), a)
    up = T.to_type(T.from_array(a), CudaDouble)             # host -> device
    assert on_device(up)
    dst = T.empty(types.Float, (4, 3))
    T.copy(dst, t)                                          # copy device -> host, reshaped
    assert type(dst.arr()) is np.ndarray
    np.testing.assert_array_equal(dst.arr().reshape(-1), a.reshape(-1))
    d2 = T.empty(Cuda, (12,))
    T.copy(d2, T.from_array(a))                             # host -> device
    assert on_device(d2)
    np.testing.assert_array_equal(np.asarray(d2.arr()), a.reshape(-1))
    c = T.clone(T.transpose(t, 1, 2))
    assert on_device(c) and c.is_contiguous()
    assert on_device(T.from_array(FakeDevice.asarray(a.astype(np.float32)), copy=False, ttype=Cuda))


def test_maths_results_of_cuda_tensors_stay_on_the_device(device):
    a = T.from_array(np.arange(6.).reshape(2, 3), Cuda)
    b = T.from_array(np.ones((3, 2)), Cuda)
    r = blas.mm(None, a, b)
    assert r.ttype is Cuda and on_device(r)
    np.testing.assert_allclose(np.asarray(r.arr()), np.arange(6.).reshape(2, 3) @ np.ones((3, 2)))
    s = pointwise.add(None, a, 2.0)
    assert s.ttype is Cuda and on_device(s)
    np.testing.assert_allclose(np.asarray(s.arr()), np.arange(6.).reshape(2, 3) + 2)
    pointwise.add(a, a, a)                                  # in place
    assert on_device(a)
    np.testing.assert_allclose(np.asarray(a.arr()), 2 * np.arange(6.).reshape(2, 3))
    assert on_device(construct.clone(a))


def test_device_generators_are_separate_from_torchs(device):
    g = xp.generator()
    assert g is not R.default_generator and xp.generators() == [g]

    class Arg:
        ttype = Cuda
    assert xp.generator_for((Arg(),), R.default_generator) is g
    Arg.ttype = types.Float
    assert xp.generator_for((Arg(),), R.default_generator) is R.default_generator
    assert xp.generator_for((3,), R.default_generator) is R.default_generator
    xp.share_generator(R.default_generator)
    assert xp.generator() is R.default_generator


def test_set_device_checks_the_range(device):
    xp.set_device(1)
    assert xp.get_device() == 1
    with pytest.raises(ValueError):
        xp.set_device(2)
