"""luatorch/lib/file.py and t7.py without Lua: Torch's byte formats, the Python load/save API, and
loading malformed files (clean TorchErrors, sizes checked before anything is allocated).

Expected bytes are spelled out with struct from the format (checked against real Torch7 by the
golden corpus, serialize/save_tensor_binary and friends)."""
import struct
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

import luatorch
from luatorch.lib import file as F
from luatorch.lib import t7, types
from luatorch.lib.errors import TorchError
from luatorch.lib.storage import Storage

SHARED = Path(__file__).resolve().parents[3] / 'shared' / 't7'
TORCHFILE = SHARED / 'torchfile'


def i32(*v):
    return struct.pack('<%di' % len(v), *v)


def i64(*v):
    return struct.pack('<%dq' % len(v), *v)


def s(b):
    return i32(len(b)) + b


def torch_head(index, name, version=b'1'):
    return i32(4, index) + s(b'V ' + version) + s(name)


def storage_block(index, name, arr):
    return torch_head(index, name) + i64(arr.shape[0]) + arr.tobytes()


# ----------------------------------------------------------------------------- File byte formats


def test_memory_file_binary_formats():
    f = F.MemoryFile()
    f.binary = True
    f.write_scalar(types.Int, 7)
    f.write_scalar(types.Int, -3.9)            # C conversion truncates toward zero
    f.write_scalar(types.Long, 2 ** 40)
    f.write_scalar(types.Double, 0.1)
    f.write_scalar(types.Float, 0.5)
    f.write_scalar(types.Short, -2)
    f.write_scalar(types.Byte, 300)            # wraps as C does
    f.write_array(types.Half, np.array([1.5], np.float16))
    want = i32(7, -3) + i64(2 ** 40) + struct.pack('<dfhB', 0.1, 0.5, -2, 44) + np.float16(1.5).tobytes()
    assert f.storage().data.tobytes() == want + b'\0'
    f.seek(0)
    assert f.read_scalar(types.Int) == 7
    assert f.read_scalar(types.Int) == -3
    assert f.read_scalar(types.Long) == 2 ** 40
    assert f.read_scalar(types.Double) == 0.1
    assert f.position() == 24


def test_ascii_formats_are_printf_and_newline_per_call():
    f = F.MemoryFile()
    f.write_scalar(types.Double, 1 / 3)
    f.write_array(types.Float, np.array([0.1, 2.5], np.float32))
    f.write_array(types.Int, np.array([-1, 2], np.int32))
    f.write_array(types.Char, np.frombuffer(b'a b\n', np.int8))   # raw even in ascii
    f.write_scalar(types.Double, float('inf'))
    assert f.storage().data[:-1].tobytes() == b'0.33333333333333331\n0.100000001 2.5\n-1 2\na b\n\ninf\n'
    f.seek(0)
    assert f.read_scalar(types.Double) == 1 / 3
    assert f.read_array(types.Float, 2).tolist() == [np.float32(0.1), 2.5]
    assert f.read_array(types.Int, 2).tolist() == [-1, 2]
    assert f.read_array(types.Char, 4).tobytes() == b'a b\n'
    assert f.read_scalar(types.Double) == float('inf')


def test_no_auto_spacing():
    f = F.MemoryFile()
    f.auto_spacing = False
    f.write_array(types.Int, np.array([1, 2], np.int32))
    assert f.storage().data[:-1].tobytes() == b'12'


def test_long_size_4_and_big_endian(tmp_path):
    p = tmp_path / 'x.bin'
    f = F.open_disk_file(str(p), 'w')
    f.binary = True
    f.set_long_size(4)
    f.write_array(types.Long, np.array([5, -6], np.int64))
    f.set_encoding('big')
    f.write_scalar(types.Int, 1)
    f.write_scalar(types.Double, 2.0)
    f.close()
    assert p.read_bytes() == i32(5, -6) + struct.pack('>id', 1, 2.0)
    f = F.open_disk_file(str(p), 'r')
    f.binary = True
    f.set_long_size(4)
    assert f.read_array(types.Long, 2).tolist() == [5, -6]
    f.set_encoding('big')
    assert (f.read_scalar(types.Int), f.read_scalar(types.Double)) == (1, 2.0)
    with pytest.raises(TorchError, match='Invalid long size'):
        f.set_long_size(3)


def test_read_errors_and_quiet_mode():
    f = F.memory_file_from_bytes(b'12 abc')
    assert f.read_scalar(types.Int) == 12
    with pytest.raises(TorchError, match='read error: read 0 blocks instead of 1'):
        f.read_scalar(types.Int)
    f.quiet = True
    assert f.read_scalar(types.Int) == 0 and f.has_error
    f.binary = True
    f.seek(0)
    assert f.read_array(types.Int, 3).shape == (1,)   # 6 bytes hold one Int


