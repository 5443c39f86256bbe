"""More nn modules through Lua: MV, CReLU, GatedLinearUnit, MaskedSelect, PixelShuffle,
UpSampling, SpatialLogSoftMax, VolumetricDropout, WeightNorm, LinearWeightNorm, PartialLinear,
SparseLinear, IndexLinear, the extra poolings and convolutions, nn.tables, nn.SparseJacobian."""
import numpy as np
import pytest

from nnhelp import assert_jacobian, lua, rt  # noqa: F401


def nums(out):
    return [float(v) for v in out.split()]


def arr(rt, expr):
    """A Lua tensor expression as a numpy array (through its flat values and sizes)."""
    out = lua(rt, """
      local t = (%s):double():contiguous()
      io.write(table.concat(t:size():totable(), ' '), '\\n')
      local f = t:view(-1)
      local v = {}
      for i = 1, f:nElement() do v[i] = string.format('%%.17g', f[i]) end
      io.write(table.concat(v, ' '))
    """ % expr)
    shape, vals = out.split('\n')
    return np.array(nums(vals)).reshape([int(s) for s in shape.split()])


def param_errors(rt, module, input, params, update=True):
    """nn.Jacobian errors of `module` on `input`: the input and each (param, gradParam) pair."""
    checks = ''.join("""
      io.write('%(p)s ', nn.Jacobian.testJacobianParameters(m, x, m.%(p)s, m.%(g)s), ' ')
    """ % {'p': p, 'g': g} for p, g in params)
    if update:
        checks += ''.join("""
          io.write('%(p)s_update ', nn.Jacobian.testJacobianUpdateParameters(m, x, m.%(p)s), ' ')
        """ % {'p': p} for p, _ in params)
    out = lua(rt, """
      torch.manualSeed(3)
      local m = %s
      local x = %s
      io.write('input ', nn.Jacobian.testJacobian(m, x), ' ')
      %s
    """ % (module, input, checks))
    it = iter(out.split())
    return {k: float(v) for k, v in zip(it, it)}


# finite differences for modules taking a table of tensors: d sum(output .* gradOutput) / d input
TABLE_GRAD = """
local function tableGradError(m, inputs)
  local out = m:forward(inputs)
  local go = out.new(out:size()):normal()
  local gin = m:backward(inputs, go)
  local err = 0
  for k = 1, #inputs do
    local flat = inputs[k]:view(-1)
    local g = gin[k]:clone():view(-1)
    for i = 1, flat:nElement() do
      local v = flat[i]
      flat[i] = v + 1e-6
      local a = m:forward(inputs):clone():cmul(go):sum()
      flat[i] = v - 1e-6
      local b = m:forward(inputs):clone():cmul(go):sum()
      flat[i] = v
      err = math.max(err, math.abs((a - b) / 2e-6 - g[i]))
    end
  end
  return err
end
"""


# ----------------------------------------------------------------------------- Jacobians

@pytest.mark.parametrize('module,input', [
    ('nn.CReLU(3)', 'torch.rand(2, 3, 3, 3)'),
    ('nn.CReLU(3, true)', 'torch.rand(3, 3, 2)'),
    ('nn.GatedLinearUnit()', 'torch.rand(3, 6)'),
    ('nn.GatedLinearUnit(2)', 'torch.rand(2, 4, 3)'),
    ('nn.GatedLinearUnit(1)', 'torch.rand(4)'),
    ('nn.PixelShuffle(2)', 'torch.rand(2, 8, 2, 3)'),
    ('nn.PixelShuffle(3)', 'torch.rand(9, 2, 2)'),
    ('nn.UpSampling(2)', 'torch.rand(1, 2, 2, 3)'),
    ('nn.UpSampling(3, "linear")', 'torch.rand(1, 2, 2, 3)'),
    ('nn.UpSampling(2)', 'torch.rand(1, 2, 2, 2, 3)'),
    ('nn.UpSampling(2, "trilinear")', 'torch.rand(1, 1, 2, 3, 2)'),
    ('nn.UpSampling({odepth=3, oheight=4, owidth=2}, "linear")', 'torch.rand(1, 2, 2, 3, 3)'),
    ('nn.SpatialLogSoftMax()', 'torch.rand(2, 3, 2, 2)'),
    ('nn.SpatialLogSoftMax()', 'torch.rand(3, 2, 2)'),
    ('nn.SpatialDilatedMaxPooling(2, 2, 1, 1, 1, 1, 2, 2)', 'torch.rand(2, 5, 6)'),
    ('nn.SpatialDilatedMaxPooling(3, 2, 2, 1, 0, 0, 1, 2):ceil()', 'torch.rand(2, 2, 6, 7)'),
    ('nn.VolumetricDilatedMaxPooling(2, 2, 2, 1, 1, 1, 1, 0, 1, 2, 1, 2)', 'torch.rand(2, 5, 4, 5)'),
    ('nn.VolumetricDilatedMaxPooling(2, 2, 2, 2, 2, 2):ceil()', 'torch.rand(2, 1, 5, 5, 4)'),
    ('nn.VolumetricReplicationPadding(1, 2, 0, 1, 2, 1)', 'torch.rand(2, 2, 3, 3)'),
    ('nn.VolumetricReplicationPadding(-1, 1, 1, -1, 1, 0)', 'torch.rand(1, 2, 2, 3, 4)'),
    ('nn.SpatialFractionalMaxPooling(2, 2, 3, 3):fixPoolingRegions()', 'torch.rand(2, 6, 7)'),
    ('nn.SpatialFractionalMaxPooling(2, 3, 0.5, 0.6):fixPoolingRegions()',
     'torch.rand(2, 2, 8, 7)'),
    ('nn.VolumetricFractionalMaxPooling(2, 2, 2, 2, 2, 2):fixPoolingRegions()',
     'torch.rand(1, 4, 5, 4)'),
    ('nn.SpatialLPPooling(2, 2, 2, 2)', 'torch.rand(2, 4, 4)'),
    ('nn.SpatialLPPooling(2, 2, 2, 2, 1, 1)', 'torch.rand(2, 3, 3)'),
    ('nn.FeatureLPPooling(3, 2, 2)', 'torch.rand(7, 2)'),
    ('nn.FeatureLPPooling(2, 1, 4, true)', 'torch.rand(2, 5, 2, 2)'),
    ('nn.TemporalDynamicKMaxPooling(2, 0.5)', 'torch.rand(6, 3)'),
    ('nn.TemporalDynamicKMaxPooling(3)', 'torch.rand(2, 5, 3)'),
    ('nn.SpatialConvolutionMap(nn.tables.random(3, 4, 2), 2, 3, 1, 2)', 'torch.rand(3, 6, 5)'),
    ('nn.SpatialConvolutionMap(nn.tables.oneToOne(2), 2, 2)', 'torch.rand(2, 2, 4, 4)'),
    ('nn.SpatialFullConvolutionMap(nn.tables.random(3, 2, 2), 2, 3, 2, 1)', 'torch.rand(3, 3, 4)'),
    ('nn.SpatialConvolutionLocal(2, 3, 5, 4, 2, 2, 1, 2)', 'torch.rand(2, 4, 5)'),
    ('nn.SpatialConvolutionLocal(1, 2, 3, 3, 3, 3, 1, 1, 1, 1)', 'torch.rand(2, 1, 3, 3)'),
    ('nn.SpatialDepthWiseConvolution(2, 2, 2, 2, 1, 1, 1, 1)', 'torch.rand(2, 3, 2)'),
    ('nn.SpatialDepthWiseConvolution(2, 2, 3, 2, 2, 1)', 'torch.rand(2, 2, 5, 6)'),
    ('nn.VolumetricDilatedConvolution(2, 2, 2, 2, 2, 1, 1, 1, 0, 1, 0, 2, 1, 2)',
     'torch.rand(2, 4, 3, 5)'),
    ('nn.VolumetricFullConvolution(2, 1, 2, 2, 2, 2, 1, 2, 1, 0, 0, 1, 0, 1)',
     'torch.rand(2, 2, 2, 2)'),
    ('nn.VolumetricFullConvolution(2, 2, 2, 3, 2)', 'torch.rand(2, 2, 2, 2, 2)'),
])
def test_jacobian(rt, module, input):
    assert_jacobian(rt, module, input)


