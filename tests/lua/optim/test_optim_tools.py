"""optim.ConfusionMatrix (counting, rates, printing) and optim.Logger (file format, plotting)."""
import re
import sys

import numpy as np

from helpers import th


def lua_num(v):
    """Lua's tostring of a number (%.14g)."""
    return '%.14g' % v


# ----------------------------------------------------------------------------- ConfusionMatrix

CM2 = """
  cm = optim.ConfusionMatrix({'a', 'b'})
  for i = 1, 3 do cm:add(1, 1) end
  cm:add(2, 1)      -- target a predicted b
  cm:add(2, 2)
  cm:add(1, 2)      -- target b predicted a
"""


def test_confusion_counts_and_rates(rt, arr):
    rt.execute(CM2 + "cm:updateValids()")
    np.testing.assert_array_equal(arr('cm.mat'), [[3, 1], [1, 1]])
    assert rt.eval('torch.type(cm.mat)') == b'torch.LongTensor'
    np.testing.assert_array_equal(arr('cm.valids'), np.float32([0.75, 0.5]))
    np.testing.assert_array_equal(arr('cm.unionvalids'), np.float32([3 / 5, 1 / 3]))
    assert rt.eval('cm.totalValid') == 4 / 6
    assert rt.eval('cm.averageValid') == 0.625
    assert rt.eval('cm.averageUnionValid') == (float(np.float32(0.6)) + float(np.float32(1 / 3))) / 2


def test_confusion_tostring_exact(rt):
    rt.execute(CM2)
    union = (float(np.float32(0.6)) + float(np.float32(1 / 3))) / 2
    expected = ('ConfusionMatrix:\n'
                '[[       3       1]   75.000% \t[class: a]\n'
                ' [       1       1]]  50.000% \t[class: b]\n'
                ' + average row correct: 62.5% \n'
                ' + average rowUcol correct (VOC measure): ' + lua_num(union * 100) + '% \n'
                ' + global correct: ' + lua_num(4 / 6 * 100) + '%')
    assert rt.eval('tostring(cm)').decode() == expected


def test_confusion_tostring_without_names_wide_counts_and_empty_rows(rt):
    rt.execute("""
      cm = optim.ConfusionMatrix(3)
      cm:add(1, 1); cm:add(3, 1); cm:add(3, 3)
      cm.mat[3][3] = 123456789
    """)
    lines = rt.eval('tostring(cm)').decode().split('\n')
    # widths: max(8, 1 + ceil(log10(max count))) = 10 for a 9-digit count
    assert lines[1] == '[[         1         0         1]   50.000% '
    assert re.fullmatch(r' \[         0         0         0\]   -?nan% ', lines[2])
    assert lines[3] == ' [         0         0 123456789]]  100.000% '
    # the class without samples is left out of the averages: (0.5 + 1) / 2, and for the
    # union (1/2 + float32(123456789/123456790) = 1) / 2
    assert lines[4] == ' + average row correct: 75% '
    assert lines[5] == ' + average rowUcol correct (VOC measure): 75% '
    assert lines[6] == ' + global correct: %s%%' % lua_num(123456790 / 123456791 * 100)


def test_confusion_numeric_class_names_are_printed(rt):
    rt.execute("cm = optim.ConfusionMatrix(2, {0, 1}); cm:add(2, 2)")
    lines = rt.eval('tostring(cm)').decode().split('\n')
    assert lines[1].endswith('% \t[class: 0]') and lines[2].endswith('% \t[class: 1]')


def test_confusion_add_forms(rt, arr):
    rt.execute("""
      cm = optim.ConfusionMatrix(3)
      cm:add(torch.Tensor({0.1, 0.7, 0.2}), 2)                     -- scores, index
      cm:add(torch.Tensor({0.5, 0.2, 0.3}), torch.Tensor({0, 0, 1}))   -- scores, one-hot
      cm:add(torch.FloatTensor({1, 2, 3}), 3)                       -- any tensor type
      cm:add(2, 0)                                                  -- missing label: ignored
      cm:add(2, -1)
    """)
    np.testing.assert_array_equal(arr('cm.mat'), [[0, 0, 0], [0, 1, 0], [1, 0, 1]])


