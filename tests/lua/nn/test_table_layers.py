"""Table layers: SplitTable, JoinTable, SelectTable, NarrowTable, FlattenTable, MixtureTable,
PairwiseDistance, DotProduct, CosineDistance, CAddTable, CSubTable, CMulTable, CDivTable,
CMaxTable, CMinTable, CriterionTable."""
import numpy as np
import pytest

from nnhelp import assert_jacobian, lua, rt  # noqa: F401


def split(module, dim=1):
    """`module` (taking a table) behind a SplitTable, so that Jacobians see one tensor input."""
    return 'nn.Sequential():add(nn.SplitTable(%d)):add(%s)' % (dim, module)


def nums(out):
    return [float(v) for v in out.split()]


@pytest.mark.parametrize('module', ['nn.CAddTable()', 'nn.CSubTable()', 'nn.CMulTable()',
                                    'nn.CMaxTable()', 'nn.CMinTable()', 'nn.DotProduct()',
                                    'nn.CosineDistance()', 'nn.PairwiseDistance(2)',
                                    'nn.PairwiseDistance(3)'])
def test_pairwise_jacobians(rt, module):
    assert_jacobian(rt, split(module), 'torch.randn(2, 4)')
    if 'Distance(' not in module or 'Pairwise' in module:
        assert_jacobian(rt, split(module, 2), 'torch.randn(3, 2, 4)')


def test_more_jacobians(rt):
    assert_jacobian(rt, split('nn.CAddTable()'), 'torch.randn(3, 2, 2)')
    assert_jacobian(rt, split('nn.CMulTable()'), 'torch.randn(3, 4)')
    # CDivTable: keep the divisor away from zero
    out = lua(rt, """
      torch.manualSeed(1)
      local m = nn.Sequential():add(nn.SplitTable(1)):add(nn.CDivTable())
      local x = torch.randn(2, 4)
      io.write(nn.Jacobian.testJacobian(m, x, 1, 3) < 1e-5 and 'ok' or 'bad')
    """)
    assert out == 'ok'
    assert_jacobian(rt, split('nn.JoinTable(1)'), 'torch.randn(3, 2)')
    assert_jacobian(rt, split('nn.SelectTable(2)'), 'torch.randn(3, 2)')
    assert_jacobian(rt, split('nn.SelectTable(-1)'), 'torch.randn(3, 2)')
    assert_jacobian(rt, 'nn.Sequential():add(nn.SplitTable(1)):add(nn.NarrowTable(2, 2))'
                    ':add(nn.JoinTable(1))', 'torch.randn(4, 2)')
    assert_jacobian(rt, 'nn.Sequential():add(nn.SplitTable(1)):add(nn.FlattenTable())'
                    ':add(nn.JoinTable(1))', 'torch.randn(3, 2)')
    assert_jacobian(rt, split('nn.PairwiseDistance(1)'), 'torch.randn(2, 4)')


def test_mixture_table_jacobian(rt):
    # gater (batch x experts) with the experts as a table
    m = ('nn.Sequential():add(nn.ConcatTable():add(nn.Sequential():add(nn.Linear(3, 2))'
         ':add(nn.Tanh())):add(nn.ConcatTable():add(nn.Linear(3, 4)):add(nn.Linear(3, 4))))'
         ':add(nn.MixtureTable())')
    assert_jacobian(rt, m, 'torch.randn(5, 3)')
    assert_jacobian(rt, m, 'torch.randn(3)')


