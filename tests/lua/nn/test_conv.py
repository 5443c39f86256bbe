"""Convolution modules through Lua: Jacobians (input, weight, bias), Torch's initialisation and
printing, batch vs single sample, float tensors, legacy fields and errors."""
import pytest

from nnhelp import assert_jacobian, lua, rt  # noqa: F401

JACOBIANS = [
    ('nn.SpatialConvolution(2, 3, 3, 2, 2, 1, 1, 0)', 'torch.randn(2, 6, 5)'),
    ('nn.SpatialConvolution(2, 3, 3, 3, 1, 1, 1, 1)', 'torch.randn(2, 2, 5, 4)'),
    ('nn.SpatialConvolutionMM(2, 2, 2, 3, 1, 2, 1, 1)', 'torch.randn(2, 2, 5, 5)'),
    ('nn.SpatialConvolution(2, 3, 3, 3):noBias()', 'torch.randn(2, 5, 5)'),
    ('nn.SpatialDilatedConvolution(2, 2, 3, 2, 1, 1, 1, 0, 2, 2)', 'torch.randn(2, 2, 7, 6)'),
    ('nn.SpatialFullConvolution(2, 3, 3, 3, 2, 2, 1, 1, 1, 0)', 'torch.randn(2, 3, 3)'),
    ('nn.SpatialFullConvolution(2, 2, 2, 3, 1, 2)', 'torch.randn(2, 2, 3, 2)'),
    ('nn.VolumetricConvolution(2, 2, 2, 3, 2, 1, 2, 1, 1, 0, 1)', 'torch.randn(2, 3, 4, 4)'),
    ('nn.VolumetricConvolution(1, 2, 2, 2, 2)', 'torch.randn(2, 1, 3, 3, 3)'),
    ('nn.TemporalConvolution(3, 2, 2, 2)', 'torch.randn(7, 3)'),
    ('nn.TemporalConvolution(2, 3, 3, 1)', 'torch.randn(2, 5, 2)'),
]


@pytest.mark.parametrize('module,input', JACOBIANS)
def test_jacobian(rt, module, input):
    errs = assert_jacobian(rt, module, input)
    assert 'input' in errs and 'weight' in errs


def test_init_matches_torch_rng_order(rt):
    # seeded as the golden nn/spatial_conv case: weight then bias from one uniform stream
    out = lua(rt, """
      torch.manualSeed(5)
      local c = nn.SpatialConvolution(2, 2, 3, 3, 2, 2, 1, 1)
      torch.manualSeed(5)
      local w = torch.Tensor(2 * 2 * 9 + 2):uniform(-1 / math.sqrt(18), 1 / math.sqrt(18))
      print(c.weight:view(-1):equal(w:narrow(1, 1, 36)), c.bias:equal(w:narrow(1, 37, 2)))
      torch.manualSeed(5)
      local mm = nn.SpatialConvolutionMM(2, 2, 3, 3, 2, 2, 1, 1)
      print(mm.weight:size(1), mm.weight:size(2), mm.weight:view(-1):equal(c.weight:view(-1)))
      local t = nn.TemporalConvolution(4, 3, 2)
      print(t.weight:size(1), t.weight:size(2), t.bias:size(1), t.dW)
      c:reset(0.1)
      print(c.weight:abs():max() <= 0.1 * math.sqrt(3))
    """)
    assert out.splitlines() == ['true\ttrue\t', '2\t18\ttrue\t', '3\t8\t3\t1\t', 'true\t']


def test_printing(rt):
    out = lua(rt, """
      print(nn.SpatialConvolution(3, 16, 5, 5))
      print(nn.SpatialConvolution(3, 16, 5, 5, 2, 2, 1, 1))
      print(nn.SpatialConvolution(3, 16, 5, 4, 1, 1, 0, 2):noBias())
      print(nn.SpatialConvolutionMM(1, 2, 3, 3, 2, 1))
      print(nn.SpatialDilatedConvolution(1, 2, 3, 3, 1, 1, 1, 1, 2, 2))
      print(nn.SpatialFullConvolution(4, 2, 3, 3, 2, 2, 1, 1, 1, 1))
      print(nn.VolumetricConvolution(1, 2, 3, 3, 3))
      print(nn.VolumetricConvolution(1, 2, 3, 3, 3, 1, 2, 2, 1, 0, 0))
      print(nn.TemporalConvolution(4, 5, 3))
    """)
    assert out.splitlines() == [
        'nn.SpatialConvolution(3 -> 16, 5x5)',
        'nn.SpatialConvolution(3 -> 16, 5x5, 2,2, 1,1)',
        'nn.SpatialConvolution(3 -> 16, 5x4, 1,1, 0,2) without bias',
        'nn.SpatialConvolutionMM(1 -> 2, 3x3, 2,1)',
        'nn.SpatialDilatedConvolution(1 -> 2, 3x3, 1,1, 1,1, 2,2)',
        'nn.SpatialFullConvolution(4 -> 2, 3x3, 2,2, 1,1, 1,1)',
        'nn.VolumetricConvolution(1 -> 2, 3x3x3)',
        'nn.VolumetricConvolution(1 -> 2, 3x3x3, 1,2,2, 1,0,0)',
        'nn.TemporalConvolution',
    ]


