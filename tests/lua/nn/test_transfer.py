"""Transfer functions (activations) and the elementwise maths modules, through Lua."""
import math

import numpy as np
import pytest

from nnhelp import assert_jacobian, lua, rt  # noqa: F401


def nums(out):
    return [float(v) for v in out.split()]


def values(rt, module, xs, gs=None, setup=''):
    """(output, gradInput) of `module` for the vector xs (gradOutput gs, default ones)."""
    gs = gs if gs is not None else [1.0] * len(xs)
    out = lua(rt, """
      %s
      local m = %s
      local x = torch.Tensor({%s})
      local y = m:forward(x):clone()
      local gi = m:backward(x, torch.Tensor({%s}))
      for i = 1, y:nElement() do io.write(string.format('%%.17g ', y[i])) end
      io.write('\\n')
      for i = 1, gi:nElement() do io.write(string.format('%%.17g ', gi[i])) end
    """ % (setup, module, ','.join(map(repr, xs)), ','.join(map(repr, gs))))
    y, g = out.split('\n')
    return np.array(nums(y)), np.array(nums(g))


X = [-3.0, -1.5, -0.25, 0.0, 0.4, 1.0, 2.5, 30.0]
G = [0.5, -1.0, 2.0, 3.0, -0.75, 1.25, 1.0, -2.0]


def _sig(x):
    return 1 / (1 + np.exp(-x))


REFERENCE = {
    'nn.Sigmoid()': (lambda x: _sig(x), lambda x, g: g * _sig(x) * (1 - _sig(x))),
    'nn.Tanh()': (np.tanh, lambda x, g: g * (1 - np.tanh(x) ** 2)),
    'nn.ReLU()': (lambda x: np.where(x > 0, x, 0), lambda x, g: np.where(x > 0, g, 0)),
    'nn.ReLU6()': (lambda x: np.clip(x, 0, 6), lambda x, g: np.where((x > 0) & (x < 6), g, 0)),
    'nn.Threshold(0.3, -2)': (lambda x: np.where(x > 0.3, x, -2),
                              lambda x, g: np.where(x > 0.3, g, 0)),
    'nn.HardTanh(-2, 1)': (lambda x: np.clip(x, -2, 1),
                           lambda x, g: np.where((x > -2) & (x < 1), g, 0)),
    'nn.Clamp(-1, 2)': (lambda x: np.clip(x, -1, 2),
                        lambda x, g: np.where((x > -1) & (x < 2), g, 0)),
    'nn.LeakyReLU(0.1)': (lambda x: np.where(x > 0, x, 0.1 * x),
                          lambda x, g: np.where(x > 0, g, 0.1 * g)),
    'nn.ELU(0.7)': (lambda x: np.where(x > 0, x, 0.7 * (np.exp(x) - 1)),
                    lambda x, g: np.where(x > 0, g, g * 0.7 * np.exp(x))),
    'nn.HardShrink(0.3)': (lambda x: np.where(abs(x) > 0.3, x, 0),
                           lambda x, g: np.where(abs(x) > 0.3, g, 0)),
    'nn.SoftShrink(0.3)': (lambda x: np.sign(x) * np.maximum(abs(x) - 0.3, 0),
                           lambda x, g: np.where(abs(x) > 0.3, g, 0)),
    'nn.SoftPlus()': (lambda x: np.where(x > 20, x, np.log1p(np.exp(np.minimum(x, 20)))),
                      lambda x, g: g * _sig(x)),
    'nn.SoftPlus(2)': (lambda x: np.where(2 * x > 20, x, np.log1p(np.exp(np.minimum(2 * x, 20))) / 2),
                       lambda x, g: g * _sig(2 * x)),
    'nn.SoftSign()': (lambda x: x / (1 + abs(x)), lambda x, g: g / (1 + abs(x)) ** 2),
    'nn.LogSigmoid()': (lambda x: -np.logaddexp(0, -x), lambda x, g: g * _sig(-x)),
    'nn.Abs()': (abs, lambda x, g: np.where(x >= 0, g, -g)),
    'nn.Square()': (lambda x: x * x, lambda x, g: 2 * g * x),
    'nn.Exp()': (np.exp, lambda x, g: g * np.exp(x)),
    'nn.Power(3)': (lambda x: x ** 3, lambda x, g: 3 * g * x ** 2),
    'nn.PReLU()': (lambda x: np.where(x > 0, x, 0.25 * x), lambda x, g: np.where(x > 0, g, 0.25 * g)),
    '(function() local r = nn.RReLU(0.1, 0.3); r:evaluate(); return r end)()': (lambda x: np.where(x > 0, x, 0.2 * x),
                                      lambda x, g: np.where(x > 0, g, 0.2 * g)),
}


