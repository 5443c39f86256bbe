"""Criteria as Lua code sees them: gradients by central differences, values, batch and vector
inputs, number targets, float tensors, printing, cloning and type conversion, errors."""
import pytest

from nnhelp import lua, rt  # noqa: F401

# max |backward - central differences of forward| over every input element; the input may be a
# tensor or a table of tensors (each perturbed in turn)
JACOBIAN = """
local function critJacobian(c, input, target)
  local eps = 1e-6
  local function leaves(x, acc)
    if torch.isTensor(x) then acc[#acc + 1] = x else for _, v in ipairs(x) do leaves(v, acc) end end
    return acc
  end
  c:forward(input, target)
  local g = nn.utils.recursiveCopy(nil, c:backward(input, target))
  local xs, gs = leaves(input, {}), leaves(g, {})
  local err = 0
  for k, x in ipairs(xs) do
    local flat = x:view(-1)
    local gk = gs[k]:contiguous():view(-1)
    for i = 1, flat:size(1) do
      local v = flat[i]
      flat[i] = v + eps
      local f1 = c:forward(input, target)
      flat[i] = v - eps
      local f2 = c:forward(input, target)
      flat[i] = v
      err = math.max(err, math.abs((f1 - f2) / (2 * eps) - gk[i]))
    end
  end
  return err
end
"""

CASES = {
    'mse': ('nn.MSECriterion()', 'torch.randn(3, 4)', 'torch.randn(3, 4)'),
    'mse_sum': ('nn.MSECriterion(false)', 'torch.randn(5)', 'torch.randn(5)'),
    'abs': ('nn.AbsCriterion()', 'torch.randn(3, 4)', 'torch.randn(3, 4)'),
    'smoothl1': ('nn.SmoothL1Criterion()', 'torch.randn(10) * 2', 'torch.randn(10)'),
    'classnll': ('nn.ClassNLLCriterion()', 'torch.randn(4, 5)', 'torch.LongTensor{1, 5, 2, 2}'),
    'classnll_vec': ('nn.ClassNLLCriterion(torch.rand(5) + 0.1)', 'torch.randn(5)', '3'),
    'classnll_w': ('nn.ClassNLLCriterion(torch.rand(5) + 0.1, false)', 'torch.randn(4, 5)',
                   'torch.Tensor{1, 5, 2, 2}'),
    'classnll_ignore': ('nn.ClassNLLCriterion(nil, true, 2)', 'torch.randn(4, 5)',
                        'torch.Tensor{1, 2, 3, 2}'),
    'spatialnll': ('nn.SpatialClassNLLCriterion(torch.rand(3) + 0.1)', 'torch.randn(2, 3, 2, 3)',
                   'torch.Tensor(2, 2, 3):random(1, 3)'),
    'crossentropy': ('nn.CrossEntropyCriterion()', 'torch.randn(3, 5)', 'torch.Tensor{5, 1, 2}'),
    'crossentropy_vec': ('nn.CrossEntropyCriterion(torch.rand(4))', 'torch.randn(4)', '2'),
    'bce': ('nn.BCECriterion()', 'torch.rand(6) * 0.9 + 0.05', 'torch.rand(6)'),
    'bce_w_batch': ('nn.BCECriterion(torch.rand(4) + 0.5)', 'torch.rand(3, 4) * 0.9 + 0.05',
                    'torch.rand(3, 4)'),
    'kl': ('nn.DistKLDivCriterion()', 'torch.randn(5)', 'torch.rand(5)'),
    'margin': ('nn.MarginCriterion(0.5)', 'torch.randn(8)', 'torch.Tensor(8):random(0, 1):mul(2):add(-1)'),
    'softmargin': ('nn.SoftMarginCriterion()', 'torch.randn(2, 4)', 'torch.Tensor(2, 4):random(0, 1):mul(2):add(-1)'),
    'multimargin': ('nn.MultiMarginCriterion()', 'torch.randn(7)', '4'),
    'multimargin_p2': ('nn.MultiMarginCriterion(2, torch.rand(5) + 0.5, 0.7)', 'torch.randn(3, 5)',
                       'torch.Tensor{1, 5, 3}'),
    'multilabel': ('nn.MultiLabelMarginCriterion()', 'torch.randn(2, 4) * 0.3',
                   'torch.LongTensor{{3, 1, 0, 0}, {2, 0, 4, 0}}'),
    'multilabelsoft': ('nn.MultiLabelSoftMarginCriterion(torch.rand(4))', 'torch.randn(3, 4)',
                       'torch.rand(3, 4):round()'),
    'hinge': ('nn.HingeEmbeddingCriterion(1.5)', 'torch.rand(6) * 2', 'torch.Tensor{1, -1, 1, -1, -1, 1}'),
    'cosine': ('nn.CosineEmbeddingCriterion(0.1)', '{torch.randn(3, 4), torch.randn(3, 4)}',
               'torch.Tensor{1, -1, -1}'),
    'cosine_vec': ('nn.CosineEmbeddingCriterion(-0.5)', '{torch.randn(4), torch.randn(4)}', '-1'),
    'ranking': ('nn.MarginRankingCriterion(0.3)', '{torch.randn(5), torch.randn(5)}',
                'torch.Tensor{1, -1, 1, 1, -1}'),
    'ranking_num': ('nn.MarginRankingCriterion(2)', '{torch.randn(1), torch.randn(1)}', '-1'),
    'l1hinge': ('nn.L1HingeEmbeddingCriterion(10)', '{torch.randn(4), torch.randn(4)}', '-1'),
    'weightedmse': ('nn.WeightedMSECriterion(torch.rand(4))', 'torch.randn(3, 4)', 'torch.randn(3, 4)'),
    'simplex': ('nn.ClassSimplexCriterion(4)', 'torch.randn(2, 4)', 'torch.Tensor{2, 4}'),
    'distratio': ('nn.DistanceRatioCriterion()', '{torch.rand(5, 1), torch.rand(5, 1)}', 'nil'),
    'parallel': ('nn.ParallelCriterion():add(nn.MSECriterion(), 0.5):add(nn.ClassNLLCriterion())',
                 '{torch.randn(3), torch.randn(2, 3)}', '{torch.randn(3), torch.Tensor{1, 3}}'),
    'multi': ('nn.MultiCriterion():add(nn.ClassNLLCriterion(), 0.5):add(nn.CrossEntropyCriterion())',
              'torch.randn(2, 6)', 'torch.Tensor{6, 2}'),
    'module': ('nn.ModuleCriterion(nn.MSECriterion(), nn.Tanh())', 'torch.randn(3)', 'torch.randn(3)'),
    'l1cost': ('nn.L1Cost()', 'torch.randn(2, 3)', 'nil'),
}


