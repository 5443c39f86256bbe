"""cunn through Lua: nn modules and criteria after :cuda() give exactly what the same modules give
as FloatTensor modules (CudaTensor is float), gradients check out on CudaDouble, and
nn.DataParallelTable runs over the visible device(s)."""
import pytest

import luatorch
from cudahelp import device, runtime_fixture
from helpers import run_lua
from luatorch.lib import _fakedevice, xp

# every test taking rt runs on the host device (fallback here, CuPy on a GPU) and on the fake one
rt = runtime_fixture("print = require('trepl').print; require 'cunn'")


def lua(rt, code):
    return run_lua(rt, code)


# forward + backward of a module and a criterion, as a Lua function of (module, criterion,
# input, target, typename) returning output, loss, gradInput and the parameter gradients as
# one flat DoubleTensor (for comparisons between types)
RUN = """
local function run(m, c, x, y, typename)
  m = m:clone():type(typename)
  c = c:clone():type(typename)
  x = x:type(typename)
  if torch.isTensor(y) then y = y:type(typename) end
  m:zeroGradParameters()
  local o = m:forward(x)
  local loss = c:forward(o, y)
  local g = c:backward(o, y)
  local gi = m:backward(x, g)
  local _, gp = m:parameters()
  local parts = {o:double():view(-1), torch.DoubleTensor{loss}, gi:double():view(-1)}
  for _, p in ipairs(gp or {}) do
    assert(torch.type(p) == typename, 'parameter gradient of type ' .. torch.type(p))
    parts[#parts + 1] = p:double():view(-1)
  end
  assert(torch.type(o) == typename and torch.type(gi) == typename)
  return torch.cat(parts, 1)
end
"""

CASES = {
    'lenet': ("""nn.Sequential():add(nn.SpatialConvolution(3, 6, 5, 5)):add(nn.ReLU())
                 :add(nn.SpatialMaxPooling(2, 2, 2, 2)):add(nn.SpatialConvolution(6, 16, 5, 5))
                 :add(nn.Tanh()):add(nn.SpatialMaxPooling(2, 2, 2, 2)):add(nn.View(16 * 5 * 5))
                 :add(nn.Linear(16 * 5 * 5, 120)):add(nn.Sigmoid()):add(nn.Linear(120, 10))
                 :add(nn.LogSoftMax())""",
              'nn.ClassNLLCriterion()', 'torch.rand(3, 32, 32)', '3'),
    'batch_lenet': ("""nn.Sequential():add(nn.SpatialConvolutionMM(1, 4, 3, 3)):add(nn.SpatialBatchNormalization(4))
                       :add(nn.ReLU()):add(nn.SpatialAveragePooling(2, 2, 2, 2)):add(nn.View(-1):setNumInputDims(3))
                       :add(nn.Linear(4 * 3 * 3, 5)):add(nn.BatchNormalization(5)):add(nn.Dropout(0))
                       :add(nn.LogSoftMax())""",
                    'nn.ClassNLLCriterion()', 'torch.randn(4, 1, 8, 8)', 'torch.Tensor{1, 5, 2, 2}'),
    'mlp_mse': ('nn.Sequential():add(nn.Linear(6, 8)):add(nn.ELU()):add(nn.Linear(8, 3)):add(nn.SoftMax())',
                'nn.MSECriterion()', 'torch.randn(5, 6)', 'torch.rand(5, 3)'),
    'cross_entropy': ('nn.Sequential():add(nn.Linear(4, 3)):add(nn.LeakyReLU(0.1))',
                      'nn.CrossEntropyCriterion()', 'torch.randn(6, 4)', 'torch.Tensor{1, 2, 3, 3, 2, 1}'),
    'temporal': ('nn.Sequential():add(nn.TemporalConvolution(3, 4, 2)):add(nn.Tanh()):add(nn.Mean(1))',
                 'nn.SmoothL1Criterion()', 'torch.randn(7, 3)', 'torch.randn(4)'),
    'bce': ('nn.Sequential():add(nn.Linear(3, 2)):add(nn.Sigmoid())', 'nn.BCECriterion()',
            'torch.randn(4, 3)', 'torch.Tensor{{0, 1}, {1, 1}, {0, 0}, {1, 0}}'),
}


