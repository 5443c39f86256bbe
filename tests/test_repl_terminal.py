"""The real `th` in a terminal (a pty, driven with pexpect), as a person uses it: banner and
`th> ` prompt, a multi-line function at `..> `, expressions auto-printed in colour with a
timing line, an error followed by a working line, Ctrl-C stopping `while true do end` with the
REPL surviving, tab completion (`net:ad<TAB>`), history kept across sessions, Ctrl-D/os.exit."""
import os
import re
import sys
import time

import pytest

from helpers import ROOT

pexpect = pytest.importorskip('pexpect')

ANSI = re.compile(r'\x1b\[[0-9;]*[A-Za-z]')
PROMPT = 'th> '


def plain(s):
    return ANSI.sub('', s).replace('\r\n', '\n')


def spawn(tmp_path, *args, term='xterm'):
    env = dict(os.environ, TERM=term, TREPL_HISTORY=str(tmp_path / 'history'))
    env.pop('NO_COLOR', None)
    child = pexpect.spawn(sys.executable, ['-m', 'luatorch.cli', *args], cwd=str(ROOT), env=env,
                          encoding='utf-8', timeout=60, dimensions=(50, 150))
    return child


def run(child, line):
    """Type a line, wait for the next prompt; returns what the screen showed in between."""
    child.sendline(line)
    child.expect_exact(PROMPT)
    return child.before


def test_session(tmp_path):
    c = spawn(tmp_path)
    c.expect_exact(PROMPT)
    assert 'Type ? for help' in plain(c.before)

    # a multi-line function: continuation prompts, then it works
    c.sendline('function sq(x)')
    c.expect_exact('..> ')
    c.sendline('  return x * x')
    c.expect_exact('..> ')
    c.sendline('end')
    c.expect_exact(PROMPT)
    out = run(c, 'sq(7), "seven"')
    # colours on a terminal: numbers cyan; then the timing line, right-aligned
    assert '\x1b[0;36m49\x1b[0m\tseven\t' in out
    assert re.search(r'\n {70}\x1b\[1;30m\[\d+\.\d{4}s\]\x1b\[0m\t\r\n$', out)

    # an error, then a working line
    out = plain(run(c, 'error("boom")'))
    assert '[string "_RESULT={error("boom")}"]:1: boom\nstack traceback:' in out
    assert '49' in plain(run(c, 'sq(7)'))

    # Ctrl-C stops a running loop; the REPL and its globals survive
    c.sendline('n = 0 while true do n = n + 1 end')
    time.sleep(1.0)
    c.sendintr()
    c.expect_exact(PROMPT)
    out = plain(c.before)
    assert '[string "n = 0 while true do n = n + 1 end"]:1: interrupted!' in out
    assert 'Traceback' not in out
    assert 'true' in plain(run(c, 'n > 1000'))
    c.sendline('while true do end')  # the empty loop of the issue
    time.sleep(0.5)
    c.sendintr()
    c.expect_exact(PROMPT)
    assert 'while true do end"]:1: interrupted!' in plain(c.before)

    # Ctrl-C at the prompt abandons the line
    # (after readline has echoed the text: CPython's readline notices a SIGINT only while it
    # waits in select(), so a Ctrl-C landing while it is still processing typed keys waits for
    # the next key, as at a real terminal)
    c.send('half typed')
    c.expect_exact('half typed')
    time.sleep(0.3)
    c.sendintr()
    c.expect_exact(PROMPT)
    assert 'half' not in plain(run(c, 'print("fresh")')).replace('half typed', '')

    # tab completion: a method of an object, a field of a package (list on a second TAB)
    run(c, "do local Net = torch.class('Net') function Net:add(m) self.n = (self.n or 0) + 1 return self end end")
    run(c, 'net = Net()')
    c.send('net:ad\t')
    c.expect_exact('net:add(')
    c.sendline('1):add(2).n')
    c.expect_exact(PROMPT)
    assert '2' in plain(c.before)
    c.send('torch.rand\t\t')
    c.expect('torch.randn\\(')
    c.send('\x15')  # Ctrl-U: clear the line
    c.send('collectg\t')  # a global
    c.expect_exact('collectgarbage(')
    c.send('\x15')
    c.sendline('print("mark" .. 1)')
    c.expect_exact('mark1\t')
    c.expect_exact(PROMPT)

    # `$ cmd` and `?`
    assert 'hello shell' in plain(run(c, '$ echo hello shell'))
    out = plain(run(c, '?'))
    assert 'tab completion of globals' in out
    assert not re.search(r'\[\d+\.\d{4}s\]', out)  # trepl's help text comes untimed

    # Ctrl-D asks, Enter confirms
    c.sendeof()
    c.expect_exact('Do you really want to exit ([y]/n)? ')
    c.sendline('')
    c.expect(pexpect.EOF)
    c.close()
    assert c.exitstatus == 0

    # the history was saved: a new session recalls it with the up arrow
    hist = (tmp_path / 'history').read_text()
    assert 'function sq(x)\n  return x * x\nend' in hist
    c = spawn(tmp_path)
    c.expect_exact(PROMPT)
    c.send('\x1b[A')  # up: the last input was `?`...
    c.send('\x1b[A')  # ...before it the shell command
    c.expect_exact('$ echo hello shell')
    c.send('\x15')
    c.sendline('os.exit(5)')
    c.expect(pexpect.EOF)
    c.close()
    assert c.exitstatus == 5


def test_interactive_script_and_no_colours_on_dumb_terminal(tmp_path):
    script = tmp_path / 's.lua'
    script.write_text("answer = 42\nprint('script ran')\n")
    c = spawn(tmp_path, '-i', str(script), term='dumb')
    c.expect_exact(PROMPT)
    assert 'script ran' in c.before
    out = run(c, 'answer')
    assert '\x1b' not in out
    assert '42\t' in out
    c.sendline('exit')
    c.expect_exact('Do you really want to exit ([y]/n)? ')
    c.sendline('n')
    c.expect_exact(PROMPT)
    c.sendeof()
    c.expect_exact('([y]/n)? ')
    c.sendeof()  # a second Ctrl-D leaves too
    c.expect(pexpect.EOF)
    c.close()
    assert c.exitstatus == 0


def test_uninterruptible_compiled_loop_quits_on_second_ctrl_c(tmp_path):
    # a loop in a script function is compiled by LuaJIT, whose traces never look at hooks:
    # the first Ctrl-C cannot land, a second one (a moment later) leaves th as luajit does
    script = tmp_path / 'spin.lua'
    script.write_text('function spin() local i = 0 while true do i = i + 1 end end\n')
    c = spawn(tmp_path, '-i', str(script))
    c.expect_exact(PROMPT)
    c.sendline('spin()')
    time.sleep(1.0)
    c.sendintr()
    time.sleep(1.5)
    c.sendintr()
    c.expect(pexpect.EOF)
    assert 'a LuaJIT-compiled loop never sees Ctrl-C' in c.before
    c.close()
    assert c.exitstatus == 130
