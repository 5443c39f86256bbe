"""Memory soak (issue 8): RSS stays flat in long loops; tensor memory is collected by Lua.

    python benchmarks/soak_memory.py [--quick] [--big] [SCENARIO ...]

Each scenario runs in its own `th` process and prints its figures (RSS read from
/proc/self/status, Lua's heap from collectgarbage('count')) and PASS or FAIL. The default set is
the issue's four acceptance soaks (add_100MB_x300, mlp_steps, build_drop_models, views), one
views soak per kind of view (views_row: t[i] of a 2-D tensor, used; views_elem: t[i][j] reads;
views_narrow, views_select, views_view) and sweep_cost (the time lua/torch/_refs.lua's sweeps
take in a loop making 10^6 views, with a small and with a 64 MB Lua heap). --big adds
big_tensor: a 2.5 GB ByteTensor and a 2.4 GB FloatTensor (needs ~6 GB free), and big_model: a
float model of 1.9 GB of parameters trained a step, flattened and dropped (~8 GB).
--quick divides the iteration counts by 100 (views: by 10), a smoke run.
"""
import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

RSS = r"""
local function rss()
  local f = io.open('/proc/self/status')
  local s = f:read('*a'); f:close()
  return tonumber(s:match('VmRSS:%s*(%d+)')) / 1024, tonumber(s:match('VmHWM:%s*(%d+)')) / 1024
end
"""

# A views soak: BODY(i) runs N times; RSS and Lua's heap are sampled every N/1000 iterations.
# The first 10% warm the allocators up (Python's arenas, Lua's tables, the sweep interval);
# flat means the peaks over the last 45% are not above the peaks over 10-55%: RSS by at most
# 3%, Lua's heap by at most 10% (it saws between sweeps, the peaks are what grows when a table
# grows). Before lua/torch/_refs.lua, lupa's reference table grew in power-of-two steps here
# (Lua heap 2 -> 9 -> 17 MB over 3-6M views).
VIEWS = RSS + r"""
local N = tonumber(arg[1])
local t = torch.randn(100, 100)
local s = 0
local refs = require 'torch._refs'
local step = math.max(1, math.floor(N / 1000))
local r1, c1, r2, c2 = 0, 0, 0, 0
local t0 = os.clock()
for i = 1, N do
  BODY
  if i % step == 0 and i > N / 10 then
    local r, c = rss(), collectgarbage('count')
    if i <= N * 0.55 then r1, c1 = math.max(r1, r), math.max(c1, c)
    else r2, c2 = math.max(r2, r), math.max(c2, c) end
  end
end
local dt = os.clock() - t0
local gr, gc = 100 * (r2 - r1) / r1, 100 * (c2 - c1) / c1
print(string.format('%.2f us/iter, %d sweeps; peak RSS %.1f MB (10-55%%) -> %.1f MB (55-100%%) %+.1f%%, peak Lua heap %.0f KB -> %.0f KB %+.1f%% (target flat)',
  dt / N * 1e6, refs.sweeps, r1, r2, gr, c1, c2, gc))
print((gr < 3 and gc < 10) and 'PASS' or 'FAIL')
"""

VIEW_BODIES = {
    # the loop: a lazy row read once and a narrow view
    'views': "local v = t[(i % 100) + 1]; local w = t:narrow(1, (i % 50) + 1, 10); "
             "s = s + v[1] + w:size(1)",
    # t[i] of a 2-D tensor, used as a tensor (materialized: a proxy of its own)
    'views_row': "local v = t[(i % 100) + 1]; s = s + v:size(1)",
    # t[i][j] reads (the lazy row, never materialized)
    'views_elem': "s = s + t[(i % 100) + 1][(i % 7) + 1]",
    'views_narrow': "local w = t:narrow(1, (i % 50) + 1, 10); s = s + 1",
    'views_select': "local w = t:select(1, (i % 50) + 1); s = s + 1",
    'views_view': "local w = t:view(10000); s = s + 1",
}

