"""Containers: Concat, DepthConcat, Parallel, ConcatTable, ParallelTable, MapTable, Bottle,
Decorator, Sequential and the Container base (errors, parameters, clearState)."""
import pytest

from nnhelp import assert_jacobian, lua, rt  # noqa: F401


def param_jacobian(rt, module, input, child):
    """Max Jacobian errors for the weight and bias of `child` (a Lua expression over `m`) inside
    `module`, through the container's backward and accUpdateGradParameters."""
    out = lua(rt, """
      torch.manualSeed(2)
      local m = %s
      local x = %s
      local c = %s
      local e = math.max(nn.Jacobian.testJacobianParameters(m, x, c.weight, c.gradWeight),
                         nn.Jacobian.testJacobianParameters(m, x, c.bias, c.gradBias),
                         nn.Jacobian.testJacobianUpdateParameters(m, x, c.weight),
                         nn.Jacobian.testJacobianUpdateParameters(m, x, c.bias))
      io.write(string.format('%%.3e', e))
    """ % (module, input, child))
    return float(out)


def test_concat_jacobian_and_parameters(rt):
    m = 'nn.Concat(1):add(nn.Linear(3, 2)):add(nn.Tanh()):add(nn.Linear(3, 4))'
    assert_jacobian(rt, m, 'torch.randn(3)')
    assert_jacobian(rt, 'nn.Concat(2):add(nn.Linear(3, 2)):add(nn.Tanh())', 'torch.randn(4, 3)')
    assert param_jacobian(rt, m, 'torch.randn(3)', 'm:get(3)') < 1e-5


def test_concat_values(rt):
    out = lua(rt, """
      local c = nn.Concat(2):add(nn.Identity()):add(nn.Identity())
      local x = torch.Tensor({{1, 2}, {3, 4}})
      print(c:forward(x))
      print(c:backward(x, torch.Tensor({{1, 2, 3, 4}, {5, 6, 7, 8}})))
      print(c:size(), torch.type(c:get(2)))
    """)
    assert out == (' 1  2  1  2\n 3  4  3  4\n[torch.DoubleTensor of size 2x4]\n\n'
                   '  4   6\n 12  14\n[torch.DoubleTensor of size 2x2]\n\n2\tnn.Identity\t\n')


def test_concat_table_input_backward(rt):
    # children taking a table input: gradInputs (tables) are summed element-wise
    out = lua(rt, """
      local c = nn.Concat(1):add(nn.CAddTable()):add(nn.CMulTable())
      local a, b = torch.Tensor({1, 2}), torch.Tensor({3, 4})
      print(c:forward({a, b}))
      local gi = c:backward({a, b}, torch.Tensor({1, 1, 1, 1}))
      print(gi[1][1], gi[1][2], gi[2][1], gi[2][2])
    """)
    assert out == (' 4\n 6\n 3\n 8\n[torch.DoubleTensor of size 4]\n\n'
                   '4\t5\t2\t3\t\n')


def test_depth_concat_pads_and_centres(rt):
    out = lua(rt, """
      local Crop, parent = torch.class('nn.CropForDepthConcatTest', 'nn.Module')
      function Crop:updateOutput(x) self.output = x:narrow(2, 2, 1); return self.output end
      function Crop:updateGradInput(x, g)
        self.gradInput:resizeAs(x):zero():narrow(2, 2, 1):copy(g)
        return self.gradInput
      end
      local d = nn.DepthConcat(1)
      d:add(nn.Identity())
      d:add(nn.CropForDepthConcatTest())
      local x = torch.Tensor({{1, 2, 3}})
      print(d:forward(x))
      print(d:backward(x, torch.Tensor({{1, 1, 1}, {0, 5, 0}})))
    """)
    assert out == (' 1  2  3\n 0  2  0\n[torch.DoubleTensor of size 2x3]\n\n'
                   ' 1  6  1\n[torch.DoubleTensor of size 1x3]\n\n')


def test_depth_concat_jacobian(rt):
    assert_jacobian(rt, 'nn.DepthConcat(1):add(nn.Linear(3, 2)):add(nn.Tanh())', 'torch.randn(3)')


def test_parallel(rt):
    assert_jacobian(rt, 'nn.Parallel(1, 1):add(nn.Linear(3, 2)):add(nn.Tanh())', 'torch.randn(2, 3)')
    m = 'nn.Parallel(2, 1):add(nn.Linear(3, 2)):add(nn.Linear(3, 1))'
    assert_jacobian(rt, m, 'torch.randn(3, 2)')
    assert param_jacobian(rt, m, 'torch.randn(3, 2)', 'm:get(1)') < 1e-5
    out = lua(rt, """
      local p = nn.Parallel(2, 1):add(nn.Identity()):add(nn.Identity())
      local x = torch.Tensor({{1, 2}, {3, 4}})
      print(p:forward(x))
    """)
    assert out == ' 1\n 3\n 2\n 4\n[torch.DoubleTensor of size 4]\n\n'