@pytest.mark.parametrize('module', sorted(REFERENCE))
def test_forward_backward_values(rt, module):
    f, df = REFERENCE[module]
    x, g = np.array(X), np.array(G)
    y, gi = values(rt, module, X, G)
    np.testing.assert_allclose(y, f(x), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gi, df(x, g), rtol=1e-9, atol=1e-12)


def test_masked_gradients_are_positive_zero(rt):
    # TH writes 0 where the gradient is cut: never -0 (which would print as -0)
    for m, x in (('nn.ReLU()', -2.0), ('nn.HardTanh()', -2.0), ('nn.Threshold(1, 0)', -2.0),
                 ('nn.HardShrink()', -0.2), ('nn.SoftShrink()', 0.2), ('nn.ReLU6()', 7.0)):
        _, gi = values(rt, m, [x, x], [-1.0, 1.0])
        assert list(gi) == [0.0, 0.0] and not np.signbit(gi).any(), m


def test_log_sqrt_positive_inputs(rt):
    x = [0.5, 1.0, 4.0, 9.0]
    g = [1.0, -2.0, 0.5, 3.0]
    y, gi = values(rt, 'nn.Log()', x, g)
    np.testing.assert_allclose(y, np.log(x))
    np.testing.assert_allclose(gi, np.array(g) / x)
    y, gi = values(rt, 'nn.Sqrt()', [0.0] + x, [1.0] + g)
    np.testing.assert_allclose(y, np.sqrt([0.0] + x))
    np.testing.assert_allclose(gi, [0.0] + list(0.5 * np.array(g) / np.sqrt(x)))


TRANSFER = ['nn.Sigmoid()', 'nn.Tanh()', 'nn.ReLU()', 'nn.ReLU6()', 'nn.Threshold(0.1, -1)',
            'nn.HardTanh()', 'nn.Clamp(-0.5, 0.5)', 'nn.LeakyReLU()', 'nn.ELU()', 'nn.ELU(0.3)',
            'nn.HardShrink()', 'nn.SoftShrink()', 'nn.SoftPlus()', 'nn.SoftPlus(3)',
            'nn.SoftSign()', 'nn.LogSigmoid()', 'nn.SoftMax()', 'nn.SoftMin()',
            'nn.LogSoftMax()', 'nn.Abs()', 'nn.Square()', 'nn.Exp()', 'nn.Power(2)',
            'nn.Power(3)', 'nn.PReLU()', 'nn.RReLU(0.2, 0.2)']


@pytest.mark.parametrize('module', TRANSFER)
def test_jacobian(rt, module):
    assert_jacobian(rt, module, 'torch.randn(7)')
    assert_jacobian(rt, module, 'torch.randn(3, 5)')


@pytest.mark.parametrize('module', ['nn.SoftMax()', 'nn.LogSoftMax()', 'nn.SpatialSoftMax()',
                                    'nn.PReLU(3)', 'nn.SoftMin()'])
def test_jacobian_planes(rt, module):
    # planes: dimension 1 of a 3D input for the softmaxes, dimension 2 of any batch for PReLU
    assert_jacobian(rt, module, 'torch.randn(2, 3, 2)' if 'PReLU' in module else 'torch.randn(3, 2, 2)')
    assert_jacobian(rt, module, 'torch.randn(2, 3, 2, 2)')


