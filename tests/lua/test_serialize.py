"""torch.save / load / serialize / deserialize and torch.File objects as Lua code uses them.

Bytes are compared with the format spelled out by struct (the golden corpus checks the same
format against real Torch7 for DoubleTensor and tables); the real Torch7 files of ../shared/t7
must load as its README says real Torch7 loads them."""
import os
import stat
import struct
from pathlib import Path

import numpy as np
import pytest

import luatorch
from helpers import th

SHARED = Path(__file__).resolve().parents[3] / 'shared' / 't7'
TORCHFILE = SHARED / 'torchfile'


@pytest.fixture(scope='module')
def rt():
    return luatorch.Runtime()


def run(rt, code, *args):
    return rt.execute(code, *[a.encode() if isinstance(a, str) else a for a in args])


def txt(b):
    return b.decode('utf-8', 'replace') if isinstance(b, bytes) else b


def i32(*v):
    return struct.pack('<%di' % len(v), *v)


def i64(*v):
    return struct.pack('<%dq' % len(v), *v)


def s(b):
    return i32(len(b)) + b


def torch_head(index, name, version=b'1'):
    return i32(4, index) + s(b'V ' + version) + s(name)


TYPES = [('Byte', np.uint8), ('Char', np.int8), ('Short', np.int16), ('Int', np.int32),
         ('Long', np.int64), ('Float', np.float32), ('Double', np.float64), ('Half', np.float16)]


# ----------------------------------------------------------------------------- bytes as Torch7


@pytest.mark.parametrize('name, dtype', TYPES)
def test_tensor_bytes_every_type(rt, name, dtype):
    got = run(rt, "return torch.serialize(torch.%sTensor({{1, 2, 3}, {4, 5, 6}}))" % name)
    data = np.arange(1, 7).astype(dtype)
    want = (torch_head(1, b'torch.%sTensor' % name.encode()) + i32(2) + i64(2, 3) + i64(3, 1) + i64(1)
            + torch_head(2, b'torch.%sStorage' % name.encode()) + i64(6) + data.tobytes())
    assert got == want
    back = run(rt, "local t = torch.deserialize(...) return torch.type(t), t:size(1), t:size(2), t[2][3]", got)
    assert back == (b'torch.%sTensor' % name.encode(), 2, 3, 6)


def test_non_contiguous_views_write_the_whole_storage(rt):
    got = run(rt, """
      local m = torch.range(1, 6):resize(2, 3)
      return torch.serialize(m:t()), torch.serialize(m:narrow(2, 2, 2))""")
    store = torch_head(2, b'torch.DoubleStorage') + i64(6) + np.arange(1, 7, dtype=np.float64).tobytes()
    assert got[0] == torch_head(1, b'torch.DoubleTensor') + i32(2) + i64(3, 2) + i64(1, 3) + i64(1) + store
    assert got[1] == torch_head(1, b'torch.DoubleTensor') + i32(2) + i64(2, 2) + i64(3, 1) + i64(2) + store


def test_empty_tensor_and_storage_bytes(rt):
    got = run(rt, "return torch.serialize(torch.Tensor()), torch.serialize(torch.FloatStorage())")
    assert got[0] == torch_head(1, b'torch.DoubleTensor') + i32(0) + i64(1) + i32(0)
    assert got[1] == torch_head(1, b'torch.FloatStorage') + i64(0)


def test_ascii_numbers_of_every_type(rt):
    got = run(rt, """
      local f = torch.MemoryFile()
      f:writeObject(torch.LongTensor({-2, 2^40}))
      f:writeObject(torch.ShortStorage({-7, 300}))
      f:writeObject(torch.HalfTensor({0.1, 65504}))
      f:writeObject(torch.CharStorage():string('a\\nb'))
      local s = f:storage():string()
      f:seek(1)
      local a, b, c, d = f:readObject(), f:readObject(), f:readObject(), f:readObject()
      return s:sub(1, -2), a[2], b[1], c[2], d:string()""")
    text = txt(got[0])
    assert '\n2\n-2 1099511627776\n' in text
    assert '\n2\n-7 300\n' in text
    assert '\n0.0999755859 65504\n' in text       # %.9g of the half values
    assert text.endswith('\n3\na\nb\n')             # chars are raw bytes
    assert got[1:] == (2 ** 40, -7, 65504, b'a\nb')


