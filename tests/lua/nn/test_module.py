"""nn.Module, containers and the object model as Lua code sees them."""
from nnhelp import assert_jacobian, lua, rt  # noqa: F401


def test_linear_jacobian(rt):
    errs = assert_jacobian(rt, 'nn.Linear(4, 3)', 'torch.randn(4)')
    assert set(errs) >= {'input', 'weight', 'bias', 'weight_update', 'bias_update'}
    assert_jacobian(rt, 'nn.Linear(4, 3)', 'torch.randn(5, 4)')
    errs = assert_jacobian(rt, 'nn.Linear(4, 3, false)', 'torch.randn(2, 4)')
    assert 'bias' not in errs


def test_sequential_tanh_jacobian(rt):
    assert_jacobian(rt, 'nn.Sequential():add(nn.Linear(3, 4)):add(nn.Tanh()):add(nn.Linear(4, 2))',
                    'torch.randn(5, 3)')


def test_jacobian_detects_a_wrong_gradient(rt):
    lua(rt, """
      local Bad, parent = torch.class('nn.BadLinearForTest', 'nn.Linear')
      function Bad:updateGradInput(input, gradOutput)
        parent.updateGradInput(self, input, gradOutput)
        self.gradInput:mul(2)
        return self.gradInput
      end
    """)
    out = lua(rt, "print(nn.Jacobian.testJacobian(nn.BadLinearForTest(3, 2), torch.randn(3)) > 1e-3)")
    assert out == 'true\t\n'


def test_subclass_overrides_and_parent_calls(rt):
    out = lua(rt, """
      local Scaled, parent = torch.class('nn.ScaledLinearForTest', 'nn.Linear')
      function Scaled:__init(a, b, s) parent.__init(self, a, b); self.s = s end
      function Scaled:updateOutput(input)
        parent.updateOutput(self, input)
        self.output:mul(self.s)
        return self.output
      end
      local m = nn.ScaledLinearForTest(2, 1, 10)
      m.weight:fill(1); m.bias:fill(0)
      local seq = nn.Sequential():add(m)
      print(seq:forward(torch.Tensor({1, 2}))[1], torch.type(m), torch.isTypeOf(m, 'nn.Module'))
      function nn.Module:hello() return 'hi ' .. torch.type(self) end
      print(m:hello(), seq:hello())
      local n = 0
      for k, v in pairs(m) do n = n + 1 end
      print(n >= 7, torch.getmetatable('nn.Linear').updateOutput == nn.Linear.updateOutput)
    """)
    assert out.splitlines() == ['30\tnn.ScaledLinearForTest\ttrue\t',
                                'hi nn.ScaledLinearForTest\thi nn.Sequential\t', 'true\ttrue\t']


def test_get_parameters_flattens_and_shares(rt):
    out = lua(rt, """
      torch.manualSeed(3)
      local a = nn.Linear(3, 2)
      local b = a:clone('weight', 'bias', 'gradWeight', 'gradBias')
      local net = nn.Sequential():add(a):add(nn.Tanh()):add(b)
      local p, g = net:getParameters()
      print(p:nElement(), g:nElement())
      p:fill(0.5)
      print(a.weight[1][1], b.weight[2][3], a.bias[1])
      print(torch.pointer(a.weight:storage()) == torch.pointer(p:storage()))
      local p2 = net:getParameters()
      p2:fill(2)
      print(a.weight[1][1], p[1])
    """)
    assert out.splitlines() == ['8\t8\t', '0.5\t0.5\t0.5\t', 'true\t', '2\t0.5\t']


def test_clone_is_deep_and_type_conversion(rt):
    out = lua(rt, """
      torch.manualSeed(4)
      local net = nn.Sequential():add(nn.Linear(2, 2)):add(nn.Tanh())
      local c = net:clone()
      c:get(1).weight:fill(0)
      print(net:get(1).weight:sum() ~= 0, torch.type(c), torch.type(c:get(2)))
      local x = torch.randn(2)
      local y = net:forward(x):clone()
      net:float()
      print(torch.type(net:get(1).weight), torch.type(net:get(1).gradBias), net:type())
      print((net:forward(x:float()):double() - y):abs():max() < 1e-6)
    """)
    assert out.splitlines() == ['true\tnn.Sequential\tnn.Tanh\t',
                                'torch.FloatTensor\ttorch.FloatTensor\ttorch.FloatTensor\t', 'true\t']


def test_sequential_printing_and_container_api(rt):
    out = lua(rt, """
      local s = nn.Sequential():add(nn.Linear(2, 3)):add(nn.Sequential():add(nn.Tanh()))
      print(s)
      s:insert(nn.Identity(), 1)
      print(s:size(), torch.type(s:get(1)), #s:listModules(), #s:findModules('nn.Tanh'))
      s:remove(1)
      print(s:size(), torch.type(s:get(1)))
    """)
    assert out == ('nn.Sequential {\n  [input -> (1) -> (2) -> output]\n  (1): nn.Linear(2 -> 3)\n'
                   '  (2): nn.Sequential {\n    [input -> (1) -> output]\n    (1): nn.Tanh\n  }\n}\n'
                   '3\tnn.Identity\t5\t1\t\n2\tnn.Linear\t\n')


def test_mse_criterion(rt):
    out = lua(rt, """
      local c = nn.MSECriterion()
      local x, t = torch.Tensor({1, 2, 3}), torch.Tensor({1, 0, 0})
      print(c:forward(x, t))
      print(c:backward(x, t))
      c.sizeAverage = false
      print(c:forward(x, t))
    """)
    assert out == ('4.3333333333333\t\n 0.0000\n 1.3333\n 2.0000\n'
                   '[torch.DoubleTensor of size 3]\n\n13\t\n')


def test_kernel_errors_are_lua_errors(rt):
    out = lua(rt, """
      local ok, e = pcall(function() return nn.Linear(3, 2):forward(torch.randn(4)) end)
      print(ok, e)
    """)
    assert out.startswith('false\t') and 'size mismatch' in out and 'Traceback' not in out