def test_jacobian_positive_domain(rt):
    out = lua(rt, """
      torch.manualSeed(5)
      for _, m in ipairs({nn.Log(), nn.Sqrt(), nn.Power(0.5), nn.Power(-1.5)}) do
        io.write(tostring(nn.Jacobian.testJacobian(m, torch.Tensor(2, 4), 0.5, 3) < 1e-5), ' ')
      end
    """)
    assert out.split() == ['true'] * 4


def test_prelu_weight_gradients(rt):
    for m, x in (('nn.PReLU()', 'torch.randn(2, 5)'), ('nn.PReLU(3)', 'torch.randn(3)'),
                 ('nn.PReLU(3)', 'torch.randn(4, 3, 2)')):
        errs = assert_jacobian(rt, m, x)
        assert 'weight' in errs and 'weight_update' in errs


def test_prelu_plane_check(rt):
    out = lua(rt, "print(pcall(function() return nn.PReLU(4):forward(torch.randn(2, 3)) end))")
    assert out.startswith('false') and 'Wrong number of input planes. Expected 4 but got 3.' in out


def test_softmax_values_and_dims(rt):
    out = lua(rt, """
      local x = torch.Tensor({{1, 2, 3}, {-1, 0, 5}})
      print((nn.SoftMax():forward(x):sum(2) - 1):abs():max() < 1e-15)
      local p = torch.randn(2, 3, 4, 5)
      local s = nn.SpatialSoftMax():forward(p)
      print((s:sum(2) - 1):abs():max() < 1e-12)
      local l = nn.LogSoftMax():forward(p)
      print((l:exp() - s):abs():max() < 1e-12)
      print(pcall(function() return nn.SoftMax():forward(torch.randn(2, 2, 2, 2, 2)) end))
    """)
    lines = out.splitlines()
    assert lines[:3] == ['true\t'] * 3
    assert lines[3].startswith('false') and '1D, 2D, 3D or 4D tensor expected' in lines[3]


def test_logsoftmax_numbers(rt):
    x = np.array([[0.5, -1.0, 2.0, 1000.0], [1.0, 2.0, 3.0, 4.0]])
    out = lua(rt, """
      local m = nn.LogSoftMax()
      local x = torch.Tensor({{0.5, -1, 2, 1000}, {1, 2, 3, 4}})
      local y = m:forward(x)
      local gi = m:backward(x, torch.Tensor({{1, 0, 0, 0}, {0, 0, 2, 0}}))
      for i = 1, 2 do for j = 1, 4 do io.write(string.format('%.17g ', y[i][j])) end end
      io.write('\\n')
      for i = 1, 2 do for j = 1, 4 do io.write(string.format('%.17g ', gi[i][j])) end end
    """)
    y, gi = (np.array(nums(l)).reshape(2, 4) for l in out.split('\n'))
    ref = x - np.log(np.exp(x - x.max(1, keepdims=True)).sum(1, keepdims=True)) - x.max(1, keepdims=True)
    np.testing.assert_allclose(y, ref, rtol=1e-12)
    g = np.array([[1, 0, 0, 0], [0, 0, 2, 0]], float)
    np.testing.assert_allclose(gi, g - np.exp(ref) * g.sum(1, keepdims=True), atol=1e-12)


