"""nn's smaller pieces: nn.hessian and the Jacobian's diagonal-Hessian / update checks,
nn.SparseJacobian, Constant, WhiteNoise, ZeroGrad, OneHot, Collapse, Convert, DontCast, NaN,
Profile, PrintSize, Kmeans, the spatial subtractive / divisive / contrastive normalisations, and
the runtime bits nn's test suite needs (tic/toc, thread count, storage ==, Identity:clearState)."""
import numpy as np
import pytest

import luatorch
from nnhelp import assert_jacobian, lua, rt  # noqa: F401


def nums(out):
    return [float(v) for v in out.split()]


@pytest.fixture(scope='module')
def hrt():
    """A runtime of its own for nn.hessian (enable() changes parameters() for every module)."""
    r = luatorch.Runtime()
    r.execute("print = require('trepl').print; require 'nn'; nn.hessian.enable()")
    return r


# ---------------------------------------------------------------------------- hessian / Jacobian
@pytest.mark.parametrize('module, input', [
    ('nn.Linear(4, 3)', 'torch.Tensor(4)'),
    ('nn.Linear(4, 3)', 'torch.Tensor(6, 4)'),
    ('nn.SpatialConvolution(2, 3, 3, 3)', 'torch.Tensor(2, 5, 6)'),
])
def test_diag_hessian_matches_squared_first_derivatives(hrt, module, input):
    out = lua(hrt, """
      torch.manualSeed(5)
      local m, x = %s, %s
      io.write(nn.Jacobian.testDiagHessianInput(m, x), ' ',
               nn.Jacobian.testDiagHessianWeight(m, x), ' ',
               nn.Jacobian.testDiagHessianBias(m, x))
    """ % (module, input))
    assert all(e < 1e-8 for e in nums(out)), out


def test_diag_hessian_linear_values(hrt):
    # F = sum(y^2)/2 with y = W x + b: d2F/dx_j^2 = sum_i W_ij^2, d2F/dW_ij^2 = x_j^2, d2F/db_i^2 = 1
    out = lua(hrt, """
      local m = nn.Linear(3, 2)
      m.weight:copy(torch.Tensor{{1, 2, 3}, {4, 5, 6}})
      local x = torch.Tensor{1, -2, 0.5}
      m:initDiagHessianParameters()
      local h = nn.Jacobian.backwardDiagHessian(m, x, 'diagHessianInput')
      io.write(table.concat(h:totable(), ' '), ' | ')
      io.write(table.concat(m.diagHessianWeight:view(-1):totable(), ' '), ' | ')
      io.write(table.concat(m.diagHessianBias:totable(), ' '))
    """)
    a, w, b = (nums(s) for s in out.split('|'))
    assert a == [17, 29, 45]
    assert w == [1, 4, 0.25, 1, 4, 0.25]
    assert b == [1, 1]


def test_hessian_sequential_and_criterion(hrt):
    out = lua(hrt, """
      local net = nn.Sequential():add(nn.Linear(3, 2)):add(nn.Tanh()):add(nn.Linear(2, 1))
      net:initDiagHessianParameters()
      local x = torch.Tensor{0.5, -1, 2}
      net:forward(x)
      local crit = nn.MSECriterion()
      local d = crit:updateDiagHessianInput(net.output, torch.Tensor{1})
      local dh = net:updateDiagHessianInput(x, d)
      net:accDiagHessianParameters(x, d)
      local p, g, h = net:parameters()
      io.write(#p, ' ', #g, ' ', #h, ' ', d[1], ' ', dh:nElement(), ' ')
      local fp, fg, fh = net:getParameters()
      io.write(fp:nElement(), ' ', fg:nElement(), ' ', fh:nElement(), ' ')
      io.write(tostring(net.modules[3].diagHessianWeight:min() >= 0))
    """)
    assert out.split() == ['4', '4', '4', '2', '3', '11', '11', '11', 'true']


