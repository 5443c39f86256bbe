"""paths as Torch scripts use it: file-name arithmetic with libpaths' rules, directories,
listing, thisfile/dofile/include, run through the real `th`."""
import os
import subprocess
import sys

from helpers import th


def script(tmp_path, code, *args, name='s.lua', cwd=None, env=None):
    """Write code to tmp_path/name and run `th name args...`; returns stdout."""
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(code)
    p = subprocess.run([sys.executable, '-m', 'luatorch.cli', str(path), *args],
                       capture_output=True, text=True, cwd=cwd or tmp_path, timeout=120, env=env)
    assert p.returncode == 0, p.stderr
    return p.stdout


# (path, basename, dirname, extname) as libpaths computes them
NAMES = [
    ('/usr/local/lib/x.so', 'x.so', '/usr/local/lib', 'so'),
    ('a/b/', 'b', 'a', None),
    ('a//b', 'b', 'a/', None),
    ('abc', 'abc', '.', None),
    ('/abc', 'abc', '/', None),
    ('/', '', '/', None),
    ('//', '', '//', None),
    ('', '', '.', None),
    ('dir.d/file', 'file', 'dir.d', 'd/file'),
    ('archive.tar.gz', 'archive.tar.gz', '.', 'gz'),
    ('./x.lua', 'x.lua', '.', 'lua'),
    ('a\\b/c\\d', 'c/d', 'a/b', None),  # libpaths turns backslashes of built names into slashes
]


def test_names():
    code = ''.join("do local p = %s; io.write(paths.basename(p), '|', paths.dirname(p), '|', "
                   "tostring((paths.extname(p))), '|', select('#', paths.extname(p)), '\\n') end\n"
                   % lua_string(path) for path, _, _, _ in NAMES)
    got = th(code).split('\n')[:-1]
    want = ['%s|%s|%s' % (base, dirname, 'nil|0' if ext is None else ext + '|1')
            for _, base, dirname, ext in NAMES]
    assert got == want


def lua_string(s):
    return "'" + s.replace('\\', '\\\\').replace("'", "\\'") + "'"


def test_basename_suffix():
    out = th("io.write(paths.basename('/a/img.jpg', 'jpg'), ' ', paths.basename('/a/img.jpg', '.jpg'), ' ', "
             "paths.basename('/a/img.jpg', 'png'), ' ', paths.basename('/a/.jpg', 'jpg'), ' ', "
             "paths.basename('jpg', 'jpg'), ' ', paths.basename('a.JPG', 'jpg'), ' ', "
             "paths.basename('a.jpg', ''))")
    assert out == 'img img img.jpg  jpg a.JPG a.jpg'


def test_concat(tmp_path):
    cwd = os.path.realpath(tmp_path)
    out = script(tmp_path, """
      io.write(paths.concat(), '\\n')
      io.write(paths.concat('a', 'b'), '\\n')
      io.write(paths.concat('/a/b', '../c'), '\\n')
      io.write(paths.concat('/a/./b//', 'c/'), '\\n')
      io.write(paths.concat('/..', '..'), '\\n')
      io.write(paths.concat('/a', '/b', 'c'), '\\n')
      io.write(paths.concat('/a/b', '..', '..', '..', 'x'), '\\n')
      io.write(paths.concat('/a', '.hidden', '...'), '\\n')
      io.write(paths.concat('/a', 3), '\\n')
      io.write(paths.cwd(), '\\n')
    """)
    assert out.splitlines() == [cwd, cwd + '/a/b', '/a/c', '/a/b/c', '/', '/b/c', '/x',
                                '/a/.hidden/...', '/a/3', cwd]


def test_concat_bad_argument():
    out = th("print(pcall(paths.concat, '/a', {}))")
    assert "bad argument #2 to 'concat' (string expected, got table)" in out