@pytest.mark.parametrize('case', sorted(CASES))
def test_gradient_by_central_differences(rt, case):
    crit, x, t = CASES[case]
    out = lua(rt, JACOBIAN + """
      torch.manualSeed(11)
      local c = %s
      local x = %s
      local t = %s
      print(critJacobian(c, x, t) < 1e-5, type(c:forward(x, t)))
    """ % (crit, x, t))
    assert out == 'true\tnumber\t\n', case


@pytest.mark.parametrize('case', sorted(CASES))
def test_float_tensors_give_float_rounded_losses(rt, case):
    """:float() on the criterion and its inputs: same loss within float precision, gradients of
    type FloatTensor."""
    crit, x, t = CASES[case]
    out = lua(rt, """
      torch.manualSeed(12)
      local function tofloat(v)
        if torch.isTensor(v) then return v:type() == 'torch.DoubleTensor' and v:float() or v end
        if type(v) == 'table' then local r = {} for k, e in pairs(v) do r[k] = tofloat(e) end return r end
        return v
      end
      local function types(g, acc)
        if torch.isTensor(g) then acc[torch.type(g)] = true else for _, v in pairs(g) do types(v, acc) end end
        return acc
      end
      local c = %s
      local x, t = %s, %s
      local l = c:forward(x, t)
      local cf = c:clone():float()
      local lf = cf:forward(tofloat(x), tofloat(t))
      local seen = types(cf:backward(tofloat(x), tofloat(t)), {})
      print(math.abs(l - lf) <= 1e-5 * math.max(1, math.abs(l)), seen['torch.FloatTensor'] == true,
            seen['torch.DoubleTensor'] == nil)
    """ % (crit, x, t))
    assert out == 'true\ttrue\ttrue\t\n', case


def test_float_loss_is_the_float_result(rt):
    # THNN keeps the loss in a tensor of the input's type: a FloatTensor input gives a loss
    # rounded to float (1/3 as a float is 0.3333333432674408)
    out = lua(rt, """
      local c = nn.MSECriterion()
      print(c:forward(torch.FloatTensor{1, 0, 0}, torch.FloatTensor{0, 0, 0}))
      print(nn.AbsCriterion():forward(torch.FloatTensor{0.1, 0.2}, torch.FloatTensor{0, 0}))
      print(nn.ClassNLLCriterion():float():forward(torch.FloatTensor{{-0.1, -0.2}, {-0.3, -0.4}}, torch.Tensor{1, 2}))
    """)
    assert out == '0.33333334326744\t\n0.15000000596046\t\n0.25\t2\t\n'


