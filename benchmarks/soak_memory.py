"""Memory soak (issue 8): RSS stays flat in long loops; tensor memory is collected by Lua.

    python benchmarks/soak_memory.py [--quick]

Each scenario runs in its own `th` process and prints RSS figures read from /proc/self/status.
--quick divides the iteration counts by 100 (a smoke run)."""
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
    'views': (RSS + r"""
local N = tonumber(arg[1])
local t = torch.randn(100, 100)
local s = 0
local r1, r2
for i = 1, N do
  local v = t[(i % 100) + 1]
  local w = t:narrow(1, (i % 50) + 1, 10)
  s = s + v[1] + w:size(1)
  if i == N / 100 then r1 = rss() end
  if i == N / 10 then r2 = rss() end
end
local r3 = rss()
-- the first ~10^5 views warm the allocators up (Python's arenas, Lua's tables); after that
-- RSS must stay flat
print(string.format('RSS after %d views %.1f MB, after %d %.1f MB, after %d %.1f MB (%+.1f%% over the last 90%%, target flat)',
  N / 100, r1, N / 10, r2, N, r3, 100 * (r3 - r2) / r2))
print(math.abs(r3 - r2) / r2 < 0.05 and 'PASS' or 'FAIL')
""", 10**6),
}


def main():
    quick = '--quick' in sys.argv
    ok = True
    for name, (code, n) in SCENARIOS.items():
        n = max(100, n // 100) if quick and n > 1 else n
        with tempfile.NamedTemporaryFile('w', suffix='.lua') as f:
            f.write(code)
            f.flush()
            p = subprocess.run([sys.executable, '-m', 'luatorch.cli', f.name, str(n)],
                               capture_output=True, text=True, cwd=ROOT)
        out = (p.stdout + p.stderr).strip()
        print('%-18s n=%-8d %s' % (name, n, out.replace('\n', '  ')))
        ok = ok and p.returncode == 0 and out.endswith('PASS')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
