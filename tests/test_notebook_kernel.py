"""The Jupyter kernel end to end: kernelspecs installed with one command, a notebook executed
by nbclient (through the 'itorch' kernelspec name old notebooks carry) giving the same outputs
as `th --notebook`, and a live kernel's completion, is_complete and interrupt."""
import base64
import json
import subprocess
import sys
import time

import pytest

from helpers import ROOT

nbclient = pytest.importorskip('nbclient')
nbformat = pytest.importorskip('nbformat')
jupyter_client = pytest.importorskip('jupyter_client')
pytest.importorskip('ipykernel')

FIXTURE = ROOT / 'tests' / 'fixtures' / 'itorch_cells.ipynb'


@pytest.fixture(scope='module')
def kernels(tmp_path_factory):
    """Kernelspecs installed by the real install command into a private prefix."""
    prefix = tmp_path_factory.mktemp('jupyter')
    p = subprocess.run([sys.executable, '-m', 'luatorch.kernel', 'install', '--prefix', str(prefix)],
                       capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    path = prefix / 'share' / 'jupyter'
    mp = pytest.MonkeyPatch()
    mp.setenv('JUPYTER_PATH', str(path))
    yield path
    mp.undo()


def test_install_writes_both_kernelspecs(kernels):
    for name, display in (('luatorch', 'Lua (luatorch)'), ('itorch', 'iTorch (luatorch)')):
        spec = json.loads((kernels / 'kernels' / name / 'kernel.json').read_text())
        assert spec['argv'] == [sys.executable, '-m', 'luatorch.kernel', '-f', '{connection_file}']
        assert spec['display_name'] == display and spec['language'] == 'lua'
    ksm = jupyter_client.kernelspec.KernelSpecManager()
    found = ksm.find_kernel_specs()
    assert {'luatorch', 'itorch'} <= set(found)


def comparable(outputs):
    """Outputs with stream text joined (Jupyter may split or merge stream messages)."""
    res = []
    for o in outputs:
        o = dict(o)
        if o['output_type'] == 'stream':
            text = ''.join(o['text']) if isinstance(o['text'], list) else o['text']
            if res and res[-1]['output_type'] == 'stream' and res[-1]['name'] == o['name']:
                res[-1]['text'] += text
                continue
            o['text'] = text
        elif o['output_type'] == 'display_data':
            o['data'] = {k: ''.join(v) if isinstance(v, list) else v for k, v in o['data'].items()}
            o.pop('transient', None)
        res.append(o)
    return sorted(res, key=lambda o: (o['output_type'] != 'stream', o.get('name', '')))


def test_nbclient_runs_a_notebook_like_the_runner(kernels, tmp_path):
    runner_out = tmp_path / 'runner.ipynb'
    p = subprocess.run([sys.executable, '-m', 'luatorch.cli', '--notebook', str(FIXTURE), '--output',
                        str(runner_out)], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert p.returncode == 1, p.stderr
    expected = json.loads(runner_out.read_text())

    nb = nbformat.read(str(FIXTURE), as_version=4)
    assert nb.metadata.kernelspec.name == 'itorch'
    client = nbclient.NotebookClient(nb, timeout=120, allow_errors=True,
                                     resources={'metadata': {'path': str(FIXTURE.parent)}})
    client.execute()
    got = [c for c in nb.cells if c.cell_type == 'code']
    want = [c for c in expected['cells'] if c['cell_type'] == 'code']
    assert len(got) == len(want) == 26
    for n, (g, w) in enumerate(zip(got, want), 1):
        assert comparable(g.outputs) == comparable(w['outputs']), 'cell %d' % n
    # images: PNG display data, the same bytes as the runner's
    png = got[18].outputs[0]
    assert png.output_type == 'display_data'
    assert base64.b64decode(png.data['image/png'])[:8] == b'\x89PNG\r\n\x1a\n'


@pytest.fixture(scope='module')
def kernel(kernels):
    km = jupyter_client.KernelManager(kernel_name='luatorch')
    km.start_kernel(cwd=str(ROOT))
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    yield km, kc
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def shell_reply(kc, msg_id, timeout=30):
    """The reply to msg_id (earlier replies, e.g. to wait_for_ready's kernel_info, are skipped)."""
    while True:
        rep = kc.get_shell_msg(timeout=timeout)
        if rep['parent_header'].get('msg_id') == msg_id:
            return rep['content']


def execute(kc, code, timeout=60):
    """Run code; returns (reply content, stdout text, error contents)."""
    msg_id = kc.execute(code)
    stdout, errors = '', []
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg['parent_header'].get('msg_id') != msg_id:
            continue
        t = msg['msg_type']
        if t == 'stream' and msg['content']['name'] == 'stdout':
            stdout += msg['content']['text']
        elif t == 'error':
            errors.append(msg['content'])
        elif t == 'status' and msg['content']['execution_state'] == 'idle':
            break
    return shell_reply(kc, msg_id, timeout), stdout, errors


def test_kernel_completion_and_is_complete(kernel):
    km, kc = kernel
    reply, out, _ = execute(kc, "do local Net = torch.class('Net') function Net:add(m) return self end end\n"
                                "net = Net(); print('defined')")
    assert reply['status'] == 'ok' and out == 'defined\t\n'
    c = shell_reply(kc, kc.complete('x = net:ad', 10))
    assert c['matches'] == ['net:add('] and (c['cursor_start'], c['cursor_end']) == (4, 10)
    c = shell_reply(kc, kc.complete('torch.rand', 10))
    assert {'torch.rand(', 'torch.randn(', 'torch.randperm('} <= set(c['matches'])
    for code, status in (('for i = 1, 3 do', 'incomplete'), ('x = 1', 'complete'), ('x = = 1', 'invalid')):
        assert shell_reply(kc, kc.is_complete(code))['status'] == status


def test_kernel_interrupt_stops_a_loop_and_the_kernel_goes_on(kernel):
    km, kc = kernel
    msg_id = kc.execute('n = 0 while true do n = n + 1 end')
    time.sleep(1.0)
    km.interrupt_kernel()
    reply = shell_reply(kc, msg_id)
    assert reply['status'] == 'error'
    assert reply['evalue'] == '[string "n = 0 while true do n = n + 1 end..."]:1: interrupted!'
    reply, out, errors = execute(kc, 'n > 1000')
    assert reply['status'] == 'ok' and out == 'true\t\n' and errors == []


TUTORIAL = ROOT.parent / 'shared' / 'tutorials' / '000_deep_learning_with_torch.ipynb'


@pytest.mark.skipif(not TUTORIAL.exists(), reason='../shared/tutorials is absent')
def test_tutorial_tensor_cells_through_jupyter_match_the_runner(kernels, tmp_path):
    nb = json.loads(TUTORIAL.read_text())
    nb['cells'] = [c for c in nb['cells'] if c['cell_type'] == 'code'][:39]
    path = tmp_path / 'tensors.ipynb'
    path.write_text(json.dumps(nb))
    out = tmp_path / 'runner.ipynb'
    subprocess.run([sys.executable, '-m', 'luatorch.cli', '--notebook', str(path), '--output', str(out)],
                   capture_output=True, text=True, timeout=300, cwd=ROOT)
    want = json.loads(out.read_text())['cells']
    got = nbformat.read(str(path), as_version=4)
    nbclient.NotebookClient(got, timeout=120, allow_errors=True).execute()
    random_or_addresses = set(range(21, 34)) | {13}
    for n, (g, w) in enumerate(zip(got.cells, want), 1):
        if n not in random_or_addresses:
            assert comparable(g.outputs) == comparable(w['outputs']), 'cell %d' % n
    assert [o.output_type for o in got.cells[13].outputs] == ['error']  # b = {1 = 'c'}
    assert got.cells[38].outputs[0].text == ' 12  18\n 30  45\n[torch.DoubleTensor of size 2x2]\n\n'
