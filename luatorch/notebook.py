"""iTorch notebooks without Jupyter: `th --notebook NB.ipynb [--output OUT.ipynb]`.

The code cells run in order in one Lua state, each as iTorch runs a cell (lua/trepl/repl.lua
`run_cell`): a cell ending in ';' or starting with 'print' is a plain chunk, any other cell
that compiles as `return <cell>` prints its values; `local` stays inside its cell. `print` is
iTorch's (Torch's `env` print, lua/itorch/print.lua), not th's trepl print: print() makes an
empty line, strings in tables are unquoted, torch objects inside tables list their fields (a
module printed on its own shows its Torch layout alone, as trepl). Before each
cell's output a line `-- cell N --` is printed (N counts code cells from 1); a failing cell
prints `ERROR: message` and the next cells still run. With --output the notebook is written
back with its outputs: stdout/stderr streams, errors and itorch's rich outputs (display_data).

The pieces shared with the Jupyter kernel (luatorch/kernel): `Session` (a Lua state running
cells, completion, interrupts), `Capture` (file-descriptor level capture of stdout/stderr, so
that everything Lua, C and Python print is seen), `Host` (what `itorch` calls to display) and
the image functions (`display_grid`, `png_bytes`: images laid out as image.toDisplayTensor
does, written as PNG with zlib, no imaging library needed).
"""
import base64
import codecs
import json
import math
import os
import struct
import sys
import tempfile
import threading
import uuid
import zlib

import numpy as np

RUNNER_USAGE = """Usage: th --notebook NOTEBOOK.ipynb [--output OUT.ipynb] [--images DIR]

Runs the code cells of an iTorch notebook in order, as iTorch runs them, printing a line
`-- cell N --` before each cell's output and `ERROR: message` for a cell that fails.
  --output OUT.ipynb   also write the notebook with its outputs filled in
  --images DIR         where itorch.image writes its PNG files (default: OUT_files next to
                       OUT.ipynb, else a new temporary directory)
Exit status: 0 when every cell ran without error, 1 otherwise, 2 for a usage error.
"""

# ---------------------------------------------------------------------------------- images


def png_bytes(img):
    """A PNG file (bytes) of an 8-bit image: HxW (grey) or HxWx3 (RGB) uint8."""
    img = np.ascontiguousarray(img, dtype=np.uint8)
    if img.ndim == 2:
        h, w = img.shape
        ctype, rowlen = 0, w
    elif img.ndim == 3 and img.shape[2] == 3:
        h, w = img.shape[:2]
        ctype, rowlen = 2, 3 * w
    else:
        raise ValueError('png_bytes: expects HxW or HxWx3, got %s' % (img.shape,))
    raw = np.zeros((h, rowlen + 1), dtype=np.uint8)  # filter byte 0 (None) before each row
    raw[:, 1:] = img.reshape(h, rowlen)

    def chunk(tag, data):
        return (struct.pack('>I', len(data)) + tag + data
                + struct.pack('>I', zlib.crc32(tag + data) & 0xffffffff))

    return (b'\x89PNG\r\n\x1a\n'
            + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, ctype, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(raw.tobytes(), 6))
            + chunk(b'IEND', b''))


def _minmax(x, mn=None, mx=None, symm=False, saturate=True):
    """image.minmax in place: x - min, / (max - min); saturate to [0, 1] when a bound was given."""
    if mn is None and mx is None:
        saturate = False
    fmin = 0.0
    if mn is None:
        if symm:
            fmin = max(abs(float(x.min())), abs(float(x.max())))
            mn = -fmin
        else:
            mn = float(x.min())
    if mn != 0:
        x -= mn
    if mx is None:
        mx = fmin * 2 if symm else float(x.max())
    else:
        mx = mx - mn
    if mx != 0:
        x /= mx
    if saturate:
        np.clip(x, 0, 1, out=x)
    return x