def test_b32_and_b64(rt, tmp_path):
    p4, p8 = str(tmp_path / 'l4.t7'), str(tmp_path / 'l8.t7')
    got = run(rt, """
      local p4, p8 = ...
      local t = torch.LongTensor({1, -2, 3})
      local f = torch.DiskFile(p4, 'w'):binary()
      f:longSize(4)
      f:writeObject(t)
      f:close()
      torch.save(p8, t)
      local a, b = torch.load(p4, 'b32'), torch.load(p8, 'b64')
      return a[2], b[3], torch.equal(a, t), torch.equal(b, t)""", p4, p8)
    assert got == (-2, 3, True, True)
    assert os.path.getsize(p4) < os.path.getsize(p8)


# ----------------------------------------------------------------------------- references


def test_shared_tensors_tables_and_cycles(rt):
    got = run(rt, """
      local base = torch.range(1, 6)
      local view = base:narrow(1, 3, 2)
      local shared = {n = 1}
      local cyc = {}
      cyc.self = cyc
      cyc[cyc] = 'key'
      local obj = {base, base, view, shared, {shared}, cyc}
      local out = {}
      for _, mode in ipairs({'binary', 'ascii'}) do
        local b = torch.deserialize(torch.serialize(obj, mode), mode)
        b[3][1] = 100
        out[#out + 1] = b[1] == b[2] and b[1][3] == 100 and b[4] == b[5][1]
                        and b[6].self == b[6] and b[6][b[6]] == 'key'
      end
      -- referenced = false: everything written again
      local f = torch.MemoryFile():binary()
      f:referenced(false)
      f:writeObject({shared, shared})
      f:seek(1)
      local nr = f:readObject()
      return out[1], out[2], nr[1] ~= nr[2], nr[1].n, f:isReferenced()""")
    assert got == (True, True, True, 1, False)


# ----------------------------------------------------------------------------- Torch classes


def test_classes_versions_custom_read_write(rt):
    got = run(rt, """
      local P = torch.class('SerPlain')
      function P:__init() self.a, self.t = 'x', torch.Tensor({1, 2}) end
      torch.class('SerChild', 'SerPlain')
      local V = torch.class('SerVersioned')
      V.__version = 2
      function V:__init() self.v = 1 end
      function V:write(f) f:writeDouble(self.v) f:writeObject(self.extra) end
      function V:read(f, version)
        self.readVersion = version
        self.v = f:readDouble()
        self.extra = f:readObject()
      end
      local v = SerVersioned(); v.extra = {SerChild()}
      local s = torch.serialize({SerPlain(), v})
      local b = torch.deserialize(s)
      return torch.type(b[1]), b[1].a, b[1].t[2], torch.type(b[2]), b[2].readVersion, b[2].v,
             torch.type(b[2].extra[1]), b[2].extra[1].t[1], s""")
    assert got[:8] == (b'SerPlain', b'x', 2, b'SerVersioned', 2, 1, b'SerChild', 1)
    assert b'\x03\x00\x00\x00V 2\x0c\x00\x00\x00SerVersioned' in got[8]


def test_file_from_before_versioning(rt):
    # a class written with no 'V n' string: read() gets version 0
    data = i32(4, 1) + s(b'SerOld') + i32(3, 2, 1) + i32(2) + s(b'x') + i32(1) + struct.pack('<d', 5)
    got = run(rt, """
      local O = torch.class('SerOld')
      function O:read(f, version)
        self.version = version
        for k, v in pairs(f:readObject()) do self[k] = v end
      end
      local o = torch.deserialize(...)
      return torch.type(o), o.version, o.x""", data)
    assert got == (b'SerOld', 0, 5)


def test_unknown_class_and_unwritable_values(rt):
    got = run(rt, """
      local C = torch.getmetatable('SerLone') or torch.class('SerLone')
      local data = torch.serialize(setmetatable({}, C))
      local ok1, e1 = pcall(torch.deserialize, (data:gsub('SerLone', 'SerNope')))
      local ok2, e2 = pcall(torch.serialize, {co = coroutine.create(print)})
      local ok3, e3 = pcall(torch.serialize, torch.DiskFile('/dev/null', 'w'))
      return e1, e2, e3""")
    assert txt(got[0]).endswith('unknown Torch class <SerNope>')
    assert txt(got[1]).endswith('Unwritable object <thread> at <?>.co')
    assert 'Unwritable object <userdata>' in txt(got[2])