def test_values_and_gradients(rt):
    out = lua(rt, """
      local x, y = torch.Tensor{1, -2, 0.5, 3}, torch.Tensor{0, 0, 0, 0}
      print(nn.AbsCriterion():forward(x, y), nn.SmoothL1Criterion():forward(x, y))
      print(nn.MarginCriterion():forward(torch.Tensor{0.5, -0.2, 2}, torch.Tensor{1, -1, -1}))
      local mm = nn.MultiMarginCriterion()
      print(mm:forward(torch.Tensor{0.1, 0.8, 0.3}, 2))
      print(mm:backward(torch.Tensor{0.1, 0.8, 0.3}, 2))
      local ml = nn.MultiLabelMarginCriterion()
      local x2 = torch.Tensor{0.1, 0.2, 0.4, 0.8}
      print(ml:forward(x2, torch.LongTensor{4, 1, 0, 0}))
      print(ml:backward(x2, torch.LongTensor{4, 1, 0, 0}))
      print(ml.isTarget)
    """)
    assert out == ('1.625\t1.15625\t\n1.4333333333333\t\n0.26666666666667\t\n'
                   ' 0.3333\n-0.6667\n 0.3333\n[torch.DoubleTensor of size 3]\n\n'
                   '0.85\t\n-0.5000\n 0.5000\n 0.5000\n-0.5000\n[torch.DoubleTensor of size 4]\n\n'
                   ' 1\n 0\n 0\n 1\n[torch.DoubleTensor of size 4]\n\n')


def test_classnll_returns_total_weight_and_ignores_index(rt):
    out = lua(rt, """
      local logp = torch.log(torch.Tensor{{0.2, 0.3, 0.5}, {0.6, 0.3, 0.1}, {0.1, 0.1, 0.8}})
      local c = nn.ClassNLLCriterion(torch.Tensor{1, 2, 0.5}, true, 3)
      local l, w = c:forward(logp, torch.Tensor{2, 1, 3})
      print(string.format('%.6f', l), w, c.output == l, c.total_weight_tensor[1])
      print(c:backward(logp, torch.Tensor{2, 1, 3}))
      local i = nn.ClassNLLCriterion(nil, nil, -1)
      print(i:forward(logp[1], -1), i:backward(logp[1], -1):abs():sum(), #nn.ClassNLLCriterion())
    """)
    assert out == ('0.972924\t3\ttrue\t3\t\n 0.0000 -0.6667  0.0000\n-0.3333  0.0000  0.0000\n'
                   ' 0.0000  0.0000  0.0000\n[torch.DoubleTensor of size 3x3]\n\n0\t0\t0\t\n')


def test_crossentropy_is_logsoftmax_then_classnll(rt):
    out = lua(rt, """
      torch.manualSeed(3)
      local x = torch.randn(4, 6)
      local t = torch.Tensor{1, 6, 3, 3}
      local ce = nn.CrossEntropyCriterion()
      local lsm, nll = nn.LogSoftMax(), nn.ClassNLLCriterion()
      local a = ce:forward(x, t)
      local b = nll:forward(lsm:forward(x), t)
      local ga = ce:backward(x, t)
      local gb = lsm:backward(x, nll:backward(lsm.output, t))
      print(a == b, (ga - gb):abs():max() == 0)
      -- a 1 x n input and a size-1 target are squeezed; the gradient keeps the input's shape
      print(ce:forward(x:narrow(1, 1, 1), torch.Tensor{1}) == nll:forward(lsm:forward(x[1]), 1),
            ce:backward(x:narrow(1, 1, 1), torch.Tensor{1}):dim())
      ce.sizeAverage = false
      ce:forward(x, t)
      print(ce.nll.sizeAverage)
    """)
    assert out == 'true\ttrue\t\ntrue\t2\t\nfalse\t\n'


