"""BatchNormalization (plain, Spatial, Volumetric) and SpatialCrossMapLRN through Lua."""
import pytest

from nnhelp import assert_jacobian, lua, rt  # noqa: F401


@pytest.mark.parametrize('module,input', [
    ('nn.BatchNormalization(3)', 'torch.randn(5, 3)'),
    ('nn.BatchNormalization(3, 1e-3, 0.2, false)', 'torch.randn(4, 3)'),
    ('nn.SpatialBatchNormalization(2)', 'torch.randn(3, 2, 3, 2)'),
    ('nn.VolumetricBatchNormalization(2)', 'torch.randn(2, 2, 2, 3, 2)'),
    ('nn.SpatialCrossMapLRN(3, 0.5, 0.75, 2)', 'torch.randn(4, 3, 3)'),
    ('nn.SpatialCrossMapLRN(5)', 'torch.randn(2, 6, 2, 3)'),
])
def test_jacobian(rt, module, input):
    assert_jacobian(rt, module, input)


def test_batchnorm_evaluate_jacobian_and_single_sample(rt):
    out = lua(rt, """
      torch.manualSeed(3)
      local bn = nn.BatchNormalization(3)
      bn:forward(torch.randn(8, 3) * 2 + 1)
      bn:evaluate()
      print(nn.Jacobian.testJacobian(bn, torch.randn(4, 3)) < 1e-6)
      local x = torch.randn(3)
      local x2 = x:clone():view(1, 3)
      -- as in Torch, a single sample is viewed in place as a batch of one
      local y1 = bn:forward(x):clone()
      local y2 = bn:forward(x2)
      print(y1:dim(), x:dim(), (y1 - y2):abs():max() < 1e-14)
      bn:training()
      print(pcall(function() return bn:forward(torch.randn(3)) end))
    """)
    lines = out.splitlines()
    assert lines[:2] == ['true\t', '2\t2\ttrue\t']
    assert lines[2].startswith('false\t') and 'only mini-batch supported (2D tensor), got 1D' in lines[2]


def test_batchnorm_fields_and_running_statistics(rt):
    out = lua(rt, """
      torch.manualSeed(8)
      local bn = nn.BatchNormalization(2)
      print(bn.train, bn.affine, bn.eps, bn.momentum, bn.running_mean:sum(), bn.running_var:sum())
      local x = torch.Tensor({{1, 2}, {3, 6}, {5, 4}})
      bn:forward(x)
      print(string.format('%.4f %.4f %.4f %.4f', bn.running_mean[1], bn.running_mean[2],
                          bn.running_var[1], bn.running_var[2]))
      print(string.format('%.6f %.6f', bn.save_mean[2], bn.save_std[2]))
      -- a batch of one sample leaves the running statistics alone
      bn:forward(torch.Tensor({{10, 10}}))
      print(string.format('%.4f %.4f', bn.running_mean[1], bn.running_var[1]))
      bn:clearState()
      print(bn.save_mean:nElement(), bn.output:nElement())
      print(nn.BatchNormalization(4), nn.SpatialBatchNormalization(3, nil, nil, false).weight)
      print(nn.VolumetricBatchNormalization(5))
    """)
    assert out.splitlines() == [
        'true\ttrue\t1e-05\t0.1\t0\t2\t',
        '0.3000 0.4000 1.3000 1.3000\t',
        '4.000000 0.612371\t',
        '0.3000 1.3000\t',
        '0\t0\t',
        'nn.BatchNormalization (2D) (4)',
        'nil\t',
        'nn.VolumetricBatchNormalization (5D) (5)',
    ]


def test_spatial_batchnorm_float_and_batch_statistics(rt):
    out = lua(rt, """
      torch.manualSeed(1)
      local bn = nn.SpatialBatchNormalization(3)
      local x = torch.randn(4, 3, 5, 5) * 3 + 2
      local y = bn:forward(x)
      local m = y:transpose(1, 2):contiguous():view(3, -1)
      local w = bn.weight:view(3, 1):expandAs(m)
      local z = torch.cdiv(m - bn.bias:view(3, 1):expandAs(m), w)
      print(z:mean(2):abs():max() < 1e-12, (z:var(2, true):add(-1)):abs():max() < 1e-3)
      local f = bn:clone():float()
      local yf = f:forward(x:float())
      print(torch.type(yf), (yf:double() - y):abs():max() < 1e-4)
    """)
    assert out.splitlines() == ['true\ttrue\t', 'torch.FloatTensor\ttrue\t']


def test_lrn_batch_matches_single(rt):
    out = lua(rt, """
      torch.manualSeed(2)
      local m = nn.SpatialCrossMapLRN(3, 0.2, 0.6, 1.5)
      local x = torch.randn(2, 5, 3, 3)
      local y = m:forward(x):clone()
      local g = torch.randn(2, 5, 3, 3)
      local gi = m:backward(x, g):clone()
      print((m:forward(x[2]) - y[2]):abs():max() < 1e-14, (m:backward(x[2], g[2]) - gi[2]):abs():max() < 1e-14)
      print(m.size, m.alpha, m.beta, m.k, torch.isTensor(m.scale))
      print(nn.SpatialCrossMapLRN(5).alpha, nn.SpatialCrossMapLRN(5).beta, nn.SpatialCrossMapLRN(5).k)
    """)
    assert out.splitlines() == ['true\ttrue\t', '3\t0.2\t0.6\t1.5\ttrue\t', '0.0001\t0.75\t1\t']