def test_warning_for_unwritable_field(rt):
    out = th("""
      torch.class('SerWarn')
      local o = SerWarn()
      o.ok, o.bad = 1, coroutine.create(print)
      local b = torch.deserialize(torch.serialize(o))
      print(b.ok, b.bad)""")
    assert out == '$ Warning: cannot write object field <bad> of <SerWarn> <?>\t\n1\tnil\t\n'


def test_generator(rt):
    got = run(rt, """
      local g = torch.Generator()
      torch.manualSeed(g, 123)
      torch.random(g)
      local g2 = torch.deserialize(torch.serialize(g))
      local s = torch.serialize(g)
      return torch.type(g2), torch.random(g) == torch.random(g2), torch.uniform(g) == torch.uniform(g2), #s""")
    assert got == (b'torch.Generator', True, True, 4 + 4 + 7 + 4 + 15 + 5048)


# ----------------------------------------------------------------------------- functions


def test_closures_through_a_memory_file(rt):
    got = run(rt, """
      local i, j = 1, 2
      local fns = {}
      fns.inc = function() i = i + 1; j = j + 2 end
      fns.get = function() return i, j end
      local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end
      fns.fact = fact
      local f = torch.MemoryFile():binary()
      f:writeObject(fns)
      f:seek(1)
      local c = f:readObject()
      c.inc()
      local a, b = c.get()
      return a, b, c.fact(5), i""")
    assert got == (2, 4, 120, 1)


def test_functions_from_files_need_the_opt_in(tmp_path):
    p = str(tmp_path / 'fn.t7')
    out = th("""
      local p = ...
      local k = 41
      torch.save(p, {data = torch.Tensor({7}), fn = function() return k + 1 end})
      local d = torch.load(p)
      print(d.data[1], d.fn)
      local t = torch.load(p, nil, nil, {allowBytecode = true})
      print(t.fn())
      print(torch.load(p, {allowBytecode = true}).fn())
      local s = torch.serialize(function() return 'x' end)
      print(torch.deserialize(s), torch.deserialize(s, nil, {allowBytecode = true})())
      local f = torch.DiskFile(p):binary()
      print(f:allowBytecode())
      f:allowBytecode(true)
      print(f:readObject().fn())
      print(torch.MemoryFile():allowBytecode())
    """.replace('local p = ...', 'local p = %r' % p))
    assert out == '7\tnil\t\n42\t\n42\t\nnil\tx\t\nfalse\t\n42\t\ntrue\t\n'


def test_function_warning_text(tmp_path):
    import subprocess
    import sys
    code = "print(torch.load(%r))" % str(TORCHFILE / 'function.t7')
    p = subprocess.run([sys.executable, '-m', 'luatorch.cli', '-e', code], capture_output=True, text=True)
    assert p.returncode == 0 and p.stdout == 'nil\t\n'
    assert p.stderr.startswith('Warning: Failed to load function from bytecode: ')
    code = "print(torch.load(%r, nil, nil, {allowBytecode = true}))" % str(TORCHFILE / 'function.t7')
    p = subprocess.run([sys.executable, '-m', 'luatorch.cli', '-e', code], capture_output=True, text=True)
    assert p.stdout == 'nil\t\n'
    assert p.stderr == ('Warning: Failed to load function from bytecode: '
                        '(binary): cannot load incompatible bytecode\n')


# ----------------------------------------------------------------------------- the real Torch7 files


