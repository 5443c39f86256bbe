"""The ipykernel-based kernel class (see luatorch/kernel/__init__.py)."""
import os
import sys

from ipykernel.kernelapp import IPKernelApp
from ipykernel.kernelbase import Kernel

from ..notebook import Capture, Host, Session


class KernelHost(Host):
    """itorch's displays become display_data messages on IOPub, after the text printed before."""

    def __init__(self, kernel):
        self.kernel = kernel
        self.capture = None

    def display(self, data, metadata):
        if self.capture:
            self.capture.poll()
        for s in (sys.stdout, sys.stderr):
            try:
                s.flush()
            except Exception:
                pass
        self.kernel.send_response(self.kernel.iopub_socket, 'display_data',
                                  {'data': data, 'metadata': metadata, 'transient': {}})


class LuaTorchKernel(Kernel):
    implementation = 'luatorch'
    implementation_version = '0.1.0'
    language = 'lua'
    language_version = '5.1'
    language_info = {
        'name': 'lua',
        'version': '5.1',
        'mimetype': 'text/x-lua',
        'file_extension': '.lua',
        'codemirror_mode': 'lua',
        'pygments_lexer': 'lua',
    }
    banner = 'luatorch: Torch7 (th, nn, optim) on LuaJIT, iTorch notebooks'
    help_links = []

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.host = KernelHost(self)
        try:
            self.lua_session = Session(self.host, on_stuck=self._stuck)
        except Exception as e:  # a broken Lua set-up: say so, no Python traceback
            os.write(2, ('luatorch kernel: could not start the Lua runtime: %s\n' % e).encode('utf-8', 'replace'))
            os._exit(1)

    def _stuck(self):
        # a LuaJIT-compiled loop ignores the interrupt hook: only a restart can stop it
        os.write(2, b'luatorch kernel: the running code cannot be interrupted; exiting\n')
        os._exit(1)

    def _stream(self, name, text):
        # called from the capture's polling thread too: the parent is the one saved by do_execute
        self.session.send(self.iopub_socket, 'stream', {'name': name, 'text': text},
                          parent=self._exec_parent, ident=self._topic('stream'))

    async def do_execute(self, code, silent, store_history=True, user_expressions=None,
                         allow_stdin=False, *, cell_meta=None, cell_id=None):
        if not code.strip():
            return {'status': 'ok', 'execution_count': self.execution_count,
                    'payload': [], 'user_expressions': {}}
        self._exec_parent = self.get_parent('shell')
        with Capture(self._stream) as cap:
            self.host.capture = cap
            try:
                ok, msg, frames = self.lua_session.run(code)
            finally:
                self.host.capture = None
        for s in (sys.stdout, sys.stderr):
            s.flush()
        if ok:
            return {'status': 'ok', 'execution_count': self.execution_count,
                    'payload': [], 'user_expressions': {}}
        tb = [msg] + (['stack traceback:'] + frames if frames else [])
        content = {'ename': 'error', 'evalue': msg, 'traceback': tb}
        if not silent:
            self.send_response(self.iopub_socket, 'error', content)
        return dict(content, status='error', execution_count=self.execution_count)

    async def do_complete(self, code, cursor_pos):
        if cursor_pos is None:
            cursor_pos = len(code)
        start, matches = self.lua_session.complete(code, cursor_pos)
        return {'status': 'ok', 'matches': matches, 'cursor_start': start,
                'cursor_end': cursor_pos, 'metadata': {}}

    async def do_is_complete(self, code):
        status = self.lua_session.status(code) if code.strip() else 'incomplete'
        reply = {'status': status}
        if status == 'incomplete':
            reply['indent'] = ''
        return reply

    async def do_inspect(self, code, cursor_pos, detail_level=0, omit_sections=()):
        return {'status': 'ok', 'found': False, 'data': {}, 'metadata': {}}

    async def do_shutdown(self, restart):
        return {'status': 'ok', 'restart': restart}


def launch(argv=None):
    IPKernelApp.launch_instance(argv=argv, kernel_class=LuaTorchKernel, capture_fd_output=False)
