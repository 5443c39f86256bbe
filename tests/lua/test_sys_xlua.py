"""sys, xlua and torch.Timer as scripts use them, through the real `th`."""
import math
import os
import subprocess
import sys
import time

from helpers import th


def run(code, env=None, cwd=None):
    p = subprocess.run([sys.executable, '-m', 'luatorch.cli', '-e', code], capture_output=True,
                       timeout=120, env=env, cwd=cwd)  # bytes: carriage returns kept
    assert p.returncode == 0, p.stderr
    return p.stdout.decode()


def plain_env(**extra):
    """An environment without a terminal description: `tput cols` fails, the bar is 80 wide."""
    env = {k: v for k, v in os.environ.items() if k not in ('TERM', 'COLUMNS', 'LINES')}
    env.update(extra)
    return env


# ------------------------------------------------------------------------------ sys

def test_sys_clock_sleep_tictoc():
    before = time.time()
    out = th("local a = sys.clock(); sys.sleep(0.2); local b = sys.clock(); sys.tic(); "
             "sys.usleep(100000); local t = sys.toc(); io.write(string.format('%.6f %.6f %.6f', a, b - a, t))")
    a, slept, toc = map(float, out.split())
    assert abs(a - before) < 30
    assert 0.19 < slept < 1.5
    assert 0.09 < toc < 1.5


def test_sys_toc_verbose():
    out = th("sys.tic(); local t = sys.toc(true); print(type(t))")
    lines = out.splitlines()
    assert float(lines[0]) >= 0 and lines[1] == 'number\t'


def test_sys_execute_and_uname():
    out = th("io.write('[', sys.execute('echo \"  hello \"; echo world'), ']', "
             "'[', sys.execute('ls /no/such/dir'):sub(1, 3), ']', sys.uname(), ' ', sys.OS)")
    assert out == '[hello \nworld][ls:]linux linux'
    out = th("io.write('[', sys.fexecute('printf \" x \"'), ']')")
    assert out == '[x]'


def test_sys_misc():
    out = th("""
      local t = sys.split('a,b,,c,', ',')
      io.write(#t, ':', table.concat(t, '|'), '\\n')
      io.write(tostring(sys.isNaN(0/0)), tostring(sys.isNaN(1)), '\\n')
      io.write(sys.COLORS.red, sys.COLORS.Green, sys.COLORS._blue, sys.COLORS.none, '\\n')
      io.write(tostring(require('sys') == sys), tostring(sys.concat == paths.concat), '\\n')
      io.write(type(sys.prefix), type(sys.ls()), '\\n')
    """)
    assert out.splitlines() == ['4:a|b||c', 'truefalse', '\x1b[0;31m\x1b[1;32m\x1b[44m\x1b[0m',
                                'truetrue', 'stringstring']


# ------------------------------------------------------------------------------ Timer

def test_timer():
    out = th("""
      local t = torch.Timer()
      print(t, torch.type(t))
      sys.sleep(0.2)
      t:stop()
      local a = t:time()
      sys.sleep(0.15)
      print(t, a.real == t:time().real, a.real > 0.18 and a.real < 1, a.user >= 0, a.sys >= 0)
      t:resume()
      sys.sleep(0.1)
      local b = t:time().real
      print(b > 0.28 and b < 1.2)
      t:reset()
      print(t:time().real < 0.05, t)
      t:stop(); t:reset()
      sys.sleep(0.05)
      print(t:time().real, t:time().user, t)
    """)
    # trepl prints an object (a Timer is userdata in Torch7) on a line of its own
    assert out.splitlines() == [
        'torch.Timer [status: running]', 'torch.Timer\t',
        'torch.Timer [status: stopped]', 'true\ttrue\ttrue\ttrue\t',
        'true\t',
        'true\ttorch.Timer [status: running]',
        '0\t0\ttorch.Timer [status: stopped]',
    ]


def test_timer_user_time_counts_cpu():
    out = th("local t = torch.Timer(); local x = 0; for i = 1, 1e7 do x = x + math.sin(i) end; "
             "local r = t:time(); print(r.user > 0.01, r.real >= r.user * 0.5)")
    assert out == 'true\ttrue\t\n'


# ------------------------------------------------------------------------------ xlua.progress

FAKE_TIMER = """
  -- a timer whose clock the test sets (xlua.progress creates it with torch.Timer())
  NOW = 0
  torch.Timer = function() return {time = function() return {real = NOW, user = 0, sys = 0} end} end
"""