# A FloatTensor run has Torch7's CPU bits (THNN's order of sums, libm's float functions,
# OpenBLAS called as TH calls it); a device computes its own way, as cutorch/cunn do (its
# reductions, its maths functions, its BLAS), so results may be an ulp or two apart
def exact_tolerance(case, on_device):
    """The largest difference allowed between the CudaTensor and FloatTensor runs of case."""
    return 1e-6 if on_device else 0.0


@pytest.mark.parametrize('case', sorted(CASES))
def test_cuda_modules_compute_what_float_modules_compute(rt, case, request):
    module, crit, x, y = CASES[case]
    on_device = request.node.callspec.params['rt'] == 'fake' or xp.on_gpu()
    out = lua(rt, RUN + """
      torch.manualSeed(5)
      local m, c, x, y = %s, %s, %s, %s
      local f = run(m, c, x, y, 'torch.FloatTensor')
      local g = run(m, c, x, y, 'torch.CudaTensor')
      local d = run(m, c, x, y, 'torch.DoubleTensor')
      io.write(f:nElement(), ' ', (f - g):abs():max(), ' ', (d - g):abs():max() / math.max(1, d:abs():max()))
    """ % (module, crit, x, y))
    n, same, rel = out.split()
    assert int(n) > 10
    assert float(same) <= exact_tolerance(case, on_device)   # CudaTensor is float: FloatTensor's
    assert float(rel) < 1e-3       # and close to double


def test_module_cuda_converts_every_tensor_field(rt):
    out = lua(rt, """
      local m = nn.Sequential():add(nn.Linear(3, 4)):add(nn.SpatialMaxPooling(2, 2))
      m:cuda()
      local types = {}
      for _, mod in ipairs(m:listModules()) do
        for k, v in pairs(mod) do
          if torch.isTensor(v) then types[torch.type(v)] = true end
        end
      end
      for k in pairs(types) do io.write(k, ' ') end
      io.write(m:type(), ' ', torch.type(nn.MSECriterion():cuda().gradInput))
    """)
    assert out.split() == ['torch.CudaTensor', 'torch.CudaTensor', 'torch.CudaTensor']


def test_shared_parameters_stay_shared_after_cuda(rt):
    out = lua(rt, """
      local a = nn.Linear(2, 2)
      local b = a:clone('weight', 'bias', 'gradWeight', 'gradBias')
      local s = nn.Sequential():add(a):add(b):cuda()
      s.modules[1].weight:fill(3)
      local p, g = s:getParameters()
      io.write(s.modules[2].weight[1][1], ' ', torch.type(p), ' ', p:nElement())
    """)
    assert out == '3 torch.CudaTensor 6'


def test_jacobian_on_cuda_double(rt):
    out = lua(rt, """
      torch.manualSeed(2)
      local m = nn.Sequential():add(nn.Linear(4, 3)):add(nn.Tanh()):cudaDouble()
      local x = torch.randn(2, 4):cudaDouble()
      io.write(string.format('%.3e %.3e', nn.Jacobian.testJacobian(m, x),
        nn.Jacobian.testJacobianParameters(m, x, m.modules[1].weight, m.modules[1].gradWeight)))
    """)
    a, b = (float(v) for v in out.split())
    assert a < 1e-6 and b < 1e-6


def test_training_with_optim_on_cuda(rt):
    out = lua(rt, """
      require 'optim'
      torch.manualSeed(4)
      local x = torch.randn(16, 3)
      local y = (x:select(2, 1) * 2 - x:select(2, 3)):view(16, 1)
      local function train(typename)
        torch.manualSeed(9)
        local m = nn.Linear(3, 1):type(typename)
        local c = nn.MSECriterion():type(typename)
        local xx, yy = x:type(typename), y:type(typename)
        local p, g = m:getParameters()
        local loss
        for i = 1, 50 do
          _, loss = optim.sgd(function()
            g:zero()
            local l = c:forward(m:forward(xx), yy)
            m:backward(xx, c:backward(m.output, yy))
            return l, g
          end, p, {learningRate = 0.1})
        end
        return loss[1], torch.type(p)
      end
      local lf = train('torch.FloatTensor')
      local lc, tc = train('torch.CudaTensor')
      io.write(tostring(math.abs(lf - lc) <= 1e-6 * math.max(1, math.abs(lf))), ' ', tc, ' ',
               tostring(lc < 1e-3))
    """)
    assert out == 'true torch.CudaTensor true'