def test_hessian_undefined_module_errors(hrt):
    out = lua(hrt, """
      local ok, err = pcall(function() nn.Exp():updateDiagHessianInput(torch.ones(2), torch.ones(2)) end)
      io.write(tostring(ok), ' ', err:match('nn.Exp:updateDiagHessianInput%(%) is undefined') or err)
    """)
    assert out == 'false nn.Exp:updateDiagHessianInput() is undefined'


def test_test_all_update_and_io(rt):
    out = lua(rt, """
      torch.manualSeed(2)
      local m = nn.Linear(4, 3)
      local x = torch.randn(5, 4)
      local errs = nn.Jacobian.testAllUpdate(m, x, 'weight', 'gradWeight')
      local n, worst = 0, 0
      for k, v in pairs(errs) do n = n + 1; worst = math.max(worst, v) end
      local fe, be = nn.Jacobian.testIO(m, x)
      io.write(n, ' ', worst, ' ', fe, ' ', be)
    """)
    n, worst, fe, be = nums(out)
    assert n == 4 and worst < 1e-10 and fe == 0 and be == 0


def test_forward_update_matches_backward_update(rt):
    out = lua(rt, """
      torch.manualSeed(3)
      local m = nn.Linear(3, 2)
      io.write(nn.Jacobian.testJacobianUpdateParameters(m, torch.Tensor(3), m.weight))
      local f = nn.Jacobian.forwardUpdate(m, torch.ones(3), m.bias)
      io.write(' ', f:size(1), ' ', f:size(2))
    """)
    e, r, c = nums(out)
    assert e < 1e-5 and (r, c) == (2, 2)


def test_sparse_jacobian(rt):
    # a module reading an n x 2 "sparse" input: the Jacobian is taken on column 2 only
    out = lua(rt, """
      torch.manualSeed(4)
      local m = nn.Linear(2, 3)
      local x = torch.Tensor(5, 2)
      x:select(2, 1):copy(torch.range(1, 5))
      local sj = nn.SparseJacobian
      io.write(sj.testJacobian(m, x), ' ',
               sj.testJacobianParameters(m, x, m.weight, m.gradWeight), ' ',
               sj.testJacobianUpdateParameters(m, x, m.bias), ' ')
      local fe, be = sj.testIO(m, x)
      io.write(fe, ' ', be, ' ', x[3][1])
    """)
    e1, e2, e3, fe, be, idx = nums(out)
    assert max(e1, e2, e3) < 1e-5 and fe == 0 and be == 0 and idx == 3


# ---------------------------------------------------------------------------- small modules
def test_constant(rt):
    out = lua(rt, """
      local v = torch.Tensor{{1, 2}, {3, 4}}
      local c = nn.Constant(v, 2)
      local o = c:forward(torch.randn(3, 5, 5))
      local gi = c:backward(torch.randn(3, 5, 5), o)
      io.write(table.concat(o:size():totable(), 'x'), ' ', o[3][2][1], ' ', gi:abs():sum(), ' ')
      local o2 = c:forward(torch.randn(5, 5))
      io.write(table.concat(o2:size():totable(), 'x'), ' ', nn.Constant(7):forward(torch.ones(2))[1])
    """)
    assert out.split() == ['3x2x2', '3', '0', '2x2', '7']


def test_white_noise(rt):
    out = lua(rt, """
      torch.manualSeed(1)
      local m = nn.WhiteNoise(0, 0.1)
      local o = m:forward(torch.zeros(4, 50, 50))
      io.write(string.format('%.2f %.2f ', o:mean(), o:std()))
      m:evaluate()
      io.write(m:forward(torch.ones(3)):sum(), ' ')
      io.write(nn.WhiteNoise(2):evaluate() or '', nn.WhiteNoise(2, 1):float():type(), ' ')
      m:training()
      local g = torch.rand(3)
      io.write(tostring(m:backward(torch.ones(3), g):equal(g)), ' ')
      m:evaluate()
      io.write(tostring(pcall(function() m:backward(torch.ones(3), g) end)), ' ')
      print(nn.WhiteNoise(1, 2))
    """)
    parts = out.split()
    assert parts[:5] == ['0.00', '0.10', '3', 'torch.FloatTensor', 'true']
    assert parts[5] == 'false'
    assert 'nn.WhiteNoise mean: 1.000000, std: 2.000000' in out


