"""Pooling, padding, up-sampling and sub-sampling modules through Lua: Jacobians, values,
printing, fields Torch code reads (indices, iheight), batch vs single sample, float tensors."""
import pytest

from nnhelp import assert_jacobian, lua, rt  # noqa: F401

# max pooling is piecewise linear: its Jacobian is exact away from ties (random inputs)
JACOBIANS = [
    ('nn.SpatialMaxPooling(2, 2, 2, 2)', 'torch.randn(2, 6, 6)'),
    ('nn.SpatialMaxPooling(3, 3, 2, 2, 1, 1):ceil()', 'torch.randn(2, 2, 6, 7)'),
    ('nn.SpatialAveragePooling(3, 2, 2, 1, 1, 1):ceil()', 'torch.randn(2, 5, 6)'),
    ('nn.SpatialAveragePooling(3, 3, 2, 2, 1, 1):setCountExcludePad()', 'torch.randn(2, 2, 5, 5)'),
    ('nn.SpatialAdaptiveMaxPooling(3, 2)', 'torch.randn(2, 5, 7)'),
    ('nn.SpatialAdaptiveAveragePooling(3, 4)', 'torch.randn(2, 2, 5, 7)'),
    ('nn.TemporalMaxPooling(3, 2)', 'torch.randn(7, 3)'),
    ('nn.TemporalMaxPooling(2)', 'torch.randn(2, 6, 3)'),
    ('nn.TemporalSubSampling(3, 2, 2)', 'torch.randn(7, 3)'),
    ('nn.SpatialSubSampling(2, 2, 3, 2, 1)', 'torch.randn(2, 2, 7, 5)'),
    ('nn.VolumetricMaxPooling(2, 2, 2, 1, 2, 2, 1, 1, 0)', 'torch.randn(2, 4, 5, 4)'),
    ('nn.VolumetricAveragePooling(2, 3, 2, 1, 2, 1)', 'torch.randn(2, 2, 4, 5, 5)'),
    ('nn.SpatialZeroPadding(1, -1, 2, 0)', 'torch.randn(2, 4, 5)'),
    ('nn.SpatialReflectionPadding(2, 1, 1, 2)', 'torch.randn(2, 2, 4, 4)'),
    ('nn.SpatialReplicationPadding(1, 2, 2, 1)', 'torch.randn(2, 3, 4)'),
    ('nn.SpatialUpSamplingNearest(2)', 'torch.randn(2, 3, 3)'),
    ('nn.SpatialUpSamplingBilinear(2)', 'torch.randn(2, 2, 3, 3)'),
    ('nn.SpatialUpSamplingBilinear({oheight = 5, owidth = 4})', 'torch.randn(2, 3, 3)'),
]


@pytest.mark.parametrize('module,input', JACOBIANS)
def test_jacobian(rt, module, input):
    assert_jacobian(rt, module, input)


def test_max_pooling_fields_and_unpooling(rt):
    out = lua(rt, """
      local p = nn.SpatialMaxPooling(2, 2)
      local x = torch.Tensor({{{1, 5, 2, 0}, {3, 4, 8, 8}}, {{0, 0, 1, 2}, {0, 0, 3, 4}}})
      print(p:forward(x))
      print(p.indices)
      print(torch.type(p.indices), p.iheight, p.iwidth, p.ceil_mode)
      local u = nn.SpatialMaxUnpooling(p)
      print(u:forward(p.output))
      print(u)
      print((pcall(nn.SpatialMaxUnpooling, nn.SpatialMaxPooling(3, 3, 2, 2))))
    """)
    assert out == EXPECTED_POOL


EXPECTED_POOL = """(1,.,.) = 
  5  8

(2,.,.) = 
  0  4
[torch.DoubleTensor of size 2x1x2]

(1,.,.) = 
  2  7

(2,.,.) = 
  1  8
[torch.LongTensor of size 2x1x2]

torch.LongTensor\t2\t4\tfalse\t
(1,.,.) = 
  0  5  0  0
  0  0  8  0

(2,.,.) = 
  0  0  0  0
  0  0  0  4
[torch.DoubleTensor of size 2x2x4]

nn.SpatialMaxUnpooling associated to nn.SpatialMaxPooling(2x2, 2,2)
false\t
"""


def test_printing(rt):
    out = lua(rt, """
      print(nn.SpatialMaxPooling(3, 3))
      print(nn.SpatialMaxPooling(3, 3, 2, 2, 1, 1):ceil())
      print(nn.SpatialAveragePooling(2, 2, 1, 1))
      print(nn.SpatialAveragePooling(3, 3, 2, 2, 1, 0))
      print(nn.VolumetricMaxPooling(2, 2, 2))
      print(nn.VolumetricMaxPooling(2, 3, 3, 1, 2, 2, 1, 1, 1))
      print(nn.VolumetricAveragePooling(2, 2, 2, 1, 1, 1))
      print(nn.SpatialZeroPadding(1, 2, 3, 4))
      print(nn.SpatialReflectionPadding(1))
      print(nn.SpatialReplicationPadding(2, 1))
      print(nn.SpatialUpSamplingBilinear(2))
      print(nn.SpatialUpSamplingBilinear({oheight = 5, owidth = 7}))
      print(tostring(nn.SpatialAdaptiveMaxPooling(2, 2)), tostring(nn.TemporalMaxPooling(2)))
    """)
    assert out.splitlines() == [
        'nn.SpatialMaxPooling(3x3, 3,3)',
        'nn.SpatialMaxPooling(3x3, 2,2, 1,1)',
        'nn.SpatialAveragePooling(2x2, 1,1)',
        'nn.SpatialAveragePooling(3x3, 2,2, 1,0)',
        'nn.VolumetricMaxPooling(2x2x2, 2,2,2)',
        'nn.VolumetricMaxPooling(2x3x3, 1,2,2, 1,1,1)',
        'nn.VolumetricAveragePooling(2x2x2, 1,1,1)',
        'nn.SpatialZeroPadding(l=1, r=2, t=3, b=4)',
        'nn.SpatialReflectionPadding(l=1, r=1, t=1, b=1)',
        'nn.SpatialReplicationPadding(l=2, r=1, t=2, b=2)',
        'nn.SpatialUpSamplingBilinear(2)',
        'nn.SpatialUpSamplingBilinear(5, 7)',
        'nn.SpatialAdaptiveMaxPooling\tnn.TemporalMaxPooling\t',
    ]


