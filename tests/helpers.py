"""Shared test helpers: run Lua through the real `th` entry point and capture stdout."""
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
