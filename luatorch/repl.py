"""th's REPL, as trepl: prompt `th> `, `..> ` continuation, expression values printed, timing
lines, `$ cmd`, `?` help, line editing with a persisted history and tab completion, colours on a
terminal, and Ctrl-C stopping running Lua code without leaving the REPL.

The evaluation rules live in Lua (lua/trepl/repl.lua); this file is the terminal half. Without
a terminal (input piped in) the REPL runs each input quietly: no banner, prompt or timing line.
"""
import ctypes
import os
import signal
import sys
import threading
import time
from contextlib import contextmanager

LUA_MASKCALL, LUA_MASKRET, LUA_MASKCOUNT = 1, 2, 8


class Interrupter:
    """Ctrl-C for a Lua state while it runs code.

    Python's signal handlers only run between Python bytecodes, never inside a long Lua loop.
    While code runs (`with interrupter.running():`), SIGINT also writes to a wakeup pipe read
    by a watcher thread, which turns on a LuaJIT count hook (lua_sethook, meant to be called
    asynchronously); the hook, registered by lua/trepl/repl.lua, raises 'interrupted!'.
    LuaJIT-compiled loops never check hooks: code run through the REPL is kept interpreted,
    and a second Ctrl-C while the first is still pending calls `on_stuck` (default: quit).
    """

    def __init__(self, rt, on_stuck=None):
        from lupa import luajit21
        self.rt = rt
        self.on_stuck = on_stuck or self._quit
        self.M = rt.lua.eval(b"require 'trepl.repl'")
        self.lib = ctypes.CDLL(luajit21.__file__)
        self.lib.lua_sethook.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
        self.lib.lua_sethook.restype = ctypes.c_int
        self.lib.lua_gethook.argtypes = [ctypes.c_void_p]
        self.lib.lua_gethook.restype = ctypes.c_void_p
        self.addr = int(self.M.state_address(), 16)
        self.M.hook_probe(True)
        self.hookf = self.lib.lua_gethook(self.addr)
        self.M.hook_probe(False)  # leaves the interrupt function registered (armed)
        self.lock = threading.Lock()
        self.active = False
        self.pending = False
        self.rfd = self.wfd = None
        self.thread = None

    @staticmethod
    def _quit():
        sys.stderr.write('\nth: the running code does not stop (a LuaJIT-compiled loop never sees '
                         'Ctrl-C); quitting\n')
        sys.stderr.flush()
        os._exit(130)

    def interrupt(self):
        """Stop the running Lua code at its next interpreted instruction (any thread)."""
        with self.lock:
            if not self.active:
                return False
            now = time.monotonic()
            if self.pending and self.lib.lua_gethook(self.addr) and now - self.pending > 1.0:
                stuck = True  # a second Ctrl-C, and the first is still waiting for its hook
            else:
                stuck = False
                self.pending = self.pending or now
                self.lib.lua_sethook(self.addr, self.hookf, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1)
        if stuck:
            self.on_stuck()
        return True

    def _watch(self):
        while True:
            try:
                data = os.read(self.rfd, 64)
            except OSError:
                return
            if not data:
                return
            if signal.SIGINT in data:
                self.interrupt()

    def _start(self):
        if self.thread is None:
            self.rfd, self.wfd = os.pipe()
            os.set_blocking(self.wfd, False)
            self.thread = threading.Thread(target=self._watch, name='lua-interrupt', daemon=True)
            self.thread.start()

    @contextmanager
    def running(self):
        """Run Lua code with Ctrl-C (SIGINT) able to stop it; restores the signal set-up after."""
        main = threading.current_thread() is threading.main_thread()
        old_handler = old_fd = None
        with self.lock:
            self.active, self.pending = True, False
        try:
            if main:
                self._start()
                old_handler = signal.signal(signal.SIGINT, lambda *a: None)
                old_fd = signal.set_wakeup_fd(self.wfd, warn_on_full_buffer=False)
            yield self
        finally:
            with self.lock:
                self.active = self.pending = False
                self.lib.lua_sethook(self.addr, None, 0, 0)
            if main and old_handler is not None:
                signal.set_wakeup_fd(old_fd)
                signal.signal(signal.SIGINT, old_handler)
            self.M.arm()  # the hook function unregisters itself when it fires


def history_file():
    p = os.environ.get('TREPL_HISTORY')
    if p:
        return p
    home = os.environ.get('HOME') or os.environ.get('USERPROFILE')
    return os.path.join(home, '.luahistory') if home else None


def use_colors(stream=None):
    stream = stream or sys.stdout
    return (stream.isatty() and os.environ.get('TERM', '') not in ('', 'dumb')
            and 'NO_COLOR' not in os.environ)


BANNER = r"""
local col = require('trepl.colors').colorize
io.write('\n',
  '  ', col.red('luatorch'), '  ', col.Black('|'), '  Torch7 on LuaJIT, with Python and numpy underneath\n',
  '  ', col.red('th      '), '  ', col.Black('|'), '  Type ', col.magenta('?'), ' for help, ',
  col.magenta('Ctrl-D'), ' to quit\n', '\n')
io.stdout:flush()
"""