def test_concat_table(rt):
    m = ('nn.Sequential():add(nn.ConcatTable():add(nn.Linear(3, 2)):add(nn.Tanh()):add(nn.Linear(3, 2)))'
         ':add(nn.JoinTable(1))')
    assert_jacobian(rt, m, 'torch.randn(3)')
    assert param_jacobian(rt, m, 'torch.randn(3)', 'm:get(1):get(3)') < 1e-5
    # table input: gradInput is the element-wise sum over branches
    out = lua(rt, """
      local ct = nn.ConcatTable():add(nn.SelectTable(1)):add(nn.SelectTable(2)):add(nn.Identity())
      local a, b = torch.Tensor({1}), torch.Tensor({2})
      local o = ct:forward({a, b})
      print(#o, o[1][1], o[2][1], o[3][2][1])
      local gi = ct:backward({a, b}, {torch.Tensor({10}), torch.Tensor({20}),
                                      {torch.Tensor({1}), torch.Tensor({2})}})
      print(#gi, gi[1][1], gi[2][1])
    """)
    assert out == '3\t1\t2\t2\t\n2\t11\t22\t\n'


def test_parallel_table(rt):
    m = ('nn.Sequential():add(nn.SplitTable(1)):add(nn.ParallelTable():add(nn.Linear(3, 2))'
         ':add(nn.Tanh())):add(nn.JoinTable(1))')
    assert_jacobian(rt, m, 'torch.randn(2, 3)')
    assert param_jacobian(rt, m, 'torch.randn(2, 3)', 'm:get(2):get(1)') < 1e-5


def test_map_table_shares_parameters(rt):
    m = 'nn.Sequential():add(nn.SplitTable(1)):add(nn.MapTable(nn.Linear(3, 2))):add(nn.JoinTable(1))'
    assert_jacobian(rt, m, 'torch.randn(3, 3)')
    assert param_jacobian(rt, m, 'torch.randn(3, 3)', 'm:get(2):get(1)') < 1e-5
    out = lua(rt, """
      local mt = nn.MapTable(nn.Linear(2, 2))
      local o = mt:forward({torch.randn(2), torch.randn(2), torch.randn(2)})
      print(#o, mt:size(), torch.pointer(mt:get(3).weight:storage()) == torch.pointer(mt:get(1).weight:storage()))
      local p, g = mt:parameters()
      print(#p, #mt:listModules())
      mt:resize(1)
      print(mt:size())
      local u = nn.MapTable(nn.Linear(2, 2), false)
      u:forward({torch.randn(2), torch.randn(2)})
      print(torch.pointer(u:get(2).weight:storage()) == torch.pointer(u:get(1).weight:storage()))
      print(nn.MapTable(nn.Linear(2, 3)))
    """)
    assert out == ('3\t3\ttrue\t\n6\t4\t\n1\t\nfalse\t\n'
                   'nn.MapTable {\n  nn.Linear(2 -> 3)\n}\n')


def test_bottle(rt):
    out = lua(rt, """
      torch.manualSeed(5)
      local lin = nn.Linear(4, 3)
      local b = nn.Bottle(lin)
      local x = torch.randn(2, 5, 4)
      local y = b:forward(x)
      print(y:dim(), y:size(1), y:size(2), y:size(3))
      local ref = lin:forward(x:view(10, 4)):clone():view(2, 5, 3)
      print((y - ref):abs():max() == 0)
      local g = torch.randn(2, 5, 3)
      local gi = b:backward(x, g)
      print(gi:dim(), gi:size(1), gi:size(2), gi:size(3))
      print(b)
      print(b:forward(torch.randn(7, 4)):size(1))
    """)
    assert out == ('3\t2\t5\t3\t\ntrue\t\n3\t2\t5\t4\t\nnn.Bottle @ nn.Linear(4 -> 3)\n7\t\n')
    assert_jacobian(rt, 'nn.Bottle(nn.Linear(3, 2))', 'torch.randn(2, 2, 3)')


def test_containers_print(rt):
    out = lua(rt, """
      print(nn.ConcatTable():add(nn.Identity()):add(nn.Sequential():add(nn.Tanh())))
      print(nn.Parallel(1, 1))
    """)
    assert out == ('nn.ConcatTable {\n  input\n    |`-> (1): nn.Identity\n'
                   '     `-> (2): nn.Sequential {\n'
                   '           [input -> (1) -> output]\n           (1): nn.Tanh\n         }\n'
                   '     ... -> output\n}\nnn.Parallel {\n  input\n     ... -> output\n}\n')


