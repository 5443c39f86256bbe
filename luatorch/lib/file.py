"""torch.File, torch.DiskFile, torch.MemoryFile, torch.PipeFile: Torch7's byte-level file API.

The behaviour is TH's (THDiskFile.c / THMemoryFile.c, described in file.md, diskfile.md,
memoryfile.md, pipefile.md):

* binary mode writes numbers as the machine holds them (native order unless a DiskFile is told
  otherwise; Longs as 8 bytes, or 4 with longSize(4)); ascii mode writes them with printf formats
  (%d, %.9g for Float and Half, %.17g for Double) separated by a space, with a newline after each
  write call (autoSpacing), and reads them as scanf does. Byte and Char data are raw bytes in both.
* a read that gets fewer elements than asked sets the error flag and raises
  `read error: read X blocks instead of Y` unless the file is quiet.
* positions in this module are 0-based; the Lua API adds 1 as Torch does.

Beyond TH, nothing is ever allocated for more elements than the bytes left in the file can hold,
and a bulk read goes straight into the numpy buffer of the storage being filled.
"""
import mmap
import os
import re
import stat
import sys

import numpy as np

from . import types
from .errors import TorchError
from .storage import Storage, cast

BUFSIZE = 1 << 16          # read-ahead and write-behind buffer of a DiskFile
MMAP_MIN = 1 << 20         # bulk reads at least this big are copied from a mapping of the file
_CHUNK = 8 << 20
_LITTLE = sys.byteorder == 'little'

_WS = re.compile(rb'[ \t\n\v\f\r]*')
_INT = re.compile(rb'[+-]?[0-9]+')
_FLOAT = re.compile(
    rb'[+-]?(?:inf(?:inity)?|nan(?:\([0-9a-z_]*\))?'
    rb'|0x(?:[0-9a-f]+\.?[0-9a-f]*|\.[0-9a-f]+)(?:p[+-]?[0-9]+)?'
    rb'|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?)', re.I)
_MEM_SKIP = re.compile(rb'[ \n:;]*')         # THMemoryFile_strnextspace's separators
_MEM_DELIM = re.compile(rb'[ \n:;\x00]')

_I64_MIN, _I64_MAX = -(1 << 63), (1 << 63) - 1


def _madvise_populate():
    """madvise(addr, len, MADV_POPULATE_WRITE) when the C library and kernel have it (Linux >= 5.14)."""
    if not sys.platform.startswith('linux'):
        return None
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.madvise
        fn.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
        fn.restype = ctypes.c_int
        return fn
    except (OSError, AttributeError):
        return None


_MADVISE = _madvise_populate()
_MADV_POPULATE_WRITE = 23


def _prefault(u8):
    """Have the kernel back a fresh buffer with memory in one step before it is filled: much
    cheaper than a page fault per page on first touch (noticeably so in virtual machines)."""
    global _MADVISE
    if _MADVISE is None:
        return
    addr = u8.ctypes.data
    start = (addr + mmap.PAGESIZE - 1) & ~(mmap.PAGESIZE - 1)
    end = (addr + u8.nbytes) & ~(mmap.PAGESIZE - 1)
    if end > start and _MADVISE(start, end - start, _MADV_POPULATE_WRITE) != 0:
        _MADVISE = None   # not supported here: stop trying


def _mode(mode, allow_rw=True):
    if mode == 'r':
        return True, False
    if mode == 'w':
        return False, True
    if mode == 'rw' and allow_rw:
        return True, True
    return None


def _parse_int(tok):
    digits = tok.lstrip(b'+-').lstrip(b'0')
    if len(digits) > 19:                     # strtol saturates
        return _I64_MIN if tok.startswith(b'-') else _I64_MAX
    return min(max(int(tok), _I64_MIN), _I64_MAX)


