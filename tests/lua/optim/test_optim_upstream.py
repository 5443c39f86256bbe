"""optim's own test scripts (test/test_*.lua of torch/optim, 14 scripts), fetched from the original
repository and run out of tree against luatorch: each must run without error and print exactly
what optim's own Lua sources (from the same repository) print when they are loaded in place of
luatorch's optim on the same runtime. The same reference also checks the state bookkeeping of every
algorithm (the cases of tests/lua/optim/optimcases.py, field by field, bitwise) and the helpers
(polyinterp, lswolfe, checkgrad, FistaLS, cmaes, de, ConfusionMatrix) on cases of our own.

The repository is looked for in $TORCH_OPTIM_REPO (a git directory or a checkout), else in the
project mirror; the tests are skipped without it. Nothing of it is kept in the project: the files
are written to a temporary directory. Non-optim packages the scripts use are given by stubs there:
test_fista.lua needs koraykv's unsup (only to build a module it throws away) and kex (the
Tensor:shrinkage soft threshold), and gnuplot for its figures (and the reference Logger's plot).
The default generator is seeded before each script (Torch seeds it from the clock, so cmaes and the
ConfusionMatrix test print different numbers on every run otherwise). The long ones (10001 steps
each) are marked slow.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT, first_existing, git_dir
from optimcases import CASES, FUNC, IDS

CANDIDATES = [os.environ.get('TORCH_OPTIM_REPO', ''), '/work/.mirror/torch+optim/repo']

SCRIPTS = ['test_adadelta', 'test_adagrad', 'test_adam', 'test_adamax', 'test_cg', 'test_cmaes',
           'test_confusion', 'test_de', 'test_fista', 'test_lbfgs', 'test_lbfgs_w_ls', 'test_logger',
           'test_rmsprop', 'test_sgd']
SLOW = {'test_adadelta', 'test_adagrad', 'test_adam', 'test_adamax', 'test_cmaes', 'test_de',
        'test_rmsprop', 'test_sgd'}

STUBS = {
    'kex.lua': """
-- stand-in for koraykv/kex: Tensor:shrinkage(lambda), the soft threshold, in place
for _, name in ipairs({'DoubleTensor', 'FloatTensor'}) do
  torch.getmetatable('torch.' .. name).shrinkage = function(x, l)
    local s = torch.sign(x)
    return x:abs():add(-l):clamp(0, math.huge):cmul(s)
  end
end
return {}
""",
    'unsup.lua': """
-- stand-in for koraykv/unsup: test_fista.lua only builds (and drops) a LinearFistaL1
require 'nn'
require 'optim'
unsup = unsup or {}
function unsup.LinearFistaL1(ni, no, lambda) return {D = nn.Linear(no, ni), lambda = lambda} end
return unsup
""",
    'gnuplot.lua': """
-- stand-in for torch/gnuplot: figures are not drawn
gnuplot = gnuplot or {}
for _, name in ipairs({'figure', 'plot', 'title', 'grid', 'close', 'plotflush', 'epsfigure',
                       'logscale', 'raw'}) do
  gnuplot[name] = function() return 1 end
end
return gnuplot
""",
}

# runs a script with luatorch's optim, or with optim's own sources when OPTIM_REFERENCE=1
WRAPPER = """
local here = os.getenv('OPTIM_UPSTREAM_DIR')
if os.getenv('OPTIM_REFERENCE') == '1' then
  package.path = here .. '/ref/?/init.lua;' .. here .. '/ref/?.lua;' .. package.path
end
package.path = here .. '/stubs/?.lua;' .. package.path
torch.manualSeed(123)
dofile(arg[1])
io.stderr:write('OPTIM_SOURCE ' .. debug.getinfo(optim.sgd, 'S').source .. '\\n')
"""


def _files(repo):
    """{path: bytes} of the repository's Lua files."""
    p = Path(repo)
    if (p / 'sgd.lua').is_file():
        return {str(f.relative_to(p)): f.read_bytes() for f in p.rglob('*.lua')}
    names = subprocess.run(['git', '--git-dir', str(git_dir(p)), 'ls-tree', '-r', '--name-only', 'HEAD'],
                           capture_output=True, text=True, check=True).stdout.split()
    return {n: subprocess.run(['git', '--git-dir', str(git_dir(p)), 'show', 'HEAD:' + n],
                              capture_output=True, check=True).stdout
            for n in names if n.endswith('.lua')}