def display_grid(arrays, is_tensor=True, opts=None):
    """The display tensor of image.toDisplayTensor (as itorch.image uses it): a CxHxW or HxW
    float array in [0, 1]. `arrays`: one array (HxW, KxHxW, Kx3xHxW, ...) or a list of images."""
    opts = opts or {}
    padding = int(opts.get('padding', 0) or 0)
    nrow = int(opts.get('nrow', 6) or 6)
    scaleeach = bool(opts.get('scaleeach', False))
    mn, mx = opts.get('min'), opts.get('max')
    symm = bool(opts.get('symmetric', False))
    saturate = opts.get('saturate', True)
    saturate = True if saturate is None else bool(saturate)
    if is_tensor:
        packed = np.array(arrays[0], dtype=np.float64)
    else:
        first = np.asarray(arrays[0])
        nd = first.ndim
        if nd < 2:
            raise ValueError('images must have 2 or 3 dimensions')
        c = 1 if nd == 2 else first.shape[0]
        h, w = first.shape[nd - 2], first.shape[nd - 1]
        packed = np.empty((len(arrays), c, h, w))
        for i, a in enumerate(arrays):
            a = np.asarray(a, dtype=np.float64)
            if a.size != c * h * w:
                raise ValueError('image %d has %d elements, image 1 has %d' % (i + 1, a.size, c * h * w))
            packed[i] = a.reshape(c, h, w)
    nd = packed.ndim
    colour4 = nd == 4 and packed.shape[1] in (1, 3)
    if scaleeach and (colour4 or (nd == 3 and packed.shape[0] not in (1, 3))):
        for i in range(packed.shape[0]):
            _minmax(packed[i], mn, mx, symm, saturate)

    def layout(maps, shape):
        nmaps = len(maps)
        xmaps = min(nrow, nmaps)
        ymaps = int(math.ceil(nmaps / xmaps))
        hh, ww = shape[-2] + padding, shape[-1] + padding
        grid = np.full(tuple(shape[:-2]) + (hh * ymaps, ww * xmaps), packed.max())
        k = 0
        for y in range(ymaps):
            for x in range(xmaps):
                if k >= nmaps:
                    break
                y0 = int(math.floor(y * hh + 1 + padding / 2)) - 1
                x0 = int(math.floor(x * ww + 1 + padding / 2)) - 1
                grid[..., y0:y0 + hh - padding, x0:x0 + ww - padding] = maps[k]
                k += 1
        return grid

    if colour4:
        grid = layout(packed, (packed.shape[1], packed.shape[2], packed.shape[3]))
    elif nd == 2 or (nd == 3 and packed.shape[0] in (1, 3)):
        return _minmax(packed, mn, mx, symm, saturate)
    elif nd == 3:
        grid = layout(packed, (packed.shape[1], packed.shape[2]))
    else:
        raise ValueError('packed must be a HxW or KxHxW or Kx3xHxW tensor, or a list of tensors')
    if not scaleeach:
        _minmax(grid, mn, mx, symm, saturate)
    return grid


def grid_png(grid):
    """PNG bytes and (width, height) of a display tensor (HxW, 1xHxW or 3xHxW, values in [0, 1])."""
    g = np.asarray(grid, dtype=np.float64)
    if g.ndim == 3 and g.shape[0] == 1:
        g = g[0]
    if g.ndim == 3:
        if g.shape[0] != 3:
            raise ValueError('an image must have 1 or 3 channels, not %d' % g.shape[0])
        g = g.transpose(1, 2, 0)
    img = np.clip(np.nan_to_num(g) * 255, 0, 255).astype(np.uint8)
    return png_bytes(img), (img.shape[1], img.shape[0])


# ---------------------------------------------------------------------------------- capture


class Capture:
    """Captures what is written to file descriptors 1 and 2 (Lua's C stdio, Python, C code) while
    active; `sink(name, text)` gets it ('stdout'/'stderr'), from a polling thread while the code
    runs and at `poll()`/exit. `real_fds` are the original descriptors, for the host's own output.
    """

    def __init__(self, sink, interval=0.1, streams=(('stdout', 1), ('stderr', 2))):
        self.sink = sink
        self.interval = interval
        self.streams = streams
        self.lock = threading.Lock()
        self.state = []
        self.real_fds = {}
        self._stop = threading.Event()
        self._thread = None

    def __enter__(self):
        sys.stdout.flush()
        sys.stderr.flush()
        for name, fd in self.streams:
            f, path = tempfile.mkstemp(prefix='luatorch-capture-')
            os.close(f)
            wfd = os.open(path, os.O_WRONLY | os.O_APPEND)
            rfd = os.open(path, os.O_RDONLY)
            os.unlink(path)
            saved = os.dup(fd)
            os.dup2(wfd, fd)
            os.close(wfd)
            self.real_fds[name] = saved
            self.state.append((name, fd, rfd, saved, codecs.getincrementaldecoder('utf-8')('replace')))
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name='capture', daemon=True)
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.wait(self.interval):
            self.poll()

    def poll(self):
        with self.lock:
            for name, fd, rfd, saved, dec in self.state:
                chunks = []
                while True:
                    data = os.read(rfd, 1 << 16)
                    if not data:
                        break
                    chunks.append(data)
                text = dec.decode(b''.join(chunks)) if chunks else ''
                if text:
                    self.sink(name, text)

    def __exit__(self, *exc):
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:
            pass
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.poll()
        with self.lock:
            for name, fd, rfd, saved, dec in self.state:
                os.dup2(saved, fd)
                os.close(saved)
                os.close(rfd)
                tail = dec.decode(b'', final=True)
                if tail:
                    self.sink(name, tail)
            self.state = []
            self.real_fds = {}
        return False


