"""autograd.nn / functionalize, AutoModule and AutoCriterion, the model and loss primitives,
autograd.util and autograd.optim."""
import pytest

from aghelp import lua, lua_error, rt, values  # noqa: F401 (rt is a fixture)

MODES = ['false', 'true']


@pytest.mark.parametrize('opt', MODES)
def test_functionalized_linear_matches_plain_autograd(rt, opt):
    out = values(rt, """
      local linear, lp = autograd.nn.Linear(6, 4)
      local acts = autograd.nn.Tanh()
      local p = {lin = lp, x = torch.randn(6)}
      local f_nn = function(p) return torch.sum(acts(linear(p.lin, p.x))) end
      local f_ag = function(p) return torch.sum(torch.tanh(p.lin[1] * p.x + p.lin[2])) end
      local g1 = autograd(f_nn, {optimize = %s})(p)
      local g2 = autograd(f_ag, {optimize = %s})(p)
      print((g1.lin[1] - g2.lin[1]):abs():max())
      print((g1.lin[2] - g2.lin[2]):abs():max())
      print((g1.x - g2.x):abs():max())
      print(f_nn(p) - f_ag(p))
    """ % (opt, opt))
    assert all(abs(v) < 1e-12 for v in out)


@pytest.mark.parametrize('opt', MODES)
def test_functionalized_model_matches_nn_backward(rt, opt):
    out = values(rt, """
      torch.manualSeed(2)
      local model = nn.Sequential()
      model:add(nn.SpatialConvolutionMM(3, 4, 3, 3, 1, 1, 1, 1))
      model:add(nn.Tanh())
      model:add(nn.Reshape(4 * 5 * 5))
      model:add(nn.Linear(4 * 5 * 5, 3))
      local modelf, params = autograd.functionalize(model)
      local loss = autograd.functionalize(nn.MSECriterion())
      local x, y = torch.randn(3, 5, 5), torch.randn(3)
      local f = function(params, x, y) return loss(modelf(params, x), y) end
      local g, l = autograd(f, {optimize = %s})(params, x, y)
      local m2 = model:clone()
      m2:zeroGradParameters()
      local crit = nn.MSECriterion()
      local out = m2:forward(x)
      print(l - crit:forward(out, y))
      m2:backward(x, crit:backward(out, y))
      local _, g2 = m2:parameters()
      for i = 1, #g2 do print((g[i] - g2[i]):abs():max()) end
    """ % opt)
    assert len(out) == 5 and all(v == 0 for v in out)


def test_functionalized_modules_without_parameters_and_criteria(rt):
    out = values(rt, """
      local tanh = autograd.functionalize(nn.Tanh())
      local a = torch.randn(3, 3)
      print((tanh(a) - torch.tanh(a)):abs():max())
      print((autograd.nn.Tanh()(a) - torch.tanh(a)):abs():max())
      -- a criterion's gradient is scaled by the gradient of its loss
      local mse = autograd.nn.MSECriterion()
      local f = function(p, y) return 3 * mse(p.x, y) end
      local x, y = torch.randn(4), torch.randn(4)
      local g = autograd(f)({x = x}, y)
      print((g.x - (x - y) * (3 * 2 / 4)):abs():max())
    """)
    assert all(abs(v) < 1e-12 for v in out)


def test_table_inputs_and_table_criteria(rt):
    out = lua(rt, """
      local mm = autograd.nn.MM()
      local fn = function(p) return torch.sum(mm({p.A, p.B})) end
      print(gradcheck(fn, {A = torch.randn(3, 4), B = torch.randn(4, 2)}))
      local input = {torch.rand(2, 10), torch.randn(2, 10)}
      local target = {torch.IntTensor{1, 8}, torch.randn(2, 10)}
      local pc = nn.ParallelCriterion():add(nn.ClassNLLCriterion(), 0.5):add(nn.MSECriterion())
      local l1 = pc:forward(input, target)
      local pcf = autograd.functionalize(pc)
      print(l1 == pcf(input, target))
      print(gradcheck(function(x, y) return pcf(x, y) end, input, target))
    """)
    assert [l for l in out.splitlines() if not l.startswith('[gradcheck]')] == ['true'] * 3


def test_differentiating_a_criterion_target_is_an_error(rt):
    msg = lua_error(rt, """
      local mse = autograd.nn.MSECriterion()
      autograd(function(p) return mse(torch.ones(3), p.y) end)({y = torch.zeros(3)})
    """)
    assert 'missing gradient for argument 2 in function nn.MSECriterion' in msg