@pytest.mark.parametrize('module,input,params', [
    ('nn.WeightNorm(nn.Linear(4, 3))', 'torch.rand(2, 4)',
     [('v', 'gradV'), ('g', 'gradG'), ('bias', 'gradBias')]),
    ('nn.WeightNorm(nn.SpatialConvolution(2, 3, 2, 2), 2)', 'torch.rand(2, 3, 3)',
     [('v', 'gradV'), ('g', 'gradG'), ('bias', 'gradBias')]),
    ('nn.WeightNorm(nn.TemporalConvolution(3, 2, 2))', 'torch.rand(4, 3)',
     [('v', 'gradV'), ('g', 'gradG')]),
    ('nn.LinearWeightNorm(4, 3)', 'torch.rand(2, 4)',
     [('v', 'gradV'), ('g', 'gradG'), ('bias', 'gradBias')]),
    ('nn.LinearWeightNorm(3, 2, false)', 'torch.rand(3)', [('v', 'gradV'), ('g', 'gradG')]),
    ('nn.SpatialConvolutionMap(nn.tables.full(2, 2), 2, 2)', 'torch.rand(2, 3, 3)',
     [('weight', 'gradWeight'), ('bias', 'gradBias')]),
    ('nn.SpatialFullConvolutionMap(nn.tables.oneToOne(2), 2, 2, 2, 2)', 'torch.rand(2, 2, 2)',
     [('weight', 'gradWeight'), ('bias', 'gradBias')]),
    ('nn.SpatialConvolutionLocal(2, 2, 4, 3, 2, 2)', 'torch.rand(2, 2, 3, 4)',
     [('weight', 'gradWeight'), ('bias', 'gradBias')]),
    ('nn.SpatialDepthWiseConvolution(2, 2, 2, 2)', 'torch.rand(2, 2, 3, 3)',
     [('weight', 'gradWeight'), ('bias', 'gradBias')]),
    ('nn.VolumetricDilatedConvolution(2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 2, 1, 1)',
     'torch.rand(2, 2, 4, 3, 3)', [('weight', 'gradWeight'), ('bias', 'gradBias')]),
    ('nn.VolumetricFullConvolution(2, 2, 2, 2, 2, 2, 2, 2)', 'torch.rand(1, 2, 2, 2, 2)',
     [('weight', 'gradWeight'), ('bias', 'gradBias')]),
])
def test_parameter_jacobians(rt, module, input, params):
    # WeightNorm recomputes the weight from v and g at each forward, so direct updates of v and
    # g are not the module's accUpdateGradParameters path: checked through accGradParameters
    errs = param_errors(rt, module, input, params, update='WeightNorm' not in module)
    assert errs and max(errs.values()) < 1e-5, errs


def test_mv(rt):
    out = lua(rt, TABLE_GRAD + """
      torch.manualSeed(1)
      local e = {}
      e[1] = tableGradError(nn.MV(), {torch.randn(3, 4), torch.randn(4)})
      e[2] = tableGradError(nn.MV(true), {torch.randn(4, 3), torch.randn(4)})
      e[3] = tableGradError(nn.MV(), {torch.randn(2, 3, 4), torch.randn(2, 4)})
      e[4] = tableGradError(nn.MV(true), {torch.randn(2, 4, 3), torch.randn(2, 4)})
      io.write(table.concat(e, ' '), '\\n')
      local M, v = torch.randn(2, 3, 4), torch.randn(2, 4)
      local y = nn.MV():forward({M, v})
      io.write((y[2] - M[2] * v[2]):abs():max(), ' ', table.concat(y:size():totable(), 'x'), '\\n')
      print(pcall(function() return nn.MV():forward({torch.randn(3, 4), torch.randn(5)}) end))
      print(pcall(function() return nn.MV(1) end))
    """)
    lines = out.splitlines()
    assert max(nums(lines[0])) < 1e-5
    assert float(lines[1].split()[0]) < 1e-12 and lines[1].split()[1] == '2x3'
    assert lines[2].startswith('false') and 'matrix row count and vector length' in lines[2]
    assert lines[3].startswith('false') and 'argument must be a boolean' in lines[3]


