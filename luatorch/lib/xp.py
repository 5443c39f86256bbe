"""The array module ("xp") behind the Cuda tensor types: CuPy on a GPU, else numpy.

This is the one file of luatorch that imports cupy. Everything else asks the type table
(`types.TensorType.xp`: numpy for CPU types, `device_module()` for Cuda types) or the helpers
here, so there is one code path: a Cuda type's storages are arrays of the device module, and the
maths reaches them through numpy's own dispatch (ufuncs through `__array_ufunc__`, most numpy
functions through `__array_function__`, both implemented by CuPy) or through the helpers below
where an array is made or moved (allocation, views of a buffer, copies between host and device).

Without CuPy or without a visible GPU the device module is numpy: Cuda tensors then keep their
Torch names and run on the CPU (`require 'cutorch'` says so in one line on stderr);
LUATORCH_CUDA=strict makes that an error instead, LUATORCH_CUDA=cpu forces the CPU even where a
GPU is there. LUATORCH_CUDA=fake is a test hook: the device module is luatorch/lib/_fakedevice.py,
host memory behind CuPy's manners (no implicit conversion to numpy), so the Cuda test matrix checks
on a machine without a GPU that the device path never falls back to numpy.
"""
import os

import numpy as np

_S = {'module': None, 'cupy': None, 'reason': None, 'device': 0, 'generators': None}


def mode():
    """LUATORCH_CUDA: '' (use a GPU when there is one), 'strict' (require one), 'cpu' (never),
    'fake' (tests: the stand-in device of _fakedevice.py)."""
    return os.environ.get('LUATORCH_CUDA', '').strip().lower()


def _probe():
    """(cupy, None) when CuPy is installed and sees a GPU, else (None, why not)."""
    if mode() in ('cpu', 'off', '0', 'no', 'fake'):
        return None, 'LUATORCH_CUDA=%s' % os.environ.get('LUATORCH_CUDA')
    try:
        import cupy  # the one import of cupy in luatorch
    except ImportError as e:
        if e.name == 'cupy':
            return None, 'CuPy is not installed'
        return None, 'CuPy failed to load: %s' % e
    except Exception as e:  # noqa: BLE001 - a broken CUDA install is "no GPU"
        return None, 'CuPy failed to load: %s' % e
    try:
        n = cupy.cuda.runtime.getDeviceCount()
    except Exception as e:  # noqa: BLE001
        return None, 'no CUDA device (%s)' % (str(e).splitlines() or [''])[0]
    if n < 1:
        return None, 'no CUDA device'
    return cupy, None


def device_module():
    """The array module of the Cuda types (resolved once: cupy, or numpy as the fallback)."""
    m = _S['module']
    if m is None:
        cp, why = _probe()
        _S['cupy'], _S['reason'] = cp, why
        m = _S['module'] = cp if cp is not None else np
        if cp is None and mode() == 'fake':
            from . import _fakedevice   # test hook (see the module's docstring)
            m = _S['module'] = _fakedevice
            _S['reason'] = 'LUATORCH_CUDA=fake (a stand-in device in host memory, for tests)'
    return m


def on_gpu():
    """Whether the Cuda types live off the host (CuPy; not the numpy fallback)."""
    return device_module() is not np


def _cupy():
    """CuPy when it is the device module (None on the fallback or with a stand-in module)."""
    device_module()
    return _S['cupy']


def fallback_reason():
    device_module()
    return _S['reason']


def use(module, reason=None):
    """Make `module` the device module (tests: a stand-in device; None: probe again).
    Only meaningful before any Cuda storage exists."""
    _S['module'], _S['cupy'], _S['reason'] = module, None, reason
    _S['device'], _S['generators'] = 0, None


# ----------------------------------------------------------------------------- arrays


def module_of(a):
    """numpy for host arrays (and numbers), the device module for its arrays."""
    if isinstance(a, np.ndarray) and type(a) is np.ndarray:
        return np
    m = _S['module']
    if m is not None and m is not np and isinstance(a, m.ndarray):
        return m
    return np


def asarray_any(a):
    """An array of a's own module: device arrays as they are, anything else through numpy."""
    if module_of(a) is not np:
        return a
    return np.asarray(a)


def ascontiguous(a):
    """np.ascontiguousarray for an array of any module (numpy's does not dispatch)."""
    if type(a) is np.ndarray:
        return np.ascontiguousarray(a)
    return module_of(a).ascontiguousarray(a)


def array_like(ref, values, dtype=None):
    """Host values (numbers, lists, numpy arrays) as an array of ref's module (ref: an array)."""
    m = module_of(ref)
    if m is np:
        return np.asarray(values, dtype)
    return m.asarray(values, dtype)


def to_module(a, m):
    """a as an array of module m (copied across host and device when it is not one already)."""
    src = module_of(a)
    if src is m:
        return a
    if m is np:
        get = getattr(src, 'asnumpy', None)
        return get(a) if get is not None else np.asarray(a)
    return m.asarray(a)


