"""The Python API and the binding's contract: proxies, identity, errors, zero-copy numpy."""
import numpy as np
import pytest
from lupa import luajit21 as lupa

import luatorch


@pytest.fixture(scope='module')
def rt():
    return luatorch.Runtime()


def test_execute_and_eval(rt):
    rt.execute("x = torch.Tensor({{1, 2, 3}, {4, 5, 6}})")
    assert rt.eval("x:dim()") == 2
    assert rt.eval("x[2][3]") == 6
    t = rt.eval("x")
    assert isinstance(t, luatorch.Tensor)
    assert luatorch.to_numpy(t).tolist() == [[1, 2, 3], [4, 5, 6]]


def test_to_numpy_shares_memory(rt):
    rt.execute("y = torch.zeros(3)")
    a = luatorch.to_numpy(rt.eval("y"))
    a[1] = 7
    assert rt.eval("y[2]") == 7


def test_from_numpy_shares_memory(rt):
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    t = luatorch.from_numpy(a)
    f = rt.lua.eval(b"function(t) t[1][1] = 42 return torch.typename(t), t:size(2) end")
    wrap = rt.lua.eval(b"function(o) return require('torch._bridge').wrap(o, %d) end" % t.ttype.idx)
    name, n = f(wrap(t))
    assert name == b'torch.FloatTensor' and n == 3
    assert a[0, 0] == 42


def test_userdata_and_metatable(rt):
    assert rt.eval("type(torch.Tensor(2))") == b'userdata'
    assert rt.eval("getmetatable(torch.Tensor(2)) == torch.getmetatable('torch.DoubleTensor')")
    assert rt.eval("#torch.Tensor(2, 3)")  # LongStorage of sizes
    assert rt.eval("torch.typename(#torch.Tensor(2, 3))") == b'torch.LongStorage'


def test_methods_return_self(rt):
    assert rt.eval("(function() local t = torch.Tensor(3) return t:fill(1) == t end)()")
    assert rt.eval("(function() local t = torch.Tensor(3) return t:zero() == t end)()")


def test_views_share_storage(rt):
    rt.execute("m = torch.zeros(3, 4); v = m:narrow(2, 2, 2); v:fill(5); s = m:select(1, 3); s[4] = 9")
    m = luatorch.to_numpy(rt.eval("m"))
    assert m[:, 1:3].tolist() == [[5, 5]] * 3
    assert m[2, 3] == 9
    assert rt.eval("m:t():isContiguous()") is False
    assert rt.eval("m:t():t():isContiguous()") is True


def test_error_is_lua_string_with_message(rt):
    ok, err = rt.execute("return pcall(function() return torch.Tensor(3):narrow(1, 5, 1) end)")
    assert ok is False
    assert isinstance(err, bytes) and b'out of range' in err
    ok, err = rt.execute("return pcall(function() return torch.Tensor(3)[4] end)")
    assert ok is False and b'index out of range' in err


def test_lua_error_raised_to_python(rt):
    with pytest.raises(lupa.LuaError):
        rt.execute("error('boom')")


def test_class_system(rt):
    rt.execute("""
      local A = torch.class('test.A')
      function A:__init(x) self.x = x end
      function A:get() return self.x end
      local B, parent = torch.class('test.B', 'test.A')
      function B:__init(x) parent.__init(self, x * 2) end
      b = test.B(5)
      function A:later() return 'late' end
    """)
    assert rt.eval("b:get()") == 10
    assert rt.eval("b:later()") == b'late'
    assert rt.eval("torch.typename(b)") == b'test.B'
    assert rt.eval("torch.isTypeOf(b, 'test.A')") is True


def test_default_tensor_type(rt):
    rt.execute("torch.setdefaulttensortype('torch.FloatTensor')")
    try:
        assert rt.eval("torch.typename(torch.Tensor(2))") == b'torch.FloatTensor'
        assert rt.eval("torch.getdefaulttensortype()") == b'torch.FloatTensor'
    finally:
        rt.execute("torch.setdefaulttensortype('torch.DoubleTensor')")