def format_time(seconds):
    """xlua.formatTime: the two largest non-zero units of D, h, m, s, ms."""
    days = math.floor(seconds / 3600 / 24)
    seconds -= days * 3600 * 24
    hours = math.floor(seconds / 3600)
    seconds -= hours * 3600
    minutes = math.floor(seconds / 60)
    seconds -= minutes * 60
    whole = math.floor(seconds)
    millis = math.floor((seconds - whole) * 1000)
    out = [f'{v}{u}' for v, u in ((days, 'D'), (hours, 'h'), (minutes, 'm'), (whole, 's'),
                                  (millis, 'ms')) if v > 0][:2]
    return ''.join(out) or '0ms'


def expected_bar(calls, goal, width=80):
    """What xlua.progress writes for successive (current, time) calls of one bar."""
    bar_len = width - 34
    out = []
    t0, i0 = None, None
    for n, (cur, now) in enumerate(calls):
        if n == 0:
            t0, i0 = now, cur
        else:
            out.append('\r')
        percent = cur * bar_len // goal
        cells = ''.join('=' if i < percent else '>' if i == percent else '.'
                        for i in range(1, bar_len + 1))
        gap = width - bar_len - 4
        step = 0 if cur == i0 else (now - t0) / (cur - i0)
        remaining = max(0, (goal - cur) * step)
        tm = (' ETA: ' + format_time(remaining)) if percent < bar_len else (' Tot: ' + format_time(now))
        tm += ' | Step: ' + format_time(step)
        back = int(5 + len(tm) + bar_len / 2)
        out.append(' [' + cells + '] ' + ' ' * gap + '\b' * gap + tm + '\b' * back
                   + ' %d/%d ' % (cur, goal) + ('\n' if percent == bar_len else '') + '\r')
    return ''.join(out)


def test_progress_exact_output():
    out = run(FAKE_TIMER + """
      NOW = 0;   xlua.progress(1, 4)
      NOW = 2;   xlua.progress(2, 4)
      NOW = 4.5; xlua.progress(3, 4)
      NOW = 6;   xlua.progress(4, 4)
    """, env=plain_env())
    assert out == expected_bar([(1, 0), (2, 2), (3, 4.5), (4, 6)], 4)
    # worked by hand: steps are measured from the first call
    assert ' ETA: 4s | Step: 2s\b' in out
    assert ' ETA: 2s250ms | Step: 2s250ms\b' in out
    assert ' Tot: 6s | Step: 2s\b' in out
    assert out.startswith(' [' + '=' * 10 + '>' + '.' * 35 + '] ')


def test_progress_width_from_tput_and_new_bar():
    # with TERM set and no terminal, tput answers from $COLUMNS; a finished bar followed by a
    # smaller value starts a new bar
    out = run(FAKE_TIMER + """
      for i = 1, 3 do xlua.progress(i, 3) end
      NOW = 10
      xlua.progress(1, 2)
    """, env=plain_env(TERM='xterm', COLUMNS='100'))
    probe = subprocess.run(['tput', 'cols'], capture_output=True, text=True,
                           env=plain_env(TERM='xterm', COLUMNS='100'))
    width = min(int(probe.stdout), 120) if probe.returncode == 0 else 80
    first = expected_bar([(1, 0), (2, 0), (3, 0)], 3, width)
    second = expected_bar([(1, 10)], 2, width)
    assert out == first + second


def test_progress_repeated_final_call_writes_only_cr():
    out = run(FAKE_TIMER + "xlua.progress(2, 2); io.write('|'); xlua.progress(2, 2); io.write('|')",
              env=plain_env())
    assert out == expected_bar([(2, 0)], 2) + '|\r|'


def test_format_time():
    cases = [0, 0.0123, 1.5, 59.999, 61, 3725.5, 90061, 86400 * 3 + 5]
    out = th("for _, s in ipairs({%s}) do io.write(xlua.formatTime(s), ' ') end"
             % ','.join(map(repr, cases)))
    assert out.split() == [format_time(c) for c in cases]


# ------------------------------------------------------------------------------ xlua misc

def test_xlua_require():
    out = th("print(xlua.require('sys') == sys); local r = xlua.require('no_such_pkg_x'); print(r)")
    lines = out.splitlines()
    assert lines[0] == 'true\t'
    assert lines[1].startswith("module 'no_such_pkg_x' not found")
    assert 'warning: <no_such_pkg_x> could not be loaded (is it installed?)\t' in lines
    assert lines[-1] == 'false\t'
    assert th("print(xrequire == xlua.require, xprint == xlua.print, xerror == xlua.error)") == 'true\ttrue\ttrue\t\n'