def test_functionalize_package_and_bad_input(rt):
    out = lua(rt, """
      local pkg = autograd.functionalize('nn')
      print(type(pkg.Linear), type(pkg.MSECriterion), pkg.Module ~= nil)
    """)
    assert out.split() == ['function', 'function', 'true']
    assert 'Input is not a package name or nn object' in lua_error(rt, "autograd.functionalize({})")
    assert "Could not load package 'no_such_package'" in lua_error(
        rt, "autograd.functionalize('no_such_package')")


AUTO = """
torch.manualSeed(5)
local linear = function(input, weight, bias) return weight * input + bias end
local linearReLU = function(input, weight, bias)
  local y = weight * input + bias
  return torch.mul(torch.abs(y) + y, 0.5)
end
local mse = function(input, target)
  local d = input - target
  return torch.sum(torch.cmul(d, d)) / torch.size(input, 1)
end
local nIn, nH = 6, 9
model = nn.Sequential()
local l1, l2 = nn.Linear(nIn, nH), nn.Linear(nH, nIn)
model:add(l1) model:add(nn.ReLU()) model:add(l2)
autoModel = nn.Sequential()
autoModel:add(autograd.nn.AutoModule('TestLinearReLU')(linearReLU, l1.weight:clone(), l1.bias:clone()))
autoModel:add(autograd.nn.AutoModule('TestLinear')(linear, l2.weight:clone(), l2.bias:clone()))
crit = nn.MSECriterion()
autoCrit = autograd.nn.AutoCriterion('TestMSE')(mse)
function train(model, crit, n)
  local params, grads = model:parameters()
  torch.manualSeed(9)
  for i = 1, n do
    model:zeroGradParameters()
    local input = torch.Tensor(nIn):uniform(-2, 2)
    local target = input:clone():exp()
    local out = model:forward(input)
    crit:forward(out, target)
    model:backward(input, crit:backward(out, target))
    for k = 1, #params do params[k]:add(-0.01, grads[k]) end
  end
end
"""


@pytest.mark.parametrize('opt', MODES)
def test_auto_module_and_criterion_train_like_nn(rt, opt):
    out = values(rt, AUTO + """
      autograd.optimize(%s)
      train(model, crit, 30)
      train(autoModel, autoCrit, 30)
      autograd.optimize(false)
      print((model.modules[1].weight - autoModel.modules[1].weight):abs():max())
      print((model.modules[3].bias - autoModel.modules[2].bias):abs():max())
      local p, g = autoModel:parameters()
      print(#p, #g)
    """ % opt)
    assert out[0] < 1e-10 and out[1] < 1e-10 and out[2:] == [4, 4]


def test_auto_module_clone_save_and_load(rt, tmp_path):
    f = tmp_path / 'auto.t7'
    out = values(rt, AUTO + """
      local x = torch.randn(6)
      local y = autoModel:forward(x):clone()
      print((autoModel:clone():forward(x) - y):abs():max())
      torch.save('%s', autoModel)
      local loaded = torch.load('%s', nil, nil, {allowBytecode = true})
      print((loaded:forward(x) - y):abs():max())
      print(torch.typename(loaded.modules[2]) == 'autograd.nn.module.TestLinear' and 1 or 0)
    """ % (f, f))
    assert out == [0, 0, 1]
    msg = lua_error(rt, "torch.load('%s'):forward(torch.randn(6))" % f)
    assert 'its function is missing' in msg


def test_auto_classes_are_made_when_loading(tmp_path):
    # a fresh Lua state: the classes do not exist until the file is read
    from aghelp import new_runtime
    f = tmp_path / 'crit.t7'
    r1 = new_runtime()
    lua(r1, """
      local c = autograd.nn.AutoCriterion('SavedCrit')(function(a, b) return torch.sum(torch.abs(a - b)) end)
      torch.save('%s', c)
    """ % f)
    r2 = new_runtime()
    out = lua(r2, """
      local c = torch.load('%s', nil, nil, {allowBytecode = true})
      print(torch.typename(c), c:forward(torch.ones(3), torch.zeros(3)))
    """ % f)
    assert out.split() == ['autograd.nn.criterion.SavedCrit', '3']


