"""luatorch/reexec.py: `th` starts again once with glibc's rep movsb threshold set (AMD x86-64)."""
import os
import subprocess
import sys

import pytest

from luatorch import reexec
from helpers import ROOT

TUNED = '%s=%d' % (reexec.TUNABLE, reexec.VALUE)


@pytest.fixture
def amd(monkeypatch):
    monkeypatch.setattr(reexec, '_amd_x86_glibc', lambda: True)


def test_environment_adds_the_tunable(amd):
    env = reexec.environment({'PATH': '/bin'})
    assert env['GLIBC_TUNABLES'] == TUNED
    assert env['LUATORCH_REEXEC'] == '0' and env['PATH'] == '/bin'


def test_environment_keeps_other_tunables(amd):
    env = reexec.environment({'GLIBC_TUNABLES': 'glibc.malloc.check=0'})
    assert env['GLIBC_TUNABLES'] == 'glibc.malloc.check=0:' + TUNED


def test_environment_leaves_a_set_threshold_or_an_opt_out(amd):
    assert reexec.environment({'GLIBC_TUNABLES': reexec.TUNABLE + '=4096'}) is None
    assert reexec.environment({'LUATORCH_REEXEC': '0'}) is None


def test_environment_only_where_it_applies(monkeypatch):
    monkeypatch.setattr(reexec, '_amd_x86_glibc', lambda: False)
    assert reexec.environment({}) is None


def test_reexec_returns_when_not_needed(monkeypatch):
    monkeypatch.setattr(reexec, 'environment', lambda: None)
    monkeypatch.setattr(os, 'execve', lambda *a: pytest.fail('exec called'))
    assert reexec.reexec() is None


def test_reexec_runs_the_same_command_line(monkeypatch):
    seen = []
    monkeypatch.setattr(reexec, 'environment', lambda: {'X': '1'})
    monkeypatch.setattr(sys, 'orig_argv', ['python', '-m', 'luatorch.cli', 's.lua', 'a'])
    monkeypatch.setattr(os, 'execve', lambda *a: seen.append(a))
    reexec.reexec()
    assert seen == [(sys.executable, [sys.executable, '-m', 'luatorch.cli', 's.lua', 'a'],
                     {'X': '1'})]


def _th(args, env, cwd):
    return subprocess.run([sys.executable, '-m', 'luatorch.cli', *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_th_runs_again_with_its_arguments_stdin_and_exit_code(tmp_path):
    (tmp_path / 's.lua').write_text(
        "print(os.getenv('GLIBC_TUNABLES'), arg[0], arg[1], #arg, io.read('*l'))\n"
        "os.exit(3)\n")
    env = {k: v for k, v in os.environ.items() if k not in ('GLIBC_TUNABLES', 'LUATORCH_REEXEC')}
    p = subprocess.run([sys.executable, '-m', 'luatorch.cli', 's.lua', 'x y'], cwd=tmp_path,
                       env=env, input='from stdin\n', capture_output=True, text=True, timeout=120)
    assert p.returncode == 3, p.stderr
    tun = TUNED if reexec._amd_x86_glibc() else 'nil'
    assert p.stdout == '%s\ts.lua\tx y\t1\tfrom stdin\t\n' % tun
    env['LUATORCH_REEXEC'] = '0'
    p = _th(['-e', "print(os.getenv('GLIBC_TUNABLES'))"], env, ROOT)
    assert p.stdout == 'nil\t\n', p.stderr
