"""`th --notebook`: iTorch's cell rules, `-- cell N --` and `ERROR:` lines, the output notebook
(streams, errors, PNG display data), the itorch global, and the tutorial's tensor cells."""
import base64
import json
import re
import struct
import subprocess
import sys
import zlib

import numpy as np
import pytest

from helpers import ROOT, SHARED

FIXTURE = ROOT / 'tests' / 'fixtures' / 'itorch_cells.ipynb'
TUTORIAL = SHARED / 'tutorials' / '000_deep_learning_with_torch.ipynb'

# what `th --notebook` prints for the fixture (image paths replaced by IMG)
FIXTURE_STDOUT = """\
-- cell 1 --
-- cell 2 --
hello\t
-- cell 3 --
hello\t
-- cell 4 --
-- cell 5 --

-- cell 6 --
-- cell 7 --
1\t2\t
-- cell 8 --
-- cell 9 --
3\t
-- cell 10 --
-- cell 11 --
 1  2
 3  4
[torch.DoubleTensor of size 2x2]

-- cell 12 --
10\t2\t
-- cell 13 --
{
  1 : 1
  2 : two
  three : 3
}
-- cell 14 --
ERROR: [string "b = {1 = 'c'}..."]:1: '}' expected near '='
-- cell 15 --
ERROR: [string "local f = function() return error('deliberate..."]:1: deliberate
-- cell 16 --
still running\t
-- cell 17 --
1\t
2\t
-- cell 18 --
partial line\t
-- cell 19 --
itorch.image: IMG/cell19_1.png (2x2)

-- cell 20 --
itorch.image: IMG/cell20_1.png (12x6)

-- cell 21 --
itorch: text/html output (11 characters)
-- cell 22 --
ERROR: [string "local f = function() return itorch.Plot() end..."]:1: itorch.Plot: not supported in luatorch (it needs the Bokeh plotting of iTorch)
-- cell 23 --
torch.randn: a function (no offline documentation in luatorch)\t

-- cell 24 --
to stdout\t
-- cell 25 --
-- cell 26 --
2\t
"""


def th_notebook(*args, cwd=ROOT):
    return subprocess.run([sys.executable, '-m', 'luatorch.cli', '--notebook', *map(str, args)],
                          capture_output=True, text=True, timeout=300, cwd=cwd)


def png_pixels(data):
    """Decode the PNGs this project writes (8-bit grey or RGB, filter 0): (array, colour type)."""
    assert data[:8] == b'\x89PNG\r\n\x1a\n'
    pos, chunks = 8, {}
    while pos < len(data):
        n, tag = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        assert struct.unpack('>I', data[pos + 8 + n:pos + 12 + n])[0] == zlib.crc32(tag + body)
        chunks[tag] = chunks.get(tag, b'') + body
        pos += 12 + n
    w, h, depth, ctype = struct.unpack('>IIBB', chunks[b'IHDR'][:10])
    assert depth == 8
    ch = {0: 1, 2: 3}[ctype]
    raw = np.frombuffer(zlib.decompress(chunks[b'IDAT']), np.uint8).reshape(h, 1 + w * ch)
    assert (raw[:, 0] == 0).all()
    return raw[:, 1:].reshape(h, w, ch), ctype


def test_runner_prints_cells_as_itorch_runs_them(tmp_path):
    p = th_notebook(FIXTURE, '--images', tmp_path / 'img')
    assert p.returncode == 1  # some cells failed
    assert p.stdout.replace(str(tmp_path / 'img'), 'IMG') == FIXTURE_STDOUT
    assert p.stderr == 'to stderr\n'
    assert 'Traceback' not in p.stdout + p.stderr
    img, ctype = png_pixels((tmp_path / 'img' / 'cell19_1.png').read_bytes())
    assert ctype == 0 and img[:, :, 0].tolist() == [[0, 255], [255, 0]]