def test_mixture_table_values(rt):
    out = lua(rt, """
      local g = torch.Tensor({{0.25, 0.75}, {1, 0}})
      local e1 = torch.Tensor({{1, 2}, {3, 4}})
      local e2 = torch.Tensor({{5, 6}, {7, 8}})
      local m = nn.MixtureTable()
      print(m:forward({g, {e1, e2}}))
      local gi = m:backward({g, {e1, e2}}, torch.ones(2, 2))
      print(gi[1])
      print(gi[2][2])
      local t = nn.MixtureTable()
      local E = torch.Tensor(2, 2, 2)
      E:select(2, 1):copy(e1); E:select(2, 2):copy(e2)
      print(t:forward({g, E}))
      local tg = t:backward({g, E}, torch.ones(2, 2))
      print(tg[1])
    """)
    # 0.25 * e1 + 0.75 * e2 (row 1), e1 (row 2); the gater's gradient sums each expert's row
    y = ' 4  5\n 3  4\n[torch.DoubleTensor of size 2x2]\n\n'
    gg = '  3  11\n  7  15\n[torch.DoubleTensor of size 2x2]\n\n'
    assert out == (y + gg + ' 0.7500  0.7500\n 0.0000  0.0000\n[torch.DoubleTensor of size 2x2]\n\n'
                   + y + gg)


def test_arith_values_against_numpy(rt):
    a = np.array([[1., -2., 3.], [0.5, 4., -1.]])
    b = np.array([[2., 1., -3.], [1.5, -2., 2.]])
    g = np.array([[1., 2., 3.], [-1., 0.5, 2.]])
    out = lua(rt, """
      local a = torch.Tensor({{1, -2, 3}, {0.5, 4, -1}})
      local b = torch.Tensor({{2, 1, -3}, {1.5, -2, 2}})
      local g = torch.Tensor({{1, 2, 3}, {-1, 0.5, 2}})
      for _, name in ipairs({'CMaxTable', 'CMinTable', 'CDivTable'}) do
        local m = nn[name]()
        local y = m:forward({a, b})
        local gi = m:backward({a, b}, g)
        for _, t in ipairs({y, gi[1], gi[2]}) do
          for i = 1, 2 do for j = 1, 3 do io.write(string.format('%.10g ', t[i][j])) end end
        end
        io.write('\\n')
      end
    """)
    rows = [nums(line) for line in out.strip().split('\n')]
    mx = np.maximum(a, b)
    amax = a >= b
    np.testing.assert_allclose(rows[0], np.concatenate([mx.ravel(), (g * amax).ravel(),
                                                        (g * ~amax).ravel()]))
    mn = np.minimum(a, b)
    amin = a <= b
    np.testing.assert_allclose(rows[1], np.concatenate([mn.ravel(), (g * amin).ravel(),
                                                        (g * ~amin).ravel()]))
    np.testing.assert_allclose(rows[2], np.concatenate([(a / b).ravel(), (g / b).ravel(),
                                                        (-g * a / b ** 2).ravel()]))


def test_distances_against_numpy(rt):
    a = np.array([[1., -2., 3.], [0.5, 4., -1.]])
    b = np.array([[2., 1., -3.], [1.5, -2., 2.]])
    out = lua(rt, """
      local a = torch.Tensor({{1, -2, 3}, {0.5, 4, -1}})
      local b = torch.Tensor({{2, 1, -3}, {1.5, -2, 2}})
      for _, m in ipairs({nn.PairwiseDistance(1), nn.PairwiseDistance(2), nn.PairwiseDistance(3),
                          nn.DotProduct(), nn.CosineDistance()}) do
        local y = m:forward({a, b})
        io.write(string.format('%.10g %.10g ', y[1], y[2]))
        local y1 = m:forward({a[1], b[1]})
        io.write(string.format('%.10g %d\\n', y1[1], y1:dim()))
      end
    """)
    rows = [nums(line) for line in out.strip().split('\n')]
    d = a - b
    expect = [np.abs(d).sum(1), np.sqrt((d ** 2).sum(1)), (np.abs(d) ** 3).sum(1) ** (1 / 3),
              (a * b).sum(1),
              (a * b).sum(1) / np.sqrt((a * a).sum(1) * (b * b).sum(1))]
    for row, e in zip(rows, expect):
        np.testing.assert_allclose(row[:2], e, rtol=1e-9)
        np.testing.assert_allclose(row[2], e[0], rtol=1e-9)
        assert row[3] == 1