def test_inplace_variants_modify_input(rt):
    out = lua(rt, """
      for _, m in ipairs({nn.ReLU(true), nn.Threshold(0.5, 0, true), nn.HardTanh(-1, 1, true),
                          nn.ReLU6(true), nn.LeakyReLU(0.5, true), nn.ELU(1, true),
                          nn.RReLU(0.5, 0.5, true)}) do
        local x = torch.Tensor({-2, 0.25, 3})
        local y = m:forward(x)
        local go = torch.Tensor({1, 1, 1})
        local gi = m:backward(x, go)
        io.write(torch.type(m), ' ', tostring(torch.pointer(y:storage()) == torch.pointer(x:storage())),
          ' ', tostring(torch.pointer(gi:storage()) == torch.pointer(go:storage())), ' ')
        for i = 1, 3 do io.write(string.format('%.4f ', y[i])) end
        for i = 1, 3 do io.write(string.format('%.4f ', gi[i])) end
        io.write('\\n')
      end
    """)
    rows = [l.split() for l in out.strip().split('\n')]
    assert all(r[1] == 'true' and r[2] == 'true' for r in rows)
    vals = {r[0]: [float(v) for v in r[3:]] for r in rows}
    assert vals['nn.ReLU'] == [0, 0.25, 3, 0, 1, 1]
    assert vals['nn.Threshold'] == [0, 0, 3, 0, 0, 1]
    assert vals['nn.HardTanh'] == [-1, 0.25, 1, 0, 1, 0]
    assert vals['nn.ReLU6'] == [0, 0.25, 3, 0, 1, 1]
    assert vals['nn.LeakyReLU'] == [-1, 0.25, 3, 0.5, 1, 1]
    assert vals['nn.RReLU'] == [-1, 0.25, 3, 0.5, 1, 1]
    assert vals['nn.ELU'][:3] == [round(math.exp(-2) - 1, 4), 0.25, 3]


def test_threshold_inplace_validation(rt):
    out = lua(rt, "print(pcall(function() return nn.Threshold(0, 1, true) end))")
    assert out.startswith('false') and 'in-place processing requires value (1) not exceed threshold (0)' in out
    out = lua(rt, "print(pcall(function() return nn.ReLU('yes') end))")
    assert 'in-place flag must be boolean' in out


def test_rrelu_training_noise_is_seeded(rt):
    out = lua(rt, """
      local m = nn.RReLU()
      local x = torch.Tensor({-1, 2, -3, -4, 5})
      torch.manualSeed(11)
      local a = m:forward(x):clone()
      torch.manualSeed(11)
      local u1 = torch.uniform(1/8, 1/3); torch.uniform(1/8, 1/3)
      print(a[1] == -u1, a[2] == 2, a[5] == 5, m.noise[2] == 1)
      for i = 1, 5 do
        local r = m.noise[i]
        io.write(tostring(r >= 1/8 and r <= 1/3 or r == 1), ' ')
      end
      io.write('\\n')
      local gi = m:backward(x, torch.ones(5))
      print((gi - m.noise):abs():max() == 0)
      m:evaluate()
      print(m:forward(x)[1] == -(1/8 + 1/3) / 2)
      print(m)
    """)
    lines = out.splitlines()
    assert lines[0] == 'true\ttrue\ttrue\ttrue\t'
    assert lines[1].split() == ['true'] * 5
    assert lines[2:] == ['true\t', 'true\t', 'nn.RReLU (l:0.125000, u:0.333333)']


def test_printing(rt):
    out = lua(rt, """
      print(nn.ReLU()) print(nn.ReLU6()) print(nn.LeakyReLU()) print(nn.ELU())
      print(nn.SoftMax()) print(nn.Threshold()) print(nn.PReLU(2)) print(nn.Sigmoid())
    """)
    assert out.splitlines() == ['nn.ReLU', 'nn.ReLU6', 'nn.LeakyReLU(0.01)',
                                'nn.ELU (alpha:1.000000)', 'nn.SoftMax', 'nn.Threshold',
                                'nn.PReLU', 'nn.Sigmoid']


def test_fields(rt):
    out = lua(rt, """
      local r = nn.ReLU(true)
      print(r.threshold, r.val, r.inplace, torch.isTypeOf(r, 'nn.Threshold'))
      local h = nn.HardTanh()
      print(h.min_val, h.max_val, h.inplace, nn.SoftPlus().beta, nn.SoftPlus().threshold)
      local p = nn.PReLU(3)
      print(p.nOutputPlane, p.weight[2], p.gradWeight:nElement(), nn.HardShrink().lambda)
      print(nn.Sqrt().eps, nn.Power(2).pow, nn.ELU().alpha, nn.LeakyReLU(0.2).negval)
    """)
    assert out.splitlines() == ['0\t0\ttrue\ttrue\t', '-1\t1\tfalse\t1\t20\t', '3\t0.25\t3\t0.5\t',
                                '0\t2\t1\t0.2\t']


