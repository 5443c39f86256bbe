"""Fixtures for the optim tests: a Runtime with optim loaded, and ways to run Lua in it."""
import sys
from pathlib import Path
import numpy as np
import pytest
from lupa import luajit21 as lupa

import luatorch
from helpers import run_lua

sys.path.insert(0, str(Path(__file__).resolve().parent))   # optimcases


def _new_runtime():
    rt = luatorch.Runtime()
    rt.execute("require 'optim'; print = require('trepl').print")
    return rt


@pytest.fixture(scope='module')
def rt():
    return _new_runtime()


@pytest.fixture
def fresh_rt():
    return _new_runtime()


@pytest.fixture(scope='module')
def lua(rt):
    """lua(code) -> what the code printed."""
    return lambda code: run_lua(rt, code)


@pytest.fixture(scope='module')
def arr(rt):
    """arr(expr) -> the tensor or Lua array of numbers `expr` evaluates to, as a numpy array."""
    def get(expr):
        v = rt.eval(expr)
        if isinstance(v, (int, float)):
            return np.array(v, dtype=float)
        if lupa.lua_type(v) == 'table':
            return np.array([float(v[i]) for i in range(1, len(v) + 1)])
        return luatorch.to_numpy(v).copy()
    return get


@pytest.fixture(scope='module')
def lua_error(rt):
    """lua_error(code) -> the message of the error the code raises (fails if none)."""
    def run(code):
        rt.execute("__err = nil")
        rt.execute("local ok, e = pcall(function() %s end); __err = (not ok) and tostring(e) or false" % code)
        msg = rt.eval("__err")
        assert msg, 'expected a Lua error from: ' + code
        return msg.decode() if isinstance(msg, bytes) else str(msg)
    return run