def test_single_vector_gradients_keep_vector_shape(rt):
    out = lua(rt, """
      local a, b = torch.randn(3), torch.randn(3)
      for _, m in ipairs({nn.DotProduct(), nn.CosineDistance(), nn.PairwiseDistance(2)}) do
        m:forward({a, b})
        local gi = m:backward({a, b}, torch.ones(1))
        io.write(gi[1]:dim(), gi[1]:size(1), gi[2]:dim(), ' ')
      end
    """)
    assert out == '131 131 131 '


def test_split_join(rt):
    out = lua(rt, """
      local x = torch.Tensor({{1, 2, 3}, {4, 5, 6}})
      local s = nn.SplitTable(-1)
      local o = s:forward(x)
      print(#o, o[3][2])
      local j = nn.JoinTable(-1)
      print(j:forward({x, x}):size(2))
      -- batch mode: nInputDims
      local jb = nn.JoinTable(1, 1)
      print(jb:forward({torch.ones(2, 3), torch.ones(2, 1)}):size(2),
            jb:forward({torch.ones(3), torch.ones(1)}):size(1))
      local sb = nn.SplitTable(1, 1)
      print(#sb:forward(torch.ones(2, 3)), #sb:forward(torch.ones(3)))
      -- tables of different lengths: gradInput follows the input
      local jj = nn.JoinTable(1)
      jj:forward({torch.ones(1), torch.ones(2), torch.ones(1)})
      print(#jj:backward({torch.ones(1), torch.ones(2), torch.ones(1)}, torch.range(1, 4)))
      jj:forward({torch.ones(1), torch.ones(2)})
      local gi = jj:backward({torch.ones(1), torch.ones(2)}, torch.range(1, 3))
      print(#gi, gi[2][2])
      local ok, e = pcall(function() return nn.JoinTable(3):forward({x, x}) end)
      print(ok, e:find('out of range', 1, true) ~= nil)
      print(nn.JoinTable(1):forward({torch.ones(2):float(), torch.zeros(1):float()}):type())
    """)
    assert out == ('3\t6\t\n6\t\n4\t4\t\n3\t3\t\n3\t\n2\t3\t\nfalse\ttrue\t\n'
                   'torch.DoubleTensor\t\n')


def test_join_table_float(rt):
    out = lua(rt, """
      local j = nn.JoinTable(2):float()
      local a = torch.FloatTensor({{1, 2}})
      local y = j:forward({a, a})
      print(torch.type(y), y:size(2))
      local gi = j:backward({a, a}, y)
      print(torch.type(gi[1]), gi[2][1][2])
    """)
    assert out == 'torch.FloatTensor\t4\t\ntorch.FloatTensor\t2\t\n'


def test_select_narrow_flatten(rt):
    out = lua(rt, """
      local a, b, c = torch.Tensor({1}), torch.Tensor({2, 3}), torch.Tensor({4})
      local st = nn.SelectTable(2)
      print(st:forward({a, {b, c}})[2][1])
      local gi = st:backward({a, {b, c}}, {torch.Tensor({7, 8}), torch.Tensor({9})})
      print(gi[1][1], gi[2][1][2], gi[2][2][1])
      print(nn.SelectTable(-2), nn.SelectTable(1):forward({a, b}) == a)
      local ok, e = pcall(function() return nn.SelectTable(4):forward({a, b}) end)
      print(ok, e:find('index does not exist in the input table', 1, true) ~= nil)
      local nt = nn.NarrowTable(2)
      local o = nt:forward({a, b, c})
      print(#o, o[1] == b)
      local ngi = nt:backward({a, b, c}, {torch.Tensor({5, 6})})
      print(#ngi, ngi[1][1], ngi[2][2], ngi[3][1])
      local ft = nn.FlattenTable()
      local f = ft:forward({{a}, b, {{c}}})
      print(#f, f[1] == a, f[3] == c)
      -- same structure again: the output table is reused
      print(ft:forward({{a}, b, {{c}}}) == f)
      local fgi = ft:backward({{a}, b, {{c}}}, {a, b, c})
      print(fgi[1][1] == a, fgi[3][1][1] == c)
    """)
    assert out == ('4\t\n0\t8\t9\t\nnn.SelectTable(-2)\ntrue\t\nfalse\ttrue\t\n1\ttrue\t\n'
                   '3\t0\t6\t0\t\n3\ttrue\ttrue\t\ntrue\t\ntrue\ttrue\t\n')