@pytest.fixture(scope='module')
def upstream(tmp_path_factory):
    repo = first_existing(CANDIDATES)
    if repo is None:
        pytest.skip('no copy of torch/optim (set TORCH_OPTIM_REPO)')
    files = _files(repo)
    base = tmp_path_factory.mktemp('optim_upstream')
    for name, data in files.items():
        if name.startswith('test/'):
            (base / 'test').mkdir(exist_ok=True)
            (base / name).write_bytes(data)
        elif '/' not in name:
            (base / 'ref' / 'optim').mkdir(parents=True, exist_ok=True)
            (base / 'ref' / 'optim' / name).write_bytes(data)
    (base / 'stubs').mkdir()
    for name, text in STUBS.items():
        (base / 'stubs' / name).write_text(text)
    (base / 'run.lua').write_text(WRAPPER)
    return base


def _run(base, script, reference, cwd):
    """Runs test/<script> in cwd (a copy of test/); returns (rc, stdout, stderr)."""
    pythonpath = os.pathsep.join(p for p in (str(ROOT), os.environ.get('PYTHONPATH', '')) if p)
    env = dict(os.environ, PYTHONPATH=pythonpath, OPTIM_UPSTREAM_DIR=str(base),
               OPTIM_REFERENCE='1' if reference else '0')
    env['LUA_PATH'] = str(cwd) + '/?.lua;;'
    p = subprocess.run([sys.executable, '-m', 'luatorch.cli', str(base / 'run.lua'), script + '.lua'],
                       cwd=cwd, capture_output=True, text=True, timeout=900, env=env)
    return p.returncode, p.stdout, p.stderr


def _copy_tests(base, dest):
    dest.mkdir()
    for f in (base / 'test').iterdir():
        (dest / f.name).write_bytes(f.read_bytes())
    return dest


def _columns(path):
    """{name: [values]} of a Logger file."""
    lines = [line.split('\t')[:-1] for line in path.read_text().splitlines()]
    return {name: [row[i] for row in lines[1:]] for i, name in enumerate(lines[0])}


def _matplotlib():
    """Whether the th processes the scripts run in can import matplotlib (asked of a fresh
    interpreter: this one may hold another test's stand-in)."""
    p = subprocess.run([sys.executable, '-c', "import importlib.util as u; "
                        "print(u.find_spec('matplotlib') is not None)"],
                       capture_output=True, text=True, cwd=str(ROOT))
    return p.stdout.strip() == 'True'


@pytest.mark.parametrize('script', [pytest.param(s, marks=pytest.mark.slow) if s in SLOW else s
                                    for s in SCRIPTS])
def test_optim_script(upstream, script, tmp_path):
    ours_dir = _copy_tests(upstream, tmp_path / 'ours')
    rc, out, err = _run(upstream, script, False, ours_dir)
    assert rc == 0, out[-2000:] + err[-3000:]
    assert 'OPTIM_SOURCE @' + str(ROOT / 'lua' / 'optim' / 'sgd.lua') in err
    ref_dir = _copy_tests(upstream, tmp_path / 'ref')
    rc, ref_out, ref_err = _run(upstream, script, True, ref_dir)
    assert rc == 0, ref_out[-2000:] + ref_err[-3000:]
    assert 'OPTIM_SOURCE @' + str(upstream / 'ref' / 'optim' / 'sgd.lua') in ref_err

    if script == 'test_logger':
        # the same log files; the plots: a PNG with matplotlib, else one clear warning per logger
        # (accuracy-former.log's columns come in the order of pairs() over the names, which
        # LuaJIT's string hashing makes vary from one process to the next: compare by column)
        for name in ('accuracy-former.log', 'accuracy-new.log'):
            ours_cols, ref_cols = _columns(ours_dir / name), _columns(ref_dir / name)
            assert ours_cols == ref_cols
            assert sorted(ours_cols) == ['channel 1', 'channel 2', 'channel 3']
            assert all(len(v) == 20 for v in ours_cols.values())
        assert (ours_dir / 'accuracy-new.log').read_bytes() == (ref_dir / 'accuracy-new.log').read_bytes()
        if _matplotlib():
            assert out == ''
            for name in ('accuracy-former.log.png', 'accuracy-new.log.png'):
                assert (ours_dir / name).read_bytes().startswith(b'\x89PNG')
        else:
            assert out.splitlines() == [
                '<Logger> warning: plotting needs matplotlib: matplotlib is not installed '
                '(pip install matplotlib); the log file is still written (%s)\t' % name
                for name in ('accuracy-former.log', 'accuracy-new.log')]
        return

    assert out == ref_out
    if script == 'test_fista':
        # the history it saves reads back the same (the fields of each entry are written in
        # pairs() order, which varies between processes: compare what is read back)
        import luatorch
        rt = luatorch.Runtime()
        rt.execute(DUMP)
        read = "dumpAll(torch.DiskFile('%s'):binary():readObject())"
        ours_h = rt.eval(read % (ours_dir / 'fista2.bin')).decode()
        assert ours_h == rt.eval(read % (ref_dir / 'fista2.bin')).decode()
        assert ours_h.count('.F ') > 10
    # the scripts print a convergence history: check it went down (not only that both agree)
    values = [float(v) for v in re.findall(r'^\d+\t(\S+)\t$', out, flags=re.M)]
    if script not in ('test_confusion', 'test_fista'):
        assert len(values) >= 10 and min(values[-3:]) < 1e-2 * values[0], out[-1500:]