# ---------------------------------------------------------------------------------- session

AUDIO = {'mp3': 'mp3', 'wav': 'wav', 'ogg': 'ogg', 'aac': 'aac'}
VIDEO = {'mp4': 'mp4', 'ogg': 'ogg', 'ogv': 'ogg', 'webm': 'webm'}


class Host:
    """What `itorch` asks of its notebook: `display(data, metadata)` shows a MIME bundle
    (subclasses decide where). Each Lua-facing function returns (True, result...) or
    (False, message): errors become Lua errors with that message, never Python tracebacks."""

    def display(self, data, metadata):
        raise NotImplementedError

    def _guard(self, fn):
        def call(*args):
            try:
                r = fn(*args)
            except OSError as e:
                msg = '%s: %s' % (e.filename, e.strerror) if e.filename else str(e)
                return False, msg.encode('utf-8', 'replace')
            except Exception as e:  # shown to the Lua code as an error message
                return False, str(e).encode('utf-8', 'replace') or type(e).__name__.encode()
            if r is None:
                return (True,)
            return True, r
        return call

    def lua_table(self, lua):
        t = lua.table()
        for name in ('image', 'image_file', 'html', 'svg', 'media'):
            t[name.encode()] = self._guard(getattr(self, 'lua_' + name))
        return t

    @staticmethod
    def _s(v):
        return v.decode('utf-8', 'surrogateescape') if isinstance(v, bytes) else v

    def show_png(self, png, size):
        w, h = size
        self.display({'image/png': base64.b64encode(png).decode('ascii'),
                      'text/plain': 'Console does not support images'},
                     {'image/png': {'width': w, 'height': h}})

    def lua_image(self, images, is_tensor, opts):
        from .bindings.export import from_lua
        arrays = [images[i].arr() for i in range(1, len(images) + 1)]
        o = from_lua(opts) if opts is not None else {}
        o = {self._s(k): v for k, v in (o.items() if isinstance(o, dict) else [])}
        grid = display_grid(arrays, bool(is_tensor), o)
        png, size = grid_png(grid)
        self.show_png(png, size)

    def lua_image_file(self, path):
        path = self._s(path)
        with open(path, 'rb') as f:
            data = f.read()
        if not data.startswith(b'\x89PNG\r\n\x1a\n'):
            raise ValueError('%s: only PNG and SVG files can be shown (luatorch has no image package '
                             'to decode other formats)' % path)
        w, h = struct.unpack('>II', data[16:24])
        self.show_png(data, (w, h))

    def lua_html(self, html, window_id=None):
        wid = self._s(window_id) if window_id else str(uuid.uuid4())
        self.display({'text/html': self._s(html), 'text/plain': '<itorch.html>'}, {})
        return wid.encode()

    def lua_svg(self, svg):
        self.display({'image/svg+xml': self._s(svg), 'text/plain': '<itorch.svg>'}, {})

    def lua_media(self, kind, path):
        kind, path = self._s(kind), self._s(path)
        ext = path.rsplit('.', 1)[-1].lower() if '.' in path else ''
        table = AUDIO if kind == 'audio' else VIDEO
        if ext not in table:
            raise ValueError('%s files supported. But found extension: %s'
                             % (', '.join(sorted(set(table))), ext))
        with open(path, 'rb') as f:
            b64 = base64.b64encode(f.read()).decode('ascii')
        html = '<%s controls src="data:%s/%s;base64,%s"></%s>' % (kind, kind, table[ext], b64, kind)
        self.display({'text/html': html, 'text/plain': '<itorch.%s %s>' % (kind, path)}, {})
        return str(uuid.uuid4()).encode()


