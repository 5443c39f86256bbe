"""cutorch through Lua: the Cuda types, conversions, copies, printing, device functions, random
generators, serialization, and the CPU fallback's warning / LUATORCH_CUDA=strict. Runs on the
numpy fallback here; the same tests run on CuPy where a GPU is visible."""
import os
import subprocess
import sys

import pytest

import luatorch
from cudahelp import runtime_fixture
from helpers import ROOT, run_lua
from luatorch.lib import xp

ON_GPU = xp.on_gpu()


# every test taking rt runs on the host device (fallback here, CuPy on a GPU) and on the fake one
rt = runtime_fixture("print = require('trepl').print; require 'cutorch'")


def lua(rt, code):
    return run_lua(rt, code)


def th(code, env=None):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([sys.executable, '-m', 'luatorch.cli', '-e', code], capture_output=True,
                          text=True, cwd=ROOT, timeout=120, env=e)


def test_cuda_classes_appear_with_require_cutorch():
    r = luatorch.Runtime()
    assert run_lua(r, "io.write(tostring(torch.CudaTensor), tostring(torch.CudaStorage), "
                      "tostring(torch.getmetatable('torch.CudaTensor')))") == 'nilnilnil'
    r.execute("require 'cutorch'")
    out = run_lua(r, """
      for _, n in ipairs({'Cuda', 'CudaDouble', 'CudaByte', 'CudaChar', 'CudaShort', 'CudaInt',
                          'CudaLong', 'CudaHalf'}) do
        local t = torch[n .. 'Tensor'](2)
        io.write(torch.type(t), ' ', torch.type(t:storage()), ' ', tostring(torch.isTensor(t)), ' ',
                 tostring(torch.getmetatable(torch.type(t)) == getmetatable(t)), '\\n')
      end""")
    assert out.splitlines() == [
        'torch.CudaTensor torch.CudaStorage true true',
        'torch.CudaDoubleTensor torch.CudaDoubleStorage true true',
        'torch.CudaByteTensor torch.CudaByteStorage true true',
        'torch.CudaCharTensor torch.CudaCharStorage true true',
        'torch.CudaShortTensor torch.CudaShortStorage true true',
        'torch.CudaIntTensor torch.CudaIntStorage true true',
        'torch.CudaLongTensor torch.CudaLongStorage true true',
        'torch.CudaHalfTensor torch.CudaHalfStorage true true']
    # the CPU classes are untouched
    assert run_lua(r, "io.write(torch.FloatTensor(1):type(), torch.Tensor(1):type())") == \
        'torch.FloatTensortorch.DoubleTensor'


def test_printing(rt):
    out = lua(rt, "print(torch.CudaTensor(2, 3):fill(1.5)); print(torch.CudaStorage(2):fill(2)); "
                  "print(torch.CudaLongTensor{1, 2})")
    assert out == (' 1.5000  1.5000  1.5000\n 1.5000  1.5000  1.5000\n'
                   '[torch.CudaTensor of size 2x3]\n\n'
                   ' 2\n 2\n[torch.CudaStorage of size 2]\n\n'
                   ' 1\n 2\n[torch.CudaLongTensor of size 2]\n\n')
    assert lua(rt, "print(torch.CudaTensor())") == '[torch.CudaTensor with no dimension]\n\n'


def test_conversions_and_copies_both_ways(rt):
    out = lua(rt, """
      local d = torch.DoubleTensor({{1.25, -2}, {3, 4.5}})
      local c = d:cuda()
      io.write(torch.type(c), ' ', torch.type(c:float()), ' ', torch.type(c:double()), ' ',
               torch.type(d:type('torch.CudaTensor')), ' ', torch.type(c:type('torch.DoubleTensor')), ' ',
               torch.type(c:cudaDouble()), ' ', torch.type(c:cudaLong()), ' ', torch.type(c:long()), ' ',
               torch.type(c:typeAs(torch.CudaDoubleTensor())), '\\n')
      io.write(tostring(rawequal(c:cuda(), c)), ' ', tostring(rawequal(c:type('torch.CudaTensor'), c)), '\\n')
      io.write(tostring(c:double():equal(d)), ' ', tostring(c:cudaLong():long():equal(d:long())), '\\n')
      local back = torch.FloatTensor(4):copy(c)            -- device -> host, another shape
      local up = torch.CudaDoubleTensor(2, 2):copy(torch.FloatTensor{{5, 6}, {7, 8}})  -- host -> device
      io.write(back[1], ' ', back[4], ' ', up[2][1], ' ', torch.type(up), '\\n')
      local s = torch.CudaStorage(3):copy(torch.DoubleStorage{1, 2, 3})
      io.write(s[3], ' ', torch.DoubleStorage(3):copy(s)[2], '\\n')
    """)
    assert out.splitlines() == [
        'torch.CudaTensor torch.FloatTensor torch.DoubleTensor torch.CudaTensor torch.DoubleTensor '
        'torch.CudaDoubleTensor torch.CudaLongTensor torch.LongTensor torch.CudaDoubleTensor',
        'true true', 'true true', '1.25 4.5 7 torch.CudaDoubleTensor', '3 2']