def test_read_string_formats(tmp_path):
    p = tmp_path / 'lines.txt'
    p.write_bytes(b'first\nsecond\nrest')
    for f in (F.open_disk_file(str(p)), F.memory_file_from_bytes(p.read_bytes())):
        assert f.read_string('*l') == b'first'
        assert f.read_string('*a') == b'second\nrest'
        with pytest.raises(TorchError, match='read 0 blocks'):
            f.read_string('*a')
        with pytest.raises(TorchError, match="format must be"):
            f.read_string('*n')


def test_disk_file_modes_and_errors(tmp_path):
    with pytest.raises(TorchError, match=r"cannot open <.*nope/x> in mode r "):
        F.open_disk_file(str(tmp_path / 'nope' / 'x'), 'r')
    assert F.open_disk_file(str(tmp_path / 'nope' / 'x'), 'r', quiet=True) is None
    with pytest.raises(TorchError, match="file mode should be 'r','w' or 'rw'"):
        F.open_disk_file(str(tmp_path / 'x'), 'a')
    f = F.open_disk_file(str(tmp_path / 'x'), 'w')
    with pytest.raises(TorchError, match='attempt to read in a write-only file'):
        f.read_scalar(types.Int)
    f.close()
    with pytest.raises(TorchError, match='attempt to use a closed file'):
        f.write_scalar(types.Int, 1)
    rw = F.open_disk_file(str(tmp_path / 'rw'), 'rw')   # created
    rw.write_string(b'hello world')
    rw.seek(6)
    assert rw.read_string('*a') == b'world'
    rw.seek(0)
    rw.write_string(b'J')
    rw.seek_end()
    assert rw.position() == 11
    rw.close()
    assert (tmp_path / 'rw').read_bytes() == b'Jello world'


def test_bulk_read_is_mmap_copy_and_exact(tmp_path):
    data = np.random.default_rng(0).integers(0, 255, 3 << 20, dtype=np.uint8)
    p = tmp_path / 'big.bin'
    p.write_bytes(b'xyz' + data.tobytes())
    f = F.open_disk_file(str(p))
    f.binary = True
    assert f._take(3) == b'xyz'
    st = Storage(types.Byte, data.shape[0])
    assert f.read_into(st) == data.shape[0]
    assert np.array_equal(st.data, data)
    assert f.position() == 3 + data.shape[0]
    with pytest.raises(TorchError, match='read 0 blocks instead of 1'):
        f.read_array(types.Byte, 1)


def test_pipe_file(tmp_path):
    f = F.open_pipe_file('printf "3 4.5"', 'r')
    assert f.read_scalar(types.Int) == 3 and f.read_scalar(types.Double) == 4.5
    f.close()
    out = tmp_path / 'out.txt'
    f = F.open_pipe_file('cat > %s' % out, 'w')
    f.write_array(types.Int, np.array([1, 2], np.int32))
    f.close()
    assert out.read_bytes() == b'1 2\n'
    with pytest.raises(TorchError, match="file mode should be 'r','w'"):
        F.open_pipe_file('true', 'rw')


# ----------------------------------------------------------------------------- t7 bytes


def test_save_bytes_match_torch_for_every_type(tmp_path):
    for tt in [t for t in types.ALL_TYPES if not getattr(t, 'cuda', False)]:
        arr = np.arange(1, 7).reshape(2, 3).astype(tt.dtype)
        p = tmp_path / ('%s.t7' % tt.name)
        luatorch.save(str(p), arr)
        want = (torch_head(1, tt.tensor_name.encode()) + i32(2) + i64(2, 3) + i64(3, 1) + i64(1)
                + storage_block(2, tt.storage_name.encode(), arr.reshape(-1)))
        assert p.read_bytes() == want, tt.name
        back = luatorch.load(str(p))
        assert back.dtype == tt.dtype and np.array_equal(back, arr)


def test_table_bytes_match_golden(tmp_path):
    # serialize/save_table_binary: {10, 2.5, 'abc', name = 'xy'} as Torch7 wrote it
    golden = bytes.fromhex(
        '03000000010000000400000001000000000000000000f03f0100000000000000000024400100000000000000'
        '00000040010000000000000000000440010000000000000000000840020000000300000061626302000000'
        '040000006e616d65020000000200000078 79'.replace(' ', ''))
    p = tmp_path / 't.t7'
    p.write_bytes(golden)
    assert luatorch.load(str(p)) == {1: 10, 2: 2.5, 3: 'abc', 'name': 'xy'}
    luatorch.save(str(p), {1: 10, 2: 2.5, 3: 'abc', 'name': 'xy'})
    assert p.read_bytes() == golden


