"""torch.Tester / torch.TestSuite as legacy test files use them, with Torch7's output format."""
import re
import subprocess
import sys

import luatorch
from helpers import run_lua as _run_lua

ANSI = re.compile(r'\x1b\[[0-9;]*m')
DASHES = '-' * 80


def run_lua(rt, code):
    """Lua code in a Runtime (no `arg`: Tester prints without colours), with trepl's print."""
    return _run_lua(rt, "print = require('trepl').print\n" + code)


def th_file(tmp_path, code, name='test.lua'):
    (tmp_path / name).write_text(code)
    p = subprocess.run([sys.executable, '-m', 'luatorch.cli', name], cwd=tmp_path,
                       capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def line(i, n, name, status):
    """One finished progress line as Torch writes it (WAIT, carriage return, result)."""
    width = len(str(n))
    head = '%*d/%d %s %s ' % (width, i, n, name, '.' * (80 - 6 - 2 - (2 * width + 2) - len(name)))
    return head + '[WAIT]\r' + head + '[' + status + ']'


ONE_FAILURE = """
local tester = torch.Tester()
local tests = torch.TestSuite()

function tests.testA()
   local a = torch.Tensor{1, 2, 3}
   local b = torch.Tensor{1, 2, 4}
   tester:eq(a, b, "a and b should be equal")
   tester:assert(true)
end

tester:add(tests)
tester:run()
"""


def test_failure_report_format(tmp_path):
    rc, out, err = th_file(tmp_path, ONE_FAILURE)
    assert rc == 1
    plain = ANSI.sub('', out)
    assert plain == '\n'.join([
        'Running 1 test',
        line(1, 1, 'testA', 'FAIL'),
        'Completed 2 asserts in 1 test with 1 failure and 0 errors',
        DASHES,
        'testA',
        'a and b should be equal',
        'TensorEQ(==) violation: max diff=1, tolerance=0',
        'stack traceback:',
        '\ttest.lua:8: in function <test.lua:5>',
        DASHES,
        ''])
    assert 'An error was found while running tests!' in err


def test_colours_under_th(tmp_path):
    rc, out, _ = th_file(tmp_path, ONE_FAILURE)
    assert out.split('\n')[1].startswith('\x1b[0;36m1/1 \x1b[0mtestA ')
    assert '[\x1b[0;31mFAIL\x1b[0m]' in out
    assert 'with \x1b[0;31m1 failure\x1b[0m and \x1b[0;32m0 errors\x1b[0m\n' in out


def test_passing_suite_and_counts(tmp_path):
    rc, out, err = th_file(tmp_path, """
      local tester = torch.Tester()
      local tests = torch.TestSuite()
      function tests.one() tester:asserteq(1, 1); tester:assertlt(1, 2) end
      function tests.two() tester:assertTableEq({1, {2}}, {1, {2}}) end
      function tests.three() tester:assertError(function() error('x') end) end
      print(tester:add(tests) == tester)
      print(tester:run())
    """)
    assert rc == 0, err
    lines = ANSI.sub('', out).split('\n')[:-1]
    assert lines[0] == 'true\t'
    assert lines[1] == 'Running 3 tests'
    names = [re.match(r'(\d)/3 (\w+) ', ln.split('\r')[1]).groups() for ln in lines[2:5]]
    assert sorted(n for _, n in names) == ['one', 'three', 'two']
    assert [i for i, _ in names] == ['1', '2', '3']
    for i, (_, name) in enumerate(names, 1):
        assert lines[1 + i] == line(i, 3, name, 'PASS')
    assert lines[5] == 'Completed 4 asserts in 3 tests with 0 failures and 0 errors'
    assert lines[6] == '0\t'
    assert len(lines) == 7


def test_error_in_test_and_summary_only(tmp_path):
    rc, out, err = th_file(tmp_path, """
      local tester = torch.Tester()
      tester:add(function() local x = nil; return x.field end, 'crash')
      tester:run()
    """)
    assert rc == 1
    plain = ANSI.sub('', out)
    assert line(1, 1, 'crash', 'ERROR') in plain
    assert 'Completed 0 asserts in 1 test with 0 failures and 1 error\n' in plain
    section = plain.split(DASHES + '\n')[1]
    assert section.startswith("crash\n Function call failed\ntest.lua:3: attempt to index local 'x' (a nil value)\n"
                              'stack traceback:\n')
    assert '\ttest.lua:3: in function <test.lua:3>' in section

    rc, out, _ = th_file(tmp_path, """
      local tester = torch.Tester()
      tester:setSummaryOnly(true)
      tester:add(function() tester:assert(false, 'nope') end, 'f')
      tester:run()
    """)
    assert rc == 1
    assert ANSI.sub('', out).endswith('Completed 1 assert in 1 test with 1 failure and 0 errors\n')


def test_messages_of_assertions():
    rt = luatorch.Runtime()
    out = run_lua(rt, """
      local t = torch.Tester()
      t:add(function()
        t:assert(false, 'm')
        t:assertlt(2, 1)
        t:assertgt(1, 2)
        t:assertle(2, 1)
        t:assertge(1, 2)
        t:asserteq(1, 2, 'eq')
        t:assertne(1, 1)
        t:assertalmosteq(1, 1.1, 0.01)
        t:assertTableEq({a = 1}, {a = 2})
        t:assertTableEq({a = 1}, {b = 1})
        t:assertTableNe({1}, {1})
        t:assertTensorNe(torch.Tensor{1}, torch.Tensor{1})
        t:assertTensorEq(torch.Tensor{1}, torch.FloatTensor{1})
        t:assertErrorMsg(function() error('boom', 0) end, 'bam')
        t:assertErrorPattern(function() error('boom') end, '^bam')
        t:assertNoError(function() error('oops', 0) end)
        t:eq({x = {y = 1}}, {x = {y = 'a'}})
        t:eq(1, 1.5, 0.1)
        t:ne('a', 'a')
        t:eq(torch.LongStorage{1, 2}, torch.LongStorage{1, 3})
      end, 'msgs')
      pcall(t.run, t)
    """)
    sections = [s for s in out.split(DASHES + '\n')[1:] if s]
    messages = [s.split('\n', 1)[1].split('\nstack traceback:')[0].rstrip('\n') for s in sections]
    assert messages == [
        'm\nBOOL violation condition=false',
        'LT failed: 2 >= 1',
        'GT failed: 1 <= 2',
        'LE failed: 2 > 1',
        'GE failed: 1 < 2',
        'eq\nEQ failed: 1 ~= 2',
        'NE failed: 1 == 1',
        'ALMOST_EQ failed: 1 ~= 1.1 with tolerance=0.01',
        'At table location a: EQ failed: 1 ~= 2',
        'Entry a missing in second table (is 1 in first)',
        'The tables are equal',
        'TensorNE(==) violation: max diff=0, tolerance=0',
        'The tensors have different types',
        'ERROR violation: err=boom',
        'ERROR violation: err=[string "<python>"]:19: boom',
        'ERROR violation: err=oops',
        'At table location x.y: EQ failed: values have different types (first: number, second: string)',
        'EQ failed: 1 ~= 1.5 with tolerance=0.1',
        'NE failed: a (string) == a (string)',
        'StorageEQ(==) violation: max diff=1, tolerance=0',
    ]
    # no colours outside the command line
    assert '\x1b[' not in out
    assert 'Completed 20 asserts in 1 test with 1 failure and 0 errors' in out


def test_tensor_comparisons():
    rt = luatorch.Runtime()
    out = run_lua(rt, """
      local t = torch.Tester()
      t:add(function()
        t:assertTensorEq(torch.Tensor{1, 2}, torch.Tensor{1, 2.05}, 0.1)
        t:assertTensorEq(torch.Tensor{{1, 2}}, torch.Tensor{1, 2})
        t:eq(torch.Tensor{{1, 2}}, torch.Tensor{1, 2})
        t:eq(torch.ByteTensor{1, 200}, torch.ByteTensor{2, 200})
        t:eq(torch.Tensor(), torch.Tensor())
        t:eq({2, torch.Tensor{1, 2, 2}}, {2, torch.Tensor{1, 2, 2.001}}, 0.01)
      end, 'tensors')
      pcall(t.run, t)
    """)
    sections = [s for s in out.split(DASHES + '\n')[1:] if s]
    assert len(sections) == 3
    assert sections[0].startswith('tensors\nThe tensors have different dimensions\n')
    assert sections[1].startswith('tensors\nTensorEQ(==) violation: max diff=1, tolerance=0\n')
    assert sections[2].startswith('tensors\nTensors have the same content but different dimensions.')
    assert 'Completed 6 asserts in 1 test with 1 failure and 0 errors and 1 warning' in out


def test_disable_early_abort_setup_teardown():
    rt = luatorch.Runtime()
    out = run_lua(rt, """
      local t = torch.Tester()
      local log = {}
      local tests = torch.TestSuite()
      function tests.a() t:assert(true) end
      function tests.b() t:assert(true) end
      t:add(tests)
      t:add(function(name) log[#log + 1] = 'up:' .. name end, '_setUp')
      t:add(function(name) log[#log + 1] = 'down:' .. name end, '_tearDown')
      t:disable('b')
      t:run()
      table.sort(log)
      io.write(table.concat(log, ' '), '\\n')
    """)
    assert 'Completed 1 assert in 2 tests with 0 failures and 0 errors and 1 disabled\n' in out
    assert '[SKIP]' in out
    assert out.endswith('down:a up:a\n')

    out = run_lua(rt, """
      local t = torch.Tester()
      t:setEarlyAbort(true)
      t:add(function() t:assert(false) end, 'x1')
      t:add(function() t:assert(false) end, 'x2')
      print(pcall(t.run, t))
    """)
    assert 'Aborting on first error, not all tests have been executed\n' in out
    assert out.count('[FAIL]') == 1


def test_run_selected_and_rethrow():
    rt = luatorch.Runtime()
    out = run_lua(rt, """
      local t = torch.Tester()
      t:add(function() t:assert(true) end, 'alpha')
      t:add(function() t:assert(false) end, 'beta')
      t:run('alp')
      t:setRethrowErrors(true)
      local ok, err = pcall(t.run, t, {'beta'})
      print(ok, err)
    """)
    assert 'Completed 1 assert in 1 test with 0 failures and 0 errors' in out
    assert out.rstrip().endswith('false\t[string "<python>"]:5: BOOL violation condition=false')


def test_suite_rules():
    rt = luatorch.Runtime()
    out = run_lua(rt, """
      local s = torch.TestSuite()
      function s.x() end
      print(pcall(function() function s.x() end end))
      print(pcall(function() s.y = {} end))
      print(pcall(function() s.z = 1 end))
      print(s.x ~= nil, s.__isTestSuite)
      local t = torch.Tester()
      print(pcall(t.add, t, s, 'name'))
      t:add(s)
      print(pcall(t.add, t, function() end, 'x'))
      print(pcall(t.add, t, {function() end, {}}))
      print(pcall(t.run, t, 'nomatch'))
    """)
    lines = out.split('\n')
    assert lines[0].startswith('false\t') and lines[0].endswith('Test x is already defined.\t')
    assert lines[1].endswith('Nested tables of tests are not supported\t')
    assert lines[2].endswith('Only functions are supported as members of a TestSuite\t')
    assert lines[3] == 'true\ttrue\t'
    assert 'Name parameter is forbidden for a table of tests' in lines[4]
    assert lines[5].endswith('Test with name x already exists!\t')
    assert 'Nested sets of tests are not supported' in lines[6]
    assert "Couldn't find test 'nomatch'" in lines[7]


def test_plain_table_warning_and_assert_nonboolean():
    rt = luatorch.Runtime()
    out = run_lua(rt, """
      local t = torch.Tester()
      t:add({check = function() t:assert(1) end})
      pcall(t.run, t)
    """)
    assert 'Completed 1 assert in 1 test with 0 failures and 0 errors and 2 warnings' in out
    assert 'Should use TestSuite rather than plain lua table\n' in out
    assert ' :assert should only be used for boolean conditions.' in out
    assert '[+warning]' in out


def test_autograd_tutorial_usage():
    # the tutorial's scaffold: a Tester used only for its assert
    rt = luatorch.Runtime()
    out = run_lua(rt, "tester = torch.Tester(); tester.assertionPass = {['']=0}; "
                      "print(tester:assert(true, 'incorrect gradients'))")
    assert out == 'true\t\n'
