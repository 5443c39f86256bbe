"""Helpers for nn tests: one Runtime with nn loaded per test module, and Jacobian checks."""
import pytest

import luatorch
from helpers import run_lua


@pytest.fixture(scope='module')
def rt():
    r = luatorch.Runtime()
    r.execute("print = require('trepl').print; require 'nn'")
    return r


def lua(rt, code):
    """What `code` prints (trepl's print), run in rt."""
    return run_lua(rt, code)


def jacobian_errors(rt, module, input, seed=1):
    """Max errors of nn.Jacobian's checks for `module` (a Lua expression) on `input` (a Lua
    expression): {'input': e, 'weight': e, 'bias': e, ...} (every parameter the module has)."""
    out = run_lua(rt, """
      torch.manualSeed(%d)
      local m = %s
      local x = %s
      local err = {input = nn.Jacobian.testJacobian(m, x)}
      for _, name in ipairs({'weight', 'bias'}) do
        if m[name] and m['grad' .. name:sub(1, 1):upper() .. name:sub(2)] then
          err[name] = nn.Jacobian.testJacobianParameters(m, x, m[name],
            m['grad' .. name:sub(1, 1):upper() .. name:sub(2)])
          err[name .. '_update'] = nn.Jacobian.testJacobianUpdateParameters(m, x, m[name])
        end
      end
      for k, v in pairs(err) do io.write(k, ' ', string.format('%%.3e', v), '\\n') end
    """ % (seed, module, input))
    errs = {}
    for line in out.splitlines():
        k, v = line.split()
        errs[k] = float(v)
    return errs


def assert_jacobian(rt, module, input, tol=1e-5):
    errs = jacobian_errors(rt, module, input)
    assert errs and all(v < tol for v in errs.values()), errs
    return errs