def test_zero_grad(rt):
    out = lua(rt, """
      local x = torch.randn(3, 4)
      local m = nn.ZeroGrad()
      local o = m:forward(x)
      local g = m:backward(x, torch.randn(3, 4))
      local t = m:backward({x, x}, {x, x})
      io.write(tostring(o:equal(x)), ' ', g:abs():sum(), ' ', #t, ' ', t[2]:abs():sum())
    """)
    assert out.split() == ['true', '0', '2', '0']


def test_one_hot(rt):
    out = lua(rt, """
      local m = nn.OneHot(4)
      local o = m:forward(torch.LongTensor{{2, 4}, {1, 1}})
      io.write(table.concat(o:size():totable(), 'x'), ' ', o[1][1][2], o[1][2][4], o[2][1][1], ' ', o:sum(), ' ')
      io.write(table.concat(m:forward(3):totable(), ''), ' ')
      io.write(m:backward(torch.LongTensor{1, 2}, torch.randn(2, 4)):abs():sum(), ' ')
      io.write(table.concat(m:forward(torch.Tensor{2}):view(-1):totable(), ''), ' ', m:updateGradInput(2, 0))
    """)
    assert out.split() == ['2x2x4', '111', '4', '0010', '0', '0100', '0']


def test_collapse(rt):
    out = lua(rt, """
      local m = nn.Collapse(2)
      local x = torch.randn(4, 3, 5)
      local o = m:forward(x)
      local g = m:backward(x, o)
      local xt = x:transpose(2, 3)
      local o2 = m:forward(xt)
      io.write(table.concat(o:size():totable(), 'x'), ' ', tostring(g:equal(x)), ' ',
               tostring(o2:equal(xt:contiguous():view(4, -1))), ' ',
               table.concat(m:forward(torch.randn(3, 5)):size():totable(), 'x'))
    """)
    assert out.split() == ['4x15', 'true', 'true', '15']


def test_convert(rt):
    out = lua(rt, """
      local x = torch.randn(2, 3, 4, 5)
      local c = nn.Convert('bchw', 'chwb')
      local o = c:forward(x)
      local g = c:backward(x, o)
      io.write(table.concat(o:size():totable(), 'x'), ' ', tostring(o:equal(x:permute(2, 3, 4, 1))),
               ' ', tostring(g:equal(x)), ' ')
      local f = nn.Convert('bchw', 'bf')
      io.write(tostring(f:forward(x):equal(x:view(2, -1))), ' ')
      f:float()
      io.write(f:forward(x):type(), ' ')
      local s = nn.Convert('chw', 'hwc')
      local y = torch.randn(3, 4, 5)
      io.write(table.concat(s:forward(y):size():totable(), 'x'), ' ',
               tostring(s:backward(y, s.output):equal(y)), ' ')
      io.write(nn.Convert():float():forward(torch.ones(2)):type(), ' ')
      io.write(tostring(pcall(function() nn.Convert(nil, 'bf') end)))
    """)
    assert out.split() == ['3x4x5x2', 'true', 'true', 'true', 'torch.FloatTensor', '4x5x3', 'true',
                           'torch.FloatTensor', 'false']