def test_shared_torchfile_files_as_readme_says(rt):
    got = run(rt, """
      local D = ...
      local r = {}
      local d = torch.load(D .. 'doubletensor.t7')
      r[#r + 1] = torch.type(d) .. ' ' .. table.concat(d:size():totable(), 'x') .. ' ' .. d[2][3]
      local f = torch.load(D .. 'floattensor.t7')
      r[#r + 1] = string.format('%s %s %.4f %.4f', torch.type(f), table.concat(f:size():totable(), 'x'), f[1][1][1], f[1][1][4])
      r[#r + 1] = 'hello=' .. torch.load(D .. 'hello=123.t7').hello
      local l = torch.load(D .. 'list_table.t7')
      r[#r + 1] = table.concat({l[1], l[2], l[3], l[4], tostring(#l)}, ',')
      local m1 = torch.load(D .. 'map_table1.t7')
      r[#r + 1] = m1[0] .. ',' .. m1[4]
      local m2 = torch.load(D .. 'map_table2.t7')
      r[#r + 1] = m2.a .. ',' .. #m2
      local t = torch.load(D .. 'recursive_kv_table.t7')
      local k, v = next(t)
      r[#r + 1] = tostring(k == t and v == t)
      for _, n in ipairs({'custom_class', 'recursive_class', 'tds_hash', 'tds_vec'}) do
        local ok, e = pcall(torch.load, D .. n .. '.t7')
        r[#r + 1] = tostring(ok) .. ' ' .. e:match('unknown Torch class <.*>$')
      end
      torch.class('Blah')
      r[#r + 1] = torch.type(torch.load(D .. 'custom_class.t7'))
      torch.class('A')
      local a = torch.load(D .. 'recursive_class.t7')
      r[#r + 1] = torch.type(a) .. ' ' .. tostring(a.a == a)
      return table.concat(r, '|')""", str(TORCHFILE) + '/')
    assert txt(got).split('|') == [
        'torch.DoubleTensor 2x3 6.9', 'torch.FloatTensor 2x3x4 0.8635 0.5423', 'hello=123',
        'hello,world,third item,123,4', 'zero,123', 'non number key,4', 'true',
        'false unknown Torch class <Blah>', 'false unknown Torch class <A>',
        'false unknown Torch class <tds.Hash>', 'false unknown Torch class <tds.Vec>',
        'Blah', 'A true']


def test_shared_function_files(rt):
    got = run(rt, """
      local D = ...
      io.stderr = {write = function() end}
      local a = torch.load(D .. 'function.t7')
      local b = torch.load(D .. 'function_upvals.t7')
      local ok, e = pcall(torch.load, D .. 'function_upvals.t7', nil, nil, {allowBytecode = true})
      local c = torch.load(D .. 'function.t7', nil, nil, {allowBytecode = true})
      io.stderr = io.stdout
      return a == nil, b == nil, ok, e, c == nil""", str(TORCHFILE) + '/')
    assert got[:3] == (True, True, False) and got[4] is True
    assert txt(got[3]).endswith("bad argument #1 to 'setupvalue' (function expected, got nil)")


def test_shared_graph_and_autograd_files(rt):
    has_nngraph = run(rt, "return (pcall(require, 'nngraph'))")
    got = run(rt, """
      local D = ...
      local out = {}
      for _, n in ipairs({'gmodule_with_linear_identity', 'nngraph_node'}) do
        local ok, r = pcall(torch.load, D .. 'torchfile/' .. n .. '.t7')
        out[#out + 1] = ok and torch.type(r) or r:match('unknown Torch class <.*>$')
      end
      require 'nn'
      local m = torch.load(D .. 'autograd/model.th.JIT')
      local c = torch.load(D .. 'autograd/criterion.th.JIT')
      out[#out + 1] = torch.type(m) .. ' ' .. torch.type(m:get(1)) .. ' ' .. torch.type(c)
      local y = m:forward(torch.randn(m:get(1).weight:size(2)))
      out[#out + 1] = torch.type(y)
      for _, n in ipairs({'autoModel', 'autoCriterion'}) do
        local ok, e = pcall(torch.load, D .. 'autograd/' .. n .. '.th.JIT')
        out[#out + 1] = e:match('unknown Torch class <.*>$')
      end
      return table.concat(out, '|')""", str(SHARED) + '/')
    got = txt(got).split('|')
    if has_nngraph:
        assert got[:2] == ['nn.gModule', 'nngraph.Node']
        y = run(rt, """
          local g = torch.load(... .. 'torchfile/gmodule_with_linear_identity.t7')
          local x = {torch.Tensor({0.5}), torch.Tensor({1, 2})}
          local g2 = torch.deserialize(torch.serialize(g))
          return torch.type(g:forward(x)), g:forward(x):size(1), torch.equal(g:forward(x), g2:forward(x))""",
                str(SHARED) + '/')
        assert y == (b'torch.DoubleTensor', 2, True)
    else:
        assert got[:2] == ['unknown Torch class <nn.gModule>', 'unknown Torch class <nngraph.Node>']
    assert got[2] == 'nn.Sequential nn.Linear nn.MSECriterion'
    assert got[3] == 'torch.DoubleTensor'
    assert got[4].startswith('unknown Torch class <autograd.') and got[5].startswith('unknown Torch class <autograd.')


# ----------------------------------------------------------------------------- malformed files