class Repl:
    def __init__(self, rt, interactive=None):
        self.rt = rt
        lua = rt.lua
        self.M = lua.eval(b"require 'trepl.repl'")
        self.flush = lua.eval(b"function() io.stdout:flush() io.stderr:flush() end")
        if interactive is None:
            interactive = sys.stdin.isatty() and sys.stdout.isatty()
        self.interactive = interactive
        self.interrupter = Interrupter(rt) if interactive else None
        self.history = history_file() if interactive else None
        self.readline = None

    # ------------------------------------------------------------------ terminal
    def setup_readline(self):
        try:
            import readline
        except ImportError:
            return
        self.readline = readline
        readline.set_auto_history(False)
        readline.set_history_length(10000)
        if self.history and os.path.exists(self.history):
            try:
                readline.read_history_file(self.history)
            except OSError:
                pass
        readline.set_completer_delims(' \t\n!"#$%&\'()*+,-/;<=>?@[\\]^`{|}~')
        readline.set_completer(self.completer)
        if 'libedit' in (readline.__doc__ or ''):
            readline.parse_and_bind('bind ^I rl_complete')
        else:
            readline.parse_and_bind('tab: complete')
        self._matches = []

    def completions(self, text):
        try:
            res = self.M.complete(text.encode())
        except Exception:  # never let completion break the prompt
            return []
        return [res[i].decode('utf-8', 'replace') for i in range(1, len(res) + 1)]

    def completer(self, text, state):
        if state == 0:
            self._matches = self.completions(text)
        return self._matches[state] if state < len(self._matches) else None

    def save(self, src):
        rl = self.readline
        if rl is None or not src.strip():
            return
        rl.add_history(src)
        if self.history:
            try:
                rl.write_history_file(self.history)
            except OSError:
                pass

    def read(self, prompt):
        if self.interactive:
            return input(prompt)
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        return line.rstrip('\n')

    def confirm_exit(self):
        """trepl asks before leaving on Ctrl-D or `exit`; Enter, `y` or a second Ctrl-D quit."""
        if not self.interactive:
            return True
        sys.stdout.write('Do you really want to exit ([y]/n)? ')
        sys.stdout.flush()
        line = sys.stdin.readline()
        if not line:
            sys.stdout.write('\n')
            return True
        line = line.strip()
        return line == '' or line.lower() == 'y'

    # ------------------------------------------------------------------ evaluation
    def call(self, fn, *args):
        """Run a Lua function; a Ctrl-C at any point comes back as a printed error."""
        sys.stdout.flush()
        try:
            if self.interrupter:
                with self.interrupter.running():
                    fn(*args)
            else:
                fn(*args)
        except Exception as e:  # an interrupt that landed outside the user's code
            msg = str(e)
            sys.stdout.write(msg.splitlines()[0] if msg else 'interrupted!')
            sys.stdout.write('\t\n')
        finally:
            self.flush()
            sys.stdout.flush()

    def evaluate(self, src):
        t0 = time.perf_counter()
        self.call(self.M.run_line, src.encode('utf-8', 'surrogateescape'))
        if self.interactive:
            self.call(self.M.timing, time.perf_counter() - t0)

    def handle(self, line):
        """One input line (continuation lines are read here). False: leave the REPL."""
        stripped = line.strip()
        if line == 'exit':
            return not self.confirm_exit()
        if line == 'break':
            return False
        if stripped.startswith('$'):
            self.save(line)
            self.call(self.M.shell, stripped[1:].strip().encode())
            return True
        if stripped.startswith('?'):
            what = stripped[1:].strip()
            self.save(line)
            if what:
                self.evaluate('help(' + what + ')')
            else:  # trepl prints its help text alone, untimed
                self.call(self.M.run_line, b'help()')
            return True
        src = line
        while self.M.status(src.encode('utf-8', 'surrogateescape')) == b'incomplete':
            try:
                more = self.read('..> ')
            except EOFError:
                break
            if more == '':
                break
            src = src + '\n' + more
        self.save(src)
        self.evaluate(src)
        return True

    def run(self):
        if self.interactive:
            self.setup_readline()
            self.rt.execute(BANNER)
        self.rt.execute("require('trepl.repl').mark_preloaded()")
        while True:
            try:
                line = self.read('th> ')
            except KeyboardInterrupt:
                sys.stdout.write('\n')
                continue
            except EOFError:
                if self.confirm_exit():
                    break
                continue
            try:
                if not self.handle(line):
                    break
            except KeyboardInterrupt:
                sys.stdout.write('\n')
        sys.stdout.flush()
        return 0


def repl(rt, interactive=None):
    return Repl(rt, interactive).run()


__all__ = ['repl', 'Repl', 'Interrupter']