def test_average_pooling_values_and_divide_field(rt):
    out = lua(rt, """
      local x = torch.range(1, 16):resize(1, 4, 4)
      local p = nn.SpatialAveragePooling(2, 2, 2, 2)
      print(p:forward(x):view(-1):totable()[4])
      p.divide = nil          -- saved by an old version: sums
      print(p:forward(x):view(-1):totable()[4], p:backward(x, torch.ones(1, 2, 2))[1][1][1])
      local q = nn.SpatialAveragePooling(2, 2, 2, 2)
      q.ceil_mode, q.padW, q.padH = nil, nil, nil
      print(q:forward(x):size(2), q.count_include_pad)
    """)
    assert out.splitlines() == ['13.5\t', '54\t1\t', '2\ttrue\t']


@pytest.mark.parametrize('make,shape', [
    ('nn.SpatialMaxPooling(2, 2, 2, 2)', '2, 6, 5'),
    ('nn.SpatialAveragePooling(3, 3, 2, 2, 1, 1):ceil()', '2, 6, 5'),
    ('nn.SpatialAdaptiveMaxPooling(2, 3)', '2, 6, 5'),
    ('nn.SpatialAdaptiveAveragePooling(2, 3)', '2, 6, 5'),
    ('nn.VolumetricMaxPooling(2, 2, 2)', '2, 4, 4, 4'),
    ('nn.VolumetricAveragePooling(2, 2, 2)', '2, 4, 4, 4'),
    ('nn.TemporalMaxPooling(2)', '6, 3'),
    ('nn.SpatialReflectionPadding(1, 2, 0, 1)', '2, 3, 4'),
    ('nn.SpatialReplicationPadding(1, 2, 0, 1)', '2, 3, 4'),
    ('nn.SpatialZeroPadding(1, 2, 0, 1)', '2, 3, 4'),
    ('nn.SpatialUpSamplingNearest(2)', '2, 3, 4'),
    ('nn.SpatialUpSamplingBilinear(3)', '2, 3, 4'),
    ('nn.SpatialSubSampling(2, 2, 2)', '2, 4, 4'),
])
def test_batch_matches_single_samples_and_float(rt, make, shape):
    out = lua(rt, """
      torch.manualSeed(4)
      local m = %s
      local x = torch.randn(3, %s)
      local y = m:forward(x):clone()
      local g = y:clone():normal()
      local gi = m:backward(x, g):clone()
      local err, gerr = 0, 0
      for i = 1, 3 do
        err = math.max(err, (m:forward(x[i]) - y[i]):abs():max())
        gerr = math.max(gerr, (m:backward(x[i], g[i]) - gi[i]):abs():max())
      end
      print(err < 1e-12, gerr < 1e-12)
      local f = m:clone():float()
      local yf = f:forward(x:float())
      local gf = f:backward(x:float(), g:float())
      print(torch.type(yf), torch.type(gf), (yf:double() - y):abs():max() < 1e-4,
            (gf:double() - gi):abs():max() < 1e-4)
    """ % (make, shape))
    assert out.splitlines() == ['true\ttrue\t',
                                'torch.FloatTensor\ttorch.FloatTensor\ttrue\ttrue\t']


def test_errors_are_lua_errors(rt):
    out = lua(rt, """
      local function err(f) local ok, e = pcall(f); return ok, tostring(e) end
      local ok, e = err(function() return nn.SpatialMaxPooling(2, 2, 2, 2, 2, 0):forward(torch.randn(1, 5, 5)) end)
      print(ok, e:find('pad should be smaller than half of kernel size', 1, true) ~= nil)
      ok, e = err(function() return nn.SpatialMaxPooling(3, 3):forward(torch.randn(1, 2, 5)) end)
      print(ok, e:find('Output size is too small', 1, true) ~= nil)
      ok, e = err(function() return nn.SpatialAveragePooling(2, 2):forward(torch.randn(4)) end)
      print(ok, e:find('3D or 4D input tensor expected', 1, true) ~= nil)
      ok, e = err(function() return nn.SpatialUpSamplingNearest(1.5) end)
      print(ok, e:find('scale_factor must be integer', 1, true) ~= nil)
      ok, e = err(function() return nn.SpatialReflectionPadding(4):forward(torch.randn(1, 3, 3)) end)
      print(ok, e:find('padding size should be less than', 1, true) ~= nil)
      ok, e = err(function() return nn.TemporalMaxPooling(4):forward(torch.randn(3, 2)) end)
      print(ok, e:find('input sequence smaller than kernel size', 1, true) ~= nil)
    """)
    assert out.splitlines() == ['false\ttrue\t'] * 6