def test_truncated_and_corrupt_files_give_lua_errors(rt, tmp_path):
    p = str(tmp_path / 'c.t7')
    got = run(rt, """
      local p = ...
      torch.save(p, {t = torch.FloatTensor(3, 4):fill(1), s = 'str', n = {1, 2, {x = true}}})
      local data = io.open(p, 'rb'):read('*a')
      local errors = {}
      for n = 0, #data - 1 do
        local ok, e = pcall(torch.deserialize, data:sub(1, n))
        if ok then return 'loaded a truncated file at ' .. n end
        errors[#errors + 1] = e
        local fh = io.open(p, 'wb'); fh:write(data:sub(1, n)); fh:close()
        local ok2, e2 = pcall(torch.load, p)
        if ok2 then return 'loaded a truncated disk file at ' .. n end
      end
      return table.concat(errors, '\\n')""", p)
    msgs = txt(got).split('\n')
    assert len(msgs) > 100
    assert all('read error' in m or 'unknown object' in m for m in msgs), set(msgs)
    assert not any('Error:' in m or 'Traceback' in m for m in msgs)


@pytest.mark.parametrize('data, message', [
    (i32(2, 1 << 30) + b'ab', 'read error: read 2 blocks instead of 1073741824'),
    (i32(3, 1, -4), 'invalid table size in file'),
    (i32(3, 1, 1, 0, 1) + struct.pack('<d', 1), 'invalid table key in file'),
    (torch_head(1, b'torch.DoubleStorage') + i64(1 << 40) + b'x' * 16, 'read error'),
    (torch_head(1, b'torch.DoubleTensor') + i32(1) + i64(9) + i64(1) + i64(1)
     + torch_head(2, b'torch.DoubleStorage') + i64(2) + b'\0' * 16, 'exceed its storage of 2 elements'),
    (torch_head(1, b'torch.DoubleTensor') + i32(1) + i64(2) + i64(1) + i64(1)
     + torch_head(2, b'torch.IntStorage') + i64(2) + b'\0' * 8, 'its storage is a torch.IntStorage'),
    (torch_head(1, b'torch.DoubleTensor') + i32(1) + i64(2) + i64(1) + i64(1) + i32(1) + b'\0' * 8,
     'storage expected'),
    (torch_head(1, b'torch.Generator') + b'\0' * 5048, 'invalid torch.Generator in file'),
    (i32(77), 'unknown object (type tag 77)'),
])
def test_corrupt_headers(rt, data, message):
    ok, err = run(rt, "return pcall(torch.deserialize, ...)", data)
    assert ok is False and message in txt(err)


def test_sizes_are_checked_before_allocating(tmp_path):
    p = tmp_path / 'huge.t7'
    p.write_bytes(torch_head(1, b'torch.DoubleStorage') + i64(1 << 45) + b'\0' * 64)
    out = th("""
      collectgarbage()
      local before = collectgarbage('count')
      local ok, e = pcall(torch.load, %r)
      print(ok, e:match('read error: .*'))
      local s = io.open('/proc/self/status'):read('*a')
      print(tonumber(s:match('VmHWM:%%s*(%%d+)')) < 2e6)""" % str(p))
    assert out == 'false\tread error: read 8 blocks instead of 35184372088832\t\ntrue\t\n'


# ----------------------------------------------------------------------------- File objects


def test_memory_file_api(rt):
    got = run(rt, """
      local f = torch.MemoryFile()
      f:writeInt(42); f:writeDouble(0.25); f:writeString('line\\n')
      local n = f:writeFloat(torch.FloatStorage({1.5, 2.5}))
      local pos = f:position()
      local st = f:storage()
      f:seek(1)
      local a, b, l = f:readInt(), f:readDouble(), f:readString('*l')
      local fs = f:readFloat(2)
      local ok, e = pcall(f.readInt, f)
      f:quiet()
      local q = f:readInt()
      local he = f:hasError()
      f:clearError()
      local into = torch.IntStorage(2)
      f:seek(1)
      local cnt = f:readInt(into)
      f:close()
      local ok2, e2 = pcall(f.readInt, f)
      return n, pos, st:size(), st[st:size()], a, b, l, fs[2], ok, e, q, he, f:hasError(), cnt, into[1],
             tostring(f), e2""")
    assert got[:9] == (2, 22, 22, 0, 42, 0.25, b'line', 2.5, False)
    assert txt(got[9]).endswith('read error: read 0 blocks instead of 1')
    assert got[10:15] == (0, True, False, 2, 42)   # %d reads the 0 of 0.25, as fscanf does
    assert got[15] == b'torch.MemoryFile [status: closed -- mode: rw]'
    assert txt(got[16]).endswith('attempt to use a closed file')