# ----------------------------------------------------------------------------- state, helpers

DUMP = r"""
local function dump(v, out, prefix)
  if torch.isTensor(v) then
    local c = v:double():contiguous():view(-1)
    local s = {}
    for i = 1, c:nElement() do s[i] = string.format('%.17g', c[i]) end
    out[#out + 1] = prefix .. ' ' .. torch.type(v) .. ' ' .. table.concat(v:size():totable(), 'x')
                    .. ' ' .. table.concat(s, ',')
  elseif type(v) == 'table' then
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = k end
    table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
    for _, k in ipairs(keys) do dump(v[k], out, prefix .. '.' .. tostring(k)) end
  elseif type(v) == 'number' then
    out[#out + 1] = prefix .. ' ' .. string.format('%.17g', v)
  else
    out[#out + 1] = prefix .. ' ' .. type(v) .. (type(v) ~= 'function' and (' ' .. tostring(v)) or '')
  end
end
function dumpAll(v) local out = {} dump(v, out, '') return table.concat(out, '\n') end
"""


def _reference_runtime(base):
    import luatorch
    rt = luatorch.Runtime()
    rt.execute("package.path = '%s/?/init.lua;%s/?.lua;' .. package.path" % (base / 'ref', base / 'ref'))
    rt.execute("require 'optim'")
    assert str(base / 'ref').encode() in rt.eval("debug.getinfo(optim.sgd, 'S').source")
    return rt


def _our_runtime():
    import luatorch
    rt = luatorch.Runtime()
    rt.execute("require 'optim'")
    assert str(ROOT / 'lua' / 'optim').encode() in rt.eval("debug.getinfo(optim.sgd, 'S').source")
    return rt


@pytest.mark.parametrize('name,config,keys', CASES, ids=IDS)
def test_state_bookkeeping_matches_optims_sources(upstream, name, config, keys):
    """x, every reported f and every state field (names, types, sizes, values) after a few steps,
    with the state in its own table and with the state being the config table."""
    dumps = []
    for rt in (_our_runtime(), _reference_runtime(upstream)):
        rt.execute(FUNC + DUMP)
        rt.execute("""
          res = {}
          for _, separate in ipairs({true, false}) do
            local x = torch.Tensor({-1.2, 1, 0.5})
            local cfg = %s
            local st = separate and {} or cfg
            local fs = {}
            for i = 1, 7 do
              local _, f = optim.%s(fun, x, cfg, st)
              for _, v in ipairs(f) do fs[#fs + 1] = v end
            end
            st.df3 = nil   -- cg's df3 is resized but never written by optim (its contents are undefined)
            res[#res + 1] = {x = x, fs = fs, state = st}
          end
        """ % (config, name))
        dumps.append(rt.eval('dumpAll(res)').decode())
    assert dumps[0] == dumps[1]
    assert '.state.' in dumps[0]