def test_cuda_tensor_is_float32(rt):
    assert lua(rt, "io.write(torch.CudaTensor{0.1}[1] == torch.FloatTensor{0.1}[1] and 'f32' or 'no', ' ', "
                   "torch.CudaTensor(1):elementSize())") == 'f32 4'


def test_maths_views_and_indexing_match_the_cpu(rt):
    out = lua(rt, """
      torch.manualSeed(3)
      local a, b = torch.rand(5, 3):float(), torch.rand(3, 4):float()
      local ca, cb = a:cuda(), b:cuda()
      local function same(x, y) return torch.type(x):find('Cuda') and (x:float() - y):abs():max() == 0 end
      local r = {
        same(torch.mm(ca, cb), torch.mm(a, b)), same(ca * cb, a * b),
        same(torch.CudaTensor(5, 4):mm(ca, cb), torch.mm(a, b)),
        same(ca:t():contiguous(), a:t():contiguous()), same(ca[2], a[2]), same(ca[{{2, 3}, 2}], a[{{2, 3}, 2}]),
        same(ca:narrow(1, 2, 2), a:narrow(1, 2, 2)), same(ca:view(15), a:view(15)),
        same(torch.exp(ca), torch.exp(a)), same(ca:clone():add(2):mul(3), a:clone():add(2):mul(3)),
        same(ca:sum(1), a:sum(1)), same(ca:max(2), a:max(2)), ca:sum() == a:sum(), ca:mean() == a:mean(),
        same(torch.cat(ca, ca, 1), torch.cat(a, a, 1)), same(ca:clone():fill(7), a:clone():fill(7)),
      }
      local x = ca:clone(); x[2][3] = 9; x[{1, 1}] = -1
      r[#r + 1] = x[2][3] == 9 and x[{1, 1}] == -1 and x:isSameSizeAs(ca)
      for i, v in ipairs(r) do io.write(tostring(v), ' ') end
    """)
    assert out.split() == ['true'] * 17


def test_misuse_is_a_clear_lua_error(rt):
    out = lua(rt, """
      for _, f in ipairs({
        function() return torch.CudaTensor(3):add(torch.DoubleTensor(3)) end,
        function() cutorch.setDevice(99) end,
        function() cutorch.setDevice('a') end,
        function() return torch.DoubleTensor(2):type('torch.CudaFooTensor') end,
        function() return torch.DoubleTensor(2):getDevice() end,
      }) do local ok, e = pcall(f) io.write(tostring(ok), ': ', tostring(e):gsub('\\n.*', ''), '\\n') end
    """)
    lines = out.splitlines()
    assert lines[0].startswith('false: ') and 'invalid arguments: CudaTensor CudaTensor DoubleTensor' in lines[0]
    assert "bad argument #1 to 'setDevice' (invalid device 99" in lines[1]
    assert "bad argument #1 to 'setDevice' (number expected)" in lines[2]
    assert 'invalid tensor type name: torch.CudaFooTensor' in lines[3]
    assert lines[4].startswith('false: ') and 'getDevice' in lines[4]


def test_device_functions(rt):
    out = lua(rt, """
      local n = cutorch.getDeviceCount()
      cutorch.setDevice(1)
      cutorch.synchronize()
      local free, total = cutorch.getMemoryUsage(1)
      local p = cutorch.getDeviceProperties(1)
      io.write(n, ' ', cutorch.getDevice(), ' ', tostring(free > 0 and free <= total), ' ',
               type(p.name), ' ', type(p.totalGlobalMem), ' ', torch.CudaTensor(2):getDevice(), ' ',
               cutorch.withDevice(1, function() return cutorch.getDevice() + 10 end))
    """)
    n, dev, mem, name, tot, tdev, wd = out.split()
    assert int(n) >= 1 and dev == '1' and mem == 'true' and name == 'string' and tot == 'number'
    assert tdev == '1' and wd == '11'


def test_random_generators(rt):
    out = lua(rt, """
      cutorch.manualSeed(7)
      local a = torch.CudaTensor(4):uniform()
      local seed = cutorch.initialSeed()
      torch.manualSeed(1)
      local t1 = torch.rand(3)
      cutorch.manualSeed(7)                 -- does not touch torch's generator
      local b = torch.CudaTensor(4):uniform()
      torch.manualSeed(1)
      local t2 = torch.rand(3)
      cutorch.manualSeedAll(8)
      local c1 = torch.CudaTensor(3):normal()
      local state = cutorch.getRNGState()
      local c2 = torch.CudaTensor(3):normal()
      cutorch.setRNGState(state)
      local c3 = torch.CudaTensor(3):normal()
      io.write(tostring(a:equal(b)), ' ', seed, ' ', tostring(t1:equal(t2)), ' ',
               tostring(c2:equal(c3)), ' ', tostring(c1:equal(c2)), ' ', torch.type(state))
    """)
    assert out == 'true 7 true true false torch.ByteTensor'


