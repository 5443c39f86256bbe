"""Shared test helpers: run Lua through the real `th` entry point and capture stdout; read
upstream projects' files for the suites run out of tree; a stand-in graphviz."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / 'shared'


def th(code, *args, cwd=None, check=True):
    """Run Lua code with `th -e`-like semantics in a subprocess; returns (rc, stdout, stderr)."""
    p = subprocess.run([sys.executable, '-m', 'luatorch.cli', '-e', code, *args],
                       capture_output=True, text=True, cwd=cwd or ROOT, timeout=300)
    if check and p.returncode != 0:
        raise AssertionError('th failed (%d): %s' % (p.returncode, p.stderr))
    return p.stdout


def th_outputs(code, var, values):
    """stdout of `th -e code` run once with each value of environment variable var."""
    import os
    outs = []
    for v in values:
        r = subprocess.run([sys.executable, '-m', 'luatorch.cli', '-e', code],
                           env=dict(os.environ, **{var: v}), capture_output=True, text=True,
                           timeout=120)
        assert r.returncode == 0, r.stderr
        outs.append(r.stdout)
    return outs


def run_lua(rt, code):
    """Run code in an existing Runtime, returning what it printed (through trepl's print)."""
    rt.execute("""
      local buf = {}
      __captured = buf
      io.write = function(...) for i = 1, select('#', ...) do buf[#buf + 1] = tostring((select(i, ...))) end end
    """)
    try:
        rt.execute(code)
        return rt.execute("return table.concat(__captured)").decode()
    finally:
        rt.execute("io.write = function(...) return io.stdout:write(...) end")


def first_existing(candidates):
    """The first of the paths (strings, '' for unset) that exists, else None."""
    return next((c for c in candidates if c and Path(c).exists()), None)


def git_dir(repo):
    """The git directory of a repository given as a checkout or as its git directory."""
    p = Path(repo)
    return p if (p / 'HEAD').exists() else p / '.git'


def upstream_file(repo, path):
    """The bytes of `path` in an upstream repository: a checkout, or a git directory (HEAD)."""
    p = Path(repo)
    if (p / path).is_file():
        return (p / path).read_bytes()
    r = subprocess.run(['git', '--git-dir', str(git_dir(p)), 'show', 'HEAD:' + path],
                       capture_output=True)
    if r.returncode:
        raise FileNotFoundError(path)
    return r.stdout


# stand-in for graphviz: `dot -T<format> -o OUT IN` writes "<format> <IN>" into OUT
FAKE_DOT = """#!/bin/sh
out=""; fmt=""; in=""
while [ $# -gt 0 ]; do
  case "$1" in -T*) fmt="${1#-T}";; -o) shift; out="$1";; *) in="$1";; esac
  shift
done
echo "$fmt $in" > "$out"
"""


def odd_values(rng, shape, dtype):
    """Small integers with +-0 ties, NaNs, -inf and +inf sprinkled in (some pooling windows all
    NaN or -inf): the values THNN's max scans treat specially."""
    import numpy as np
    x = rng.integers(-2, 3, shape).astype(dtype)
    x[rng.random(shape) < .2] = -0.0
    r = rng.random(shape)
    x[r < .25] = np.nan
    x[(r >= .25) & (r < .32)] = -np.inf
    x[(r >= .32) & (r < .35)] = np.inf
    return x
