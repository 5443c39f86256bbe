"""torch.CmdLine as experiment scripts use it: `th train.lua -lr 0.1 ...`, help, errors, the
experiment-directory string and logging."""
import re
import subprocess
import sys

import pytest

SCRIPT = """
cmd = torch.CmdLine()
cmd:text()
cmd:text('Training a simple network')
cmd:text()
cmd:text('Options')
cmd:option('-seed', 123, 'initial random seed')
cmd:option('-booloption', false, 'boolean option')
cmd:option('-stroption', 'mystring', 'string option')
cmd:option('-lr', 0.1)
cmd:text()
params = cmd:parse(arg)
for _, k in ipairs({'seed', 'booloption', 'stroption', 'lr'}) do
  io.write(k, '=', tostring(params[k]), ' ', type(params[k]), '\\n')
end
"""

HELP = """Usage: train.lua [options]

Training a simple network

Options
  -seed       initial random seed [123]
  -booloption boolean option [false]
  -stroption  string option [mystring]
  -lr         [0.1]

"""


def th_script(tmp_path, code, *args, name='train.lua'):
    (tmp_path / name).write_text(code)
    return subprocess.run([sys.executable, '-m', 'luatorch.cli', name, *args], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)


def test_defaults(tmp_path):
    p = th_script(tmp_path, SCRIPT)
    assert p.returncode == 0, p.stderr
    assert p.stdout == ('seed=123 number\nbooloption=false boolean\nstroption=mystring string\n'
                        'lr=0.1 number\n')


def test_parse_values(tmp_path):
    p = th_script(tmp_path, SCRIPT, '-seed', '456', '-booloption', '-stroption', 'my custom', '-lr', '1e-3')
    assert p.returncode == 0, p.stderr
    assert p.stdout == ('seed=456 number\nbooloption=true boolean\nstroption=my custom string\n'
                        'lr=0.001 number\n')


def usage_line(stdout, script):
    """The help's first line is 'Usage: ' .. arg[0] .. ' [options]...'. luatorch's arg[0] is the
    script; real th's is the path of th's own Lua file (.../trepl/scm-1/bin/th). Accept both,
    and return the output with that line normalised to the script's name."""
    first, rest = stdout.split('\n', 1)
    m = re.fullmatch(r'Usage: (\S+) (\[options\].*)', first)
    assert m and (m.group(1) == script or m.group(1).endswith('th')), first
    return 'Usage: %s %s\n%s' % (script, m.group(2), rest)


@pytest.mark.parametrize('flag', ['-h', '--help', '-help'])
def test_help(tmp_path, flag):
    p = th_script(tmp_path, SCRIPT, '-seed', '1', flag)
    assert p.returncode == 0
    assert usage_line(p.stdout, 'train.lua') == HELP
    assert p.stderr == ''


ERROR_HELP = HELP.replace('Usage: train.lua [options]', 'Usage: [options]')


@pytest.mark.parametrize('args,message', [
    (['-seed', 'abc'], 'invalid type for option -seed (should be number)'),
    (['-seed'], 'missing argument for option -seed'),
    (['-unknown'], 'invalid argument: -unknown'),
    (['extra'], 'invalid argument: extra'),
])
def test_errors(tmp_path, args, message):
    p = th_script(tmp_path, SCRIPT, *args)
    assert p.returncode == 1
    assert p.stderr == message
    # print('') before and after the message (trepl's print: a tab, then the newline)
    assert p.stdout == '\t\n\t\n' + ERROR_HELP


ARGS_SCRIPT = """
cmd = torch.CmdLine()
cmd:text('Convert a file')
cmd:argument('-input', 'file to read')
cmd:argument('-output', 'file to write')
cmd:option('-v', false, 'verbose')
cmd:option('-quality', 90, 'quality in percent')
local p = cmd:parse(arg)
print(p.input, p.output, p.v, p.quality)
print(cmd:string('run', p, {}))
print(cmd:string('run', p, {input = true, output = true}))
"""


def test_arguments(tmp_path):
    p = th_script(tmp_path, ARGS_SCRIPT, 'in.png', '-quality', '50', 'out.jpg', '-v')
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[0] == 'in.png\tout.jpg\ttrue\t50\t'
    # cmd:string prints each non-default option with its default, then returns the name
    assert sorted(lines[1:3]) == ['quality\t50\t90\t', 'v\tt\tfalse\t']
    assert lines[3] == 'run,input=in.png,output=out.jpg,quality=50,v=t\t'
    assert sorted(lines[4:8]) == ['-- ignore option input\t', '-- ignore option output\t',
                                  'quality\t50\t90\t', 'v\tt\tfalse\t']
    assert lines[8] == 'run,quality=50,v=t\t'


