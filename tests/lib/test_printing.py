"""Byte-exact tensor/storage printing against the golden Torch7 outputs.

The Lua snippets in shared/golden/tensor_print cannot be run here (that needs
the Lua binding), so each case rebuilds its tensors in numpy and checks that
`tostring(x) .. '\n'` (what trepl's print writes for a tensor) reproduces the
recorded stdout, piece by piece.
"""
import re
from pathlib import Path

import numpy as np
import pytest

from luatorch.lib import printing as P
from luatorch.lib import types as T
from luatorch.lib.printing import print_format, storage_tostring, tensor_tostring

SHARED = Path(__file__).resolve().parents[2].parent / 'shared'
GOLDEN = SHARED / 'golden'


def golden(area, name):
    path = GOLDEN / area / (name + '.out')
    if not path.is_file():
        pytest.skip('golden output %s not available' % path)
    return path.read_text()


def rng(a, b):
    """torch.range(a, b) (doubles)."""
    return np.arange(a, b + 1, dtype=np.float64)


def tp(arr, ttype=T.Double):
    """What print(tensor) writes."""
    return tensor_tostring(np.asarray(arr, dtype=ttype.dtype), ttype) + '\n'


def sp(arr, ttype=T.Double):
    """What print(storage) writes."""
    return storage_tostring(np.asarray(arr, dtype=ttype.dtype), ttype) + '\n'


# ---------------------------------------------------------------- whole files
# Cases whose .out is nothing but printed tensors/storages.

CASES = {
    'float_1d': lambda: [
        tp([0.5, 1.25, -3.125]),
        tp([1 / 3, 2 / 3, 1]),
        tp([12.5, 99.75]),
        tp([-0.1, 0.2, 9.99]),
    ],
    'int_1d': lambda: [
        tp([1, -2, 30, 400, 0]),
        tp([7]),
        tp([-1, -1]),
    ],
    'int_2d': lambda: [
        tp([[1, 2, 3], [-4, 50, 600]]),
        tp(np.zeros((3, 2))),
        tp(np.eye(3)),
    ],
    'long_values': lambda: [
        tp([123456789, -1], T.Long),
        tp([1234567890, 2], T.Long),
        tp([2147483647, -2147483647], T.Int),
        tp([999999999]),
        tp([1000000000]),
    ],
    'mixed_exp': lambda: [
        tp([1e-10, 1, 1e10]),
        tp([[1e-8, 5], [3e9, -2.5]]),
        tp([0.5, 1e7 + 0.25]),
        tp([1e-120, 1]),
        tp([1e-6, 123.5], T.Float),
    ],
    'negative_float': lambda: [
        tp([-0.5, -0.25, 0.125]),
        tp([[-0.9, 0.1], [0.55, -0.05]]),
        tp([0, 0.5]),
        tp([-10.5, 10.5]),
    ],
    'scale_large': lambda: [
        tp([1234.5, 2345.25, 100.5]),
        tp([123456.5, 234567.25]),
        tp([[123456.5, 200000], [300000, 450000.5]]),
        tp([1e6, 2e6, 3e6]),
        tp([123456.5, 2.5]),
        tp([1e10, 2e10]),
    ],
    'scale_small': lambda: [
        tp([0.012, 0.034, -0.056]),
        tp([1.5e-5, 2.25e-5, 3e-5]),
        tp([[0.001, 0.002], [0.003, 0.0045]]),
        tp([0.0001, -0.0009]),
        tp([0, 0.05]),
    ],
    'storage': lambda: [
        sp([1.5, 2, 3, 4]),
        sp([1, 2, 3], T.Int),
        sp([0.001, 0.002], T.Float),
        sp([255, 255, 255], T.Byte),
        sp([10, -20], T.Long),
        sp([65, 65], T.Char),
    ],
    'tensor_3d': lambda: [
        tp(rng(1, 12).reshape(2, 2, 3)),
        tp(rng(1, 8).reshape(2, 2, 2) * 0.25),
        tp(np.full((3, 1, 1), 2.0)),
        tp(np.full((1, 2, 2), -3), T.Int),
    ],
    'tensor_3d_wide': lambda: [
        tp(rng(1, 40).reshape(2, 1, 20) * 1.5),
        tp(np.array([1e-6, 1, 1e6, 2]).reshape(2, 1, 2)),
        tp(np.array([0.01, 0.02, 0.03, 0.04]).reshape(1, 2, 2)),
    ],
    'tensor_4d': lambda: [
        tp(rng(1, 16).reshape(2, 2, 2, 2)),
        tp(np.full((1, 1, 1, 3), -0.5)),
        tp(rng(1, 8).reshape(2, 1, 2, 2) * 1000.5),
        tp(np.full((1, 1, 1, 1, 2), 7.0)),
    ],
    'types': lambda: (
        [tp([1, 2, 3, 4], t) for t in T.TYPES]
        + [tp([-5, 7], T.Char),
           tp([0.1, 0.25], T.Float),
           tp([[1, -2], [300, 4]], T.Int)]),
    'views_print': lambda: [
        tp(np.array([1, 2, 3, 1000.5, 0.001])[0:3]),
        tp(np.array([1, 2, 3, 1000.5, 0.001])[3:4]),
        tp(rng(1, 6).reshape(2, 3).T),                  # non-contiguous
        tp(rng(1, 6).reshape(2, 3)[:, 1]),              # strided select
    ],
    'wide_columns': lambda: [
        tp(rng(1, 60).reshape(2, 30)),
        tp(rng(1, 24).reshape(2, 12) / 8),
    ],
    'wide_scaled': lambda: [
        tp(rng(1, 26).reshape(2, 13) * 0.001),
        tp(rng(1, 30).reshape(1, 30) * (1e5 + 0.5)),
        tp(rng(1, 16).reshape(2, 8) * 1e-7),
        tp(rng(-7, 7).reshape(1, 15) / 3),
    ],
}