def test_python_load_real_torch_files():
    d = luatorch.load(str(TORCHFILE / 'doubletensor.t7'))
    assert d.dtype == np.float64 and d.tolist() == [[1, 2, 3], [4, 5, 6.9]]
    f = luatorch.load(str(TORCHFILE / 'floattensor.t7'))
    assert f.shape == (2, 3, 4) and f.dtype == np.float32
    assert np.allclose(f[0, 0], [0.8635, 0.5361, 0.4821, 0.5423], atol=1e-4)
    assert luatorch.load(str(TORCHFILE / 'hello=123.t7')) == {'hello': 123}
    assert luatorch.load(str(TORCHFILE / 'list_table.t7')) == ['hello', 'world', 'third item', 123]
    m1 = luatorch.load(str(TORCHFILE / 'map_table1.t7'))
    assert m1 == {0: 'zero', 1: 'hello', 2: 'world', 3: 'third item', 4: 123}
    m2 = luatorch.load(str(TORCHFILE / 'map_table2.t7'))
    assert m2['a'] == 'non number key' and m2[4] == 123
    r = luatorch.load(str(TORCHFILE / 'recursive_kv_table.t7'))
    (k, v), = r.items()
    assert k is r and v is r
    rc = luatorch.load(str(TORCHFILE / 'recursive_class.t7'))
    assert rc.torch_typename == 'A' and rc.a is rc
    node = luatorch.load(str(TORCHFILE / 'nngraph_node.t7'))
    assert node.torch_typename == 'nngraph.Node' and 'children' in node
    fn = luatorch.load(str(TORCHFILE / 'function.t7'))
    assert isinstance(fn, t7.LuaFunction) and fn.bytecode.startswith(b'\x1bLJ')
    with pytest.raises(TorchError, match=r'tds\.Vec'):
        luatorch.load(str(TORCHFILE / 'tds_vec.t7'))
    model = luatorch.load(str(SHARED / 'autograd' / 'model.th.JIT'))
    assert model.torch_typename == 'nn.Sequential'
    assert model.modules[0].torch_typename == 'nn.Linear'
    assert model.modules[0].weight.ndim == 2


def test_python_round_trip_keeps_references(tmp_path):
    a = np.arange(6.0).reshape(2, 3)
    shared = {'k': 1}
    obj = {'a': a, 'again': a, 'b': a.T, 'list': [shared, shared, 'x'], 'flag': True, 'none': None,
           'bytes': b'\xff\x00', 'empty': np.zeros(0, np.int32), 'big': np.int64(2) ** 40}
    p = tmp_path / 'o.t7'
    for mode in ('binary', 'ascii'):
        luatorch.save(str(p), obj, mode)
        back = luatorch.load(str(p), mode)
        assert back['a'] is back['again'] and np.array_equal(back['a'], a)
        assert np.array_equal(back['b'], a.T)
        assert back['list'][0] is back['list'][1] and back['list'][2] == 'x'
        assert back['flag'] is True and 'none' not in back
        assert back['bytes'] == b'\xff\x00' and back['big'] == 2 ** 40
        assert back['empty'].shape == (0,) and back['empty'].dtype == np.int32


def test_loaded_views_share_storage(tmp_path):
    # {base, view} where view = base:narrow(1, 2, 2): one storage, two tensors
    store = np.array([1, 2, 3, 4], np.float64)
    def num(v):
        return i32(1) + struct.pack('<d', v)
    data = (i32(3, 1, 2) + num(1) + torch_head(2, b'torch.DoubleTensor') + i32(1) + i64(4) + i64(1)
            + i64(1) + storage_block(3, b'torch.DoubleStorage', store)
            + num(2) + torch_head(4, b'torch.DoubleTensor') + i32(1) + i64(2) + i64(1) + i64(2)
            + i32(4, 3))
    p = tmp_path / 'v.t7'
    p.write_bytes(data)
    base, view = luatorch.load(str(p))
    view[0] = 100
    assert base.tolist() == [1, 100, 3, 4]


def test_generator_and_versions_in_python(tmp_path):
    state = bytes(range(256)) * 19 + bytes(GEN_PAD)
    data = torch_head(1, b'torch.Generator') + state
    p = tmp_path / 'g.t7'
    p.write_bytes(data)
    g = luatorch.load(str(p))
    assert g.torch_typename == 'torch.Generator' and g.state == state
    luatorch.save(str(p), g)
    assert p.read_bytes() == data
    # a class saved before versioning: no 'V n' string
    p.write_bytes(i32(4, 1) + s(b'Old') + i32(3, 2, 1) + i32(2) + s(b'x') + i32(1) + struct.pack('<d', 2))
    old = luatorch.load(str(p))
    assert old.torch_typename == 'Old' and old.version == 0 and old.x == 2


GEN_PAD = [0] * (t7.GENERATOR_STATE - 256 * 19)


# ----------------------------------------------------------------------------- malformed files