def test_serialization_writes_cutorch_classes(rt, tmp_path):
    f = str(tmp_path / 'c.t7')
    out = lua(rt, """
      local x = torch.CudaTensor(2, 3):copy(torch.range(1, 6))
      torch.save('%s', {x = x, xt = x:t(), d = torch.CudaDoubleTensor{1.5}, m = nn and 0 or 1})
      local r = torch.load('%s')
      io.write(torch.type(r.x), ' ', torch.type(r.x:storage()), ' ', torch.type(r.d), ' ',
               tostring(r.x:float():equal(x:float())), ' ', tostring(r.xt:storage() == r.x:storage()), ' ',
               tostring(r.xt:isContiguous()))
    """ % (f, f))
    assert out == 'torch.CudaTensor torch.CudaStorage torch.CudaDoubleTensor true true false'
    data = open(f, 'rb').read()
    assert b'torch.CudaTensor' in data and b'torch.CudaStorage' in data
    # float data, as cutorch writes it: 6 float32 after the storage's class name and size
    import struct
    i = data.index(b'torch.CudaStorage') + len(b'torch.CudaStorage')
    n, = struct.unpack('<q', data[i:i + 8])
    assert n == 6 and struct.unpack('<6f', data[i + 8:i + 32]) == (1, 2, 3, 4, 5, 6)
    # without cutorch the file names a class Torch does not know
    p = th("print(pcall(torch.load, '%s'))" % f)
    assert 'unknown Torch class <torch.Cuda' in p.stdout


@pytest.mark.skipif(ON_GPU, reason='a GPU is visible: no fallback')
def test_fallback_warns_once_on_stderr():
    p = th("require 'cutorch'; require 'cutorch'; require 'cunn'; print(torch.CudaTensor(2):fill(1):sum())",
           env={'LUATORCH_CUDA': ''})
    assert p.returncode == 0, p.stderr
    assert p.stdout == '2\t\n'
    lines = p.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith('cutorch: ') and 'run on the CPU' in lines[0]


@pytest.mark.skipif(ON_GPU, reason='a GPU is visible: strict mode succeeds')
def test_strict_mode_without_a_gpu_is_an_error():
    p = th("require 'cutorch'", env={'LUATORCH_CUDA': 'strict'})
    assert p.returncode != 0
    assert 'cutorch: no CUDA device available' in p.stderr and 'LUATORCH_CUDA=strict' in p.stderr


def test_forced_cpu_mode_warns_and_works():
    p = th("require 'cutorch'; print(torch.CudaTensor{1, 2}:sum())", env={'LUATORCH_CUDA': 'cpu'})
    assert p.returncode == 0 and p.stdout == '3\t\n'
    assert 'LUATORCH_CUDA=cpu' in p.stderr


