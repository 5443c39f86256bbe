"""optim's bookkeeping as scripts see it: the state fields each algorithm keeps under optim's
names (read from optim's sources), and an optimState saved with torch.save and loaded with
torch.load -- in a fresh Runtime -- that continues bitwise as the run that never stopped."""
import numpy as np
import pytest

import luatorch
from optimcases import CASES, FUNC, IDS



def _runtime():
    rt = luatorch.Runtime()
    rt.execute("require 'optim'")
    rt.execute(FUNC)
    return rt


def _steps(rt, name, n):
    """n calls of optim.NAME on (x, cfg, st), collecting every reported f; returns the fs."""
    rt.execute("""
      fs = {}
      for i = 1, %d do
        local _, f = optim.%s(fun, x, cfg, st)
        for _, v in ipairs(f) do fs[#fs + 1] = v end
      end
    """ % (n, name))
    return [float(v) for v in rt.eval('fs').values()]


def _x(rt):
    return luatorch.to_numpy(rt.eval('x')).copy()


@pytest.mark.parametrize('name,config,keys', CASES, ids=IDS)
def test_state_fields_have_optims_names(name, config, keys):
    rt = _runtime()
    rt.execute("x = torch.Tensor({-1.2, 1, 0.5}); cfg = %s; st = {}" % config)
    _steps(rt, name, 4)
    got = set(rt.eval("(function() local k = {} for n in pairs(st) do k[#k + 1] = n end "
                      "return table.concat(k, ' ') end)()").decode().split())
    assert got == keys
    # the configuration is read, never written (asgd writes its defaults back, as optim does)
    listing = ("(function(t) local k = {} for n, v in pairs(t) do k[#k + 1] = n .. ':' .. type(v) end "
               "return table.concat(k, ' ') end)(%s)")
    written = {'eta0:number', 'lambda:number', 'alpha:number', 't0:number'} if name == 'asgd' else set()
    assert set(rt.eval(listing % 'cfg').decode().split()) == \
        set(rt.eval(listing % config).decode().split()) | written


@pytest.mark.parametrize('fmt', ['binary', 'ascii'])
@pytest.mark.parametrize('separate', [True, False], ids=['config+state', 'state=config'])
@pytest.mark.parametrize('name,config,keys', CASES, ids=IDS)
def test_saved_state_continues_identically(tmp_path, name, config, keys, separate, fmt):
    if not separate and 'lineSearch' in config:
        # the config then holds a Lua function, saved as bytecode: loading it must be allowed
        load_opts = ', nil, {allowBytecode = true}'
    else:
        load_opts = ''
    path = tmp_path / 'optimState.t7'
    st = '{}' if separate else 'cfg'
    a = _runtime()
    a.execute("x = torch.Tensor({-1.2, 1, 0.5}); cfg = %s; st = %s" % (config, st))
    _steps(a, name, 5)
    a.execute("torch.save('%s', {x = x, state = st}, '%s')" % (path, fmt))
    fs_a = _steps(a, name, 6)
    xa = _x(a)

    b = _runtime()
    b.execute("local saved = torch.load('%s', '%s'%s); x = saved.x; st = saved.state"
              % (path, fmt, load_opts))
    b.execute("cfg = %s" % (config if separate else 'st'))
    fs_b = _steps(b, name, 6)
    assert fs_b == fs_a
    np.testing.assert_array_equal(_x(b), xa)
    assert not np.array_equal(xa, [-1.2, 1, 0.5])


def test_loaded_lbfgs_state_keeps_its_shared_buffers(tmp_path):
    """lbfgs's history vectors are rows of two (nCorrection+1) x n blocks: they still are after a
    save and load, and the recycled buffers go on being used."""
    rt = _runtime()
    rt.execute("""
      x = torch.Tensor({-1.2, 1, 0.5}); cfg = {maxIter = 1, learningRate = 1e-3, nCorrection = 2}; st = {}
      for i = 1, 6 do optim.lbfgs(fun, x, cfg, st) end
      torch.save('%s', st)
      st2 = torch.load('%s')
    """ % (tmp_path / 's.t7', tmp_path / 's.t7'))
    assert rt.eval("#st2.old_dirs + #st2.dir_bufs") == 3
    assert rt.eval("#st2.old_stps + #st2.stp_bufs") == 3
    # each history vector is still a row of one of the two blocks of 3 x 3 (n = 3)
    assert rt.eval("""(function()
      for _, list in ipairs({st2.old_dirs, st2.dir_bufs, st2.old_stps, st2.stp_bufs}) do
        for _, t in ipairs(list) do
          if t:dim() ~= 1 or t:size(1) ~= 3 or t:storage():size() ~= 9 then return false end
        end
      end
      return true end)()""") is True
    rt.execute("for i = 1, 3 do optim.lbfgs(fun, x, cfg, st2) end")
    assert rt.eval("#st2.old_dirs + #st2.dir_bufs") == 3