@pytest.fixture(params=['plain', 'vectorized'])
def path(request, monkeypatch):
    """Run a test through the per-value path and again through the numpy
    fixed-width path (normally only used for big tensors)."""
    if request.param == 'vectorized':
        monkeypatch.setattr(P, '_FAST_MIN', 0)
    return request.param


@pytest.mark.parametrize('name', sorted(CASES))
def test_golden_tensor_print(name, path):
    expected = golden('tensor_print', name)
    got = ''.join(CASES[name]())
    assert got == expected


# ------------------------------------------------------ files with other prints

def test_empty():
    out = golden('tensor_print', 'empty')
    got = (tp(np.zeros(0)) + tp(np.zeros(0, np.int32), T.Int)
           + sp(np.zeros(0)))
    assert out.startswith(got)
    # numpy shapes with no element (or no dimension) are Torch's empty tensor
    assert tensor_tostring(np.zeros((2, 0)), T.Double) == \
        '[torch.DoubleTensor with no dimension]\n'
    assert tensor_tostring(np.zeros(()), T.Float) == \
        '[torch.FloatTensor with no dimension]\n'


def test_print_empty_call():
    out = golden('tensor_print', 'print_empty_call')
    one = tensor_tostring(np.array([1.0]), T.Double)
    two = tensor_tostring(np.array([2.0]), T.Double)
    three = tensor_tostring(np.array([3.0]), T.Double)
    assert out == ('after empty print\n'
                   'a\t' + one + '\n'
                   + two + '\n' + 'b\t\n'
                   + '1\t2\t' + three + '\n')


def test_size_storage():
    out = golden('tensor_print', 'size_storage')
    size = sp([2, 3, 4], T.Long)
    assert out == (size + size + sp([5], T.Long) + '3\t3\t24\t\n'
                   + sp([3, 4], T.Long))


def test_tostring_fn():
    out = golden('tensor_print', 'tostring_fn')
    got = (tensor_tostring(np.array([[1.0, 2], [3, 4]]), T.Double)
           + '[' + storage_tostring(np.array([5], np.int32), T.Int) + ']\n')
    assert out.startswith(got)
    assert out[len(got):].startswith('torch.DoubleTensor\t')


# --------------------------------------------------- other areas of the corpus