SWEEP_COST = RSS + r"""
-- 10^6 narrow views, with BALLAST small tables kept alive (a bigger Lua heap: sweeps are full
-- collections, so they cost more, and come less often); the sweeps' share of the loop's CPU time
local N, BALLAST = tonumber(arg[1]), tonumber(arg[2])
local refs = require 'torch._refs'
local keep = {}
for i = 1, BALLAST do keep[i] = {i, tostring(i)} end
collectgarbage()
local t = torch.randn(100, 100)
local r0, c0 = rss(), collectgarbage('count')
local s0, st0 = refs.sweeps, refs.sweep_time
local peak = r0
local t0 = os.clock()
for i = 1, N do
  local w = t:narrow(1, (i % 50) + 1, 10)
  if i % 1000 == 0 then peak = math.max(peak, (rss())) end
end
local dt = os.clock() - t0
local st = refs.sweep_time - st0
print(string.format('Lua heap %.1f MB: %.2f us/view, %d sweeps, %.1f ms each, %.0f%% of the loop; RSS %.0f MB -> peak %.0f MB (pinned garbage %+.0f MB)',
  c0 / 1024, dt / N * 1e6, refs.sweeps - s0, 1000 * st / math.max(1, refs.sweeps - s0),
  100 * st / dt, r0, peak, peak - r0))
-- bounded: pinned Python garbage at most ~1 KB per KB of Lua heap plus 10000 views' worth
print((peak - r0 < 16 + 3 * c0 / 1024) and 'PASS' or 'FAIL')
"""

BIG = RSS + r"""
-- a 2.5 GB ByteTensor (more elements than a 32-bit index holds) and a 2.4 GB FloatTensor:
-- LuaJIT GC64 has no 2 GB heap limit, and tensor memory is not on the Lua heap anyway
local ok = true
local n = 2.5e9
local t = torch.ByteTensor(n):fill(1)
t[n] = 3
local sum = t:sum()
ok = ok and sum == n + 2 and t[n] == 3 and t[-1] == 3 and t:narrow(1, n - 9, 10):sum() == 12
local _, peak1 = rss()
t = nil; collectgarbage()
local after1 = rss()
local f = torch.FloatTensor(6e8):fill(0.5)
f[6e8] = 2
ok = ok and f[6e8] == 2 and math.abs(f:sum() - 3e8 - 1.5) < 1e3
f = nil; collectgarbage()
local after2, peak2 = rss()
print(string.format('2.5 GB ByteTensor: sum %.0f, peak RSS %.0f MB, after drop + collectgarbage() %.0f MB; 2.4 GB FloatTensor: peak %.0f MB, after drop %.0f MB',
  sum, peak1, after1, peak2, after2))
print((ok and after1 < 500 and after2 < 500) and 'PASS' or 'FAIL')
"""

BIG_MODEL = RSS + r"""
-- a model of several GB: two float 16000x16000 layers (1.9 GB of parameters, as much again of
-- gradients), trained one step, flattened with getParameters, then dropped
require 'nn'
local r0 = rss()
local net = nn.Sequential():add(nn.Linear(16000, 16000)):add(nn.Tanh()):add(nn.Linear(16000, 16000))
net:float()
local x = torch.FloatTensor(4, 16000):normal()
local y = net:forward(x)
net:zeroGradParameters()
net:backward(x, y:clone():fill(1))
net:updateParameters(0.01)
local p, g = net:getParameters()
local gb = p:nElement() * 4 / 2^30
local y2 = net:forward(x)
local ok = gb > 1.9 and y2:dim() == 2 and y2:size(2) == 16000 and y2:sum() == y2:sum()
local during, peak = rss()
net, p, g, x, y, y2 = nil, nil, nil, nil, nil, nil
collectgarbage()
local after = rss()
print(string.format('%.2f GB of parameters (+ gradients): RSS %.0f MB, peak %.0f MB; after drop + collectgarbage() %.0f MB (start %.0f MB)',
  gb, during, peak, after, r0))
print((ok and after < r0 + 200) and 'PASS' or 'FAIL')
"""