def test_xlua_print():
    out = th("xlua.print({k = 'v'}); xlua.print(5, 'x'); xlua.print({n = string.rep('a', 50)}); "
             "xlua.print(torch.Timer())")
    lines = out.split('\n')
    assert lines[0] == '{[k] = v}'
    assert lines[1] == '5    x\t'
    assert lines[2] == '{[n] = ' + 'a' * 40 + '\x1b[0m ... }'
    assert lines[3] == 'torch.Timer [status: running]'


def test_xlua_string_table_helpers():
    out = th("""
      io.write(table.concat(string.split('a b  c', ' '), '|'), '\\n')
      io.write(table.concat(('x,y'):split(','), '|'), '\\n')
      local kept, removed = table.splice({1, 2, 3, 4}, 2, 2)
      io.write(table.concat(kept, ','), ';', table.concat(removed, ','), '\\n')
      local p = table.prune({1, 2, 2, 3, 1}); table.sort(p); io.write(table.concat(p, ','), '\\n')
      io.write(tostring(string.tosymbol('torch.Timer') == torch.Timer), '\\n')
      io.write(xlua.table2string({1, 'two', key = 'v'}), '\\n')
      io.write(xlua.table2string({'say "hi"'}), '\\n')
      io.write(tostring(pcall(string.tosymbol, 'no_such_global')), '\\n')
    """)
    assert out.splitlines() == ['a|b||c', 'x|y', '1,4;2,3', '1,2,3', 'true', '{1,"two",key="v"}',
                                '{\'say "hi"\'}', 'false']


def test_xlua_unpack():
    out = th("""
      local function f(...)
        local args, a, b, c = xlua.unpack({...}, 'f', 'a test function',
          {arg = 'a', type = 'number', help = 'first', req = true},
          {arg = 'b', type = 'number', help = 'second', default = 2},
          {arg = 'c', type = 'number', help = 'third', defaulta = 'a'})
        return a, b, c, args.a, type(tostring(args.usage))
      end
      print(f(1))
      print(f(1, 5, 6))
      print(f({a = 3, c = 4}))
      print(pcall(f, {b = 1}))
    """)
    lines = out.splitlines()
    assert lines[:3] == ['1\t2\t1\t1\tstring\t', '1\t5\t6\t1\tstring\t', '3\t2\t4\t3\tstring\t']
    assert '\x1b[1;31mmissing argument: a\x1b[0m\t' in lines
    assert lines[-1].startswith('false\t') and 'error' in lines[-1]
    assert any(line.startswith('    a = number') and line.rstrip('\t').endswith('-- first') for line in lines)


def test_xlua_envparams():
    out = run("local p = xlua.envparams{lr = 0.1, nesterov = true, name = 'x'}; "
              "print(p.lr, p.nesterov, p.name)", env=plain_env(lr='0.5', nesterov='false'))
    assert out == '0.5\tfalse\tx\t\n'


def test_option_parser(tmp_path):
    (tmp_path / 'op.lua').write_text("""
      local op = xlua.OptionParser('%prog [options] file')
      op:option{'-l', '--lr', action = 'store', dest = 'lr', help = 'learning rate', default = 0.1}
      op:option{'-v', '--verbose', action = 'store_true', dest = 'verbose', help = 'talk'}
      local opt, args = op:parse()
      print(opt.lr, opt.verbose, #args, args[1])
    """)

    def go(*a):
        return subprocess.run([sys.executable, '-m', 'luatorch.cli', 'op.lua', *a], cwd=tmp_path,
                              capture_output=True, text=True, timeout=60)

    assert go('--lr=0.5', '-v', 'f.txt').stdout == '0.5\ttrue\t1\tf.txt\t\n'
    assert go().stdout == '0.1\tnil\t0\tnil\t\n'
    p = go('-h')
    assert p.returncode == 0
    assert p.stdout.splitlines() == [
        'Usage: op.lua [options] file', '', 'Options:',
        '  -h, --help      show this help message and exit',
        '  -l LR, --lr=LR  learning rate [default = 0.1]',
        '  -v, --verbose   talk']
    p = go('-x')
    assert p.returncode == 1 and p.stderr.startswith('invalid option -x')


def test_profiler():
    out = th("local p = xlua.Profiler(); p:start('a'); sys.sleep(0.05); local r, c = p:lap('a'); "
             "print(r > 0.04, c >= 0); print(p:format('a'):match('^%$ real | cpu: [%d.]+ | [%d.]+ <a>$') ~= nil)")
    assert out == 'true\ttrue\t\ntrue\t\n'


def test_globals_after_boot():
    out = th("print(type(paths), type(sys), type(xlua), package.loaded.xlua == xlua)")
    assert out == 'table\ttable\ttable\ttrue\t\n'