@pytest.mark.parametrize('opt', MODES)
def test_model_primitives_gradcheck(rt, opt):
    out = lua(rt, """
      autograd.optimize(%s)
      torch.manualSeed(4)
      local results = {}
      local f, params = autograd.model.NeuralNetwork({inputFeatures = 8, hiddenFeatures = {5, 2},
                                                     classifier = true})
      local loss = function(params, i, t) return autograd.loss.crossEntropy(f(params, i), t) end
      results[#results + 1] = gradcheck(loss, params, torch.randn(8), torch.Tensor({1, 0}))
      local f1, p1 = autograd.model.SpatialNetwork({inputFeatures = 2, hiddenFeatures = {3, 3},
                                                   poolings = {2, 2}, kernelSize = 3, activations = 'Tanh'})
      local loss2 = function(params, i, t)
        return autograd.loss.leastSquares(torch.view(f1(params, i), 3), t)
      end
      results[#results + 1] = gradcheck(loss2, p1, torch.randn(2, 4, 4), torch.randn(3))
      for _, name in ipairs({'RecurrentNetwork', 'RecurrentLSTMNetwork', 'RecurrentGRUNetwork'}) do
        for _, outputType in ipairs({'last', 'all'}) do
          local rf, rp = autograd.model[name]({inputFeatures = 3, hiddenFeatures = 4, outputType = outputType})
          for _, v in pairs(rp[1]) do v:normal(0, 0.3) end
          local rl = function(params, x) local h = rf(params, x) return torch.sum(h) end
          results[#results + 1] = gradcheck(rl, rp, torch.randn(5, 3))
        end
      end
      autograd.optimize(false)
      for _, r in ipairs(results) do print(r) end
    """ % opt)
    res = [l for l in out.splitlines() if not l.startswith('[gradcheck]')]
    assert res == ['true'] * 8


def test_model_primitives_shapes_and_dropout(rt):
    out = lua(rt, """
      local f, params = autograd.model.NeuralNetwork({inputFeatures = 10, hiddenFeatures = {100, 10},
                                                     activations = 'ReLU', dropoutProbs = {.5, .5}})
      print(#params, params[1][1]:size(1), params[1][1]:size(2), params[2][1]:size(1))
      print(f(params, torch.randn(10)):size(1))
      local rf, rp = autograd.model.RecurrentLSTMNetwork({inputFeatures = 100, hiddenFeatures = 200})
      print(rp[1].W:size(1), rp[1].W:size(2), rp[1].b:size(2))
      local h, state = rf(rp, torch.randn(7, 100))
      print(h:size(1), h:size(2), state.c:size(2))
    """)
    assert [l.split() for l in out.splitlines()] == [['2', '100', '10', '10'], ['10'],
                                                    ['300', '800', '800'], ['1', '200', '200']]


def test_loss_primitives(rt):
    out = values(rt, """
      local p = torch.Tensor({0.2, 1.5, -0.3})
      local t = torch.Tensor({0, 1, 0})
      local l, yhat = autograd.loss.crossEntropy(p, t)
      local lse = math.log(math.exp(0.2) + math.exp(1.5) + math.exp(-0.3))
      print(l - (lse - 1.5))
      print(yhat[2] - (1.5 - lse))
      print(autograd.loss.leastSquares(p, t) - (0.04 + 0.25 + 0.09))
      local s = torch.sigmoid(p)
      local b = autograd.loss.binaryCrossEntropy(p, t)
      print(b + math.log(1 - s[1]) + math.log(s[2]) + math.log(1 - s[3]))
      print(autograd.loss.logMultinomialLoss(torch.log(torch.Tensor({0.5, 0.25, 0.25})), t) - math.log(4))
      print((autograd.loss.margin(torch.Tensor({0.5, 2, 0.1}), t)))         -- every margin met
      print(autograd.loss.margin(torch.Tensor({0.5, 1.2, 0.1}), t) - 0.3)   -- 1 - (1.2 - 0.5)
    """)
    assert all(abs(v) < 1e-5 for v in out), out
    assert 'binaryEntropy' in lua_error(rt, "autograd.loss.binaryEntropy(torch.ones(2), torch.ones(2))")