def test_output_notebook_has_streams_errors_and_images(tmp_path):
    out = tmp_path / 'out.ipynb'
    p = th_notebook(FIXTURE, '--output', out)
    assert p.returncode == 1, p.stderr
    nb = json.loads(out.read_text())
    code = [c for c in nb['cells'] if c['cell_type'] == 'code']
    assert [c['execution_count'] for c in code] == list(range(1, 27))
    assert [c['cell_type'] for c in nb['cells']][0] == 'markdown'

    def outs(n):
        return code[n - 1]['outputs']

    assert outs(1) == []
    assert outs(2) == [{'output_type': 'stream', 'name': 'stdout', 'text': ['hello\t\n']}]
    assert outs(11) == [{'output_type': 'stream', 'name': 'stdout',
                         'text': [' 1  2\n', ' 3  4\n', '[torch.DoubleTensor of size 2x2]\n', '\n']}]
    err = outs(15)[0]
    assert err['output_type'] == 'error' and err['ename'] == 'error'
    assert err['evalue'] == '[string "local f = function() return error(\'deliberate..."]:1: deliberate'
    assert err['traceback'][:2] == [err['evalue'], 'stack traceback:']
    img = outs(20)[0]
    assert img['output_type'] == 'display_data'
    assert img['metadata'] == {'image/png': {'width': 12, 'height': 6}}
    pix, _ = png_pixels(base64.b64decode(img['data']['image/png']))
    # image.toDisplayTensor: two 4x4 images side by side, padding 2 filled with the maximum
    expect = np.full((6, 12), 255)
    expect[1:5, 1:5] = 0
    assert pix[:, :, 0].tolist() == expect.tolist()
    assert outs(21)[0]['data']['text/html'] == ['<b>bold</b>']
    # the two streams of one cell (their relative order is not kept)
    assert sorted(outs(24), key=lambda o: o['name']) == [
        {'output_type': 'stream', 'name': 'stderr', 'text': ['to stderr\n']},
        {'output_type': 'stream', 'name': 'stdout', 'text': ['to stdout\t\n']}]
    assert (tmp_path / 'out_files' / 'cell19_1.png').exists()


def test_itorch_outside_a_notebook_and_bad_input(tmp_path):
    nb = {'cells': [{'cell_type': 'code', 'source': s, 'metadata': {}, 'outputs': []} for s in [
        "itorch.image('missing.png')",
        "itorch.image({})",
        "itorch.image(42)",
        "itorch.video('clip.avi')",
        "itorch.image(torch.rand(3, 5, 7)); print('rgb ok')",
    ]], 'metadata': {}, 'nbformat': 4, 'nbformat_minor': 2}
    path = tmp_path / 'bad.ipynb'
    path.write_text(json.dumps(nb))
    p = th_notebook(path, '--images', tmp_path)
    errors = re.findall(r'ERROR: (.*)', p.stdout)
    assert len(errors) == 4
    assert errors[0].endswith('itorch.image: missing.png: No such file or directory')
    assert errors[1].endswith('itorch.image: empty table of images')
    assert errors[2].endswith('unhandled type in itorch.image:number')
    assert errors[3].endswith('itorch.video: mp4, ogg, ogv, webm files supported. But found extension: avi')
    assert 'rgb ok' in p.stdout
    pix, ctype = png_pixels((tmp_path / 'cell5_1.png').read_bytes())
    assert ctype == 2 and pix.shape == (5, 7, 3)
    assert 'Traceback' not in p.stdout + p.stderr
    # plain th has no itorch global; the module explains itself when used outside a notebook
    r = subprocess.run([sys.executable, '-m', 'luatorch.cli', '-e',
                        "print(itorch); local it = require 'itorch'; print(pcall(it.html, 'x'))"],
                       capture_output=True, text=True, timeout=60)
    assert r.stdout.startswith('nil\t\nfalse\t')
    assert 'no notebook to display in' in r.stdout


def test_usage_errors(tmp_path):
    p = th_notebook(tmp_path / 'nope.ipynb')
    assert p.returncode == 2 and 'cannot open' in p.stderr
    p = th_notebook()
    assert p.returncode == 2 and 'Usage: th --notebook' in p.stderr
    bad = tmp_path / 'bad.ipynb'
    bad.write_text('{not json')
    p = th_notebook(bad)
    assert p.returncode == 2 and 'Traceback' not in p.stderr