def test_memory_file_over_a_storage(rt):
    got = run(rt, """
      local s = torch.CharStorage():string('12 13\\0')
      local f = torch.MemoryFile(s, 'r')
      local a, b = f:readInt(), f:readInt()
      local ok, e = pcall(torch.MemoryFile, torch.CharStorage():string('no nul'))
      local ok2, e2 = pcall(f.writeInt, f, 1)
      return a, b, e, e2, f:isReadable(), f:isWritable()""")
    assert got[:2] == (12, 13)
    assert 'provided CharStorage must be terminated by 0' in txt(got[2])
    assert txt(got[3]).endswith('attempt to write in a read-only file')
    assert got[4:] == (True, False)


def test_disk_and_pipe_files(rt, tmp_path):
    p = str(tmp_path / 'd.txt')
    got = run(rt, """
      local p = ...
      local f = torch.DiskFile(p, 'w')
      local desc = tostring(f)
      f:writeInt(1); f:writeDouble(2.5); f:binary(); f:writeInt(258)
      f:close()
      local r = torch.DiskFile(p)
      local a, b = r:readInt(), r:readDouble()
      r:binary()
      local c = r:readInt()
      local pos = r:position()
      r:close()
      local pf = torch.PipeFile('printf "3 4"')
      local x, y = pf:readInt(), pf:readInt()
      pf:close()
      local ok, e = pcall(torch.DiskFile, p .. '/missing/x')
      local q = torch.DiskFile(p .. '/missing/x', 'r', true)
      return desc, a, b, c, pos, x, y, e, q == nil, torch.DiskFile.isLittleEndianCPU()""", p)
    assert got[0] == ('torch.DiskFile on <%s> [status: open -- mode  w]' % p).encode()
    assert got[1:7] == (1, 2.5, 258, 11, 3, 4)
    assert txt(got[7]).endswith('cannot open <%s/missing/x> in mode r ' % p)
    assert got[8:] == (True, True)


def test_save_replaces_files_keeping_their_mode(rt, tmp_path):
    p = tmp_path / 'm.t7'
    p.write_bytes(b'old contents that are longer than the new ones' * 100)
    p.chmod(0o600)
    link = tmp_path / 'link.t7'
    target = tmp_path / 'target.t7'
    target.write_bytes(b'')
    link.symlink_to(target)
    run(rt, "local a, b = ... torch.save(a, {1, 2}) torch.save(b, 'through the link')", str(p), str(link))
    assert stat.S_IMODE(p.stat().st_mode) == 0o600
    assert luatorch.load(str(p)) == [1, 2]
    assert link.is_symlink() and luatorch.load(str(target)) == 'through the link'


def test_python_and_lua_read_each_others_files(rt, tmp_path):
    p = str(tmp_path / 'x.t7')
    luatorch.save(p, {'w': np.arange(6, dtype=np.float32).reshape(2, 3), 'names': ['a', 'b'], 'k': 3})
    got = run(rt, """
      local x = torch.load(...)
      return torch.type(x.w), x.w[2][3], x.names[2], x.k""", p)
    assert got == (b'torch.FloatTensor', 5.0, b'b', 3)
    run(rt, "torch.save(..., {t = torch.IntTensor({{1, 2}, {3, 4}}):t(), s = 'str', [1] = true})", p)
    back = luatorch.load(p)
    assert back['t'].dtype == np.int32 and back['t'].tolist() == [[1, 3], [2, 4]]
    assert back['s'] == 'str' and back[1] is True


def test_save_and_load_argument_checks(rt):
    got = run(rt, """
      local ok1, e1 = pcall(torch.save, '/tmp/x.t7', 1, 'text')
      local ok2, e2 = pcall(torch.load, '/tmp/x.t7', 'b16')
      local ok3, e3 = pcall(torch.deserialize, torch.serialize(1), 'text')
      return e1, e2, e3""")
    assert b'"binary" or "ascii" (or nil) expected for mode' in got[0]
    assert b'"binary", "b32", "b64" or "ascii" (or nil) expected for mode' in got[1]
    assert b'"binary" or "ascii" (or nil) expected for mode' in got[2]
