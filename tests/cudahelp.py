"""The Cuda test matrix's devices for in-process tests: 'host' (whatever the process has: the numpy
fallback here, CuPy on a GPU) and 'fake' (luatorch/lib/_fakedevice.py, CuPy's manners in host
memory: a kernel that falls back to numpy fails there)."""
from contextlib import contextmanager

import pytest

import luatorch
from luatorch.lib import _fakedevice, xp

DEVICES = ['host', 'fake']


@contextmanager
def device(kind):
    if kind == 'fake':
        xp.use(_fakedevice, 'LUATORCH_CUDA=fake (test)')
    try:
        yield
    finally:
        if kind == 'fake':
            xp.use(None)


def runtime_fixture(init):
    """A module-scoped `rt` fixture: a Runtime (set up with Lua code `init`) per device."""
    @pytest.fixture(scope='module', params=DEVICES)
    def rt(request):
        with device(request.param):
            r = luatorch.Runtime()
            r.execute(init)
            yield r
    return rt
