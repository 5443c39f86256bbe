"""Operating-system helpers behind the Lua packages `paths`, `sys`, `xlua` and `torch.Timer`.

What Torch's C libraries (libpaths, libsys, Timer.c) did with POSIX calls is done here with
the Python standard library. The functions take and return plain values; `install` wraps each
with `export.lua_function` into a table `__luatorch.os` that `lua/luatorch/os.lua` hands to
the Lua packages. Failures that Torch reports as return values (mkdir, rmdir) are returned
as `(None, message, errno)`; a result that may be nil is returned as a 1-tuple so that Lua
gets nil (a bare None would mean "return the first argument", see export.py).
"""
import atexit
import os
import random
import resource
import stat
import string
import subprocess
import sys
import time

from .export import lua_function

# ------------------------------------------------------------------------- files


def filep(path):
    """True when `path` exists and is not a directory (symlinks followed)."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return False
    return not stat.S_ISDIR(st.st_mode)


def dirp(path):
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return False
    return stat.S_ISDIR(st.st_mode)


def cwd():
    try:
        return os.getcwd()
    except OSError:
        return '.'


def listdir(path):
    """The entries of a directory as readdir gives them, '.' and '..' included; nil if none."""
    try:
        names = os.listdir(path)
    except (OSError, ValueError):
        return (None,)
    return ['.', '..'] + names


def _result(fn, path):
    try:
        fn(path)
    except OSError as e:
        en = e.errno or 0
        return None, '%s: %s' % (path, os.strerror(en)), en
    return True


def mkdir(path):
    """One directory (the Lua side creates missing parents first, as libpaths does)."""
    return _result(lambda p: os.mkdir(p, 0o777), path)


def rmdir(path):
    return _result(os.rmdir, path)


# ------------------------------------------------------------------------- temp names

_TMPNAMES = []


def _remove_tmpnames():
    for name in _TMPNAMES:
        try:
            os.remove(name)
        except OSError:
            pass


atexit.register(_remove_tmpnames)


def tmpname():
    """A fresh temporary file name (tempnam style: $TMPDIR or /tmp, prefix 'luatmp'), not
    created; every file made under such a name is removed when the process exits."""
    d = os.environ.get('TMPDIR')
    if not d or not os.path.isdir(d):
        d = '/tmp'
    chars = string.ascii_letters + string.digits
    for _ in range(1000):
        name = os.path.join(d, 'luatmp' + ''.join(random.choice(chars) for _ in range(6)))
        if not os.path.lexists(name):
            break
    if name not in _TMPNAMES:
        _TMPNAMES.append(name)
    return name


# ------------------------------------------------------------------------- system


def uname():
    u = os.uname()
    return u.sysname, u.nodename, u.machine


def execdir():
    """The directory holding the running executable (where `th` is installed)."""
    d = os.path.dirname(os.path.abspath(sys.executable)) if sys.executable else ''
    return d if d else (None,)


def clock():
    """Wall-clock time in seconds since the epoch, microsecond resolution (sys.clock)."""
    return time.time()


def usleep(us):
    """Sleep `us` microseconds (sys.usleep)."""
    us = int(us) if us is not None else 1
    if us > 0:
        time.sleep(us / 1e6)
    return 0


def times():
    """(real, user, sys) seconds for torch.Timer: a monotonic wall clock and this process's
    CPU times (getrusage)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return time.perf_counter(), r.ru_utime, r.ru_stime


def term_cols():
    """Columns of the terminal as `tput cols` reports them (xlua.progress), 80 when tput
    fails."""
    try:
        p = subprocess.run(['tput', 'cols'], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError:
        return 80
    if p.returncode != 0:
        return 80
    try:
        return int(p.stdout.decode().strip())
    except ValueError:
        return 80


FUNCTIONS = {
    'filep': filep, 'dirp': dirp, 'cwd': cwd, 'listdir': listdir, 'mkdir': mkdir,
    'rmdir': rmdir, 'tmpname': tmpname, 'uname': uname, 'execdir': execdir, 'clock': clock,
    'usleep': usleep, 'times': times, 'term_cols': term_cols,
}


def install(lua, target):
    """Put the table of Lua-callable helpers at target.os (target: the `__luatorch` table).

    `lua` is the LuaRuntime (or anything with a compatible `table(*items)` method)."""
    t = lua.table()
    for name, fn in FUNCTIONS.items():
        t[name.encode()] = lua_function(fn, lua)
    target[b'os'] = t
    return t


class _TableMaker:
    """Stands in for the LuaRuntime when installing from Lua: makes tables through a Lua
    function returning a fresh table, then fills them (no huge argument lists on the stack)."""

    def __init__(self, mk):
        self.mk = mk

    def table(self, *items):
        t = self.mk()
        for i, v in enumerate(items, 1):
            t[i] = v
        return t


def install_from_lua(target, mk):
    """Called from lua/luatorch/os.lua when the runtime did not install the helpers."""
    return install(_TableMaker(mk), target)
