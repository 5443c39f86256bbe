"""Helpers for autograd's Lua tests: a Runtime with autograd loaded, and running Lua in it."""
import pytest

import luatorch
from helpers import run_lua


def new_runtime():
    r = luatorch.Runtime()
    r.execute("print = require('trepl').print; autograd = require 'autograd'; "
              "grad = autograd; gradcheck = require('autograd.gradcheck')({randomizeInput = false})")
    return r


@pytest.fixture(scope='module')
def rt():
    return new_runtime()


def lua(rt, code):
    """What `code` prints, run in rt (optimize mode reset to direct first)."""
    out = run_lua(rt, 'autograd.optimize(false)\n' + code)
    return '\n'.join(line.rstrip('\t') for line in out.split('\n'))


def values(rt, code):
    """The printed lines of `code` as floats (one per line)."""
    return [float(x) for x in lua(rt, code).split()]


def lua_error(rt, code):
    """The message of the error `code` raises (pcall'd in Lua)."""
    out = lua(rt, 'local ok, e = pcall(function()\n' + code + '\nend) print(ok, e)')
    last = out.rstrip('\n').split('\n')
    i = max(k for k, l in enumerate(last) if l.startswith(('false\t', 'true\t')))
    ok, _, msg = '\n'.join(last[i:]).partition('\t')
    assert ok == 'false', out
    return msg.strip()