# ----------------------------------------------------------------------------- DataParallelTable


def test_data_parallel_table_on_one_device_is_the_module(rt):
    out = lua(rt, RUN + """
      torch.manualSeed(6)
      local net = nn.Sequential():add(nn.Linear(5, 4)):add(nn.ReLU()):add(nn.Linear(4, 2))
      local dpt = nn.DataParallelTable(1):add(net:clone(), {1})
      local c = nn.MSECriterion()
      local x, y = torch.randn(6, 5), torch.randn(6, 2)
      local a = run(net, c, x, y, 'torch.CudaTensor')
      local b = run(dpt, c, x, y, 'torch.CudaTensor')
      local p = dpt:getParameters()
      io.write((a - b):abs():max(), ' ', p:nElement(), ' ', #dpt.gpuAssignments, ' ',
               tostring(dpt):match('^nn.DataParallelTable') or tostring(dpt))
    """)
    assert out == '0 34 1 nn.DataParallelTable'


def test_data_parallel_table_default_devices_and_training(rt):
    out = lua(rt, """
      torch.manualSeed(8)
      local dpt = nn.DataParallelTable(1):add(nn.Linear(2, 1))   -- every visible device
      dpt:cuda()
      local x = torch.randn(8, 2):cuda()
      local y = torch.randn(8, 1):cuda()
      local c = nn.MSECriterion():cuda()
      local first
      for i = 1, 30 do
        dpt:zeroGradParameters()
        local l = c:forward(dpt:forward(x), y)
        dpt:backward(x, c:backward(dpt.output, y))
        dpt:updateParameters(0.1)
        first = first or l
        last = l
      end
      io.write(tostring(#dpt.gpuAssignments == cutorch.getDeviceCount()), ' ', tostring(last < first), ' ',
               torch.type(dpt.output))
    """)
    assert out == 'true true torch.CudaTensor'


def test_data_parallel_table_misuse(rt):
    out = lua(rt, """
      for _, f in ipairs({
        function() return nn.DataParallelTable() end,
        function() return nn.DataParallelTable(1):add(nn.Linear(2, 2), {cutorch.getDeviceCount() + 1}) end,
        function() return nn.DataParallelTable(1):add(nn.Linear(2, 2)):add(nn.Linear(2, 2)) end,
        function() return nn.DataParallelTable(1):forward(torch.CudaTensor(2, 2)) end,
        function() return nn.DataParallelTable(1):add('x') end,
      }) do local ok, e = pcall(f) io.write(tostring(ok), ': ', (tostring(e):gsub('\\n.*', '')), '\\n') end
    """)
    lines = out.splitlines()
    assert all(l.startswith('false: ') for l in lines), lines
    assert 'dimension' in lines[0] and 'invalid device' in lines[1] and 'single module' in lines[2]
    assert 'no module added' in lines[3] and 'nn.Module is expected' in lines[4]