# Every tensor/storage printed anywhere in the corpus (tensor_ops, random, nn,
# optim, nngraph, ...) is read back from its text and printed again: the
# result must be the recorded bytes.  Reading back is exact for integer mode
# and close enough for the other formats that Torch's format choice does not
# change; blocks where reading back visibly loses information (values shown
# with decimals that read back as integers: %e with hidden digits, or scaled
# values) are left out.

_FOOTER = re.compile(r'\[torch\.(\w+)(Tensor|Storage) of size ([0-9x]+)\]\n')
_COLS = re.compile(r'Columns (\d+) to (\d+)$')
_SCALE = re.compile(r'(\S+) \*$')
_HEAD = re.compile(r'\(((?:\d+,)+)\.,\.\) = $')


def _read_matrix(lines, end, nrows, ncols, toks):
    """Values of a printed matrix whose last row is lines[end - 1], and the
    index of its first line (a leading 'Columns' or scale line included).
    The number fields read are appended to toks."""
    mat = np.full((nrows, ncols), np.nan)
    while True:
        rows = lines[end - nrows:end]
        i = end - nrows
        scale = 1.0
        if i > 0 and _SCALE.search(lines[i - 1]):
            scale = float(_SCALE.search(lines[i - 1]).group(1))
            i -= 1
        a, b = 1, ncols
        if i > 0 and _COLS.search(lines[i - 1]):
            m = _COLS.search(lines[i - 1])
            a, b = int(m.group(1)), int(m.group(2))
            i -= 1
        k = b - a + 1
        for r, ln in enumerate(rows):
            row = ln.split()[-k:]
            assert len(row) == k, ln
            toks.extend(row)
            mat[r, a - 1:b] = [float(t) * scale for t in row]
        if a == 1:
            return mat, i
        assert lines[i - 1] == ''
        end = i - 1


def _read_back(text, m):
    """(values, tokens) of the tensor/storage whose footer is the match m."""
    kind = m.group(2)
    sizes = [int(x) for x in m.group(3).split('x')]
    lines = text[:m.start()].split('\n')[:-1]
    if kind == 'Storage' or len(sizes) == 1:
        n = sizes[0]
        i = len(lines) - n
        toks = [ln.split()[-1] for ln in lines[i:]]
        scale = 1.0
        if i > 0 and _SCALE.search(lines[i - 1]):
            scale = float(_SCALE.search(lines[i - 1]).group(1))
        return np.array([float(t) for t in toks]) * scale, toks
    toks = []
    if len(sizes) == 2:
        vals = _read_matrix(lines, len(lines), *sizes, toks)[0]
    else:
        vals = np.full(sizes, np.nan)
        end = len(lines)
        for _ in range(int(np.prod(sizes[:-2]))):
            mat, i = _read_matrix(lines, end, *sizes[-2:], toks)
            head = _HEAD.search(lines[i - 1])
            idx = tuple(int(x) - 1 for x in head.group(1).rstrip(',').split(','))
            vals[idx] = mat
            end = i - 2
    return vals, toks


def test_roundtrip_every_block_in_corpus(path):
    if not GOLDEN.is_dir():
        pytest.skip('golden corpus not available')
    checked = 0
    for out in sorted(GOLDEN.glob('*/*.out')):
        text = out.read_text(errors='replace')
        for m in _FOOTER.finditer(text):
            if m.group(1) not in T.BY_NAME:
                continue
            ttype = T.BY_NAME[m.group(1)]
            vals, toks = _read_back(text, m)
            assert not np.isnan(vals).any(), (out.name, m.group(0))
            if (np.all(vals == np.round(vals))
                    and any('.' in t for t in toks)):
                continue        # lossy read-back, see above
            fn = storage_tostring if m.group(2) == 'Storage' else tensor_tostring
            got = fn(vals.astype(ttype.dtype), ttype)
            assert text[:m.end()].endswith(got), (out.name, m.start(), got)
            checked += 1
    assert checked > 550, checked


# ------------------------------------------------------------- format rules

def fmt(values, ttype=T.Double):
    return print_format(np.asarray(values, dtype=np.float64), ttype)