SCENARIOS = {
    'add_100MB_x300': (RSS + r"""
local a = torch.rand(2500, 5000)
for i = 1, 300 do local c = a + a end
local now, peak = rss()
print(string.format('peak RSS %.0f MB (target < 1024 MB), now %.0f MB', peak, now))
print(peak < 1024 and 'PASS' or 'FAIL')
""", 1),
    'mlp_steps': (RSS + r"""
require 'nn'
local N = tonumber(arg[1])
local net = nn.Sequential():add(nn.Linear(10, 20)):add(nn.Tanh()):add(nn.Linear(20, 1))
local crit = nn.MSECriterion()
local x, y = torch.randn(10), torch.randn(1)
local r1
for i = 1, N do
  local out = net:forward(x)
  crit:forward(out, y)
  net:zeroGradParameters()
  net:backward(x, crit:backward(out, y))
  net:updateParameters(0.01)
  if i == N / 100 then r1 = rss() end
end
local r2 = rss()
print(string.format('RSS after %d steps %.1f MB, after %d steps %.1f MB (%+.1f%%, target within 10%%)',
  N / 100, r1, N, r2, 100 * (r2 - r1) / r1))
print(math.abs(r2 - r1) / r1 < 0.10 and 'PASS' or 'FAIL')
""", 10**6),
    'build_drop_models': (RSS + r"""
require 'nn'
local N = tonumber(arg[1])
local function build(n)
  for i = 1, n do
    local m = nn.Sequential():add(nn.Linear(100, 200)):add(nn.Tanh()):add(nn.Linear(200, 100))
    m:forward(torch.randn(100))
  end
  collectgarbage()
end
collectgarbage()
local cold = rss()
build(N / 10)   -- warm-up: the allocators (Python arenas, numpy caches) reach their working size
local r0 = rss()
build(N)
local r1 = rss()
print(string.format('RSS cold %.1f MB, after %d warm-up models %.1f MB, after %d more models + collectgarbage() %.1f MB (%+.1f%%, target within 10%%)',
  cold, N / 10, r0, N, r1, 100 * (r1 - r0) / r0))
print(math.abs(r1 - r0) / r0 < 0.10 and 'PASS' or 'FAIL')
""", 10**4),
}
for _name, _body in VIEW_BODIES.items():
    SCENARIOS[_name] = (VIEWS.replace('BODY', _body), 10**6)
SCENARIOS['sweep_cost'] = (SWEEP_COST, 10**6)
DEFAULT = list(SCENARIOS)
SCENARIOS['big_tensor'] = (BIG, 1)
SCENARIOS['big_model'] = (BIG_MODEL, 1)
BIG_NAMES = ['big_tensor', 'big_model']


def run(name, quick=False):
    """(passed, output line) of one scenario"""
    code, n = SCENARIOS[name]
    if quick and n > 1:
        n = max(100, n // 10 if name.startswith('views') else n // 100)
    runs = [(n, 0)] if name != 'sweep_cost' else [(n, 0), (n, 500000)]
    ok, lines = True, []
    for n, extra in runs:
        with tempfile.NamedTemporaryFile('w', suffix='.lua') as f:
            f.write(code)
            f.flush()
            p = subprocess.run([sys.executable, '-m', 'luatorch.cli', f.name, str(n), str(extra)],
                               capture_output=True, text=True, cwd=ROOT)
        out = (p.stdout + p.stderr).strip()
        lines.append('%-18s n=%-8d %s' % (name, n, out.replace('\n', '  ')))
        ok = ok and p.returncode == 0 and out.endswith('PASS')
    return ok, '\n'.join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog='\n'.join(__doc__.splitlines()[3:]))
    ap.add_argument('scenarios', nargs='*', metavar='SCENARIO',
                    help='among: %s (default: all but the big ones)' % ', '.join(SCENARIOS))
    ap.add_argument('--quick', action='store_true', help='fewer iterations (a smoke run)')
    ap.add_argument('--big', action='store_true', help='also big_tensor and big_model (need ~8 GB free)')
    a = ap.parse_args(argv)
    names = a.scenarios or DEFAULT + (BIG_NAMES if a.big else [])
    bad = [n for n in names if n not in SCENARIOS]
    if bad:
        ap.error('unknown scenario %s' % ', '.join(bad))
    ok = True
    for name in names:
        passed, line = run(name, a.quick)
        print(line, flush=True)
        ok = ok and passed
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