def test_files_and_dirs(tmp_path):
    out = script(tmp_path, """
      local root = paths.concat('tree')
      print(paths.dirp(root), paths.filep(root))
      print(paths.mkdir(paths.concat(root, 'x/y/z')))
      print(paths.mkdir(paths.concat(root, 'x')))
      for _, n in ipairs({'a.txt', 'b.lua', 'x/y/c.txt'}) do
        local f = io.open(paths.concat(root, n), 'w'); f:write('1'); f:close()
      end
      print(paths.filep(paths.concat(root, 'a.txt')), paths.dirp(paths.concat(root, 'a.txt')))
      local function sorted(it) local t = {} for n in it do t[#t + 1] = n end table.sort(t) return table.concat(t, ',') end
      print(sorted(paths.files(root)))
      print(sorted(paths.files(root, '%.txt$')))
      print(sorted(paths.files(root, function(n) return n:sub(1, 1) == 'b' end)))
      print(sorted(paths.iterfiles(root)))
      print(sorted(paths.iterdirs(root)))
      local d = paths.dir(root); table.sort(d); print(table.concat(d, ','))
      print(paths.dir(paths.concat(root, 'nope')))
      print(paths.rmdir(paths.concat(root, 'x')))
      print(paths.rmall(root))
      print(paths.rmall(paths.concat(root, 'nope'), 'yes'))
      print(paths.rmall(root, 'yes'), paths.dirp(root))
    """)
    root = os.path.realpath(tmp_path) + '/tree'
    assert out.splitlines() == [
        'false\tfalse\t',
        'true\t',
        'nil\t%s/x: File exists\t17\t' % root,
        'true\tfalse\t',
        '.,..,a.txt,b.lua,x\t',
        'a.txt\t',
        'b.lua\t',
        'a.txt,b.lua\t',
        'x\t',
        '.,..,a.txt,b.lua,x\t',
        'nil\t',
        'nil\t%s/x: Directory not empty\t39\t' % root,
        "nil\tmissing second argument ('yes')\t",
        'nil\tnot a file or directory\t%s/nope\t' % root,
        'true\tfalse\t',
    ]


def test_thisfile_dofile_include(tmp_path):
    (tmp_path / 'lib').mkdir()
    (tmp_path / 'lib' / 'helper.lua').write_text("helper_ran = paths.thisfile()\nreturn 7\n")
    (tmp_path / 'lib' / 'init.lua').write_text("include('helper.lua')\nreturn helper_ran\n")
    out = script(tmp_path, """
      print(paths.thisfile())
      print(paths.thisfile('data.t7'))
      print(paths.dofile('lib/helper.lua'))
      print(paths.dofile('lib/init.lua'))
      print(sys.fpath())
    """, cwd='/')
    d = os.path.realpath(tmp_path)
    assert out.splitlines() == [d + '/s.lua\t', d + '/data.t7\t', '7\t', d + '/lib/helper.lua\t',
                                d + '\ts.lua\t']


def test_system_info(tmp_path):
    out = th("""
      local a, b, c = paths.uname()
      print(a, type(b), c ~= nil, paths.is_win(), paths.is_mac())
      print(paths.home == os.getenv('HOME'))
      print(paths.findprogram('sh') ~= nil, paths.findprogram('no-such-program-x'))
      print(type(paths.execdir()))
      print(require('paths') == paths)
      print(pcall(paths.getregistryvalue, 'HKEY_CURRENT_USER', 'x', 'y'))
    """)
    lines = out.splitlines()
    assert lines[0] == 'Linux\tstring\ttrue\tnil\tnil\t'
    assert lines[1:5] == ['true\t', 'true\tnil\t', 'string\t', 'true\t']
    assert lines[5].startswith('false\t') and 'This function exists only on windows' in lines[5]


def test_tmpname_removed_at_exit(tmp_path):
    out = script(tmp_path, """
      local n = paths.tmpname()
      local f = io.open(n, 'w'); f:write('x'); f:close()
      print(n, paths.filep(n), paths.tmpname() ~= n)
    """)
    name, exists, differs = out.split('\t')[:3]
    assert os.path.basename(name).startswith('luatmp')
    assert exists == 'true' and differs == 'true'
    assert not os.path.exists(name)


def test_package_lua_path():
    out = th("print(torch.packageLuaPath('torch'):match('lua/torch$') ~= nil, "
             "torch.packageLuaPath() .. '/torch' == torch.packageLuaPath('torch'), "
             "torch.packageLuaPath('no_such_package'))")
    assert out == 'true\ttrue\t\n'  # no value at all for an unknown package


def test_torch_include(tmp_path):
    (tmp_path / 'mypkg').mkdir()
    (tmp_path / 'mypkg' / 'init.lua').write_text("mypkg = {}\ntorch.include('mypkg', 'extra.lua')\nreturn mypkg\n")
    (tmp_path / 'mypkg' / 'extra.lua').write_text("mypkg.extra = 'yes'\n")
    out = script(tmp_path, "require 'mypkg'\nprint(mypkg.extra)\n")
    assert out == 'yes\t\n'