def test_th_gpu_flag_preloads_cutorch_and_cunn():
    p = th("print(torch.type(nn.Linear(2, 2):cuda().weight), cunn ~= nil)")
    assert p.returncode != 0   # without -x nothing is preloaded
    q = subprocess.run([sys.executable, '-m', 'luatorch.cli', '-x', '-e',
                        "print(torch.type(nn.Linear(2, 2):cuda().weight), cunn ~= nil)"],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert q.returncode == 0, q.stderr
    assert q.stdout == 'torch.CudaTensor\ttrue\t\n'


def test_index_and_mask_results_are_cuda_types(rt):
    out = lua(rt, """
      local t = torch.CudaTensor{{1, 5, 3}, {4, 2, 6}}
      local _, imax = t:max(2)
      local _, isort = t:sort(2, true)
      local m = t:gt(2)
      io.write(torch.type(imax), ' ', torch.type(isort), ' ', torch.type(m), ' ', torch.type(t:nonzero()), ' ',
               imax[1][1], ' ', isort[2][1], ' ', m:sum(), ' ', t:maskedSelect(m):sum(), ' ',
               torch.type(select(2, torch.max(torch.CudaTensor(), torch.LongTensor(), t, 1))), ' ',
               torch.type(torch.DoubleTensor{1}:gt(0)))
    """)
    assert out == ('torch.CudaLongTensor torch.CudaLongTensor torch.CudaByteTensor torch.CudaLongTensor '
                   '2 3 4 18 torch.LongTensor torch.ByteTensor')


def test_cuda_float_masks_as_cutorch(rt):
    """cutorch's masks were CudaTensors (`byteTensor:cuda()` gives one; optim's rprop indexes with
    them): any Cuda tensor but a Long one masks a Cuda tensor; CPU tensors still want bytes."""
    out = lua(rt, """
      local s = torch.CudaTensor{1, -2, 3, -4}
      local m = torch.ByteTensor(4):cuda()
      s.gt(m, s, 0)
      local t = torch.CudaTensor(4):fill(1)
      t[m] = 5
      io.write(torch.type(m), ' ', t:sum(), ' ', t[m]:sum(), ' ')
      t[m] = torch.CudaTensor{7, 8}
      t:maskedFill(s:lt(0):cuda(), -1)
      io.write(t[1], ' ', t[2], ' ', t[3], ' ', t[4], ' ', s:maskedSelect(m):sum(), ' ')
      io.write(tostring(pcall(function() local d = torch.DoubleTensor(2); d[torch.DoubleTensor{1, 0}] = 1 end)))
    """)
    assert out == 'torch.CudaTensor 12 10 7 -1 8 -1 4 false'


def test_reductions_orders_linalg_and_sampling_match_the_cpu(rt):
    """The maths with numpy-only paths on the CPU (ufunc reductions CuPy lacks, host index arrays,
    host-side factorisations and draws) give the CPU's results on each device."""
    out = lua(rt, """
      torch.manualSeed(4)
      local a = torch.randn(6, 5)
      local ca = a:cudaDouble()
      local m = torch.Tensor{{3, 1, 3, 2}, {2, 2, 5, 5}}
      local cm = m:cudaDouble()
      local spd = a:t() * a + torch.eye(5)
      local function same(x, y)
        if type(x) == 'number' then return x == y end
        return torch.type(x):find('Cuda') ~= nil and (x:double() - y:double()):abs():max() == 0
      end
      local function both(f) local x, y = f(ca, cm), f(a, m) return same(x, y) end
      local r = {
        ca:gt(0):all() == a:gt(0):all(), ca:gt(0):any() == a:gt(0):any(),
        same(ca:norm(3), a:norm(3)), same(ca:norm(0.5, 2), a:norm(0.5, 2)), same(ca:norm(0, 1), a:norm(0, 1)),
        same(torch.dist(ca, ca * 2, 3), torch.dist(a, a * 2, 3)),
        same(torch.histc(ca, 4), torch.histc(a, 4)), same(torch.bhistc(ca, 3), torch.bhistc(a, 3)),
        both(function(x, y) return (select(1, torch.mode(y))) end),
        both(function(x, y) return (select(2, torch.mode(y))) end),
        both(function(x) return (select(1, torch.topk(x, 2, 2, true, true))) end),
        both(function(x) return (select(2, torch.kthvalue(x, 2))) end),
        both(function(x) return (select(1, torch.median(x, 1))) end),
        same(ca:clone():indexAdd(2, torch.LongTensor{2, 5}, ca:narrow(2, 1, 2)),
             a:clone():indexAdd(2, torch.LongTensor{2, 5}, a:narrow(2, 1, 2))),
        same(torch.conv2(ca, ca:narrow(1, 1, 2):narrow(2, 1, 2)), torch.conv2(a, a:narrow(1, 1, 2):narrow(2, 1, 2))),
        same(torch.xcorr2(ca, ca:narrow(1, 1, 2), 'F'), torch.xcorr2(a, a:narrow(1, 1, 2), 'F')),
        same(torch.inverse(spd:cudaDouble()), torch.inverse(spd)),
        same(torch.potrf(spd:cudaDouble()), torch.potrf(spd)),
        same((torch.gesv(ca:narrow(1, 1, 5), spd:cudaDouble())), (torch.gesv(a:narrow(1, 1, 5), spd))),
        same((torch.symeig(spd:cudaDouble())), (torch.symeig(spd))),
        same((torch.qr(ca)), (torch.qr(a))),
      }
      cutorch.manualSeed(9); local s1 = torch.multinomial(ca:narrow(1, 1, 2):abs(), 3)
      torch.manualSeed(9); local s2 = torch.multinomial(a:narrow(1, 1, 2):abs(), 3)
      r[#r + 1] = torch.type(s1) == 'torch.CudaLongTensor' and same(s1, s2)
      -- topk unsorted on a device: cutorch's order (by index); the same elements either way
      local v1, i1 = torch.topk(ca, 3, 2, true)
      local v2, i2 = torch.topk(a, 3, 2, true)
      r[#r + 1] = same(v1:sort(2), v2:sort(2)) and same(i1:sort(2), i2:sort(2))
      for i, v in ipairs(r) do io.write(tostring(v), ' ') end
    """)
    assert out.split() == ['true'] * 23