def test_confusion_batch_add_forms(rt, arr):
    rt.execute("""
      cm = optim.ConfusionMatrix(3)
      cm:batchAdd(torch.Tensor({1, 2, 3, 3}), torch.Tensor({1, 2, 2, 0}))          -- indices, 0 ignored
      cm:batchAdd(torch.Tensor({{0.9, 0.05, 0.05}, {0.1, 0.1, 0.8}}),
                  torch.Tensor({{0, 0, 1}, {0, 0, 1}}))                              -- scores, one-hot rows
      cm:batchAdd(torch.Tensor({{2}, {1}}), torch.LongTensor({{3}, {1}}))           -- N x 1 matrices
      total = cm.mat:sum()
    """)
    np.testing.assert_array_equal(arr('cm.mat'), [[2, 0, 0], [0, 1, 1], [1, 1, 1]])
    assert rt.eval('total') == 7
    rt.execute("cm:zero()")
    assert rt.eval('cm.mat:sum()') == 0 and rt.eval('cm.totalValid') == 0


def test_confusion_far_frr(rt, arr):
    rt.execute(CM2 + "classFrrs, classFars, frrs, fars = cm:farFrr()")
    np.testing.assert_allclose(arr('classFrrs'), [0.25, 0.5])
    np.testing.assert_allclose(arr('classFars'), [0.5, 0.25])
    np.testing.assert_allclose(arr('frrs'), [0.25, 0.5])
    rt.execute("cm.mat = torch.eye(4); a, b = cm:farFrr(); s = a:sum() + b:sum()")
    assert rt.eval('s') == 0


def test_confusion_misuse(lua_error):
    assert 'out of range' in lua_error("optim.ConfusionMatrix(2):add(3, 1)")
    assert 'out of range' in lua_error("optim.ConfusionMatrix(2):batchAdd(torch.Tensor({1, 5}), torch.Tensor({1, 1}))")
    assert 'invalid number of dimensions' in lua_error(
        "optim.ConfusionMatrix(2):batchAdd(torch.zeros(2, 2, 2), torch.Tensor({1, 1}))")
    assert 'number of classes' in lua_error("optim.ConfusionMatrix('x')")
    assert '2 predictions for 3 targets' in lua_error(
        "optim.ConfusionMatrix(2):batchAdd(torch.Tensor({1, 2}), torch.Tensor({1, 1, 2}))")


# ----------------------------------------------------------------------------- Logger

def test_logger_set_names_file_format(rt, tmp_path):
    path = tmp_path / 'sub' / 'dir' / 'train.log'
    rt.execute("""
      local logger = optim.Logger('%s')
      logger:setNames{'train error', 'test error'}
      logger:add{0.5, 0.25}
      logger:add{-1234.5, 'n/a'}
      logger:add{1e-7, 3}
    """ % path)
    assert path.read_text() == ('train error\ttest error\t\n'
                                ' 5.0000e-01\t 2.5000e-01\t\n'
                                '-1.2345e+03\tn/a\t\n'
                                ' 1.0000e-07\t 3.0000e+00\t\n')


def test_logger_named_values(rt, tmp_path):
    path = tmp_path / 'loss.log'
    rt.execute("""
      logger = optim.Logger('%s')
      for i = 1, 3 do logger:add{['loss'] = 1 / i} end
    """ % path)
    assert path.read_text() == 'loss\t\n 1.0000e+00\t\n 5.0000e-01\t\n 3.3333e-01\t\n'
    assert rt.eval('#logger.symbols.loss') == 3
    assert rt.eval('logger.names.loss') == b'loss'


def test_logger_timestamp_and_errors(rt, tmp_path, lua_error):
    rt.execute("optim.Logger('%s', true):add{x = 1}" % (tmp_path / 'run.log'))
    names = [p.name for p in tmp_path.iterdir()]
    assert len(names) == 1 and re.fullmatch(r'run\.log-\d{4}_\d\d_\d\d_\d\d:\d\d:\d\d', names[0])
    assert 'can only log numbers and strings' in lua_error(
        "optim.Logger('%s'):add{x = {}}" % (tmp_path / 'bad.log'))
    assert 'cannot open' in lua_error("optim.Logger('/proc/no/such/dir/x.log')")