def _seed_bytes(tmp_path):
    obj = {'t': np.arange(12, dtype=np.float32).reshape(3, 4), 's': 'str', 'n': [1, 2, {'x': True}]}
    p = tmp_path / 'seed.t7'
    luatorch.save(str(p), obj)
    return p.read_bytes()


def test_every_truncation_is_a_clean_error(tmp_path):
    data = _seed_bytes(tmp_path)
    for n in range(len(data)):
        with pytest.raises(TorchError):
            t7.load(F.memory_file_from_bytes(data[:n]))
    p = tmp_path / 'trunc.t7'
    for n in range(0, len(data), 7):
        p.write_bytes(data[:n])
        with pytest.raises(TorchError):
            luatorch.load(str(p))


@pytest.mark.parametrize('bad, message', [
    (i32(9), 'unknown object'),
    (i32(2, -5), 'invalid string size'),
    (i32(2, 1 << 30) + b'ab', 'read error: read 2 blocks instead of 1073741824'),
    (i32(3, 1, -1), 'invalid table size'),
    (torch_head(1, b'torch.DoubleTensor') + i32(65), 'invalid tensor in file: 65 dimensions'),
    (torch_head(1, b'torch.DoubleTensor') + i32(1) + i64(5) + i64(1) + i64(1)
     + storage_block(2, b'torch.DoubleStorage', np.zeros(3)), 'exceed its storage of 3 elements'),
    (torch_head(1, b'torch.DoubleTensor') + i32(1) + i64(2) + i64(-1) + i64(1)
     + storage_block(2, b'torch.DoubleStorage', np.zeros(3)), 'negative'),
    (torch_head(1, b'torch.DoubleTensor') + i32(1) + i64(2) + i64(1) + i64(1)
     + storage_block(2, b'torch.FloatStorage', np.zeros(3, np.float32)), 'bad storage'),
    (torch_head(1, b'torch.DoubleTensor') + i32(2) + i64(2, 2) + i64(2, 1) + i64(1) + i32(0), 'no storage'),
    (torch_head(1, b'torch.DoubleStorage') + i64(1 << 40) + b'12345678', 'read error'),
    (torch_head(1, b'torch.DoubleStorage') + i64(-2), 'invalid torch.DoubleStorage size'),
    (torch_head(1, b'torch.Generator') + b'\0' * 100, 'read 100 blocks instead of 5048'),
])
def test_malformed_files_give_clear_errors(bad, message):
    with pytest.raises(TorchError, match=message):
        t7.load(F.memory_file_from_bytes(bad))


def test_huge_sizes_allocate_nothing(tmp_path):
    """Headers claiming gigabytes: refused before any allocation (peak stays tiny)."""
    cases = [torch_head(1, b'torch.DoubleStorage') + i64(1 << 37) + b'\0' * 64,
             i32(2, 0x7fffffff) + b'x' * 64,
             torch_head(1, b'torch.ByteStorage') + i64((1 << 62)) + b'\0' * 64]
    p = tmp_path / 'huge.t7'
    for data in cases:
        p.write_bytes(data)
        tracemalloc.start()
        for opener in (lambda: F.memory_file_from_bytes(data), lambda: str(p)):
            with pytest.raises(TorchError):
                t7.load(opener())
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < 1 << 20, peak


def test_deep_nesting_is_an_error_not_a_crash():
    n = t7.MAX_DEPTH + 10
    data = b''.join(i32(3, i + 1, 1, 1) + struct.pack('<d', 1) for i in range(n)) + i32(0)
    with pytest.raises(TorchError, match='nesting too deep'):
        t7.load(F.memory_file_from_bytes(data))
    ok = b''.join(i32(3, i + 1, 1, 1) + struct.pack('<d', 1) for i in range(3000)) + i32(0)
    depth, t = 0, t7.load(F.memory_file_from_bytes(ok))
    while isinstance(t, list):
        t, depth = t[0], depth + 1
    assert depth == 2999 and t == {}   # the innermost table holds only a nil


def test_save_rejects_unsupported_values(tmp_path):
    with pytest.raises(TorchError, match='complex128'):
        luatorch.save(str(tmp_path / 'c.t7'), np.zeros(2, np.complex128))
    with pytest.raises(TorchError, match='cannot save a Python object'):
        luatorch.save(str(tmp_path / 'c.t7'), object())


def test_tensor_keys_come_back_as_array_keys(tmp_path):
    a = np.arange(3.0)
    p = tmp_path / 'k.t7'
    luatorch.save(str(p), {t7.ArrayKey(a): 'tensor key', 'a': a})
    back = luatorch.load(str(p))
    (key,) = [k for k in back if isinstance(k, t7.ArrayKey)]
    assert back[key] == 'tensor key' and key.array is back['a'] and key.array.tolist() == [0, 1, 2]