def test_arguments_help_and_missing(tmp_path):
    p = th_script(tmp_path, ARGS_SCRIPT, '--help', name='conv.lua')
    assert p.returncode == 0
    assert usage_line(p.stdout, 'conv.lua') == ('Usage: conv.lua [options] <input> <output>\n'
                        'Convert a file\n'
                        '  <input>  file to read\n'
                        '  <output> file to write\n'
                        '  -v       verbose [false]\n'
                        '  -quality quality in percent [90]\n')
    p = th_script(tmp_path, ARGS_SCRIPT, 'only_input', name='conv.lua')
    assert p.returncode == 1 and p.stderr == 'not enough arguments'


def test_string_defaults_and_forced(tmp_path):
    p = th_script(tmp_path, """
      cmd = torch.CmdLine('_', '-')
      cmd:option('-a', 1, '')
      cmd:option('-b', 'x', '')
      local params = cmd:parse({})
      print(cmd:string('exp', params, {}))
      print(cmd:string('exp', params, {a = false}))
      params.b = 'y'
      params.zzz = 1
      print(cmd:string('exp', params, {}))
    """)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[0] == 'exp\t'
    assert lines[1:3] == ['a\t1\t1\t', 'exp_a-1\t']
    assert sorted(lines[3:5]) == ['WARNING: unknown option/argument: zzz IGNORING for DIRECTORY NAME\t',
                                  'b\ty\tx\t']
    assert lines[5] == 'exp_b-y\t'


def test_option_definition_errors(tmp_path):
    p = th_script(tmp_path, """
      cmd = torch.CmdLine()
      print(pcall(cmd.option, cmd, '-x'))
      print(pcall(cmd.option, cmd, '-x', 1, 'help', 'string'))
      print(pcall(cmd.addTime, cmd, 'n', 5))
    """)
    lines = p.stdout.splitlines()
    assert lines[0].startswith('false\t') and lines[0].endswith('option -x has no default value\t')
    assert lines[1].endswith('option -x has wrong default type value\t')
    assert lines[2].endswith('Argument has to be string\t')


def test_log(tmp_path):
    p = th_script(tmp_path, """
      cmd = torch.CmdLine()
      cmd:option('-seed', 123, 'initial random seed')
      local params = cmd:parse(arg)
      params.rundir = cmd:string('experiment', params, {dir = true})
      paths.mkdir(params.rundir)
      cmd:log(params.rundir .. '/log', {seed = params.seed})
      print('hello', 42)
    """, '-seed', '456')
    assert p.returncode == 0, p.stderr
    out = p.stdout.splitlines()
    assert out[0] == 'seed\t456\t123\t'
    assert re.fullmatch(r'\[program started on \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\]\t', out[1])
    assert out[2:] == ['[command line arguments]\t', 'seed\t456\t', '[----------------------]\t',
                       'hello\t42\t']
    log = (tmp_path / 'experiment,seed=456' / 'log').read_text().splitlines()
    assert log[0].startswith('[program started on ') and log[0].endswith('] ')
    assert log[1:] == ['[command line arguments] ', 'seed 456 ', '[----------------------] ',
                       'hello 42 ']


def test_log_silent_addtime_open_file(tmp_path):
    p = th_script(tmp_path, """
      cmd = torch.CmdLine()
      cmd:silent()
      cmd:addTime('proj', '%Y')
      local f = io.open('out.log', 'w')
      cmd:log(f)
      print('quiet')
      f:close()
    """)
    assert p.returncode == 0, p.stderr
    assert p.stdout == ''
    log = (tmp_path / 'out.log').read_text().splitlines()
    assert re.fullmatch(r'\d{4}\[proj\]:  quiet ', log[-1])
    assert log[1] == re.match(r'\d{4}', log[1]).group(0) + '[proj]:  [command line arguments] '


def test_arg_table_of_th(tmp_path):
    # what CmdLine gets: arg[1..n] are the script's arguments, in order
    p = th_script(tmp_path, "print(#arg, arg[1], arg[2], arg[3])", 'a', '-b', '3', name='args.lua')
    assert p.stdout == '3\ta\t-b\t3\t\n'
