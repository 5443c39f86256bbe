"""What `require 'cutorch'` needs from Python: the device functions of luatorch/lib/xp.py as one
Lua table of adapters (lua/cutorch/init.lua builds the cutorch package on it)."""
from ..lib import types
from ..lib import xp
from ..lib.errors import TorchError
from .export import lua_function


def init():
    """(on a GPU, why not) once the device module is resolved; LUATORCH_CUDA=strict without a
    GPU is an error, as real cutorch fails where there is no device."""
    gpu = xp.on_gpu()
    why = None if gpu else xp.fallback_reason()
    if not gpu and xp.mode() == 'strict':
        raise TorchError('cutorch: no CUDA device available (%s; LUATORCH_CUDA=strict)' % why)
    return gpu, why


def _device(i, name):
    if i is None:
        return xp.get_device()
    i = int(i)
    if not 1 <= i <= xp.device_count():
        raise TorchError("bad argument #1 to '%s' (invalid device %d: %d device(s))"
                         % (name, i, xp.device_count()))
    return i


def set_device(i):
    if not isinstance(i, (int, float)):
        raise TorchError("bad argument #1 to 'setDevice' (number expected)")
    xp.set_device(_device(i, 'setDevice'))


def memory_usage(i=None):
    free, total = xp.memory_usage(_device(i, 'getMemoryUsage'))
    return free, total


def device_properties(i=None):
    return xp.device_properties(_device(i, 'getDeviceProperties'))


def generator(i=None):
    """The generator of device i (default: the current one)."""
    return xp.generators()[_device(i, 'generator') - 1]


def tensor_device(t):
    """t:getDevice() of a Cuda tensor: the device its storage is on (1 on the fallback)."""
    if not t.ttype.cuda:
        raise TorchError('getDevice: not a Cuda tensor (%s)' % t.ttype.tensor_name)
    d = t.storage.data
    dev = getattr(d, 'device', None)
    return int(dev.id) + 1 if dev is not None and hasattr(dev, 'id') else 1


def array_module(t):
    """Name of the array module holding t's storage ('numpy' or 'cupy'): for tests."""
    return xp.module_of(t.storage.data).__name__


def table(lua):
    fns = {
        'init': init, 'getDeviceCount': xp.device_count, 'getDevice': xp.get_device,
        'setDevice': set_device, 'synchronize': xp.synchronize, 'getMemoryUsage': memory_usage,
        'getDeviceProperties': device_properties, 'generator': generator,
        'tensorDevice': tensor_device, 'arrayModule': array_module,
        'cudaTypes': lambda: [t.tensor_name for t in types.CUDA_TYPES],
    }
    t = lua.table()
    for name, fn in fns.items():
        t[name.encode()] = lua_function(fn, lua)
    return t


def install(lua, t):
    t.cuda_api = lambda: table(lua)
