"""Every module/input and criterion case of tests/lua/nn, run as Double on the CPU and as
CudaDouble on the strict fake device (luatorch/lib/_fakedevice.py), compared element by element.
Run by tests/lua/test_cunn_sweep.py in its own process (the fake device is process-wide); prints
one line per failing case and a last line `cases N bad M`.
Modules whose output depends on random draws (fractional pooling: the Cuda types draw from
cutorch's generator) are left out.
"""
import sys, os, importlib, traceback, re
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE)); sys.path.insert(0, os.path.join(HERE, 'nn'))
import luatorch
from luatorch.lib import _fakedevice, xp
xp.use(_fakedevice, 'fake')
from luatorch.bindings import export as _ex
_et = _ex.error_text
LAST = []
def error_text(e):
    if type(e).__name__ != 'TorchError':
        fr = [f for f in traceback.extract_tb(e.__traceback__) if 'luatorch/lib' in f.filename and '_fakedevice' not in f.filename]
        LAST.append(' < '.join('%s:%d' % (f.filename.split('luatorch/lib/')[1], f.lineno) for f in fr[::-1][:3]))
    return _et(e)
_ex.error_text = error_text
pairs = []
for name in ['test_conv', 'test_extras', 'test_more_modules', 'test_normalization', 'test_pooling', 'test_simple', 'test_table_layers', 'test_transfer']:
    m = importlib.import_module(name)
    for k, f in vars(m).items():
        for mk in getattr(f, 'pytestmark', []):
            if mk.name != 'parametrize': continue
            names = [s.strip() for s in mk.args[0].split(',')] if isinstance(mk.args[0], str) else list(mk.args[0])
            for v in mk.args[1]:
                v = getattr(v, 'values', v)
                if not isinstance(v, (tuple, list)): v = (v,)
                d = dict(zip(names, v))
                if 'module' in d and 'input' in d and isinstance(d['module'], str) and isinstance(d['input'], str):
                    pairs.append((d['module'], d['input']))
crit = importlib.import_module('test_criteria').CASES
pairs = [p for p in dict.fromkeys(pairs) if 'Fractional' not in p[0]]
rt = luatorch.Runtime()
rt.execute("""require 'cunn'
function conv(v, t) if torch.isTensor(v) then return v:type(t) end
  if type(v) == 'table' then local r = {} for k, e in pairs(v) do r[k] = conv(e, t) end return r end return v end
function flat(v, acc) acc = acc or {}
  if torch.isTensor(v) then if v:nElement() > 0 then acc[#acc+1] = v:double():contiguous():view(-1) end
  elseif type(v) == 'table' then for _, e in ipairs(v) do flat(e, acc) end
  elseif type(v) == 'number' then acc[#acc+1] = torch.DoubleTensor{v} end return acc end
function runm(m, x, t)
  m = m:clone():type(t); x = conv(x, t)
  local o = m:forward(x)
  local g = conv(o, t) ; if torch.isTensor(g) then g = g:clone():fill(0.5) end
  if type(g) == 'table' then g = conv(g, t) end
  m:zeroGradParameters()
  local gi = m:backward(x, g)
  local _, gp = m:parameters()
  return {o, gi, gp or {}}
end
function runc(c, x, y, t)
  c = c:clone():type(t); x = conv(x, t); y = conv(y, t)
  local l = c:forward(x, y)
  local gi = c:backward(x, y)
  return {l, gi}
end
function cmp(a, b)
  local fa, fb = flat(a), flat(b)
  if #fa ~= #fb then return 'count ' .. #fa .. ' vs ' .. #fb end
  local m = 0
  for i = 1, #fa do if fa[i]:nElement() ~= fb[i]:nElement() then return 'size' end
    local d = (fa[i] - fb[i]):abs():max(); if d ~= d then d = (fa[i]:ne(fa[i]):sum() == fb[i]:ne(fb[i]):sum()) and 0 or 1 end
    m = math.max(m, d) end
  return m
end
""")
bad = 0
TA, TB = (sys.argv[1:3] if len(sys.argv) > 2 else ('torch.DoubleTensor', 'torch.CudaDoubleTensor'))
def go(kind, a, b, c=None):
    global bad
    del LAST[:]
    code = ("torch.manualSeed(3); local m = %s; local x = %s; torch.manualSeed(4); local A = runm(m, x, '%s'); torch.manualSeed(4); local B = runm(m, x, '%s'); return tostring(cmp(A, B))" % (a, b, TA, TB)) if kind == 'm' else \
           ("torch.manualSeed(3); local c = %s; local x = %s; local y = %s; local A = runc(c, x, y, '%s'); local B = runc(c, x, y, '%s'); return tostring(cmp(A, B))" % (a, b, c, TA, TB))
    try:
        r = rt.execute(code)
        r = r.decode() if isinstance(r, bytes) else str(r)
        try: ok = float(r) <= 1e-12
        except ValueError: ok = False
        if not ok:
            bad += 1; print('DIFF', r, '|', a, '|', b)
    except Exception as e:
        msg = str(e).split('\n')[0][:160]
        if 'DoubleTensor' in msg and 'Cuda' in msg: pass
        bad += 1; print('ERR', LAST[-1] if LAST else '', '|', msg, '|', a.replace('\n', ' ')[:80], '|', b)
for a, b in pairs: go('m', a, b)
for k, (c, x, y) in crit.items(): go('c', c, x, y)
print('cases', len(pairs) + len(crit), 'bad', bad)