def test_printing_call_clone_and_type(rt):
    out = lua(rt, """
      print(nn.MSECriterion())
      print(nn.ClassNLLCriterion())
      local c = nn.MSECriterion()
      local l, g = c(torch.Tensor{1, 2}, torch.Tensor{0, 0})
      print(l, c.output, g == c.gradInput)
      local p = nn.ParallelCriterion():add(nn.MSECriterion()):add(nn.ClassNLLCriterion(torch.ones(3)))
      local q = p:clone()
      q.criterions[2].weights[1] = 5
      print(p.criterions[2].weights[1], torch.type(q.criterions[1]))
      p:float()
      print(torch.type(p.criterions[2].weights), torch.type(p.criterions[1].gradInput))
      local m = nn.MultiCriterion():add(nn.MSECriterion(), 2)
      m:float()
      print(torch.type(m.weights), m.weights[1], torch.type(m.criterions[1].gradInput))
    """)
    assert out == ('nn.MSECriterion\nnn.ClassNLLCriterion\n2.5\t2.5\ttrue\t\n1\tnn.MSECriterion\t\n'
                   'torch.FloatTensor\ttorch.FloatTensor\t\n'
                   'torch.DoubleStorage\t2\ttorch.FloatTensor\t\n')


def test_subclassing_a_criterion(rt):
    out = lua(rt, """
      local Twice, parent = torch.class('nn.TwiceMSEForTest', 'nn.MSECriterion')
      function Twice:updateOutput(input, target)
        return 2 * parent.updateOutput(self, input, target)
      end
      local c = nn.TwiceMSEForTest()
      print(c:forward(torch.Tensor{2}, torch.Tensor{0}), c.sizeAverage, torch.isTypeOf(c, 'nn.Criterion'))
    """)
    assert out == '8\ttrue\ttrue\t\n'


def test_misuse_gives_lua_errors(rt):
    out = lua(rt, """
      local function err(f) local ok, e = pcall(f) return (tostring(e):gsub('^.-:%d+: ', '')) end
      print(err(function() nn.MSECriterion():forward(torch.randn(2, 2), torch.randn(3)) end))
      print(err(function() nn.ClassNLLCriterion():forward(torch.randn(3), 4) end))
      print(err(function() nn.ClassNLLCriterion():forward(torch.randn(2, 3), torch.Tensor{1, 2, 3}) end))
      print(err(function() nn.MultiMarginCriterion(3) end))
      print(err(function() nn.BCECriterion():forward(torch.Tensor{2}, torch.Tensor{1}) end))
      print(err(function() nn.SpatialClassNLLCriterion():forward(torch.randn(2, 3, 4), torch.ones(2, 4)) end))
    """)
    lines = [l.rstrip('\t') for l in out.splitlines()]
    assert lines[0] == ('input and target have different number of elements: input[2 x 2] has 4 '
                        'elements, while target[3] has 3 elements')
    assert 'cur_target' in lines[1] and 'batch_size' in lines[2]
    assert lines[3] == 'only p=1 and p=2 supported'
    assert 'between 0~1' in lines[4] and 'only batches of spatial targets' in lines[5]
    assert 'Traceback' not in out and 'Error:' not in out


def test_spatial_autocrop_and_l1hinge(rt):
    out = lua(rt, """
      torch.manualSeed(5)
      local x, t = torch.randn(2, 3, 4, 4), torch.randn(2, 3, 7, 6)
      local a = nn.SpatialAutoCropMSECriterion():forward(x, t)
      local b = nn.MSECriterion():forward(x, t[{{}, {}, {2, 5}, {2, 5}}])
      print(a == b)
      local l1 = nn.L1HingeEmbeddingCriterion(2)
      local p = {torch.Tensor{1, 2, 3}, torch.Tensor{1, 0, 4}}
      print(l1:forward(p, 1), l1:forward(p, -1))
      local g = l1:backward(p, 1)
      print(g[1][2], g[1][3], g[2][2], g[1][1] == 1 or g[1][1] == -1)
    """)
    assert out == 'true\t\n3\t0\t\n1\t-1\t-1\ttrue\t\n'


def test_hinge_embedding_number_target_needs_one_element(rt):
    # nn's buffer[torch.eq(y, -1)] = 0 is a maskedFill: a number y (one element) with a larger
    # input fails there, as in Torch7, instead of being spread over the input
    out = lua(rt, """
      local c = nn.HingeEmbeddingCriterion(1)
      io.write(c:forward(torch.Tensor{0.3}, 1), ' ', c:forward(torch.Tensor{0.3}, -1), ' ')
      print(pcall(function() return c:forward(torch.randn(3), 1) end))
    """)
    assert out.startswith('0.3 0.7 false')
    assert 'Number of elements of destination tensor != Number of elements in mask' in out