@pytest.mark.parametrize('module', TRANSFER + ['nn.Log()', 'nn.Sqrt()'])
def test_float_matches_double(rt, module):
    out = lua(rt, """
      torch.manualSeed(2)
      local x = torch.rand(3, 4):mul(3):add(%s)
      local g = torch.randn(3, 4)
      local m = %s
      local y = m:forward(x):clone()
      local gi = m:backward(x, g):clone()
      m:float()
      local yf = m:forward(x:float())
      local gf = m:backward(x:float(), g:float())
      print(torch.type(yf), torch.type(gf), (yf:double() - y):abs():max() < 1e-4,
            (gf:double() - gi):abs():max() < 1e-4)
    """ % ('0.1' if module in ('nn.Log()', 'nn.Sqrt()') else '-1.5', module))
    assert out == 'torch.FloatTensor\ttorch.FloatTensor\ttrue\ttrue\t\n'


def test_misuse_is_a_lua_error(rt):
    out = lua(rt, """
      print(pcall(function() return nn.Sigmoid():backward(torch.randn(3), torch.randn(4)) end))
      print(pcall(function() return nn.Power() end))
    """)
    lines = out.splitlines()
    assert lines[0].startswith('false') and 'different number of elements' in lines[0]
    assert lines[1].startswith('false') and 'nn.Power(power)' in lines[1]
    assert 'Traceback' not in out


def test_dropout_modes(rt):
    out = lua(rt, """
      torch.manualSeed(1)
      local x = torch.ones(1000)
      local d = nn.Dropout(0.25)
      local y = d:forward(x)
      local kept = y:gt(0):sum()
      print(kept > 650 and kept < 850, y:max() == 1 / 0.75, (y - d.noise):abs():max())
      local gi = d:backward(x, torch.ones(1000):mul(2))
      print((gi - d.noise * 2):abs():max())
      d:evaluate()
      print(d:forward(x):min(), d:backward(x, x):min())
      local v1 = nn.Dropout(0.25, true)
      print(v1:forward(x):max(), v1:evaluate() or v1:forward(x):max())
      local z = nn.Dropout(0)
      print(z:forward(x):min(), z.noise:nElement())
      local ip = nn.Dropout(0.5, false, true)
      local t = torch.ones(10)
      local o = ip:forward(t)
      print(torch.pointer(o:storage()) == torch.pointer(t:storage()))
      print(pcall(function() return nn.Dropout(1) end))
      local s = nn.SpatialDropout(0.5)
      local img = torch.ones(2, 6, 3, 3)
      local so = s:forward(img)
      print(so:size(1), s.noise:size(2), s.noise:size(3), (so:sum(4):sum(3) / 9 - s.noise):abs():max())
      s:evaluate()
      print(s:forward(img):max(), pcall(function() return s:backward(img, img) end))
    """)
    lines = out.splitlines()
    assert lines[0] == 'true\ttrue\t0\t'
    assert lines[1] == '0\t'
    assert lines[2] == '1\t1\t'
    assert lines[3] == '1\t0.75\t'
    assert lines[4] == '1\t0\t'
    assert lines[5] == 'true\t'
    assert lines[6].startswith('false') and 'illegal percentage' in lines[6]
    assert lines[7] == '2\t6\t1\t0\t'
    assert lines[8].startswith('0.5\tfalse') and 'backprop only defined while training' in lines[8]


def test_dropout_seeded_mask_matches_torch(rt):
    # the golden nn/dropout case: Torch7 with manualSeed(9) drops exactly element (1, 3)
    out = lua(rt, """
      torch.manualSeed(9)
      local d = nn.Dropout(0.5)
      print(d:forward(torch.ones(2, 5)))
      print(d)
    """)
    assert out == (' 2  2  0  2  2\n 2  2  2  2  2\n[torch.DoubleTensor of size 2x5]\n\n'
                   'nn.Dropout(0.500000)\n')