def test_data_parallel_table_over_two_devices_matches_one_module(monkeypatch):
    """Two replicas (two devices simulated on the fallback): outputs and gradInputs joined along
    the batch, parameter gradients summed, updates shared, as the whole batch through one module."""
    from luatorch.lib import xp
    if xp.on_gpu() and xp.device_count() < 2:
        pytest.skip('one GPU visible')
    if not xp.on_gpu():
        monkeypatch.setattr(xp, 'device_count', lambda: 2)
    r = luatorch.Runtime()
    r.execute("require 'cunn'")
    out = run_lua(r, """
      torch.manualSeed(3)
      local net = nn.Sequential():add(nn.Linear(4, 3)):add(nn.Tanh()):add(nn.Linear(3, 2)):cuda()
      local ref = net:clone()
      local dpt = nn.DataParallelTable(1):add(net, {1, 2})
      local c = nn.MSECriterion():cuda()
      local x, y = torch.randn(5, 4):cuda(), torch.randn(5, 2):cuda()
      local err = 0
      local function diff(a, b) err = math.max(err, (a:double() - b:double()):abs():max()) end
      for step = 1, 3 do
        ref:zeroGradParameters(); dpt:zeroGradParameters()
        local o1, o2 = ref:forward(x), dpt:forward(x)
        diff(o1, o2)
        c:forward(o1, y)
        local g = c:backward(o1, y):clone()
        diff(ref:backward(x, g), dpt:backward(x, g))
        local _, g1 = ref:parameters()
        local _, g2 = dpt:parameters()
        for k = 1, #g1 do diff(g1[k], g2[k]) end
        ref:updateParameters(0.1); dpt:updateParameters(0.1)
      end
      local p1 = ref:parameters()
      local p3 = dpt:get(2):parameters()      -- the second replica follows the first
      dpt:syncParameters()
      for k = 1, #p1 do diff(p1[k], p3[k]) end
      io.write(#dpt.modules, ' ', dpt.modules[2]:get(1).output:size(1), ' ', string.format('%.1e', err))
    """)
    n, rows, err = out.split()
    assert n == '2' and rows == '2' and float(err) < 1e-6   # 5 rows: 3 on the first, 2 on the second


NEVER_HOST = RUN + """
local module_of = require('torch._bridge').fn(require('torch._bridge').py.cuda_api().arrayModule)
local function check(m, seen)
  -- every non-empty tensor a Cuda module holds is a Cuda tensor whose storage is a device array
  for _, mod in ipairs(m:listModules()) do
    for k, v in pairs(mod) do
      if torch.isTensor(v) and v:nElement() > 0 then
        seen[#seen + 1] = torch.typename(mod) .. '.' .. k .. '=' .. torch.type(v) .. ':' .. module_of(v)
      end
    end
  end
end
RUN, CHECK = run, check
"""


@pytest.mark.parametrize('case', sorted(CASES))
def test_cuda_kernels_never_fall_back_to_numpy(case):
    """On the fake device (CuPy's manners in host memory) a kernel that turns a device array into
    a numpy one fails, and one that copies its data to the host to compute there is counted. After
    forward, backward and an update, every tensor the modules hold is a Cuda one whose storage is
    a device array, no array went to the host on the way (a loss is a number: read back as one),
    and the results equal the FloatTensor run's (within an ulp or two: see exact_tolerance)."""
    module, crit, x, y = CASES[case]
    with device('fake'):
        r = luatorch.Runtime()
        r.execute("require 'cunn'")
        r.execute(NEVER_HOST + """
          torch.manualSeed(5)
          M, C, X, Y = %s, %s, %s, %s
          F = run(M, C, X, Y, 'torch.FloatTensor')
          MC, CC = M:clone():cuda(), C:clone():cuda()
          XC, YC = X:cuda(), torch.isTensor(Y) and Y:cuda() or Y
          SEEN = {}
          check(MC, {})
        """ % (module, crit, x, y))
        before = _fakedevice.stats['to_host']
        r.execute("""
          MC:zeroGradParameters()
          local o = MC:forward(XC)
          CC:forward(o, YC)
          MC:backward(XC, CC:backward(o, YC))
          MC:updateParameters(0.1)
          CHECK(MC, SEEN)
        """)
        moved = _fakedevice.stats['to_host'] - before
        out = lua(r, """
          io.write(table.concat(SEEN, ' '), '\\n')
          io.write((F - RUN(M, C, X, Y, 'torch.CudaTensor')):abs():max(), '\\n')
        """)
    seen, diff = out.splitlines()
    seen = seen.split()
    assert any('.weight=' in s for s in seen) and any('.gradInput=' in s for s in seen), seen
    bad = [s for s in seen if '=torch.Cuda' not in s or not s.endswith(':' + _fakedevice.__name__)]
    assert not bad, bad
    assert moved == 0, '%d array(s) copied to the host during forward/backward/update' % moved
    assert float(diff) <= exact_tolerance(case, True)