def test_cadd_inplace_and_criterion_table(rt):
    out = lua(rt, """
      local a, b = torch.Tensor({1, 2}), torch.Tensor({3, 4})
      local m = nn.CAddTable(true)
      local y = m:forward({a, b})
      print(a[1], y[2], m.inplace)
      local g = torch.Tensor({1, 1})
      local gi = m:backward({a, b}, g)
      print(torch.pointer(gi[1]:storage()) == torch.pointer(g:storage()))
      local ct = nn.CriterionTable(nn.MSECriterion())
      print(ct:forward({torch.Tensor({1, 2}), torch.Tensor({1, 0})}))
      local cgi = ct:backward({torch.Tensor({1, 2}), torch.Tensor({1, 0})})
      print(#cgi, cgi[1][2])
    """)
    assert out == '4\t6\ttrue\t\ntrue\t\n2\t\n1\t2\t\n'


def test_table_layers_print(rt):
    out = lua(rt, """
      for _, m in ipairs({nn.CAddTable(), nn.JoinTable(2), nn.SplitTable(1), nn.SelectTable(3),
                          nn.NarrowTable(1, 2), nn.FlattenTable(), nn.MixtureTable(),
                          nn.PairwiseDistance(2), nn.DotProduct(), nn.CosineDistance(),
                          nn.CMaxTable(), nn.CriterionTable(nn.MSECriterion())}) do
        print(m)
      end
    """)
    assert out.split('\n')[:-1] == [
        'nn.CAddTable', 'nn.JoinTable', 'nn.SplitTable', 'nn.SelectTable(3)', 'nn.NarrowTable',
        'nn.FlattenTable', 'nn.MixtureTable', 'nn.PairwiseDistance', 'nn.DotProduct',
        'nn.CosineDistance', 'nn.CMaxTable', 'nn.CriterionTable']


def test_float_table_layers(rt):
    out = lua(rt, """
      local a, b = torch.FloatTensor({{1, 2}, {3, 4}}), torch.FloatTensor({{2, 2}, {1, 5}})
      for _, m in ipairs({nn.CAddTable(), nn.CSubTable(), nn.CMulTable(), nn.CDivTable(),
                          nn.CMaxTable(), nn.CMinTable(), nn.DotProduct(), nn.CosineDistance(),
                          nn.PairwiseDistance(2), nn.JoinTable(1)}) do
        m:float()
        local y = m:forward({a, b})
        local gi = m:backward({a, b}, y:clone():fill(1))
        io.write(torch.type(y) == 'torch.FloatTensor' and torch.type(gi[1]) == 'torch.FloatTensor'
                 and 'f' or ('x' .. torch.typename(m)))
      end
    """)
    assert out == 'f' * 10