def _parse_float(tok):
    t = tok.lower()
    neg = t.startswith(b'-')
    body = t.lstrip(b'+-')
    if body.startswith(b'inf'):
        v = float('inf')
    elif body.startswith(b'nan'):
        v = float('nan')
    elif body.startswith(b'0x'):
        s = body.decode()
        if 'p' not in s:
            s += 'p0'
        v = float.fromhex(s)
    else:
        v = float(body)
    return -v if neg else v


def _fmt_float(v, digits):
    if v != v:
        return '-nan' if np.signbit(v) else 'nan'
    return '%.*g' % (digits, v)


class File:
    """What every Torch file has: flags, typed reads and writes, strings, positions.

    Subclasses provide the byte transport: _open(), _take(n), _readinto(u8), _remaining(),
    _window(n), _advance(k), _write(data), _seek(pos), _seek_end(), _tell(), _close()."""

    typename = 'torch.File'

    def __init__(self, readable, writable, quiet=False):
        self.readable = readable
        self.writable = writable
        self.quiet = bool(quiet)
        self.binary = False
        self.auto_spacing = True
        self.has_error = False
        self.long_size = 0
        self.swap = False            # bytes stored in the other endianness
        self.allow_bytecode = False  # may readObject load Lua bytecode found in this file

    # ------------------------------------------------------------------ flags and errors
    def fail(self, msg):
        self.has_error = True
        if not self.quiet:
            raise TorchError(msg)

    def check_open(self):
        if not self._open():
            raise TorchError('attempt to use a closed file')

    def check_read(self):
        self.check_open()
        if not self.readable:
            raise TorchError('attempt to read in a write-only file')

    def check_write(self):
        self.check_open()
        if not self.writable:
            raise TorchError('attempt to write in a read-only file')

    def set_long_size(self, size):
        self.check_open()
        if size not in (0, 4, 8):
            raise TorchError("bad argument #1 to 'longSize' (Invalid long size specified)")
        self.long_size = int(size)

    def set_encoding(self, which):
        """'native', 'little' or 'big' (binary mode byte order)."""
        self.check_open()
        self.swap = {'native': False, 'little': not _LITTLE, 'big': _LITTLE}[which]

    def _file_dtype(self, ttype):
        """The dtype of one element as stored in this file (binary mode)."""
        dt = ttype.dtype
        if ttype is types.Long and self.long_size == 4:
            dt = np.dtype(np.int32)
        if self.swap and dt.itemsize > 1:
            dt = dt.newbyteorder()
        return dt

    def remaining(self):
        """Bytes left between the position and the end (None when unknown, e.g. a pipe)."""
        return self._remaining()

    # ------------------------------------------------------------------ reads
    def read_array(self, ttype, n):
        """Read n elements of ttype; a numpy array of those actually read."""
        self.check_read()
        n = int(n)
        if n < 0:
            raise TorchError('number of elements to read must be non-negative')
        if n == 0:
            return np.empty(0, ttype.dtype)
        arr = self._read_binary(ttype, n) if self.binary else self._read_ascii(ttype, n)
        if arr.shape[0] != n:
            self.fail('read error: read %d blocks instead of %d' % (arr.shape[0], n))
        return arr

    def read_into(self, storage, count=None):
        """Fill storage (or its first `count` elements) from the file; returns the count read."""
        self.check_read()
        data = storage.data
        n = data.shape[0] if count is None else int(count)
        if n == 0:
            return 0
        fdt = self._file_dtype(storage.ttype)
        if self.binary and fdt == data.dtype and data.flags.c_contiguous:
            got = self._readinto(data[:n].view(np.uint8)) // fdt.itemsize
            if got != n:
                self.fail('read error: read %d blocks instead of %d' % (got, n))
            return got
        arr = self.read_array(storage.ttype, n)
        data[:arr.shape[0]] = arr
        return arr.shape[0]

    def read_scalar(self, ttype):
        """One element as a Python number (0 when nothing could be read in quiet mode)."""
        a = self.read_array(ttype, 1)
        return a.item(0) if a.shape[0] else 0

    def _read_binary(self, ttype, n):
        fdt = self._file_dtype(ttype)
        item = fdt.itemsize
        rem = self._remaining()
        if rem is not None:
            m = min(n, rem // item)
            arr = np.empty(m, fdt)
            got = self._readinto(arr.view(np.uint8)) // item if m else 0
            if got < m:
                arr = arr[:got]
        else:   # unknown length (pipe): grow as bytes arrive
            parts, got = [], 0
            while got < n:
                k = min(n - got, max(1, (1 << 24) // item))
                a = np.empty(k, fdt)
                r = self._readinto(a.view(np.uint8)) // item
                parts.append(a[:r])
                got += r
                if r < k:
                    break
            arr = np.concatenate(parts) if len(parts) != 1 else parts[0]
        if arr.dtype != ttype.dtype:
            arr = arr.astype(ttype.dtype)
        return arr

    def _read_ascii(self, ttype, n):
        if ttype.itemsize == 1:      # Byte and Char: raw bytes even in ascii mode
            rem = self._remaining()
            b = self._take(n if rem is None else min(n, rem))
            arr = np.frombuffer(b, ttype.dtype).copy()
        else:
            rx = _FLOAT if ttype.is_float else _INT
            conv = _parse_float if ttype.is_float else _parse_int
            vals = []
            for _ in range(n):
                tok = self._scan(rx)
                if tok is None:
                    break
                vals.append(conv(tok))
            if ttype.is_float:
                with np.errstate(over='ignore'):
                    arr = np.array(vals, np.float64).astype(ttype.dtype)
            else:
                arr = np.array(vals, np.int64).astype(ttype.dtype)
        if self.auto_spacing:
            buf, p, e = self._window(1)
            if p < e and buf[p] == 10:
                self._advance(1)
        return arr

    def _scan(self, rx):
        """scanf: skip white space, then the longest match of rx; its bytes or None."""
        want = 64
        while True:
            buf, p, e = self._window(want)
            q = _WS.match(buf, p, e).end()
            if q == e and e - p >= want:       # only white space so far: drop it, look further
                self._advance(q - p)
                continue
            if q == e:
                self._advance(q - p)
                return None
            end = self._token_end(buf, p, e)
            if q >= end:
                return None
            m = rx.match(buf, q, end)
            if m is None:
                self._advance(q - p)
                return None
            if m.end() == e and e - p >= want:   # the number may go on past the window
                want *= 4
                continue
            tok = bytes(buf[q:m.end()])
            self._advance(m.end() - p)
            return tok

    def _token_end(self, buf, p, e):
        return e

    def _unpack(self, st):
        """Fast path of binary reads: st.unpack of the next st.size bytes when they are already
        at hand (buffered), consuming them; None otherwise (the caller takes the checked way)."""
        return None

    def read_string(self, fmt):
        """readString('*a') (the rest) or readString('*l') (a line without its newline)."""
        self.check_read()
        if not (isinstance(fmt, (str, bytes)) and len(fmt) >= 2 and fmt[:2] in ('*a', '*l', b'*a', b'*l')):
            raise TorchError("bad argument #2 to 'readString' (format must be '*a' or '*l')")
        line = fmt[1] in ('l', ord('l'))
        rem = self._remaining()
        out = []
        total = 0
        while True:
            buf, p, e = self._window(BUFSIZE)
            if p == e:
                break
            if line:
                k = bytes(buf[p:e]).find(b'\n')
                if k >= 0:
                    out.append(bytes(buf[p:p + k]))
                    self._advance(k + 1)
                    total += k + 1
                    break
            out.append(bytes(buf[p:e]))
            self._advance(e - p)
            total += e - p
            if rem is not None and total >= rem:
                break
        if total == 0:
            self.fail('read error: read 0 blocks instead of 1')
            return b''
        return b''.join(out)

    # ------------------------------------------------------------------ writes
    def write_array(self, ttype, arr):
        """Write the elements of a 1-D numpy array as ttype; returns the count written."""
        self.check_write()
        n = arr.shape[0]
        if n == 0:
            return 0
        if self.binary:
            fdt = self._file_dtype(ttype)
            if arr.dtype != fdt:
                arr = arr.astype(fdt)
            self._write(np.ascontiguousarray(arr).view(np.uint8))
            return n
        if ttype.itemsize == 1:
            data = np.ascontiguousarray(arr).tobytes()
        else:
            sep = ' ' if self.auto_spacing else ''
            if ttype.is_float:
                digits = 17 if ttype.itemsize == 8 else 9
                data = sep.join([_fmt_float(v, digits) for v in arr.astype(np.float64).tolist()]).encode()
            else:
                data = sep.join(['%d' % v for v in arr.tolist()]).encode()
        if self.auto_spacing:
            data += b'\n'
        self._write(data)
        return n

    def write_scalar(self, ttype, v):
        self.write_array(ttype, cast(np.array([float(v)]), ttype))

    def write_storage(self, storage):
        return self.write_array(storage.ttype, storage.data)

    def write_string(self, data):
        self.check_write()
        if isinstance(data, str):
            data = data.encode('utf-8', 'surrogateescape')
        self._write(data)
        return len(data)

    # ------------------------------------------------------------------ positions
    def seek(self, pos):
        self.check_open()
        if pos < 0:
            raise TorchError("bad argument #2 to 'seek' (position has to be greater than 0!)")
        self._seek(int(pos))

    def seek_end(self):
        self.check_open()
        self._seek_end()

    def position(self):
        self.check_open()
        return self._tell()

    def synchronize(self):
        self.check_open()
        self._sync()

    def close(self):
        self.check_open()
        self._close()

    def is_open(self):
        return self._open()

    def _sync(self):
        pass

    def mode_chars(self):
        return ('r' if self.readable else ' ') + ('w' if self.writable else ' ')


class DiskFile(File):
    """A file on disk (or, for PipeFile, a pipe), with its own read-ahead and write-behind buffer
    so that scanf-like parsing can look ahead and bulk data bypasses the buffer."""

    typename = 'torch.DiskFile'

    def __init__(self, name, mode='r', quiet=False, _raw=None, replace=False):
        rw = _mode(mode)
        if rw is None:
            raise TorchError("bad argument #2 to 'DiskFile' (file mode should be 'r','w' or 'rw')")
        super().__init__(rw[0], rw[1], quiet)
        self.name = name
        self._rb = b''
        self._rp = 0
        self._wb = bytearray()
        self._bsz = BUFSIZE
        self._raw = _raw if _raw is not None else self._open_raw(name, *rw, replace=replace)
        self._fd = self._raw.fileno()
        self._regular = stat.S_ISREG(os.fstat(self._fd).st_mode)

    @staticmethod
    def _open_raw(name, readable, writable, replace=False):
        path = os.fsencode(name) if isinstance(name, (str, bytes)) else name
        if replace and writable and not readable:
            raw = _replace(path)
            if raw is not None:
                return raw
        if readable and writable:
            try:
                return open(path, 'r+b', buffering=0)
            except FileNotFoundError:
                open(path, 'wb').close()
                return open(path, 'r+b', buffering=0)
        return open(path, 'rb' if readable else 'wb', buffering=0)

    def _open(self):
        return self._raw is not None

    def _flush(self):
        if self._wb:
            wb, self._wb = self._wb, bytearray()
            self._rawwrite(memoryview(wb))

    def _rawwrite(self, mv):
        n, total = 0, len(mv)
        try:
            while n < total:
                k = self._raw.write(mv[n:])
                if not k:
                    break
                n += k
        except OSError:
            pass
        if n != total:
            self.fail('write error: wrote %d blocks instead of %d' % (n, total))

    def _drop_read(self):
        """Forget the read-ahead, moving the OS position back to the logical one."""
        left = len(self._rb) - self._rp
        if left:
            self._raw.seek(-left, 1)
        self._rb = b''
        self._rp = 0

    def _fill(self, n):
        """Make at least n bytes available in the read buffer (fewer at end of file)."""
        self._flush()
        left = len(self._rb) - self._rp
        parts = [self._rb[self._rp:]] if left else []
        want = max(n - left, self._bsz)
        while left < n:
            try:
                b = self._raw.read(want)
            except OSError as e:
                self.fail('read error: %s' % e.strerror)
                b = b''
            if not b:
                break
            parts.append(b)
            left += len(b)
            want -= len(b)
            if want <= 0:
                want = n - left
        self._rb = b''.join(parts)
        self._rp = 0

    def _take(self, n):
        if len(self._rb) - self._rp < n:
            self._fill(n)
        b = self._rb[self._rp:self._rp + n]
        self._rp += len(b)
        return b

    def _unpack(self, st):
        rp = self._rp
        if len(self._rb) - rp >= st.size:
            self._rp = rp + st.size
            return st.unpack_from(self._rb, rp)
        return None

    def _window(self, n):
        if len(self._rb) - self._rp < n:
            self._fill(n)
        return self._rb, self._rp, len(self._rb)

    def _advance(self, k):
        self._rp += k

    def _remaining(self):
        if not self._regular:
            return None
        self._flush()
        return max(0, os.fstat(self._fd).st_size - (self._raw.tell() - (len(self._rb) - self._rp)))

    def _readinto(self, u8):
        """Bulk read into a uint8 array: buffered bytes first, then straight from the file."""
        total = u8.shape[0]
        got = min(total, len(self._rb) - self._rp)
        if got:
            u8[:got] = np.frombuffer(self._rb, np.uint8, got, self._rp)
            self._rp += got
        if got == total:
            return got
        self._flush()
        self._drop_read()
        if self._regular and total - got >= MMAP_MIN and self.readable:
            got += self._mmap_copy(u8[got:])
        else:
            mv = memoryview(u8[got:])
            try:
                while got < total:
                    k = self._raw.readinto(mv)
                    if not k:
                        break
                    got += k
                    mv = mv[k:]
            except OSError as e:
                self.fail('read error: %s' % e.strerror)
        return got

    def _mmap_copy(self, dst):
        """Copy file bytes at the position into dst through a mapping (faster than read(2))."""
        pos = self._raw.tell()
        n = min(dst.shape[0], os.fstat(self._fd).st_size - pos)
        if n <= 0:
            return 0
        start = pos - pos % mmap.ALLOCATIONGRANULARITY
        m = mmap.mmap(self._fd, pos + n - start, access=mmap.ACCESS_READ, offset=start)
        try:
            src = np.frombuffer(m, np.uint8, n, pos - start)
            for o in range(0, n, _CHUNK):   # each piece of dst backed, then filled while cached
                _prefault(dst[o:o + _CHUNK])
                np.copyto(dst[o:min(n, o + _CHUNK)], src[o:o + _CHUNK])
            del src
        finally:
            m.close()
        self._raw.seek(pos + n)
        return n

    def _write(self, data):
        self._drop_read()
        n = len(data) if not isinstance(data, np.ndarray) else data.nbytes
        if n >= self._bsz:
            self._flush()
            self._rawwrite(memoryview(data).cast('B') if not isinstance(data, np.ndarray) else memoryview(data))
        else:
            self._wb += memoryview(data).cast('B') if isinstance(data, np.ndarray) else data
            if len(self._wb) >= self._bsz:
                self._flush()

    def _seek(self, pos):
        self._flush()
        self._rb, self._rp = b'', 0
        try:
            self._raw.seek(pos)
        except (OSError, ValueError, OverflowError):
            self.fail('unable to seek to position %d' % pos)

    def _seek_end(self):
        self._flush()
        self._rb, self._rp = b'', 0
        try:
            self._raw.seek(0, 2)
        except OSError:
            self.fail('unable to seek at end of file')

    def _tell(self):
        try:
            return self._raw.tell() - (len(self._rb) - self._rp) + len(self._wb)
        except OSError:
            self.fail('unable to obtain disk file offset (maybe a long overflow occurred)')
            return 0

    def _sync(self):
        self._flush()

    def no_buffer(self):
        self.check_open()
        self._flush()
        self._bsz = 1

    def _close(self):
        try:
            self._flush()
        finally:
            raw, self._raw = self._raw, None
            self._rb, self._rp = b'', 0
            raw.close()

    def __del__(self):
        try:
            if self._raw is not None:
                self._close()
        except Exception:  # noqa: BLE001 - nothing to report to at collection time
            pass

    def describe(self):
        return 'torch.DiskFile on <%s> [status: %s -- mode %s]' % (
            self.name, 'open' if self._open() else 'closed', self.mode_chars())


def _replace(path):
    """Open a new file in place of the regular file at path (unlinked first, its permission bits
    kept), or None to open it normally. Writing a whole new file this way instead of truncating
    the old one does not wait for the old one's pages to reach the disk, nor make ext4 flush the
    new one at close (its auto_da_alloc heuristic for truncated files)."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
        return None
    try:
        os.unlink(path)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, 'O_CLOEXEC', 0),
                     stat.S_IMODE(st.st_mode))
    except OSError:
        return None
    try:
        if (st.st_uid, st.st_gid) != (os.getuid(), os.getgid()):
            os.fchown(fd, st.st_uid, st.st_gid)
        os.fchmod(fd, stat.S_IMODE(st.st_mode))
    except OSError:
        pass
    return open(fd, 'wb', buffering=0)


def open_disk_file(name, mode='r', quiet=False, replace=False):
    """torch.DiskFile(name [, mode] [, quiet]): None when quiet and the file cannot be opened.
    replace=True (torch.save) writes a new file in place of an existing one (see _replace)."""
    rw = _mode(mode)
    if rw is None:
        raise TorchError("bad argument #2 to 'DiskFile' (file mode should be 'r','w' or 'rw')")
    try:
        return DiskFile(name, mode, quiet, replace=replace)
    except OSError:
        if quiet:
            return None
        raise TorchError('cannot open <%s> in mode %s%s' % (name, 'r' if rw[0] else ' ', 'w' if rw[1] else ' '))


class PipeFile(DiskFile):
    """torch.PipeFile(command [, mode] [, quiet]): read a command's output or write its input."""

    typename = 'torch.PipeFile'

    def __init__(self, command, mode='r', quiet=False):
        rw = _mode(mode, allow_rw=False)
        if rw is None:
            raise TorchError("bad argument #2 to 'PipeFile' (file mode should be 'r','w')")
        self._proc = None
        import subprocess  # only PipeFile needs it; kept off the start-up path
        proc = subprocess.Popen(command, shell=True, bufsize=0,
                                stdout=subprocess.PIPE if rw[0] else None,
                                stdin=subprocess.PIPE if rw[1] else None)
        self._proc = proc
        super().__init__(command, mode, quiet, _raw=proc.stdout if rw[0] else proc.stdin)

    def _close(self):
        try:
            super()._close()
        finally:
            if self._proc is not None:
                self._proc.wait()
                self._proc = None

    def describe(self):
        return 'torch.PipeFile on <%s> [status: %s -- mode: %s]' % (
            self.name, 'open' if self._open() else 'closed', self.mode_chars())


def open_pipe_file(command, mode='r', quiet=False):
    rw = _mode(mode, allow_rw=False)
    if rw is None:
        raise TorchError("bad argument #2 to 'PipeFile' (file mode should be 'r','w')")
    try:
        return PipeFile(command, mode, quiet)
    except OSError:
        if quiet:
            return None
        raise TorchError('cannot open <%s> in mode %s%s.  This might be because eg the executable '
                         "doesn't exist, but it could also be because you are out of memory." % (
                             command, 'r' if rw[0] else ' ', 'w' if rw[1] else ' '))


class MemoryFile(File):
    """A file in a NUL-terminated CharStorage (memoryfile.md); storage() shares it."""

    typename = 'torch.MemoryFile'

    def __init__(self, storage=None, mode='rw'):
        rw = _mode(mode)
        if storage is not None:
            if not isinstance(storage, Storage) or storage.ttype is not types.Char:
                raise TorchError("bad argument #1 to 'MemoryFile' (CharStorage expected)")
            if storage.data.shape[0] == 0 or storage.data[-1] != 0:
                raise TorchError("bad argument #1 to 'MemoryFile' (provided CharStorage must be terminated by 0)")
        if rw is None:
            raise TorchError("bad argument #2 to 'MemoryFile' (file mode should be 'r','w' or 'rw')")
        super().__init__(rw[0], rw[1])
        # bytes this process writes itself may hold functions; bytes handed in are untrusted
        self.allow_bytecode = storage is None
        if storage is None:
            storage = Storage(types.Char, 1)
        self.store = storage
        self.size = storage.data.shape[0] - 1
        self.pos = 0
        self._mvsrc = self._mvc = None

    def _u8(self):
        return self.store.data.view(np.uint8)

    def _mv(self):
        """A byte memoryview of the storage's buffer (cached while the buffer stays the same)."""
        d = self.store.data
        if d is not self._mvsrc:
            self._mvsrc = d
            self._mvc = memoryview(d.view(np.uint8))
        return self._mvc

    def _open(self):
        return self.store is not None

    def _end(self):
        return min(self.size, self.store.data.shape[0])

    def _take(self, n):
        p = self.pos
        e = min(p + n, self._end())
        if e <= p:
            return b''
        self.pos = e
        return self._mv()[p:e].tobytes()

    def _unpack(self, st):
        """st.unpack of the next bytes when they are at hand, else None (see File._unpack)."""
        p = self.pos
        e = p + st.size
        if e <= self.size and self.store is not None:
            mv = self._mv()
            if e <= mv.nbytes:
                self.pos = e
                return st.unpack_from(mv, p)
        return None

    def _window(self, n):
        return self._u8(), self.pos, max(self.pos, self._end())

    def _advance(self, k):
        self.pos += k

    def _token_end(self, buf, p, e):
        q = _MEM_SKIP.match(buf, p, e).end()
        m = _MEM_DELIM.search(buf, q, e)
        return m.start() if m else e

    def _remaining(self):
        return max(0, self._end() - self.pos)

    def _readinto(self, u8):
        k = max(0, min(u8.shape[0], self._end() - self.pos))
        u8[:k] = self._u8()[self.pos:self.pos + k]
        self.pos += k
        return k

    def _write(self, data):
        n = data.nbytes if isinstance(data, np.ndarray) else len(data)
        p = self.pos
        need = p + n + 1
        cap = self.store.data.shape[0]
        if need > cap:
            self.store.resize(max(need, cap + cap // 2))
        if isinstance(data, np.ndarray):
            self._u8()[p:p + n] = data.view(np.uint8).reshape(-1)
        else:
            self._mv()[p:p + n] = data
        p += n
        self.pos = p
        if p > self.size:
            self.size = p
            self.store.data[p] = 0

    def _seek(self, pos):
        if pos <= self.size:
            self.pos = pos
        else:
            self.fail('unable to seek at position %d' % pos)

    def _seek_end(self):
        self.pos = self.size

    def _tell(self):
        return self.pos

    def _close(self):
        self.store = None

    def storage(self):
        """The CharStorage holding the data, resized to the data plus its NUL (not a copy)."""
        self.check_open()
        self.store.resize(self.size + 1)
        self.store.data[self.size] = 0
        return self.store

    def describe(self):
        return 'torch.MemoryFile [status: %s -- mode: %s]' % (
            'open' if self._open() else 'closed', self.mode_chars())


def memory_file_from_bytes(data, mode='r'):
    """A MemoryFile reading a copy of `data` (what torch.deserialize does with a string)."""
    buf = np.zeros(len(data) + 1, np.int8)
    buf[:-1] = np.frombuffer(data, np.int8)
    return MemoryFile(Storage(types.Char, data=buf), mode)