@pytest.mark.skipif(not TUTORIAL.exists(), reason='../shared/tutorials is absent')
def test_tutorial_tensor_cells(tmp_path):
    nb = json.loads(TUTORIAL.read_text())
    code = [c for c in nb['cells'] if c['cell_type'] == 'code']
    nb['cells'] = code[:39]  # the Lua and tensor part, before the CUDA cell
    path = tmp_path / 'tensors.ipynb'
    path.write_text(json.dumps(nb))
    p = th_notebook(path)
    assert 'Traceback' not in p.stdout + p.stderr
    cells = re.split(r'^-- cell (\d+) --\n', p.stdout, flags=re.M)[1:]
    out = {int(n): text for n, text in zip(cells[::2], cells[1::2])}
    assert sorted(out) == list(range(1, 40))
    errors = [n for n, t in out.items() if 'ERROR:' in t]
    assert errors == [14]  # `b = {1 = 'c'}` fails in Torch7 too
    # what Torch7 prints for the deterministic cells
    assert out[2] == 'hello\t\n'
    assert out[5] == '{\n  1 : hello\n}\n'
    assert out[7] == 'hello\t\n30\t\n'
    assert out[8] == '40\t\n'
    # a:print() returns nothing: the cell's print() with no argument prints an empty line
    assert re.fullmatch(r'\{\n  1 : 1\n  2 : 2\n  a : 3\n  print : function: 0x[0-9a-f]+\n\}\n\n', out[13])
    assert out[14] == 'ERROR: [string "b = {1 = \'c\'}..."]:1: \'}\' expected near \'=\'\n'
    assert out[15] == '{\n  1 : hello\n  2 : 30\n}\n'
    assert out[18] == '{\n  a : 7\n  b : 6\n}\n'
    assert out[19] == 'gru\t\n'
    assert out[20] == 'I say woof\t\n'
    for n in (1, 3, 4, 6, 9, 10, 11, 12, 16, 17, 21, 22, 24, 34, 35, 36, 37):
        assert out[n] == '', n
    assert re.fullmatch(r'((  ?\d\.\d{4}){3}\n){5}\[torch\.DoubleTensor of size 5x3\]\n\n', out[23])
    for n in (26, 27, 28):
        assert out[n].endswith('[torch.DoubleTensor of size 5x4]\n\n')
    assert out[30].startswith(' 1  1  1\n') and out[30].endswith('[torch.DoubleTensor of size 5x3]\n\n')
    assert out[38] == (' 1  2  3\n 4  5  6\n[torch.DoubleTensor of size 2x3]\n\n'
                       ' 2  3\n 2  3\n 2  3\n[torch.DoubleTensor of size 3x2]\n\n')
    assert out[39] == ' 12  18\n 30  45\n[torch.DoubleTensor of size 2x2]\n\n'


def test_cells_print_as_itorch_printed(tmp_path):
    # iTorch's kernel printed with Torch's `env` print, not trepl's: print() makes an empty
    # line, strings inside tables are unquoted, an empty (or too deep) nested table shows its
    # address, and a torch object inside a table shows its tostring followed by its fields
    cells = [
        "print()",
        "print(1, nil, 'a')",
        "{x = {y = 'z'}, e = {}}",
        "{1, {2, {3, {4, {5, {6}}}}}}",
        "print('x', torch.Tensor{1})",
        "require 'nn'; m = nn.Linear(2, 3)",
        "m",
        "{m}",
        "setmetatable({}, {__tostring = function() return 'custom' end})",
        "  \n",  # an empty cell is not run (as in Jupyter); run, it would print an empty line
    ]
    nb = {'cells': [{'cell_type': 'code', 'source': s, 'metadata': {}, 'outputs': []} for s in cells],
          'metadata': {}, 'nbformat': 4, 'nbformat_minor': 2}
    path = tmp_path / 'print.ipynb'
    path.write_text(json.dumps(nb))
    p = th_notebook(path)
    assert p.returncode == 0, p.stdout + p.stderr
    parts = re.split(r'^-- cell (\d+) --\n', p.stdout, flags=re.M)[1:]
    out = {int(n): text for n, text in zip(parts[::2], parts[1::2])}
    assert out[1] == '\n'
    assert out[2] == '1\tnil\ta\t\n'
    assert re.fullmatch(r'\{\n  e : table: 0x[0-9a-f]+\n  x : \n    \{\n      y : z\n    \}\n\}\n', out[3])
    assert re.fullmatch(r'\{\n  1 : 1\n  2 : \n    \{\n      1 : 2\n      2 : \n        \{\n'
                        r'          1 : 3\n          2 : \n            \{\n              1 : 4\n'
                        r'              2 : \n                \{\n                  1 : 5\n'
                        r'                  2 : table: 0x[0-9a-f]+\n                \}\n'
                        r'            \}\n        \}\n    \}\n\}\n', out[4])
    assert out[5] == 'x\t 1\n[torch.DoubleTensor of size 1]\n\n'
    assert out[6] == ''
    # a module on its own: its tostring alone, as trepl prints it (the print(module) rule)
    assert out[7] == 'nn.Linear(2 -> 3)\n'
    nested = out[8].split('\n')
    assert nested[:5] == ['{', '  1 : ', '    nn.Linear(2 -> 3)', '    {', '      _type : torch.DoubleTensor']
    assert '      weight : DoubleTensor - size: 3x2' in nested
    assert out[9] == 'custom\n'
    assert out[10] == ''