@pytest.mark.parametrize('make,shape', [
    ('nn.SpatialConvolution(3, 4, 3, 3, 1, 1, 1, 1)', '3, 6, 5'),
    ('nn.SpatialConvolutionMM(3, 4, 2, 2, 2, 2)', '3, 6, 5'),
    ('nn.SpatialFullConvolution(3, 2, 3, 3, 2, 2)', '3, 4, 4'),
    ('nn.VolumetricConvolution(3, 2, 2, 2, 2)', '3, 3, 4, 4'),
    ('nn.TemporalConvolution(3, 2, 2)', '6, 3'),
])
def test_batch_matches_single_samples_and_float(rt, make, shape):
    out = lua(rt, """
      torch.manualSeed(2)
      local m = %s
      local x = torch.randn(3, %s)
      local y = m:forward(x):clone()
      local g = y:clone():normal()
      m:zeroGradParameters()
      local gi = m:backward(x, g):clone()
      local gw = m.gradWeight:clone()
      local err, gerr = 0, 0
      m:zeroGradParameters()
      for i = 1, 3 do
        err = math.max(err, (m:forward(x[i]) - y[i]):abs():max())
        gerr = math.max(gerr, (m:backward(x[i], g[i]) - gi[i]):abs():max())
      end
      print(err < 1e-12, gerr < 1e-12, (m.gradWeight - gw):abs():max() < 1e-10)
      local f = m:clone():float()
      local yf = f:forward(x:float())
      print(torch.type(yf), torch.type(f.weight), (yf:double() - y):abs():max() < 1e-4)
      local gf = f:backward(x:float(), g:float())
      print(torch.type(gf), (gf:double() - gi):abs():max() < 1e-4)
    """ % (make, shape))
    assert out.splitlines() == ['true\ttrue\ttrue\t',
                                'torch.FloatTensor\ttorch.FloatTensor\ttrue\t',
                                'torch.FloatTensor\ttrue\t']


def test_full_convolution_table_input_sets_adjustment(rt):
    out = lua(rt, """
      local m = nn.SpatialFullConvolution(2, 3, 3, 3, 2, 2, 1, 1)
      local x = torch.randn(2, 4, 4)
      print(m:forward(x):size(2), m:forward({x, torch.Tensor(3, 8, 8)}):size(2))
      local gi = m:backward({x, torch.Tensor(3, 8, 8)}, torch.randn(3, 8, 8))
      print(type(gi), gi[1]:size(1), gi[2]:size(2), gi[2]:sum())
    """)
    assert out.splitlines() == ['7\t8\t', 'table\t2\t8\t0\t']


def test_fields_and_legacy(rt):
    out = lua(rt, """
      local c = nn.SpatialConvolution(1, 2, 3, 3)
      c:forward(torch.randn(1, 5, 5))
      print(torch.isTensor(c.finput), torch.isTensor(c.fgradInput), c.padW, c.padH)
      -- a module saved before padW/padH existed
      local old = nn.SpatialConvolution(1, 2, 3, 3)
      old.padW, old.padH, old.finput = nil, nil, nil
      old.padding = 1
      print(old:forward(torch.randn(1, 5, 5)):size(2), old.padW, old.padH, old.padding)
      c:clearState()
      print(c.finput:nElement(), c.output:nElement())
      local d = c:clone():double()
      print(torch.type(d.finput))
    """)
    assert out.splitlines() == ['true\ttrue\t0\t0\t', '5\t1\t1\tnil\t', '0\t0\t', 'torch.DoubleTensor\t']


def test_errors_are_lua_errors(rt):
    out = lua(rt, """
      local c = nn.SpatialConvolution(3, 2, 3, 3)
      local ok, e = pcall(function() return c:forward(torch.randn(2, 5, 5)) end)
      print(ok, (e:match('but got input to be of shape: %[2 x 5 x 5%]')) ~= nil)
      ok, e = pcall(function() return c:forward(torch.randn(3, 2, 2)) end)
      print(ok, (e:match('Output size is too small')) ~= nil)
      ok, e = pcall(function() return c:forward(torch.randn(5)) end)
      print(ok, (e:match('3D or 4D input tensor expected')) ~= nil)
      ok, e = pcall(function() return c:forward(torch.randn(3, 5, 5):float()) end)
      print(ok, (e:match('same type')) ~= nil)
      ok, e = pcall(function() return nn.SpatialFullConvolution(1, 1, 3, 3, 1, 1, 0, 0, 1, 0) end)
      print(ok, (e:match('adjW and adjH must be smaller')) ~= nil)
      ok, e = pcall(function() return nn.TemporalConvolution(3, 2, 4):forward(torch.randn(3, 3)) end)
      print(ok, (e:match('input sequence smaller than kernel size')) ~= nil)
    """)
    assert out.splitlines() == ['false\ttrue\t'] * 6


def test_shared_weights_update(rt):
    out = lua(rt, """
      torch.manualSeed(1)
      local a = nn.SpatialConvolution(1, 2, 2, 2)
      local b = a:clone('weight', 'bias')
      local x = torch.randn(1, 4, 4)
      local w0 = a.weight:clone()
      a:forward(x); b:forward(x)
      local g = torch.randn(2, 3, 3)
      a:backwardUpdate(x, g, 0.1)
      b:backwardUpdate(x, g, 0.1)
      local c = nn.SpatialConvolution(1, 2, 2, 2)
      c.weight:copy(w0); c:zeroGradParameters(); c:forward(x); c:backward(x, g)
      print((a.weight - (w0 - c.gradWeight * 0.2)):abs():max() < 1e-12, a.weight:equal(b.weight))
    """)
    assert out.splitlines() == ['true\ttrue\t']