def test_dont_cast(rt):
    out = lua(rt, """
      torch.manualSeed(1)
      local lin = nn.Linear(4, 2):float()
      local m = nn.DontCast(lin, true)
      local x, go = torch.randn(3, 4), torch.randn(3, 2)
      local o = m:forward(x)
      local gi = m:backward(x, go)
      io.write(o:type(), ' ', gi:type(), ' ', m.moduleType, ' ')
      local ref = lin:forward(x:float())
      io.write(tostring((o:float() - ref):abs():max() < 1e-6), ' ')
      local net = nn.Sequential():add(m):add(nn.Tanh())
      net:float()
      io.write(lin.weight:type(), ' ', net:forward(x:float()):type(), ' ')
      net:double()
      io.write(lin.weight:type(), ' ', net:forward(x):type())
    """)
    assert out.split() == ['torch.DoubleTensor', 'torch.DoubleTensor', 'torch.FloatTensor', 'true',
                           'torch.FloatTensor', 'torch.FloatTensor', 'torch.FloatTensor',
                           'torch.DoubleTensor']


def test_nan(rt):
    out = lua(rt, """
      local lin = nn.Linear(3, 2)
      local m = nn.NaN(lin)
      local x = torch.randn(2, 3)
      m:forward(x)
      m:backward(x, torch.randn(2, 2))
      local bad = x:clone()
      bad[1][1] = 0 / 0
      local ok, err = pcall(function() m:forward(bad) end)
      io.write(tostring(ok), ' ', tostring(err:find('NaN found in input of module') ~= nil), ' ')
      lin.bias[1] = 0 / 0
      ok, err = pcall(function() m:forward(x) end)
      io.write(tostring(err:find('NaN found in parameters') ~= nil), ' ')
      lin.bias:zero()
      local g = torch.ones(2, 2)
      g[2][2] = 0 / 0
      ok, err = pcall(function() m:backward(x, g) end)
      io.write(tostring(err:find('NaN found in gradOutput') ~= nil), ' ')
      io.write(nn.NaN(nn.Tanh()).id - m.id, ' ', nn.NaN(nn.Tanh(), 42):__tostring__())
    """)
    assert out.split() == ['false', 'true', 'true', 'true', '1', 'nn.NaN(42)', '@', 'nn.Tanh']


def test_profile_prints_every_interval(rt):
    out = lua(rt, """
      local m = nn.Profile(nn.Linear(3, 4), 2, 'lin')
      local x, g = torch.randn(1, 3), torch.randn(1, 4)
      for i = 1, 4 do m:forward(x); m:backward(x, g) end
      io.write(tostring(m.output:equal(m.modules[1].output)), ' ', m.numFwds, ' ')
      io.write(torch.type(m:clone().timer))
    """)
    lines = [l.rstrip() for l in out.splitlines()]
    assert sum(1 for l in lines if l.startswith('lin took ') and l.endswith('2 forward passes')) == 2
    assert sum(1 for l in lines if l.endswith('2 backward passes')) == 2
    assert lines[-1] == 'true 0 torch.Timer'


def test_print_size(rt):
    out = lua(rt, """
      local m = nn.PrintSize('here')
      local x = torch.randn(2, 3)
      io.write(tostring(m:forward(x) == x))
      m:backward(x, x)
    """)
    assert out.startswith('here:input') and 'here:gradOutput' in out and out.count('2\n 3') == 2


def test_kmeans(rt):
    out = lua(rt, """
      torch.manualSeed(1)
      local x = torch.Tensor(60, 2)
      for i = 1, 60 do x[i]:fill((i % 3) * 10) end
      local best = math.huge
      for attempt = 1, 3 do
        local km = nn.Kmeans(3, 2)
        km:initKmeansPlus(x)
        for it = 1, 5 do
          km:zeroGradParameters()
          km:forward(x)
          km:backward(x)
          km.weight:add(-1, km.gradWeight)
        end
        best = math.min(best, km.loss)
      end
      io.write(best < 1e-5 and 'ok' or best, ' ')
      local km = nn.Kmeans(2, 2)
      km.weight:copy(torch.Tensor{{0, 0}, {10, 10}})
      local y = torch.Tensor{{1, 1}, {9, 8}, {-1, 0}}
      local o = km:forward(y)
      io.write(table.concat(o:totable(), ','), ' ', km.loss, ' ')
      km:zeroGradParameters()
      km:backward(y, nil)
      io.write(table.concat(km.clusterSampleCount:totable(), ','), ' ',
               string.format('%.4f %.4f', km.gradWeight[1][1], km.gradWeight[2][2]), ' ',
               km.gradInput:abs():sum())
    """)
    parts = out.split()
    assert parts[0] == 'ok'
    assert parts[1] == '1,2,1' and float(parts[2]) == 2 + 5 + 1
    assert parts[3] == '2,1'
    assert float(parts[4]) == pytest.approx(-0.0) and float(parts[5]) == pytest.approx(2.0, abs=1e-6)
    assert parts[6] == '0'