def test_masked_select(rt):
    out = lua(rt, TABLE_GRAD + """
      local m = nn.MaskedSelect()
      local x = torch.Tensor({{10, 20}, {30, 40}})
      local mask = torch.ByteTensor({{1, 0}, {0, 1}})
      io.write(table.concat(m:forward({x, mask}):totable(), ' '), '\\n')
      local gi = m:backward({x, mask}, torch.Tensor({20, 80}))
      io.write(table.concat(gi[1]:view(-1):totable(), ' '), ' ', torch.type(gi[2]), ' ',
        gi[2]:sum(), '\\n')
      print(pcall(function() return m:forward({x, torch.ByteTensor(3):fill(1)}) end))
    """)
    lines = out.splitlines()
    assert nums(lines[0]) == [10, 40]
    assert lines[1] == '20 0 0 80 torch.ByteTensor 0'
    assert lines[2].startswith('false') and 'number of elements' in lines[2]


# ----------------------------------------------------------------------------- forward values

def test_glu_values(rt):
    x = arr(rt, 'torch.range(1, 12):view(2, 6):div(6)')
    y = arr(rt, 'nn.GatedLinearUnit():forward(torch.range(1, 12):view(2, 6):div(6))')
    np.testing.assert_allclose(y, x[:, :3] / (1 + np.exp(-x[:, 3:])), rtol=1e-12)
    out = lua(rt, "print(pcall(function() return nn.GatedLinearUnit():forward(torch.rand(2, 5)) end))")
    assert out.startswith('false') and 'Halving dimension must be even' in out