class Session:
    """One Lua state running notebook cells (th's start-up: paths, sys, xlua; iTorch's print;
    the `itorch` global bound to `host`)."""

    def __init__(self, host, on_stuck=None):
        from .bindings.runtime import Runtime
        from .cli import BOOT
        from .repl import Interrupter
        self.rt = rt = Runtime()
        rt.execute(BOOT)
        lua = rt.lua
        self.M = lua.eval(b"require 'trepl.repl'")
        rt.execute("io.stdout:setvbuf('line')")
        # iTorch's kernel printed with Torch's `env` print, not trepl's (lua/itorch/print.lua)
        rt.execute("print = require('itorch.print').print")
        itorch = lua.eval(b"require 'itorch'")
        itorch[b'_host'] = host.lua_table(lua)
        lua.globals()[b'itorch'] = itorch
        itorch._notebook_mode()
        self.interrupter = Interrupter(rt, on_stuck=on_stuck)
        self.flush = lua.eval(b"function() io.stdout:flush() io.stderr:flush() end")
        self.M.mark_preloaded()

    def run(self, code):
        """Run one cell: (True, None, []) or (False, message, traceback frames)."""
        src = code.encode('utf-8', 'surrogateescape')
        try:
            with self.interrupter.running():
                res = self.M.run_cell(src)
        except Exception as e:  # e.g. an interrupt landing outside the cell's own code
            msg = str(e).splitlines()[0] if str(e) else 'interrupted!'
            return False, msg, []
        finally:
            try:
                self.flush()
            except Exception:
                pass
        if not isinstance(res, tuple):
            res = (res,)
        if res[0]:
            return True, None, []
        msg = res[1].decode('utf-8', 'replace') if isinstance(res[1], bytes) else str(res[1])
        frames = res[2] if len(res) > 2 else None
        lines = [frames[i].decode('utf-8', 'replace') for i in range(1, len(frames) + 1)] if frames else []
        return False, msg, lines

    def status(self, code):
        return self.M.status(code.encode('utf-8', 'surrogateescape')).decode()

    def complete(self, code, cursor_pos=None):
        """(start, matches) completing the word before `cursor_pos` (trepl's completion)."""
        if cursor_pos is None:
            cursor_pos = len(code)
        line = code[:cursor_pos]
        i = len(line)
        while i > 0 and (line[i - 1].isalnum() or line[i - 1] in '_.:'):
            i -= 1
        word = line[i:]
        try:
            res = self.M.complete(word.encode())
            matches = [res[k].decode('utf-8', 'replace') for k in range(1, len(res) + 1)]
        except Exception:
            matches = []
        return i, matches


def error_output(msg, frames):
    tb = [msg] + (['stack traceback:'] + frames if frames else [])
    return {'output_type': 'error', 'ename': 'error', 'evalue': msg, 'traceback': tb}


def cell_source(cell):
    src = cell.get('source', '')
    return ''.join(src) if isinstance(src, list) else src


def split_lines(text):
    """nbformat's multi-line string form: a list of lines, each keeping its newline."""
    return text.splitlines(True)


# ---------------------------------------------------------------------------------- runner


class RunnerHost(Host):
    """`th --notebook`: images go to PNG files whose paths are printed; every rich output is also
    kept for the output notebook."""

    def __init__(self, image_dir):
        self.image_dir = image_dir
        self.outputs = None
        self.capture = None
        self.cell = 0
        self.count = 0

    def write_real(self, text):
        fd = self.capture.real_fds.get('stdout', 1) if self.capture else 1
        os.write(fd, text.encode('utf-8', 'replace'))

    def add_stream(self, name, text):
        outs = self.outputs
        if outs and outs[-1].get('output_type') == 'stream' and outs[-1]['name'] == name:
            outs[-1]['_text'] += text
        else:
            outs.append({'output_type': 'stream', 'name': name, '_text': text})

    def display(self, data, metadata):
        if self.capture:
            self.capture.poll()
        self.outputs.append({'output_type': 'display_data', 'data': data, 'metadata': metadata})
        if 'image/png' in data:
            self.count += 1
            os.makedirs(self.image_dir, exist_ok=True)
            path = os.path.join(self.image_dir, 'cell%d_%d.png' % (self.cell, self.count))
            with open(path, 'wb') as f:
                f.write(base64.b64decode(data['image/png']))
            size = metadata.get('image/png', {})
            self.write_real('itorch.image: %s (%sx%s)\n' % (path, size.get('width'), size.get('height')))
        else:
            kind = next((k for k in data if k != 'text/plain'), 'text/plain')
            self.write_real('itorch: %s output (%d characters)\n' % (kind, len(data[kind])))