def test_kmeans_init_random_uses_input_rows(rt):
    out = lua(rt, """
      torch.manualSeed(3)
      local x = torch.range(1, 20):view(10, 2)
      local km = nn.Kmeans(4, 2)
      km:initRandom(x)
      local ok = true
      for i = 1, 4 do ok = ok and km.weight[i][2] == km.weight[i][1] + 1 and km.weight[i][1] % 2 == 1 end
      io.write(tostring(ok))
    """)
    assert out == 'true'


# ---------------------------------------------------------------------------- spatial normalisation
def _local_sums(x, k):
    """numpy reference: the kernel-weighted local sums over all planes of x and of ones (the
    border coefficients), k normalised by its sum times the number of planes."""
    c, h, w = x.shape
    kh, kw = k.shape
    k = k / (k.sum() * c)
    p = np.pad(x, ((0, 0), (kh // 2, kh // 2), (kw // 2, kw // 2)))
    ones = np.pad(np.ones_like(x), ((0, 0), (kh // 2, kh // 2), (kw // 2, kw // 2)))
    s = np.zeros((h, w))
    cf = np.zeros((h, w))
    for i in range(kh):
        for j in range(kw):
            s += k[i, j] * p[:, i:i + h, j:j + w].sum(0)
            cf += k[i, j] * ones[:, i:i + h, j:j + w].sum(0)
    return s, cf


def test_subtractive_normalization_values(rt):
    out = lua(rt, """
      torch.manualSeed(7)
      local x = torch.rand(2, 5, 6)
      local m = nn.SpatialSubtractiveNormalization(2, torch.Tensor(3, 3):fill(1))
      local o = m:forward(x)
      io.write(table.concat(x:view(-1):totable(), ' '), '|', table.concat(o:view(-1):totable(), ' '))
    """)
    xs, os_ = out.split('|')
    x = np.array(nums(xs)).reshape(2, 5, 6)
    o = np.array(nums(os_)).reshape(2, 5, 6)
    s, cf = _local_sums(x, np.ones((3, 3)))
    np.testing.assert_allclose(o, x - (s / cf)[None], atol=1e-12)


def test_divisive_normalization_values(rt):
    out = lua(rt, """
      torch.manualSeed(8)
      local x = torch.rand(3, 6, 5)
      local m = nn.SpatialDivisiveNormalization(3, torch.Tensor(3, 3):fill(1))
      local o = m:forward(x)
      io.write(table.concat(x:view(-1):totable(), ' '), '|', table.concat(o:view(-1):totable(), ' '))
    """)
    xs, os_ = out.split('|')
    x = np.array(nums(xs)).reshape(3, 6, 5)
    o = np.array(nums(os_)).reshape(3, 6, 5)
    # as Torch: the root of the local sum of squares, divided by the border coefficient
    s2, cf = _local_sums(x * x, np.ones((3, 3)))
    std = np.sqrt(s2) / cf
    std = np.where(std > 1e-4, std, 1e-4)
    np.testing.assert_allclose(o, x / std[None], atol=1e-12)


@pytest.mark.parametrize('module, input', [
    ('nn.SpatialSubtractiveNormalization(2, torch.Tensor(3, 3):fill(1))', 'torch.rand(2, 5, 4)'),
    ('nn.SpatialSubtractiveNormalization(3, torch.Tensor(3):fill(1))', 'torch.rand(2, 3, 5, 4)'),
    ('nn.SpatialDivisiveNormalization(2, torch.Tensor(3, 3):fill(1))', 'torch.rand(2, 2, 5, 4)'),
    ('nn.SpatialDivisiveNormalization(2, torch.Tensor(5):fill(1))', 'torch.rand(2, 6, 5)'),
    ('nn.SpatialContrastiveNormalization(2, torch.Tensor(3, 3):fill(1))', 'torch.rand(2, 5, 4)'),
])
def test_spatial_normalization_jacobian(rt, module, input):
    assert_jacobian(rt, module, input)


def test_spatial_normalization_batch_float_and_errors(rt):
    out = lua(rt, """
      torch.manualSeed(9)
      local m = nn.SpatialContrastiveNormalization(3, torch.Tensor(5, 5):fill(1))
      local x = torch.rand(3, 7, 6)
      local o = m:forward(x):clone()
      local xb = torch.rand(2, 3, 7, 6)
      xb[2]:copy(x)
      m:float()
      local ob = m:forward(xb:float())
      io.write(ob:type(), ' ', tostring((ob[2]:double() - o):abs():max() < 1e-5), ' ')
      io.write(tostring(m == m:clearState()), ' ')
      local ok, err = pcall(function() nn.SpatialSubtractiveNormalization(1, torch.ones(4, 4)) end)
      io.write(err:match('<SpatialSubtractiveNormalization> averaging kernel must have ODD dimensions') and 'odd' or err, ' ')
      ok, err = pcall(function() nn.SpatialDivisiveNormalization(1, torch.ones(3, 3, 3)) end)
      io.write(err:match('averaging kernel must be 2D or 1D') and '2d' or err, ' ')
      io.write(nn.SpatialSubtractiveNormalization().nInputPlane, ' ', nn.SpatialDivisiveNormalization().threshold)
    """)
    assert out.split() == ['torch.FloatTensor', 'true', 'true', 'odd', '2d', '1', '0.0001']


# ---------------------------------------------------------------------------- runtime bits
def test_tic_toc_and_threads(rt):
    out = lua(rt, """
      local t = torch.tic()
      local d = torch.toc(t)
      local n = torch.getnumthreads()
      torch.setnumthreads(1)
      local one = torch.getnumthreads()
      torch.setnumthreads(n)
      io.write(tostring(t > 1e9), ' ', tostring(d >= 0 and d < 10), ' ', tostring(n >= 1), ' ', one, ' ',
               torch.getnumthreads() == n and 'restored' or 'changed')
    """)
    assert out.split() == ['true', 'true', 'true', '1', 'restored']


def test_storage_equality_and_size_argument(rt):
    out = lua(rt, """
      local t = torch.Tensor(4)
      local v = t:narrow(1, 2, 2)
      io.write(tostring(t:storage() == v:storage()), ' ', tostring(t:storage() == torch.Tensor(4):storage()), ' ',
               tostring(t:storage() == torch.FloatTensor(4):storage()), ' ', torch.LongStorage{5, 6, 7}:size(1))
    """)
    assert out.split() == ['true', 'false', 'false', '3']


def test_identity_clear_state_keeps_callers_tensors(rt):
    out = lua(rt, """
      local m = nn.Identity()
      local x = torch.randn(3)
      m:forward(x)
      m:backward(x, x)
      io.write(tostring(m:clearState() == m), ' ', x:nElement(), ' ', m.output:nElement(), ' ',
               tostring(m.output ~= x), ' ', torch.type(m.gradInput))
      m:forward({x})
      m:clearState()
      io.write(' ', torch.type(m.output), ' ', #m.output)
    """)
    assert out.split() == ['true', '3', '0', 'true', 'torch.DoubleTensor', 'table', '0']