def test_errors_name_the_module(rt):
    out = lua(rt, """
      local l = nn.Linear(1, 1)
      local model = nn.Sequential():add(nn.Identity()):add(nn.Concat(1):add(nn.Parallel(1, 1):add(l)))
      local ok, err = pcall(function() model:forward(torch.randn(1, 2, 2)) end)
      print(ok, err:find('In 2 module of nn.Sequential:\\nIn 1 module of nn.Concat:\\n'
                         .. 'In 1 module of nn.Parallel:\\n', 1, true) ~= nil,
            err:find('size mismatch', 1, true) ~= nil, err:find('Traceback', 1, true))
      -- error objects that are not strings pass through unchanged
      local Bad = torch.class('nn.RaisesTableForTest', 'nn.Module')
      function Bad:updateOutput() error({code = 7}) end
      local ok2, e2 = pcall(function() nn.Sequential():add(nn.RaisesTableForTest()):forward(torch.randn(1)) end)
      print(ok2, type(e2), e2.code)
    """)
    assert out == 'false\ttrue\ttrue\tnil\t\nfalse\ttable\t7\t\n'


def test_sequential_fields_follow_children(rt):
    out = lua(rt, """
      local a, b = nn.Linear(2, 2), nn.Tanh()
      local s = nn.Sequential():add(a)
      print(s.gradInput == a.gradInput, s.output == a.output)
      s:add(b)
      print(s.gradInput == a.gradInput, s.output == b.output, s:size())
      s:remove()
      print(s.output == a.output, s:size())
      s:remove(1)
      print(s:size(), s.output:nDimension())
      local ok, e = pcall(function() s:remove(1) end)
      print(ok, e:match('index out of range') ~= nil)
      ok, e = pcall(function() s:insert(nn.Tanh(), 3) end)
      print(ok, e:match('index should be contiguous to existing modules') ~= nil)
    """)
    assert out == ('true\ttrue\t\ntrue\ttrue\t2\t\ntrue\t1\t\n0\t0\t\n'
                   'false\ttrue\t\nfalse\ttrue\t\n')


def test_sequential_backward_with_scale_and_acc_update(rt):
    out = lua(rt, """
      torch.manualSeed(9)
      local s = nn.Sequential():add(nn.Linear(2, 2)):add(nn.Tanh()):add(nn.Linear(2, 1))
      local x, g = torch.randn(2), torch.randn(1)
      s:zeroGradParameters()
      s:forward(x)
      s:backward(x, g, 0.5)
      local gw = s:get(1).gradWeight:clone()
      s:zeroGradParameters()
      s:backward(x, g)
      print((s:get(1).gradWeight * 0.5 - gw):abs():max() < 1e-12)
      -- accUpdateGradParameters(lr) == updateParameters(lr) after a fresh gradient
      local c = s:clone()
      s:forward(x); s:zeroGradParameters(); s:backward(x, g); s:updateParameters(0.1)
      c:forward(x); c:updateGradInput(x, g); c:accUpdateGradParameters(x, g, 0.1)
      local p1, p2 = s:getParameters(), c:getParameters()
      print((p1 - p2):abs():max() < 1e-12)
    """)
    assert out == 'true\t\ntrue\t\n'


def test_container_parameters_flatten_nested_tables(rt):
    out = lua(rt, """
      local Odd, parent = torch.class('nn.NestedParamsForTest', 'nn.Module')
      function Odd:__init() parent.__init(self); self.w = torch.ones(2); self.gw = torch.zeros(2) end
      function Odd:parameters() return {{self.w}}, {{self.gw}} end
      local s = nn.Sequential():add(nn.NestedParamsForTest()):add(nn.Linear(1, 1))
      local p, g = s:parameters()
      print(#p, #g, torch.type(p[1]), p[1]:nElement())
    """)
    assert out == '3\t3\ttorch.DoubleTensor\t2\t\n'


def test_container_clear_state_replaces_output(rt):
    out = lua(rt, """
      local l = nn.Linear(2, 2)
      local s = nn.Sequential():add(l)
      s:forward(torch.randn(3, 2))
      local o = s.output
      s:clearState()
      print(o:nElement(), s.output:nElement(), l.output:nElement(), s.output ~= o)
      local ct = nn.ConcatTable():add(nn.Identity())
      ct:forward(torch.randn(2))
      ct:clearState()
      print(torch.type(ct.output), #ct.output)
    """)
    # the container's own output is replaced, not emptied in place (it is the child's tensor)
    assert out == '0\t0\t0\ttrue\t\ntable\t0\t\n'


def test_float_containers(rt):
    out = lua(rt, """
      torch.manualSeed(3)
      local m = nn.Concat(1):add(nn.Linear(2, 2)):add(nn.Linear(2, 1))
      local x = torch.randn(2)
      local y = m:forward(x):clone()
      m:float()
      local yf = m:forward(x:float())
      print(torch.type(yf), (yf:double() - y):abs():max() < 1e-6)
      local pt = nn.ParallelTable():add(nn.Linear(2, 2)):float()
      print(torch.type(pt:forward({x:float()})[1]))
    """)
    assert out == 'torch.FloatTensor\ttrue\t\ntorch.FloatTensor\t\n'