def test_format_rules():
    assert fmt([1, 2, 3]) == ('%2d', None, 2)
    assert fmt([0, 0]) == ('%2d', None, 2)
    assert fmt([999999999]) == ('%10d', None, 10)
    assert fmt([1e9]) == ('%11.4e', None, 11)
    assert fmt([0.5]) == ('%7.4f', None, 7)
    assert fmt([1.5]) == ('%7.4f', None, 7)
    assert fmt([12345.5]) == ('%11.4f', None, 11)
    assert fmt([123456.5]) == ('%7.4f', 1e5, 7)
    assert fmt([0.05]) == ('%7.4f', 0.01, 7)
    assert fmt([1e-5, 1]) == ('%11.4e', None, 11)
    assert fmt([1e-100, 1]) == ('%11.4e', None, 11)
    assert fmt([1e-101, 1]) == ('%12.4e', None, 12)
    assert fmt([1e101, 1.5]) == ('%12.4e', None, 12)
    assert fmt([]) == ('', None, 0)


def test_nan_and_inf():
    nan, inf = float('nan'), float('inf')
    # a NaN anywhere: plain %f, no scale, one column block
    f, scale, width = fmt([1.5, nan])
    assert (f, scale) == ('%f', None) and width != width
    assert tensor_tostring(np.array([1.5, nan, -inf]), T.Double) == (
        '1.500000\nnan\n-inf\n[torch.DoubleTensor of size 3]\n')
    wide = np.arange(40.0).reshape(1, 40)
    wide[0, 0] = nan
    s = tensor_tostring(wide, T.Double)
    assert 'Columns' not in s
    assert s.startswith('nan 1.000000 2.000000 ')
    # infinities keep integer mode, whose huge exponent gives %11.4e
    assert tensor_tostring(np.array([inf, -1.0]), T.Double) == (
        '        inf\n-1.0000e+00\n[torch.DoubleTensor of size 2]\n')
    # with fractions: wide exponent spread
    assert tensor_tostring(np.array([-inf, 0.5]), T.Float) == (
        '        -inf\n  5.0000e-01\n[torch.FloatTensor of size 2]\n')


def test_negative_zero_and_integer_types():
    assert tensor_tostring(np.array([-0.0, 1.0]), T.Double) == (
        ' 0\n 1\n[torch.DoubleTensor of size 2]\n')
    assert tensor_tostring(np.array([-0.0, 0.5]), T.Double) == (
        '-0.0000\n 0.5000\n[torch.DoubleTensor of size 2]\n')
    assert tensor_tostring(np.array([0, 255], np.uint8), T.Byte) == (
        '   0\n 255\n[torch.ByteTensor of size 2]\n')
    assert tensor_tostring(np.array([-128, 127], np.int8), T.Char) == (
        '-128\n 127\n[torch.CharTensor of size 2]\n')


def test_3d_slice_order_and_separators():
    a = np.arange(1.0, 9.0).reshape(2, 2, 2)
    assert tensor_tostring(a, T.Double) == (
        '(1,.,.) = \n'
        '  1  2\n'
        '  3  4\n'
        '\n'
        '(2,.,.) = \n'
        '  5  6\n'
        '  7  8\n'
        '[torch.DoubleTensor of size 2x2x2]\n')
    b = np.arange(24.0).reshape(2, 3, 2, 2)
    s = tensor_tostring(b, T.Double)
    heads = re.findall(r'\((\d),(\d),\.,\.\) = ', s)
    assert heads == [('1', '1'), ('2', '1'), ('1', '2'), ('2', '2'),
                     ('1', '3'), ('2', '3')]


def test_scaled_3d_multi_row():
    a = np.array([0.01, 0.02, 0.03, 0.04, 0.05, 0.06]).reshape(1, 3, 2)
    assert tensor_tostring(a, T.Double) == (
        '(1,.,.) = \n'
        ' 0.01 *\n'
        '   1.0000  2.0000\n'
        '   3.0000  4.0000\n'
        '   5.0000  6.0000\n'
        '[torch.DoubleTensor of size 1x3x2]\n')


