"""`th` and the Jupyter kernel start again, once, with glibc's memcpy kept off `rep movsb`.

On AMD processors glibc (2.36 here) copies blocks from a few KiB up to its non-temporal
threshold with the `rep movsb` instruction, which runs 10-15x slower when the destination lies
just above the source modulo 4 KiB. That is where an array allocated right after another one
of a size that is a multiple of 4 KiB lands, so numpy copies between such buffers (a tensor's
copy into the next allocated one, a Narrow or CAddTable output, ...) hit it: a 256 KiB
np.copyto took 137 us instead of 11 on this project's machine. glibc reads its tunables only
when a process starts, so the entry points run themselves again with
glibc.cpu.x86_rep_movsb_threshold set past any size (glibc's vector loop then copies these
sizes at the speed `rep movsb` has without the aliasing; larger copies still stream).

LUATORCH_REEXEC=0 keeps the first process. Nothing happens off Linux/x86-64/glibc, on other
vendors' processors, or when GLIBC_TUNABLES already sets the threshold.
"""
import os
import sys

TUNABLE = 'glibc.cpu.x86_rep_movsb_threshold'
VALUE = 1 << 40


def _amd_x86_glibc():
    if sys.platform != 'linux' or os.uname().machine not in ('x86_64', 'amd64'):
        return False
    try:
        if not os.confstr('CS_GNU_LIBC_VERSION').startswith('glibc'):
            return False
        with open('/proc/cpuinfo', 'rb') as f:
            head = f.read(4096)
    except (OSError, ValueError):
        return False
    return b'AuthenticAMD' in head


def environment(env=None):
    """The environment to start again with, or None when this process is fine as it is."""
    env = os.environ if env is None else env
    if env.get('LUATORCH_REEXEC', '1') == '0':
        return None
    have = env.get('GLIBC_TUNABLES', '')
    if TUNABLE in have or not _amd_x86_glibc():
        return None
    new = dict(env)
    new['GLIBC_TUNABLES'] = (have + ':' if have else '') + '%s=%d' % (TUNABLE, VALUE)
    new['LUATORCH_REEXEC'] = '0'       # (glibc drops an unknown tunable: never loop)
    return new


def reexec():
    """Replace this process by the same command line with the tunable set (no return), when
    `environment` asks for it; else return at once. Call before anything is read or written."""
    env = environment()
    if env is None:
        return
    argv = [sys.executable] + list(getattr(sys, 'orig_argv', [sys.executable] + sys.argv)[1:])
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, argv, env)
    except OSError:
        return      # (no exec here: run as we are)