HELPERS = r"""
local out = {}
local function p(...) local t = {} for i = 1, select('#', ...) do t[i] = string.format('%.17g', (select(i, ...))) end
  out[#out + 1] = table.concat(t, ' ') end
-- polyinterp: two points without bounds, with bounds, three points
p(optim.polyinterp(torch.Tensor({{0, 1, -2}, {1, 0.5, 1}})))
p(optim.polyinterp(torch.Tensor({{0, 1, -2}, {1, 0.5, -1}})))
p(optim.polyinterp(torch.Tensor({{0, 1, -2}, {1, 0.5, 1}}), 0.1, 3))
p(optim.polyinterp(torch.Tensor({{0, 1, -2}, {1, 0.2, -1}}), 1.01, 10))
p(optim.polyinterp(torch.Tensor({{0, 1, -2}, {0.5, 0.3, 0.2}, {1, 0.6, 1}})))
p(optim.polyinterp(torch.Tensor({{-1, 2, 0.5}, {0.5, 1, -1}, {2, 3, 4}}), -2, 3))
-- lswolfe from several starting steps
for _, t0 in ipairs({1e-3, 0.1, 1, 5}) do
  local x = torch.Tensor({-1.2, 1, 0.5})
  local f, g = fun(x)
  g = g:clone()
  local d = g:clone():mul(-1)
  local fn, gn, xn, tn, n = optim.lswolfe(fun, x, t0, d, f, g, g:dot(d), {maxIter = 12})
  p(fn, tn, n, gn[1], gn[2], gn[3], xn[1], xn[2], xn[3])
end
-- checkgrad
local diff, dC, dC_est = optim.checkgrad(fun, torch.Tensor({0.3, -0.2, 0.7}), 1e-6)
p(diff, dC_est[1], dC_est[2], dC_est[3])
-- FistaLS on a small lasso, both variants
torch.manualSeed(5)
local A, b = torch.randn(6, 4), torch.randn(6)
local r = torch.Tensor()
local function f(x, mode)
  r:resize(6):mv(A, x):add(-1, b)
  local v = r:dot(r)
  if mode and mode:match('dx') then return v, torch.mv(A:t(), r):mul(2) end
  return v
end
local function g(x) return 0.3 * x:norm(1) end
local function pl(x, L) local s = torch.sign(x); x:abs():add(-0.3 / L):clamp(0, math.huge):cmul(s) end
for _, fista in ipairs({true, false}) do
  local code = torch.zeros(4)
  local params = {doFistaUpdate = fista, maxiter = 40, errthres = 1e-9}
  local y, h = optim.FistaLS(f, g, pl, code, params)
  p(#h, h[#h].F, h[#h].L, h[#h].nline, params.L, y[1], y[2], y[3], y[4])
end
-- cmaes (Float and Double, the default generator), de (its own generator)
for _, T in ipairs({'torch.DoubleTensor', 'torch.FloatTensor'}) do
  torch.manualSeed(11)
  local bx, fh, n = optim.cmaes(function(x) return (fun(x:double())) end, torch.Tensor({0, 0, 0, 0, 0}):type(T),
                                {sigma = 0.3, maxEval = 400, verb_disp = 0, popsize = 7})
  p(n, #fh, fh[2], fh[#fh], bx[1], bx[2], bx[5])
end
local bx, fx = optim.de(fun, torch.zeros(3), {popsize = 12, scaleFactor = 0.7, crossoverRate = 0.8, maxFEs = 600})
p(fx[1], fx[300], fx[600], bx[1], bx[2], bx[3])
-- ConfusionMatrix: add, batchAdd with indices, scores, one-hot and N x 1 targets, zero, farFrr
torch.manualSeed(3)
local cm = optim.ConfusionMatrix({'cat', 'dog', 'bird', 'fish'})
cm:add(2, 2); cm:add(3, 1); cm:add(torch.Tensor({0.1, 0.9, 0.3, 0}), 4)
cm:add(torch.Tensor({0.5, 0.1, 0.3, 0}), torch.Tensor({0, 0, 1, 0}))
cm:batchAdd(torch.randn(9, 4), torch.Tensor({1, 2, 3, 4, 1, 2, 0, 4, 1}))
local onehot = torch.zeros(5, 4)
for i, c in ipairs({2, 2, 3, 1, 4}) do onehot[i][c] = 1 end
cm:batchAdd(torch.randn(5, 4), onehot)
cm:batchAdd(torch.Tensor({1, 1, 2}), torch.Tensor({{1}, {3}, {2}}))
out[#out + 1] = tostring(cm)
p(cm.totalValid, cm.averageValid, cm.averageUnionValid)
local cf, ca, fr, fa = cm:farFrr()
out[#out + 1] = dumpAll({cf, ca, fr, fa})
cm:zero(); cm:add(1, 1); cm:add(1, 2)
out[#out + 1] = tostring(cm)
out[#out + 1] = dumpAll({cm.valids, cm.unionvalids, cm.totalValid, cm.averageValid})
local cm2 = optim.ConfusionMatrix(3)
cm2:batchAdd(torch.Tensor({{0.2, 0.5, 0.3}, {0.9, 0.05, 0.05}}), torch.Tensor({2, 3}))
cm2.mat[1][1] = 1234567
out[#out + 1] = tostring(cm2)
return table.concat(out, '\n')
"""


def test_helpers_match_optims_sources(upstream):
    outs = []
    for rt in (_our_runtime(), _reference_runtime(upstream)):
        rt.execute(FUNC + DUMP)
        outs.append(rt.execute(HELPERS).decode())
    assert outs[0] == outs[1]
    assert outs[0].count('ConfusionMatrix:') == 3