@pytest.mark.parametrize('opt', MODES)
def test_autograd_modules(rt, opt):
    out = lua(rt, """
      autograd.optimize(%s)
      torch.manualSeed(6)
      local r = {}
      local f, params = autograd.module.LayerNormalization({nOutputs = 7})
      params[1].gain:normal() params[1].bias:normal()
      r[#r + 1] = gradcheck(function(p, x) return torch.sum(torch.pow(f(p, x), 2)) end, params, torch.randn(3, 7))
      local sa, sp = autograd.module.SoftAttention({hiddenFeatures = 4, subjectFeatures = 5, subjectChoices = 3})
      for _, v in pairs(sp[1]) do v:normal(0, 0.5) end
      r[#r + 1] = gradcheck(function(p, s, h) local a = sa(p, s, h) return torch.sum(a) end, sp,
                            torch.randn(5, 3), torch.randn(4))
      local bn, bp, state = autograd.module.MaskedBatchNormalization({nOutputs = 6})
      local mask = torch.ones(4, 6)
      local before = state.running_mean:clone()
      local l = function(p, x, m, s) return torch.sum(torch.pow(bn(p, x, m, s), 2)) end
      l(bp, torch.randn(4, 6), mask, state)
      r[#r + 1] = not before:equal(state.running_mean)
      local frozen = {momentum = 0.1, train = 0, running_mean = state.running_mean, running_std = state.running_std}
      r[#r + 1] = gradcheck(l, bp, torch.randn(4, 6), mask, frozen)
      autograd.optimize(false)
      for _, v in ipairs(r) do print(v) end
    """ % opt)
    assert [l for l in out.splitlines() if not l.startswith('[gradcheck]')] == ['true'] * 4


def test_util_helpers(rt):
    out = lua(rt, """
      local util = autograd.util
      local c = util.cast({a = torch.ones(2), b = {torch.ones(1)}, n = 3}, 'float')
      print(torch.type(c.a), torch.type(c.b[1]), c.n)
      local oh = util.oneHot(torch.Tensor({2, 1}), 3)
      print(oh[1][2], oh[2][1], oh:sum())
      local flat, keys = util.sortedFlattenKeys({b = {2, 3}, a = 1})
      print(#flat, flat[1], keys[2][1], keys[2][2])
      local t = {x = {y = 1}}
      util.nestedSet(t, {'x', 'y'}, 5)
      print(util.nestedGet(t, {'x', 'y'}), util.lt(1, 2), util.eq(2, 2))
      print(util.cat({1, 2, 3}):size(1), util.cat({torch.ones(2), torch.ones(3)}):size(1))
      print(util.logSumExp(torch.Tensor({0, 0})) - math.log(2))
      local f = function(p) return torch.sum(util.fill(p.a, torch.sum(p.a))) end
      print(autograd(f)({a = torch.ones(2, 2)}).a[1][1])
      local g = autograd(function(p) local o = util.cat({p.a, p.b, p.c}) return -torch.sum(o * 2) end)({a = 1, b = 2, c = 3})
      print(g.a, g.b, g.c)
      local pad = function(p) return torch.sum(util.indexAdd(p.x, torch.zeros(3, 3), 1, torch.LongTensor{3, 1}) * 3) end
      print(autograd(pad)({x = torch.randn(2, 3)}).x[2][2])
    """)
    lines = [l.split() for l in out.splitlines()]
    assert lines[0] == ['torch.FloatTensor', 'torch.FloatTensor', '3']
    assert lines[1] == ['1', '1', '2']
    assert lines[2] == ['3', '1', 'b', '1']
    assert lines[3] == ['5', 'true', 'true']
    assert lines[4] == ['3', '5']
    assert abs(float(lines[5][0])) < 1e-12
    assert lines[6] == ['4']
    assert lines[7] == ['-2', '-2', '-2']
    assert lines[8] == ['3']


@pytest.mark.parametrize('opt', MODES)
def test_optim_wrapper_matches_a_hand_written_sgd(rt, opt):
    out = values(rt, """
      local f = function(p, x, y)
        local h = torch.tanh(x * p.W[1] + p.b[1])
        return torch.sum(torch.pow(y - h, 2))
      end
      local df = autograd(f, {optimize = %s})
      torch.manualSeed(1)
      local xs, ys = torch.randn(20, 4), torch.randn(20, 1)
      local p1 = {W = {torch.randn(4, 1)}, b = {torch.randn(1)}}
      local p2 = {W = {p1.W[1]:clone()}, b = {p1.b[1]:clone()}}
      for i = 1, 20 do
        local g = df(p1, xs:narrow(1, i, 1), ys:narrow(1, i, 1))
        p1.W[1]:add(-0.05, g.W[1]) p1.b[1]:add(-0.05, g.b[1])
      end
      local step = autograd.optim.sgd(df, {learningRate = 0.05}, p2)
      for i = 1, 20 do step(xs:narrow(1, i, 1), ys:narrow(1, i, 1)) end
      print((p1.W[1] - p2.W[1]):abs():max(), (p1.b[1] - p2.b[1]):abs():max())
    """ % opt)
    assert out == [0, 0]