def test_logger_to_stdout():
    out = th("require 'optim'; local l = optim.Logger(); l:setNames{'a'}; l:add{2}")
    assert out == '<Logger> warning: no path provided, logging to std out\t\na\t\n 2.0000e+00\t\n'


def test_logger_plot_without_matplotlib(fresh_rt, tmp_path):
    from helpers import run_lua
    path = tmp_path / 'acc.log'
    out = run_lua(fresh_rt, """
      local logger = optim.Logger('%s')
      logger:setNames{'a', 'b'}
      for i = 1, 4 do logger:add{i, 2 * i} end
      logger:style{'-', '+-'}
      r1 = logger:plot()
      r2 = logger:plot('a')
    """ % path)
    assert out == ('<Logger> warning: plotting needs matplotlib: matplotlib is not installed '
                   '(pip install matplotlib); the log file is still written (%s)\t\n' % path)
    assert fresh_rt.eval('r1') is None
    assert path.read_text().count('\n') == 5
    assert not (tmp_path / 'acc.log.png').exists()


FAKE_PYPLOT = '''
CALLS = []

class Axes:
    def plot(self, xs, ys, fmt, label=None):
        CALLS.append(('plot', list(xs), list(ys), fmt, label))
    def set_yscale(self, s):
        CALLS.append(('yscale', s))
    def grid(self, on):
        pass
    def set_title(self, t):
        CALLS.append(('title', t))
    def legend(self):
        pass

class Figure:
    def add_subplot(self, *a):
        return Axes()
    def savefig(self, path, format=None):
        CALLS.append(('savefig', path, format))
        with open(path, 'wb') as f:
            f.write(b'\\x89PNG\\r\\n\\x1a\\n')

def figure():
    return Figure()

def close(fig):
    pass
'''


def test_logger_plot_with_matplotlib(fresh_rt, tmp_path, monkeypatch):
    """Plotting goes through matplotlib's API (here a stand-in package recording the calls)."""
    pkg = tmp_path / 'fakempl' / 'matplotlib'
    pkg.mkdir(parents=True)
    (pkg / '__init__.py').write_text('def use(backend):\n    pass\n')
    (pkg / 'pyplot.py').write_text(FAKE_PYPLOT)
    monkeypatch.syspath_prepend(str(tmp_path / 'fakempl'))
    for name in ('matplotlib', 'matplotlib.pyplot'):
        # (setitem, not delitem: the stand-in imported below must not outlive this test)
        monkeypatch.setitem(sys.modules, name, None)
        del sys.modules[name]
    path = tmp_path / 'acc.log'
    fresh_rt.execute("""
      local logger = optim.Logger('%s')
      logger:setNames{'train', 'test'}
      for i = 1, 3 do logger:add{i, 10 - i} end
      logger:style{'-', {'+', '-'}}
      logger:setlogscale(true)
      png = logger:plot()
    """ % path)
    import matplotlib.pyplot as fake
    png = tmp_path / 'acc.log.png'
    assert fresh_rt.eval('png') == str(png).encode()
    assert png.read_bytes().startswith(b'\x89PNG')
    plots = [c for c in fake.CALLS if c[0] == 'plot']
    assert plots == [('plot', [1, 2, 3], [1.0, 2.0, 3.0], '-', 'train'),
                     ('plot', [1, 2, 3], [9.0, 8.0, 7.0], '+', 'test'),
                     ('plot', [1, 2, 3], [9.0, 8.0, 7.0], '-', 'test')]
    assert ('yscale', 'log') in fake.CALLS
    assert ('title', '<Logger::%s>' % path) in fake.CALLS
    assert ('savefig', str(png), 'png') in fake.CALLS
    # one symbol by name
    fake.CALLS.clear()
    fresh_rt.execute("optim.Logger('%s'):setNames{'x'}" % (tmp_path / 'x.log'))
    fresh_rt.execute("""
      lg = optim.Logger('%s'); lg:add{['loss'] = 1}; lg:add{['loss'] = 0.5}; lg:plot('loss')
    """ % (tmp_path / 'loss.log'))
    assert [c[4] for c in fake.CALLS if c[0] == 'plot'] == ['loss']
