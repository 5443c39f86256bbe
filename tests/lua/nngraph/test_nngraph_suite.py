"""nngraph's own test suite (test/test_nngraph.lua, 28 tests), fetched from the original
repository and run out of tree against luatorch, with deepmind/torch-totem's tester.

The repositories are looked for in $NNGRAPH_REPO and $TORCH_TOTEM_REPO (a git directory or a
checkout), else in the project mirror; the test is skipped without them. Only the file's last
line changes: the tests run through one totem.Tester and report one line each. totem needs two
penlight modules (pl.lapp for its command line, pl.pretty in messages), given by stubs; its
nngraph.nesting is luatorch's. A stand-in `dot` program (writing its output file) is put first
on the PATH, so that test_annotateGraph goes past graph.dot (which raises without graphviz) and
checks the DOT file.
"""
import os
import re
import subprocess
import sys

import pytest

from helpers import FAKE_DOT, ROOT, first_existing, upstream_file

NNGRAPH = [os.environ.get('NNGRAPH_REPO', ''), '/work/.mirror/torch+nngraph/repo']
TOTEM = [os.environ.get('TORCH_TOTEM_REPO', ''), '/work/.mirror/deepmind+torch-totem/repo']
TOTEM_FILES = ['init.lua', 'Tester.lua', 'TestSuite.lua', 'asserts.lua', 'nn.lua']

LAPP = """
-- stand-in for penlight's lapp: positional arguments and --flags
return function(spec)
  local out = {}
  for _, a in ipairs(arg or {}) do
    local flag = a:match('^%-%-(.+)$')
    if flag then out[(flag:gsub('%-', '_'))] = true else out[#out + 1] = a end
  end
  return out
end
"""

PRETTY = """
local pretty = {}
function pretty.write(t) return tostring(t) end
return pretty
"""

RUNNER = """
-- out-of-tree runner: every test through the file's tester, one line per test; graph.dot's
-- completed calls are counted and their files (under os.tmpname() names) removed afterwards
local drawn, dot = {}, graph.dot
graph.dot = function(g, title, fname)
  local text = dot(g, title, fname)
  drawn[#drawn + 1] = fname
  return text
end
local finished, wrapped = {}, {}
for name, fn in pairs(test) do
  wrapped[name] = function() fn(); finished[name] = true end
end
tester:add(wrapped)
pcall(function() tester:run() end)
for name in pairs(test) do
  local bad = (tester.assertionFail[name] or 1) + (tester.testError[name] or 1)
  io.stdout:write(string.format('RESULT %s %s\\n', name,
    (finished[name] and bad == 0) and 'pass' or 'fail'))
end
io.stdout:write(string.format('DRAWN %d\\n', #drawn))
for _, f in ipairs(drawn) do
  for _, ext in ipairs({'', '.dot', '.svg', '.png'}) do os.remove(f .. ext) end
end
"""


def test_nngraph_suite(tmp_path):
    nngraph, totem = first_existing(NNGRAPH), first_existing(TOTEM)
    if nngraph is None:
        pytest.skip('no copy of torch/nngraph (set NNGRAPH_REPO)')
    if totem is None:
        pytest.skip('no copy of deepmind/torch-totem (set TORCH_TOTEM_REPO)')
    src = upstream_file(nngraph, 'test/test_nngraph.lua').decode()
    (tmp_path / 'totem').mkdir()
    for name in TOTEM_FILES:
        (tmp_path / 'totem' / name).write_bytes(upstream_file(totem, 'totem/' + name))
    (tmp_path / 'pl').mkdir()
    (tmp_path / 'pl' / 'lapp.lua').write_text(LAPP)
    (tmp_path / 'pl' / 'pretty.lua').write_text(PRETTY)
    (tmp_path / 'bin').mkdir()
    (tmp_path / 'bin' / 'dot').write_text(FAKE_DOT)
    (tmp_path / 'bin' / 'dot').chmod(0o755)
    i = src.rindex('tester:add(test):run()')
    (tmp_path / 'test_nngraph.lua').write_text(src[:i] + RUNNER)
    env = dict(os.environ, PYTHONPATH=str(ROOT),
               PATH=str(tmp_path / 'bin') + os.pathsep + os.environ.get('PATH', ''))
    env.pop('LUA_PATH', None)
    p = subprocess.run([sys.executable, '-m', 'luatorch.cli', 'test_nngraph.lua'], cwd=tmp_path,
                       capture_output=True, text=True, timeout=600, env=env)
    results = dict(re.findall(r'^RESULT (\S+) (pass|fail)$', p.stdout, flags=re.M))
    assert len(results) == 28, p.stdout[-3000:] + p.stderr[-3000:]
    failed = sorted(k for k, v in results.items() if v == 'fail')
    print('nngraph suite: %d of %d pass; failing: %s' % (28 - len(failed), 28, failed))
    assert failed == [], p.stdout[-6000:] + p.stderr[-3000:]
    # test_annotateGraph went past graph.dot (both graphs drawn) to its DOT file checks
    assert re.search(r'^DRAWN 2$', p.stdout, flags=re.M), p.stdout[-3000:]