def scalar(v):
    """A Python number from a number, a numpy scalar or a 0-d array of any module."""
    return v.item() if hasattr(v, 'item') else v


def on_side(a, ref):
    """Array a moved to the module of array ref (itself when it is there already)."""
    return to_module(a, module_of(ref))


def to_host(a):
    return to_module(a, np)


def adopt(d, ttype):
    """A storage buffer for ttype made from array d: d itself when it is already of ttype's
    module, else a copy in that module (a Cuda storage never holds a host array on a GPU)."""
    m = ttype.xp
    return d if module_of(d) is m else to_module(d, m)


def put(dst, src):
    """dst[...] = src, moving src to dst's module first when it is an array of another."""
    if type(src) is not type(dst) and hasattr(src, 'shape'):
        src = to_module(src, module_of(dst))
    dst[...] = src


def address(a):
    """The address of a's first element: host memory for numpy arrays, device memory for the
    device module's (what Torch7's data() pointers give on either side)."""
    if isinstance(a, np.ndarray):
        return a.ctypes.data
    return int(a.data.ptr)


def strided_view(buf, offset, shape, strides):
    """A view of flat buffer `buf` (offset and strides in bytes), of buf's own module."""
    if isinstance(buf, np.ndarray):
        return np.ndarray.__new__(type(buf), shape, buf.dtype, buf, offset, strides)
    m = module_of(buf)
    return m.ndarray(shape, buf.dtype, buf.data + offset, strides)


# ----------------------------------------------------------------------------- devices


def device_count():
    """Visible GPUs (1 on the CPU fallback: the host stands in for device 1)."""
    cp = _cupy()
    return cp.cuda.runtime.getDeviceCount() if cp is not None else 1


def get_device():
    """The current device, 1-based as in cutorch."""
    return _S['device'] + 1


def set_device(i):
    i = int(i)
    if not 1 <= i <= device_count():
        raise ValueError('invalid device %d (%d device(s) visible)' % (i, device_count()))
    _S['device'] = i - 1
    if _cupy() is not None:
        _S['cupy'].cuda.Device(i - 1).use()


def synchronize():
    if _cupy() is not None:
        _S['cupy'].cuda.runtime.deviceSynchronize()


def memory_usage(i=None):
    """(free bytes, total bytes) of device i (1-based; the host's memory on the fallback)."""
    cp = _cupy()
    if cp is not None:
        with cp.cuda.Device((int(i) if i else get_device()) - 1):
            return tuple(int(v) for v in cp.cuda.runtime.memGetInfo())
    try:
        page = os.sysconf('SC_PAGE_SIZE')
        return os.sysconf('SC_AVPHYS_PAGES') * page, os.sysconf('SC_PHYS_PAGES') * page
    except (ValueError, OSError, AttributeError):
        return 0, 0


def device_properties(i=None):
    """cutorch.getDeviceProperties: a dict of what the device says about itself."""
    i = int(i) if i else get_device()
    if _cupy() is not None:
        p = _S['cupy'].cuda.runtime.getDeviceProperties(i - 1)
        name = p.get('name', b'')
        free, total = memory_usage(i)
        return {'name': name.decode() if isinstance(name, bytes) else str(name),
                'major': int(p.get('major', 0)), 'minor': int(p.get('minor', 0)),
                'totalGlobalMem': total, 'freeGlobalMem': free,
                'multiProcessorCount': int(p.get('multiProcessorCount', 0)),
                'warpSize': int(p.get('warpSize', 32)),
                'maxThreadsPerBlock': int(p.get('maxThreadsPerBlock', 0)),
                'clockRate': int(p.get('clockRate', 0)), 'device': i}
    free, total = memory_usage(i)
    return {'name': 'CPU (luatorch fallback: no CUDA device)', 'major': 0, 'minor': 0,
            'totalGlobalMem': total, 'freeGlobalMem': free, 'multiProcessorCount': os.cpu_count() or 1,
            'warpSize': 1, 'maxThreadsPerBlock': 1, 'clockRate': 0, 'device': i}


def generators():
    """One random generator per device (cutorch's GPU generators, separate from torch's)."""
    g = _S['generators']
    if g is None:
        from .random import Generator
        g = _S['generators'] = [Generator() for _ in range(device_count())]
    return g


def generator():
    """The current device's generator."""
    return generators()[_S['device']]


def generator_for(args, default):
    """The generator a random function called with `args` draws from when none is given:
    the current device's when its tensor (first or second argument) is of a Cuda type, else
    `default` (torch's: so torch.manualSeed & co. are torch's whatever the default type)."""
    for a in args[:2]:
        tt = getattr(a, 'ttype', None)
        if tt is not None:
            return generator() if tt.cuda else default
    return default


def share_generator(gen):
    """Make every device draw from `gen` (e.g. torch's default generator: tests comparing a
    Cuda run with a CPU run then see one random stream)."""
    _S['generators'] = [gen] * device_count()