def finish_outputs(outputs):
    res = []
    for o in outputs:
        if o.get('output_type') == 'stream':
            res.append({'output_type': 'stream', 'name': o['name'], 'text': split_lines(o['_text'])})
        else:
            if o.get('output_type') == 'display_data':
                o = dict(o, data={k: (v if k.startswith('image/png') else split_lines(v))
                                  for k, v in o['data'].items()})
            res.append(o)
    return res


def run_notebook(path, output=None, image_dir=None, out=None):
    """Run a notebook's code cells; returns (notebook dict with outputs, number of failed cells)."""
    out = out or sys.stdout
    with open(path, encoding='utf-8') as f:
        nb = json.load(f)
    if image_dir is None:
        if output:
            image_dir = os.path.splitext(os.path.abspath(output))[0] + '_files'
        else:
            image_dir = tempfile.mkdtemp(prefix='itorch-images-')
    host = RunnerHost(os.path.abspath(image_dir))
    nbdir = os.path.dirname(os.path.abspath(path))
    cwd = os.getcwd()
    os.chdir(nbdir)  # as Jupyter does: the kernel runs in the notebook's folder
    failed = 0
    try:
        try:
            session = Session(host)
        except Exception as e:  # e.g. a Lua error while loading torch: no Python traceback
            raise ValueError('could not start the Lua runtime: %s' % e) from None
        cells = nb.get('cells')
        if cells is None:  # nbformat 3: cells inside worksheets, code in 'input'
            cells = [c for ws in nb.get('worksheets', []) for c in ws.get('cells', [])]
        n = 0
        for cell in cells:
            if cell.get('cell_type') != 'code':
                continue
            n += 1
            src = cell_source(cell) if 'source' in cell else ''.join(cell.get('input', ''))
            out.write('-- cell %d --\n' % n)
            out.flush()
            host.cell, host.count, host.outputs = n, 0, []
            if not src.strip():  # as Jupyter and nbclient do: an empty cell is not run
                cell['outputs'] = []
                cell['execution_count'] = None
                continue

            def sink(name, text):
                host.add_stream(name, text)
                os.write(host.capture.real_fds[name], text.encode('utf-8', 'replace'))

            with Capture(sink) as cap:
                host.capture = cap
                ok, msg, frames = session.run(src)
            host.capture = None
            if not ok:
                failed += 1
                text = ''.join(o.get('_text', '') for o in host.outputs)
                if text and not text.endswith('\n'):
                    out.write('\n')
                out.write('ERROR: %s\n' % msg)
                out.flush()
                host.outputs.append(error_output(msg, frames))
            cell['outputs'] = finish_outputs(host.outputs)
            cell['execution_count'] = n
    finally:
        os.chdir(cwd)
    if output:
        with open(output, 'w', encoding='utf-8') as f:
            json.dump(nb, f, indent=1, ensure_ascii=False)
            f.write('\n')
    return nb, failed


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    path = output = images = None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ('-h', '--help'):
            sys.stdout.write(RUNNER_USAGE)
            return 0
        if a in ('--output', '-o', '--images') and i + 1 < len(argv):
            if a == '--images':
                images = argv[i + 1]
            else:
                output = argv[i + 1]
            i += 2
            continue
        if a.startswith('--output='):
            output = a.split('=', 1)[1]
        elif a.startswith('--images='):
            images = a.split('=', 1)[1]
        elif path is None and not a.startswith('-'):
            path = a
        else:
            sys.stderr.write('th --notebook: unexpected argument %s\n%s' % (a, RUNNER_USAGE))
            return 2
        i += 1
    if path is None:
        sys.stderr.write(RUNNER_USAGE)
        return 2
    if not os.path.isfile(path):
        sys.stderr.write('th --notebook: cannot open %s\n' % path)
        return 2
    try:
        _, failed = run_notebook(path, output, images)
    except (ValueError, OSError) as e:
        sys.stderr.write('th --notebook: %s: %s\n' % (path, e))
        return 2
    sys.stdout.flush()
    return 1 if failed else 0


__all__ = ['main', 'run_notebook', 'Session', 'Host', 'Capture', 'display_grid', 'grid_png', 'png_bytes']