def test_pixel_shuffle_values(rt):
    x = arr(rt, 'torch.range(1, 72):view(2, 4, 3, 3)')
    y = arr(rt, 'nn.PixelShuffle(2):forward(torch.range(1, 72):view(2, 4, 3, 3))')
    r = 2
    want = np.empty((2, 1, 6, 6))
    for h in range(6):
        for w in range(6):
            want[:, 0, h, w] = x[:, (h % r) * r + w % r, h // r, w // r]
    np.testing.assert_array_equal(y, want)


def test_upsampling_values(rt):
    x = arr(rt, 'torch.range(1, 12):view(1, 1, 2, 2, 3)')
    y = arr(rt, 'nn.UpSampling(2):forward(torch.range(1, 12):view(1, 1, 2, 2, 3))')
    np.testing.assert_array_equal(y, x.repeat(2, 2).repeat(2, 3).repeat(2, 4))
    # trilinear with corners aligned: separable linear interpolation
    y = arr(rt, 'nn.UpSampling({odepth=3, oheight=3, owidth=5}, "linear")'
                ':forward(torch.range(1, 12):view(1, 1, 2, 2, 3))')

    def interp(n, o):
        m = np.zeros((o, n))
        for i in range(o):
            s = i * (n - 1) / (o - 1)
            j = min(int(s), n - 2)
            m[i, j], m[i, j + 1] = 1 - (s - j), s - j
        return m
    want = np.einsum('ai,bj,ck,ijk->abc', interp(2, 3), interp(2, 3), interp(3, 5), x[0, 0])
    np.testing.assert_allclose(y[0, 0], want, rtol=1e-6)
    out = lua(rt, """
      print(nn.UpSampling(2))
      print(nn.UpSampling({oheight=4, owidth=5}, 'bilinear'))
      print(nn.UpSampling({odepth=2, oheight=4, owidth=5}, 'trilinear'))
      print(pcall(function() return nn.UpSampling({oheight=4, owidth=5}) end))
      print(pcall(function() return nn.UpSampling(2):forward(torch.rand(2, 3, 3)) end))
    """)
    lines = out.splitlines()
    assert lines[:3] == ['nn.UpSampling(2x, nearest)', 'nn.UpSampling(4x5, linear)',
                         'nn.UpSampling(2x4x5, linear)']
    assert 'requires a scale_factor' in lines[3] and 'only supports 4D or 5D' in lines[4]


def test_volumetric_dropout(rt):
    out = lua(rt, """
      torch.manualSeed(1)
      local m = nn.VolumetricDropout(0.25)
      local x = torch.ones(2, 400, 2, 2, 2)
      local y = m:forward(x)
      local gi = m:backward(x, torch.ones(2, 400, 2, 2, 2))
      local n = m.noise
      io.write(table.concat(n:size():totable(), 'x'), ' ', string.format('%.2f', y:mean()), ' ',
        (gi - y):abs():max(), ' ', (y[{1, 3}] - y[1][3][1][1][1]):abs():max(), '\\n')
      m:evaluate()
      io.write(m:forward(torch.ones(3, 2, 2, 2)):mean(), '\\n')
      print(m)
      print(pcall(function() return m:backward(x, x) end))
    """)
    lines = out.splitlines()
    f = lines[0].split()
    assert f[0] == '2x400x1x1x1' and abs(float(f[1]) - 0.75) < 0.06
    assert float(f[2]) == 0 and float(f[3]) == 0
    assert float(lines[1]) == 0.75
    assert lines[2] == 'nn.VolumetricDropout(0.250000)'
    assert lines[3].startswith('false') and 'backprop only defined while training' in lines[3]


def test_weight_norm(rt):
    out = lua(rt, """
      torch.manualSeed(4)
      local lin = nn.Linear(4, 3)
      local m = nn.WeightNorm(lin)
      local x = torch.rand(2, 4)
      local y = m:forward(x)
      local w = m.v:clone()
      for i = 1, 3 do w[i]:mul(m.g[i][1] / math.sqrt(m.v[i]:norm() ^ 2 + 1e-4)) end
      io.write((lin.weight - w):abs():max(), ' ', (y - lin:forward(x)):abs():max(), ' ',
        m.bias:abs():max(), '\\n')
      local p, g = m:parameters()
      io.write(#p, ' ', torch.type(m.modules[1]), '\\n')
      local m2 = torch.deserialize(torch.serialize(m))
      io.write((m2:forward(x) - y):abs():max(), '\\n')
      local c = nn.WeightNorm(nn.SpatialConvolution(2, 3, 2, 2), 2)
      io.write(table.concat(c.v:size():totable(), 'x'), ' ', c.outputDim, '\\n')
    """)
    lines = out.splitlines()
    assert max(nums(lines[0])) < 1e-12
    assert lines[1] == '3 nn.Linear'
    assert float(lines[2]) < 1e-12
    assert lines[3] == '2x12 2'


def test_linear_weight_norm(rt):
    out = lua(rt, """
      torch.manualSeed(5)
      local a = nn.Linear(5, 3)
      torch.manualSeed(5)
      local b = nn.LinearWeightNorm(5, 3)
      local x = torch.rand(4, 5)
      io.write((a:forward(x) - b:forward(x)):abs():max(), ' ', (a.weight - b.weight):abs():max(),
        ' ', (b.g:view(-1) - a.weight:norm(2, 2):view(-1)):abs():max(), '\\n')
      local l = nn.Linear(5, 2, false)
      local w = nn.LinearWeightNorm.fromLinear(l)
      local back = w:toLinear()
      io.write((l:forward(x) - w:forward(x)):abs():max(), ' ', (back:forward(x) - l:forward(x)):abs():max(),
        ' ', tostring(w.bias), '\\n')
      print(b)
      print(w)
    """)
    lines = out.splitlines()
    assert max(nums(lines[0])) < 1e-12
    f = lines[1].split()
    assert max(float(f[0]), float(f[1])) < 1e-12 and f[2] == 'nil'
    assert lines[2] == 'nn.LinearWeightNorm(5 -> 3)'
    assert lines[3] == 'nn.LinearWeightNorm(5 -> 2) without bias'


def test_partial_linear(rt):
    out = lua(rt, """
      torch.manualSeed(6)
      local m = nn.PartialLinear(4, 6)
      m.bias:uniform()
      local x = torch.randn(3, 4)
      local lin = nn.Linear(4, 6)
      lin.weight:copy(m.network:get(1):get(2).weight)
      lin.bias:copy(m.bias)
      io.write((m:forward(x) - lin:forward(x)):abs():max(), '\\n')
      local part = torch.LongTensor({5, 2})
      m:setPartition(part)
      local y = m:forward(x)
      local ly = lin:forward(x)
      io.write(table.concat(y:size():totable(), 'x'), ' ',
        (y - ly:index(2, part)):abs():max(), '\\n')
      m:resetPartition()
      io.write(nn.SparseJacobian.testJacobian(m, torch.randn(3, 4)), ' ',
        nn.SparseJacobian.testJacobianParameters(m, torch.randn(3, 4), m.bias, m.gradBias), ' ',
        nn.SparseJacobian.testJacobianUpdateParameters(m, torch.randn(3, 4), m.bias), '\\n')
      print(m)
    """)
    lines = out.splitlines()
    assert float(lines[0]) < 1e-12
    assert lines[1].split()[0] == '3x2' and float(lines[1].split()[1]) < 1e-12
    assert max(nums(lines[2])) < 1e-5
    assert lines[3] == 'nn.PartialLinear(4 -> 6)'


def test_sparse_linear(rt):
    out = lua(rt, """
      torch.manualSeed(7)
      local m = nn.SparseLinear(6, 3, true)
      local lin = nn.Linear(6, 3)
      lin.weight:copy(m.weight)
      lin.bias:copy(m.bias)
      local s1 = torch.Tensor({{2, 0.5}, {5, -1}})
      local s2 = torch.Tensor({{1, 2}, {2, 1}, {6, 3}})
      local d = torch.zeros(2, 6)
      d[1][2], d[1][5], d[2][1], d[2][2], d[2][6] = 0.5, -1, 2, 1, 3
      local go = torch.randn(2, 3)
      m:zeroGradParameters()
      lin:zeroGradParameters()
      local y = m:forward({s1, s2})
      local gi = m:backward({s1, s2}, go)
      local ly = lin:forward(d)
      local lgi = lin:backward(d, go)
      io.write((y - ly):abs():max(), ' ', (gi[2]:select(2, 2) - lgi[2]):abs():max(), ' ',
        (m.gradWeight - lin.gradWeight):abs():max(), ' ', (m.gradBias - lin.gradBias):abs():max(), '\\n')
      -- after one accumulation, the update only touches the columns used
      local w0 = m.weight:clone()
      m:updateParameters(0.1)
      io.write((m.weight - w0):select(2, 3):abs():max(), ' ',
        (m.weight - (w0 - lin.gradWeight * 0.1)):abs():max(), '\\n')
      -- one sample and the legacy (batch x nnz x 2) layout
      local one = m:forward(s1):clone()
      io.write((one - m:forward({s1})[1]):abs():max(), ' ',
        (m:forward(torch.Tensor({{{2, 0.5}, {5, -1}}}))[1] - one):abs():max(), '\\n')
      print(pcall(function() return m:forward(torch.Tensor({{7, 1}})) end))
    """)
    lines = out.splitlines()
    assert max(nums(lines[0])) < 1e-12
    assert max(nums(lines[1])) < 1e-12
    assert max(nums(lines[2])) < 1e-12
    assert lines[3].startswith('false') and 'index out of bound' in lines[3]


def test_index_linear(rt):
    out = lua(rt, """
      torch.manualSeed(8)
      local m = nn.IndexLinear(6, 3, true)
      m:reset()
      local lin = nn.Linear(6, 3)
      lin.weight:copy(m.weight:t())
      lin.bias:copy(m.bias)
      local keys = {torch.LongTensor({2, 5}), torch.LongTensor({1, 2, 6})}
      local vals = {torch.Tensor({0.5, -1}), torch.Tensor({2, 1, 3})}
      local d = torch.zeros(2, 6)
      d[1][2], d[1][5], d[2][1], d[2][2], d[2][6] = 0.5, -1, 2, 1, 3
      local go = torch.randn(2, 3)
      local y = m:forward({keys, vals})
      local gi = m:backward({keys, vals}, go)
      local ly = lin:forward(d)
      local lgi = lin:backward(d, go)
      io.write((y - ly):abs():max(), ' ', (gi[2][2] - lgi[2]):abs():max(), '\\n')
      m:updateParameters(0.1)
      lin:updateParameters(0.1)
      io.write((m.weight:t() - lin.weight):abs():max(), ' ', (m.bias - lin.bias):abs():max(), '\\n')
      -- flat format: keys, values, sizes
      local flat = {torch.LongTensor({2, 5, 1, 2, 6}), torch.Tensor({0.5, -1, 2, 1, 3}),
                    torch.LongTensor({2, 3})}
      io.write((m:forward(flat) - m:forward({keys, vals})):abs():max(), '\\n')
      -- the same key many times: the updates add up
      local il = nn.IndexLinear(10, 2)
      local b = {{torch.LongTensor(50):fill(3)}, {torch.Tensor(50):fill(1)}}
      il:forward(b)
      il:backward(b, torch.ones(1, 2))
      il:updateParameters(0.01)
      io.write(il.weight[3][1], ' ', il.weight[3][2], ' ', il.weight[4]:abs():sum(), '\\n')
    """)
    lines = out.splitlines()
    assert max(nums(lines[0])) < 1e-12
    assert max(nums(lines[1])) < 1e-12
    assert float(lines[2]) < 1e-12
    assert nums(lines[3]) == pytest.approx([-0.5, -0.5, 0])


def test_index_linear_normalize(rt):
    # max-normalisation keeps per-feature |value| maxima in the weight's 4 leading columns
    out = lua(rt, """
      local m = nn.IndexLinear(4, 2, false, nil, nil, nil, true)
      m.weight:narrow(2, 5, 2):fill(1)
      local y = m:forward({torch.LongTensor({1, 3, 1}), torch.Tensor({2, -4, -1})})
      io.write(table.concat(y:totable(), ' '), ' ', m.weight[1][1], ' ', m.weight[1][2], ' ',
        m.weight[3][1], ' ', m.weight[1][3], '\\n')
    """)
    # key 1: 2 / 2 then -1 / 2 ; key 3: -4 / 4 -> sum 1 - 1 - 0.5 = -0.5 in both outputs
    assert nums(out) == pytest.approx([-0.5, -0.5, 2, 0.5, 4, 1])


# ----------------------------------------------------------------------------- poolings

def test_dilated_pooling_matches_plain(rt):
    out = lua(rt, """
      torch.manualSeed(9)
      local x = torch.rand(2, 3, 7, 6, 8)
      local a = nn.VolumetricMaxPooling(3, 2, 2, 2, 2, 1, 1, 1, 0)
      local b = nn.VolumetricDilatedMaxPooling(3, 2, 2, 2, 2, 1, 1, 1, 0)
      local ya, yb = a:forward(x), b:forward(x)
      local g = torch.rand(ya:size())
      io.write((ya - yb):abs():max(), ' ', (a.indices - b.indices):abs():max(), ' ',
        (a:backward(x, g) - b:backward(x, g)):abs():max(), '\\n')
      local s = nn.SpatialDilatedMaxPooling(2, 2, 1, 1, 0, 0, 2, 1)
      local y = s:forward(torch.range(1, 20):view(1, 4, 5))
      io.write(table.concat(y:view(-1):totable(), ' '), '\\n')
      print(s)
      print(nn.VolumetricDilatedMaxPooling(2, 2, 2, 1, 1, 1, 1, 1, 1, 2, 2, 2))
    """)
    lines = out.splitlines()
    assert max(nums(lines[0])) == 0
    # window rows r, r + 1 and columns c, c + 2 of a 4x5 ramp: the max is at (r + 1, c + 2)
    assert nums(lines[1]) == [8, 9, 10, 13, 14, 15, 18, 19, 20]
    assert lines[2] == 'nn.SpatialDilatedMaxPooling(2x2, 1,1, 2,1)'
    assert lines[3] == 'nn.VolumetricDilatedMaxPooling(2x2x2, 1,1,1, 1,1,1, 2,2,2)'


def test_volumetric_unpooling(rt):
    out = lua(rt, TABLE_GRAD + """
      torch.manualSeed(10)
      local p = nn.VolumetricMaxPooling(2, 2, 2, 2, 2, 2, 1, 0, 1)
      local u = nn.VolumetricMaxUnpooling(p)
      local x = torch.rand(2, 2, 3, 4, 5)
      local y = p:forward(x)
      local r = u:forward(y)
      -- the unpooled volume holds each max where it was found, zeros elsewhere
      local kept = r:ne(0)
      io.write(table.concat(r:size():totable(), 'x'), ' ', kept:sum(), ' ', y:nElement(), ' ',
        (r[kept] - x[kept]):abs():max(), ' ', (p:forward(r) - y):abs():max(), '\\n')
      io.write(nn.Jacobian.testJacobian(u, y), '\\n')
      print(u)
      print(pcall(function() return nn.VolumetricMaxUnpooling(nn.VolumetricMaxPooling(2, 2, 2, 1, 1, 1)) end))
    """)
    lines = out.splitlines()
    f = lines[0].split()
    assert f[0] == '2x2x3x4x5' and f[1] == f[2] and float(f[3]) == 0 and float(f[4]) == 0
    assert float(lines[1]) < 1e-6
    assert lines[2] == 'nn.VolumetricMaxUnpooling associated to nn.VolumetricMaxPooling(2x2x2, 2,2,2, 1,0,1)'
    assert lines[3].startswith('false') and 'kernel must be equal to its stride' in lines[3]


def test_volumetric_replication_padding(rt):
    x = arr(rt, 'torch.range(1, 24):view(2, 2, 2, 3)')
    y = arr(rt, 'nn.VolumetricReplicationPadding(1, 2, 0, 1, 2, 0)'
                ':forward(torch.range(1, 24):view(2, 2, 2, 3))')
    np.testing.assert_array_equal(y, np.pad(x, ((0, 0), (2, 0), (0, 1), (1, 2)), mode='edge'))
    y = arr(rt, 'nn.VolumetricReplicationPadding(-1, 1, 0, 0, 0, -1)'
                ':forward(torch.range(1, 24):view(2, 2, 2, 3))')
    np.testing.assert_array_equal(y, np.pad(x, ((0, 0), (0, 0), (0, 0), (0, 1)),
                                            mode='edge')[:, :1, :, 1:])
    out = lua(rt, "print(nn.VolumetricReplicationPadding(1, 2, 3, 4, 5, 6))")
    assert out == 'nn.VolumetricReplicationPadding(left=1, right=2, top=3, bottom=4, front=5, back=6)\n'


def test_fractional_max_pooling(rt):
    out = lua(rt, """
      torch.manualSeed(11)
      local m = nn.SpatialFractionalMaxPooling(2, 3, 4, 3)
      local x = torch.rand(2, 3, 9, 8)
      local y = m:forward(x)
      -- every output is the input at its index; windows start at 0 and end at the border
      local flat = x:view(6, 72)
      local ok = 0
      for p = 1, 6 do
        for i = 1, 12 do
          local idx = m.indices:view(6, 12)[p][i]
          if flat[p][idx] == y:view(6, 12)[p][i] then ok = ok + 1 end
        end
      end
      io.write(table.concat(y:size():totable(), 'x'), ' ', ok, ' ',
        table.concat(m.randomSamples:size():totable(), 'x'), '\\n')
      local r = nn.SpatialFractionalMaxPooling(2, 2, 0.5, 0.75)
      io.write(table.concat(r:forward(torch.rand(3, 8, 10)):size():totable(), 'x'), '\\n')
      local v = nn.VolumetricFractionalMaxPooling(2, 2, 2, 0.5, 0.5, 0.5)
      io.write(table.concat(v:forward(torch.rand(2, 6, 8, 10)):size():totable(), 'x'), '\\n')
      print(m)
      print(pcall(function() return nn.SpatialFractionalMaxPooling(3, 3, 6, 6):forward(torch.rand(1, 7, 7)) end))
    """)
    lines = out.splitlines()
    assert lines[0] == '2x3x3x4 72 2x3x2'
    assert lines[1] == '3x6x5'
    assert lines[2] == '2x3x4x5'
    assert lines[3] == 'nn.SpatialFractionalMaxPooling(4x3, 2,3)'
    assert lines[4].startswith('false') and 'too large relative to input' in lines[4]


def test_lp_poolings(rt):
    x = arr(rt, 'torch.range(1, 32):view(2, 4, 4):div(10)')
    y = arr(rt, 'nn.SpatialLPPooling(2, 2, 2, 2):forward(torch.range(1, 32):view(2, 4, 4):div(10))')
    want = np.sqrt((x ** 2).reshape(2, 2, 2, 2, 2).sum((2, 4)))
    np.testing.assert_allclose(y, want, rtol=1e-12)
    x = arr(rt, 'torch.range(1, 18):view(9, 2):div(5)')
    y = arr(rt, 'nn.FeatureLPPooling(3, 2, 3):forward(torch.range(1, 18):view(9, 2):div(5))')
    want = np.stack([((x[2 * f:2 * f + 3] ** 3).sum(0)) ** (1 / 3) for f in range(4)])
    np.testing.assert_allclose(y, want, rtol=1e-12)
    out = lua(rt, """
      local m = nn.FeatureLPPooling(3, 1, 2, false):float()
      m:forward(torch.FloatTensor(10):zero())
      local gi = m:backward(torch.FloatTensor(10):zero(), torch.FloatTensor(8):fill(1))
      io.write(torch.type(m.output), ' ', gi:abs():sum(), '\\n')
      print(pcall(function() return nn.FeatureLPPooling(1, 1, 2) end))
    """)
    lines = out.splitlines()
    assert lines[0] == 'torch.FloatTensor 0'
    assert 'width must be within 2 to 16' in lines[1]


def test_dynamic_k_max_pooling(rt):
    x = arr(rt, 'torch.Tensor({{3, 1}, {1, 5}, {4, 2}, {2, 6}, {0, 3}})')
    y = arr(rt, 'nn.TemporalDynamicKMaxPooling(2, 0.5)'
                ':forward(torch.Tensor({{3, 1}, {1, 5}, {4, 2}, {2, 6}, {0, 3}}))')
    # k = max(2, ceil(2.5)) = 3, kept in sequence order
    np.testing.assert_array_equal(y, [[3, 5], [4, 6], [2, 3]])
    out = lua(rt, """
      local m = nn.TemporalDynamicKMaxPooling(3)
      local x = torch.rand(2, 5, 3)
      local y = m:forward(x):clone()
      local y1 = m:forward(x[2])
      io.write((y[2] - y1):abs():max(), '\\n')
      print(pcall(function() return m:forward(torch.rand(2, 3)) end))
    """)
    lines = out.splitlines()
    assert float(lines[0]) == 0
    assert 'too small for desired k value' in lines[1]


# ----------------------------------------------------------------------------- convolutions

def test_tables(rt):
    out = lua(rt, """
      print(nn.tables.full(2, 3):t())
      print(nn.tables.oneToOne(3):t())
      torch.manualSeed(12)
      local r = nn.tables.random(5, 4, 2)
      io.write(table.concat(r:size():totable(), 'x'), ' ',
        table.concat(r:select(2, 2):totable(), ' '), '\\n')
      local ok = true
      for o = 1, 4 do
        local a, b = r[2 * o - 1][1], r[2 * o][1]
        ok = ok and a ~= b and a >= 1 and a <= 5 and b >= 1 and b <= 5
      end
      io.write(tostring(ok), '\\n')
    """)
    assert ' 1  2  1  2  1  2\n 1  1  2  2  3  3\n' in out
    assert ' 1  2  3\n 1  2  3\n' in out
    line = [l for l in out.splitlines() if l.startswith('8x2')][0]
    assert line == '8x2 1 1 2 2 3 3 4 4'
    assert out.splitlines()[-1] == 'true'


def test_convolution_map_matches_convolution(rt):
    out = lua(rt, """
      torch.manualSeed(13)
      local x = torch.rand(2, 3, 7, 6)
      local conv = nn.SpatialConvolution(3, 2, 3, 2, 2, 1)
      local t = nn.tables.full(3, 2)
      local map = nn.SpatialConvolutionMap(t, 3, 2, 2, 1)
      for k = 1, t:size(1) do map.weight[k]:copy(conv.weight[t[k][2]][t[k][1]]) end
      map.bias:copy(conv.bias)
      local y1, y2 = map:forward(x), conv:forward(x)
      local g = torch.rand(y1:size())
      map:zeroGradParameters()
      conv:zeroGradParameters()
      local gi1, gi2 = map:backward(x, g), conv:backward(x, g)
      local gw = 0
      for k = 1, t:size(1) do
        gw = math.max(gw, (map.gradWeight[k] - conv.gradWeight[t[k][2]][t[k][1]]):abs():max())
      end
      io.write((y1 - y2):abs():max(), ' ', (gi1 - gi2):abs():max(), ' ', gw, ' ',
        (map.gradBias - conv.gradBias):abs():max(), '\\n')
      -- full map against SpatialFullConvolution
      local fc = nn.SpatialFullConvolution(3, 2, 2, 3, 2, 1)
      local fm = nn.SpatialFullConvolutionMap(t, 2, 3, 2, 1)
      for k = 1, t:size(1) do fm.weight[k]:copy(fc.weight[t[k][1]][t[k][2]]) end
      fm.bias:copy(fc.bias)
      local xf = torch.rand(3, 4, 3)
      local f1, f2 = fm:forward(xf), fc:forward(xf)
      local gf = torch.rand(f1:size())
      io.write((f1 - f2):abs():max(), ' ', (fm:backward(xf, gf) - fc:backward(xf, gf)):abs():max(), '\\n')
      print(pcall(function() return map:forward(torch.rand(2, 5, 5)) end))
      print(pcall(function() return fm:forward(torch.rand(1, 3, 4, 3)) end))
    """)
    lines = out.splitlines()
    assert max(nums(lines[0])) < 1e-12
    assert max(nums(lines[1])) < 1e-12
    assert 'invalid number of input planes' in lines[2]
    assert '3D tensor expected' in lines[3]


def test_local_and_depthwise_match_convolution(rt):
    out = lua(rt, """
      torch.manualSeed(14)
      local conv = nn.SpatialConvolution(2, 3, 2, 3, 1, 2, 1, 0)
      local loc = nn.SpatialConvolutionLocal(2, 3, 5, 7, 2, 3, 1, 2, 1, 0)
      for i = 1, loc.oH do for j = 1, loc.oW do loc.weight[i][j]:copy(conv.weight) end end
      for o = 1, 3 do loc.bias[o]:fill(conv.bias[o]) end
      local x = torch.rand(2, 2, 7, 5)
      local y1, y2 = loc:forward(x), conv:forward(x)
      local g = torch.rand(y1:size())
      io.write((y1 - y2):abs():max(), ' ', (loc:backward(x, g) - conv:backward(x, g)):abs():max(), '\\n')
      print(loc)
      print(pcall(function() return loc:forward(torch.rand(2, 6, 5)) end))
      -- depth-wise: input plane c through its own kernels weight[:, c]
      local dw = nn.SpatialDepthWiseConvolution(2, 3, 3, 2, 1, 1, 1, 0)
      local xd = torch.rand(2, 2, 5, 6)
      local yd = dw:forward(xd)
      local err = 0
      for c = 1, 2 do
        local cc = nn.SpatialConvolution(1, 3, 3, 2, 1, 1, 1, 0)
        cc.weight:copy(dw.weight:select(2, c))
        cc.bias:copy(dw.bias:select(2, c))
        local yc = cc:forward(xd:narrow(2, c, 1))
        err = math.max(err, (yd:narrow(2, (c - 1) * 3 + 1, 3) - yc):abs():max())
      end
      io.write(err, ' ', table.concat(yd:size():totable(), 'x'), ' ', dw.weight:dim(), '\\n')
      print(dw)
      print(nn.SpatialDepthWiseConvolution(2, 3, 3, 3):noBias())
    """)
    lines = out.splitlines()
    assert max(nums(lines[0])) < 1e-12
    assert lines[1] == 'nn.SpatialConvolutionLocal(2 -> 3, 5x7, 2x3, 1,2, 1,0)'
    assert 'inconsistent with expected input size' in lines[2]
    f = lines[3].split()
    assert float(f[0]) < 1e-12 and f[1] == '2x6x4x6' and f[2] == '4'
    assert lines[4] == 'nn.SpatialDepthWiseConvolution(2 -> 3, 3x2, 1,1, 1,0)'
    assert lines[5] == 'nn.SpatialDepthWiseConvolution(2 -> 3, 3x3) without bias'


def test_volumetric_convolutions(rt):
    out = lua(rt, """
      torch.manualSeed(15)
      -- dilation 1 is a plain VolumetricConvolution
      local a = nn.VolumetricConvolution(2, 3, 2, 3, 2, 1, 2, 1, 1, 0, 1)
      local b = nn.VolumetricDilatedConvolution(2, 3, 2, 3, 2, 1, 2, 1, 1, 0, 1)
      b.weight:copy(a.weight)
      b.bias:copy(a.bias)
      local x = torch.rand(2, 2, 4, 5, 6)
      local ya, yb = a:forward(x), b:forward(x)
      local g = torch.rand(ya:size())
      io.write((ya - yb):abs():max(), ' ', (a:backward(x, g) - b:backward(x, g)):abs():max(), '\\n')
      -- the transposed convolution is the input gradient of a convolution with the same weight
      local full = nn.VolumetricFullConvolution(3, 2, 2, 3, 2, 2, 1, 2, 1, 0, 1, 1, 0, 1):noBias()
      local conv = nn.VolumetricConvolution(2, 3, 2, 3, 2, 2, 1, 2, 1, 0, 1):noBias()
      conv.weight:copy(full.weight)
      local z = torch.rand(3, 2, 3, 2)
      local yf = full:forward(z)
      local xin = torch.rand(yf:size())
      conv:forward(xin)
      io.write(table.concat(yf:size():totable(), 'x'), ' ',
        (yf - conv:updateGradInput(xin, z)):abs():max(), '\\n')
      -- {input, target}: the adj factors come from the target's size
      local m = nn.VolumetricFullConvolution(2, 2, 3, 3, 3, 2, 2, 2, 1, 1, 1)
      local inp = torch.rand(2, 3, 3, 3)
      local o = m:forward({inp, torch.rand(6, 5, 6)})
      local gi = m:backward({inp, torch.rand(6, 5, 6)}, torch.rand(o:size()))
      io.write(table.concat(o:size():totable(), 'x'), ' ', torch.type(gi), ' ', gi[2]:sum(), '\\n')
      print(full)
      print(b)
      print(pcall(function() return nn.VolumetricFullConvolution(2, 2, 2, 2, 2, 1, 1, 1, 0, 0, 0, 1) end))
    """)
    lines = out.splitlines()
    assert max(nums(lines[0])) < 1e-12
    f = lines[1].split()
    assert f[0] == '2x3x5x4' and float(f[1]) < 1e-12
    assert lines[2] == '2x6x5x6 table 0'
    assert lines[3] == 'nn.VolumetricFullConvolution(3 -> 2, 2x3x2, 2,1,2, 1,0,1, 1,0,1)'
    assert lines[4] == 'nn.VolumetricDilatedConvolution(2 -> 3, 2x3x2, 1,2,1, 1,0,1, 1,1,1)'
    assert lines[5].startswith('false') and 'must be smaller than' in lines[5]


# ----------------------------------------------------------------------------- types, printing

@pytest.mark.parametrize('module,input', [
    ('nn.GatedLinearUnit()', 'torch.rand(3, 4)'),
    ('nn.PixelShuffle(2)', 'torch.rand(1, 4, 2, 2)'),
    ('nn.UpSampling(2, "linear")', 'torch.rand(1, 2, 2, 2, 2)'),
    ('nn.SpatialConvolutionMap(nn.tables.full(2, 2), 2, 2)', 'torch.rand(2, 4, 4)'),
    ('nn.SpatialConvolutionLocal(2, 2, 4, 4, 2, 2)', 'torch.rand(2, 4, 4)'),
    ('nn.SpatialDepthWiseConvolution(2, 2, 2, 2)', 'torch.rand(2, 3, 3)'),
    ('nn.VolumetricFullConvolution(2, 2, 2, 2, 2)', 'torch.rand(2, 2, 2, 2)'),
    ('nn.VolumetricDilatedMaxPooling(2, 2, 2, 1, 1, 1, 0, 0, 0, 2, 1, 1)', 'torch.rand(1, 4, 3, 3)'),
    ('nn.FeatureLPPooling(2, 1, 2)', 'torch.rand(5, 2)'),
    ('nn.LinearWeightNorm(3, 2)', 'torch.rand(2, 3)'),
])
def test_float_matches_double(rt, module, input):
    out = lua(rt, """
      torch.manualSeed(2)
      local m = %s
      local x = %s
      local y = m:forward(x):clone()
      local g = torch.randn(y:size())
      local gi = m:backward(x, g):clone()
      m:float()
      local yf = m:forward(x:float()):clone()
      local gf = m:backward(x:float(), g:float())
      print(torch.type(yf), torch.type(gf), (yf:double() - y):abs():max() < 1e-4,
            (gf:double() - gi):abs():max() < 1e-4)
    """ % (module, input))
    assert out == 'torch.FloatTensor\ttorch.FloatTensor\ttrue\ttrue\t\n'


def test_printing(rt):
    out = lua(rt, """
      print(nn.CReLU(3))
      print(nn.FeatureLPPooling(3, 1, 2, true))
      print(nn.VolumetricFractionalMaxPooling(2, 2, 2, 3, 3, 3))
      print(nn.SpatialLPPooling(2, 2, 2, 2))
      print(nn.MV())
    """)
    lines = out.splitlines()
    assert lines[0] == 'CReLU()'
    assert lines[1] == 'nn.FeatureLPPooling(w3 s1 power 2 batch 1'
    assert lines[2] == 'nn.VolumetricFractionalMaxPooling(3x3x3, 2,2,2)'
    assert lines[3] == 'nn.Sequential {'  # Torch's Sequential prints its own name
    assert 'nn.Square' in out and 'nn.SpatialAveragePooling(2x2, 2,2)' in out
    assert lines[-1] == 'nn.MV'