def test_zip_tables_and_cadd_tensor_table(rt):
    out = lua(rt, """
      local a1, a2, b1, b2 = torch.Tensor({1}), torch.Tensor({2}), torch.Tensor({3}), torch.Tensor({4})
      local z = nn.ZipTable()
      local o = z:forward({{a1, a2}, {b1, b2}})
      print(#o, o[1][2] == b1, o[2][1] == a2)
      local g = z:backward({{a1, a2}, {b1, b2}}, o)
      print(#g, g[2][1] == b1)
      local v = torch.Tensor({10, 20})
      local x, y = torch.Tensor({1, 2}), torch.Tensor({3, 4})
      local zo = nn.ZipTableOneToMany()
      local p = zo:forward({v, {x, y}})
      print(#p, p[2][1] == v, p[2][2] == y)
      local pg = zo:backward({v, {x, y}}, {{x, x}, {y, y}})
      print(pg[1][1], pg[1][2], pg[2][2] == y)
      local c = nn.CAddTensorTable()
      local s = c:forward({v, {x, y}})
      print(#s, s[1][2], s[2][1])
      local cg = c:backward({v, {x, y}}, {x, y})
      print(cg[1][1], cg[1][2], #cg[2], cg[2][2][2])
    """)
    assert out == ('2\ttrue\ttrue\t\n2\ttrue\t\n2\ttrue\ttrue\t\n4\t6\ttrue\t\n'
                   '2\t22\t13\t\n4\t6\t2\t4\t\n')


def test_two_input_cadd_cmul_fast_path_matches_step_by_step(rt):
    # two inputs of one type and size take one kernel call; other types, sizes or a result
    # overlapping an input go step by step: the results must be those of the step-by-step code
    out = lua(rt, """
      torch.manualSeed(3)
      local function stepwise(op, a, b, g)
        local o = a:clone()
        if op == 'add' then o:add(b) else o:cmul(b) end
        local g1, g2 = g:clone(), g:clone()
        if op == 'mul' then g1:cmul(b); g2:cmul(a) end
        return o, g1, g2
      end
      local function same(x, y)
        return x:type() == y:type() and x:isSameSizeAs(y) and x:eq(y):min() == 1
      end
      local function ints() return torch.IntTensor(3, 4):random(-9, 9) end
      local ok = true
      for _, case in ipairs({
          {torch.randn(5, 300), torch.randn(5, 300), torch.randn(5, 300)},      -- the fast path
          {torch.randn(4, 3), torch.randn(4, 3):t():t(), torch.randn(4, 3)},  -- small
          {torch.randn(6, 4):t(), torch.randn(4, 6), torch.randn(4, 6)},      -- strided input
          {torch.randn(2, 6), torch.randn(3, 4), torch.randn(2, 6)},          -- sizes differ
          {torch.randn(3, 4):float(), torch.randn(3, 4):float(), torch.randn(3, 4):float()},
          {ints(), ints(), ints()},
        }) do
        for _, op in ipairs({'add', 'mul'}) do
          local a, b, g = case[1], case[2], case[3]
          local m = op == 'add' and nn.CAddTable():type(a:type()) or nn.CMulTable():type(a:type())
          local o = m:forward({a, b})
          local gi = m:backward({a, b}, g)
          local wo, w1, w2 = stepwise(op, a, b, g)
          if a:nElement() == b:nElement() and not a:isSameSizeAs(b) then
            wo = wo:view(a:size())
          end
          ok = ok and same(o, wo) and same(gi[1], w1:viewAs(a)) and same(gi[2], w2:viewAs(b))
          ok = ok and #gi == 2
        end
      end
      -- the output aliasing an input: step by step (a copy of input 1, then the op with input 2)
      local m = nn.CAddTable()
      local a, b = torch.ones(3, 300), torch.randn(3, 300)
      m.output = b
      local o = m:forward({a, b})
      ok = ok and o == b and o:eq(2):min() == 1
      local c = nn.CMulTable()
      local x, y = torch.randn(3, 300), torch.randn(3, 300)
      c.gradInput = {y, torch.Tensor()}
      local g = torch.randn(3, 300)
      local wx = torch.cmul(g, g)    -- gradInput[1] (= y) gets g, then times input 2 (= y, now g)
      local gi = c:backward({x, y}, g)
      ok = ok and gi[1] == y and gi[1]:eq(wx):min() == 1
      io.write(ok and 'ok' or 'bad')
    """)
    assert out == 'ok'