def test_big_tensor_layout():
    # (speed is measured in benchmarks/, not here)
    a = np.random.RandomState(0).uniform(1, 9, (1000, 1000))
    s = tensor_tostring(a, T.Double)
    assert s.endswith('[torch.DoubleTensor of size 1000x1000]\n')
    assert s.count('Columns') == 100      # 10 columns of width 7 per block
    s = tensor_tostring(np.arange(1e6), T.Double)
    assert s.endswith('[torch.DoubleTensor of size 1000000]\n')


def _both_paths(x, ttype, monkeypatch):
    monkeypatch.setattr(P, '_FAST_MIN', 0)
    fast = tensor_tostring(x, ttype)
    monkeypatch.setattr(P, '_FAST_MIN', 10 ** 12)
    plain = tensor_tostring(x, ttype)
    return fast, plain


@pytest.mark.parametrize('seed', range(4))
def test_vectorized_path_equals_printf(seed, monkeypatch):
    """The numpy fields must be exactly printf's, including rounding ties,
    values next to powers of ten, huge/tiny exponents, -0, inf."""
    rs = np.random.RandomState(seed)
    n = 600
    pow10 = 10.0 ** rs.randint(-30, 30, n)
    samples = [
        rs.randn(n) * 10.0 ** rs.randint(-300, 300),
        rs.randint(-2 ** 20, 2 ** 20, n) / 2.0 ** rs.randint(0, 20),
        np.round(rs.randn(n) * 1e5) / 1e4 + rs.choice([0, 5e-5], n),
        pow10 * rs.choice([1, -1, 0.99999, 9.99995, 9.9999499, 9.99996], n),
        np.nextafter(pow10, rs.choice([0, np.inf], n)),
        rs.randint(-10 ** 9 + 1, 10 ** 9, n).astype(float),
        rs.uniform(-1e5, 1e5, n),
        (rs.randint(-99999, 99999, n) + 0.5) / 10.0 ** rs.randint(0, 9),
        np.ldexp(rs.randint(1, 2 ** 20, n).astype(float),
                 rs.randint(-1074, 970, n)),
        np.where(rs.rand(n) < 0.1, -0.0, rs.randn(n) * 1e-3),
        np.where(rs.rand(n) < 0.05, np.inf, rs.randn(n)),
        rs.uniform(0.001, 0.099, n),
        rs.uniform(1e5, 9e6, n),
    ]
    for v in samples:
        for shape in [(n,), (20, 30), (3, 4, 50), (2, 3, 10, 10)]:
            x = v.reshape(shape)
            for ttype in (T.Double, T.Float):
                with np.errstate(over='ignore'):    # float32 overflow: inf
                    xt = x.astype(ttype.dtype)
                fast, plain = _both_paths(xt, ttype, monkeypatch)
                assert fast == plain
    # every format directly, against Python's printf
    for v in samples:
        for fmt, w in [('%7.4f', 7), ('%9.4f', 9), ('%11.4f', 11),
                       ('%11.4e', 11), ('%12.4e', 12), ('%5d', 5),
                       ('%10d', 10)]:
            x = v[np.isfinite(v)] if not fmt.endswith('e') else v
            if fmt.endswith('f'):
                x = x[np.abs(x) < 10.0 ** (w - 6)]
            if fmt.endswith('d'):
                x = np.trunc(x[np.abs(x) < 10.0 ** (w - 1)])
            fields = P._fast_fields(x, fmt, w) if x.size else None
            if fields is None:
                continue
            assert [bytes(r).decode() for r in fields] == \
                P._format_all(x, fmt), fmt


def test_integer_types_vectorized(monkeypatch):
    rs = np.random.RandomState(3)
    for ttype in T.TYPES:
        info = (np.iinfo(ttype.dtype) if not ttype.is_float
                else np.iinfo(np.int32))
        x = rs.randint(max(info.min, -2 ** 40), min(info.max, 2 ** 40),
                       (7, 90)).astype(ttype.dtype)
        fast, plain = _both_paths(x, ttype, monkeypatch)
        assert fast == plain
