"""Classes that share another class's Lua methods (CMinTable/CMaxTable, CMul/CAdd, the three
spatial paddings, Min/Max) keep their own names, fields and kernels."""
from nnhelp import lua, rt  # noqa: F401


def test_cmintable_keeps_its_own_fields(rt):
    out = lua(rt, """
      local m = nn.CMinTable()
      local y = m:forward({torch.Tensor{1, 5, 3}, torch.Tensor{4, 2, 6}})
      local g = m:backward({torch.Tensor{1, 5, 3}, torch.Tensor{4, 2, 6}}, torch.Tensor{10, 20, 30})
      io.write(torch.type(m), ' ', tostring(m.minIdx ~= nil), ' ', tostring(m.maxIdx == nil), ' ',
               y[1], y[2], y[3], ' ', g[1][1], ',', g[1][2], ',', g[1][3], ' ', g[2][1], ',', g[2][2], ',', g[2][3])
    """)
    assert out == 'nn.CMinTable true true 123 10,0,30 0,20,0'


def test_cmul_keeps_weight_and_cadd_bias(rt):
    out = lua(rt, """
      local a, b = nn.CAdd(2, 3), nn.CMul(2, 3)
      io.write(tostring(a.bias ~= nil and a.gradBias ~= nil and a.weight == nil), ' ',
               tostring(b.weight ~= nil and b.gradWeight ~= nil and b.bias == nil), ' ',
               tostring(a), ' ', tostring(b), ' ', torch.type(b:float().weight))
    """)
    assert out == 'true true nn.CAdd nn.CMul torch.FloatTensor'


def test_paddings_keep_their_own_kernels(rt):
    out = lua(rt, """
      local x = torch.Tensor{{{1, 2}, {3, 4}}}
      for _, name in ipairs({'SpatialZeroPadding', 'SpatialReflectionPadding', 'SpatialReplicationPadding'}) do
        local y = nn[name](1, 0, 0, 0):forward(x)
        io.write(name, ' ', y[1][1][1], y[1][1][2], y[1][1][3], ' ')
      end
      io.write(tostring(nn.SpatialZeroPadding(1, 2, 3, 4)))
    """)
    assert out == ('SpatialZeroPadding 012 SpatialReflectionPadding 212 '
                   'SpatialReplicationPadding 112 nn.SpatialZeroPadding(l=1, r=2, t=3, b=4)')
