"""On a GPU (CuPy with a visible CUDA device; skipped cleanly elsewhere): the Cuda types really
live on the device, and the device path never silently falls back to numpy: every array a Cuda
tensor's kernels leave in its storage (outputs, gradients, parameters, views) is a CuPy array."""
import numpy as np
import pytest

from luatorch.lib import xp

pytestmark = pytest.mark.skipif(not xp.on_gpu(), reason='no GPU visible (CuPy with a CUDA device)')


@pytest.fixture(scope='module')
def rt():
    import luatorch
    r = luatorch.Runtime()
    r.execute("require 'cunn'")
    return r


def test_the_device_module_is_cupy():
    from luatorch.lib import types
    cp = xp.device_module()
    assert cp.__name__ == 'cupy' and xp.fallback_reason() is None
    for t in types.CUDA_TYPES:
        assert t.xp is cp
    for t in types.TYPES:
        assert t.xp is np


def test_cuda_storages_hold_device_arrays_only():
    from luatorch.lib import tensor as T, types
    from luatorch.lib.storage import Storage
    cp = xp.device_module()
    cuda = types.CUDA_BY_NAME['Float']
    s = Storage(cuda, data=np.arange(4, dtype=np.float32))
    assert isinstance(s.data, cp.ndarray)
    t = T.from_array(np.arange(6.).reshape(2, 3), cuda)
    assert isinstance(t.arr(), cp.ndarray) and isinstance(T.transpose(t, 1, 2).arr(), cp.ndarray)
    back = T.to_type(t, types.Double)
    assert type(back.arr()) is np.ndarray
    np.testing.assert_array_equal(back.arr(), np.arange(6.).reshape(2, 3))


def test_lenet_on_the_gpu_never_falls_back(rt):
    out = rt.execute(b"""
      local api = require('torch._bridge').py.cuda_api()
      local bridge = require 'torch._bridge'
      local module_of = bridge.fn(api.arrayModule)
      torch.manualSeed(1)
      local net = nn.Sequential():add(nn.SpatialConvolution(3, 6, 5, 5)):add(nn.ReLU())
        :add(nn.SpatialMaxPooling(2, 2, 2, 2)):add(nn.View(6 * 14 * 14)):add(nn.Linear(6 * 14 * 14, 10))
        :add(nn.LogSoftMax())
      local c = nn.ClassNLLCriterion()
      local x = torch.rand(4, 3, 32, 32)
      local y = torch.Tensor{1, 2, 3, 4}
      local ref = net:clone():float()
      local lf = c:forward(ref:forward(x:float()), y:float())
      net:cuda(); c:cuda()
      local xc, yc = x:cuda(), y:cuda()
      local l = c:forward(net:forward(xc), yc)
      net:backward(xc, c:backward(net.output, yc))
      local seen = {}
      local function check(t) seen[#seen + 1] = module_of(t) end
      check(net.output); check(net.gradInput); check(c.gradInput)
      for _, m in ipairs(net.modules) do
        check(m.output); check(m.gradInput)
        if m.weight then check(m.weight); check(m.gradWeight); check(m.bias); check(m.gradBias) end
      end
      return table.concat(seen, ' '), math.abs(l - lf)
    """)
    mods, diff = out
    assert set(mods.decode().split()) == {'cupy'}
    assert diff < 1e-4
