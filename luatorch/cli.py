"""`th`: run Torch7 Lua scripts (th script.lua args), code (-e), or a basic REPL."""
import os
import sys

USAGE = """Usage: th [options] [script.lua [arguments]]

Options:
  -l name            load library name
  -e statement       execute statement
  -h,--help          print this help
  -a,--async         preload async (libuv) and start async repl (BETA)
  -g,--globals       monitor global variables (print a warning on creation/access)
  -gg,--gglobals     monitor global variables (throw an error on creation/access)
  -x,--gpu           preload cutorch and cunn
  -i,--interactive   enter the REPL after executing a script
  --notebook FILE    run the code cells of a Jupyter notebook (th --notebook -h)
"""

BOOT = r"""
local trepl = require 'trepl'
print = trepl.print
for _, name in ipairs({'paths', 'sys', 'xlua'}) do
  local ok, m = pcall(require, name)
  if ok then _G[name] = m else io.stderr:write('th: could not load ', name, ': ', tostring(m), '\n') end
end
"""

RUN = r"""
local chunk, code, name, args = ...
local f, err
if chunk then f, err = loadstring(code, name) else f, err = loadfile(name) end
if not f then io.stderr:write(err, '\n') return 1 end
local function handler(e)
  local tb = debug.traceback(tostring(e), 2)
  -- drop the frames of th's own runner
  local out = {}
  for line in tb:gmatch('[^\n]+') do
    if not (line:find('<python>', 1, true) or line:find("in function 'xpcall'", 1, true)) then
      out[#out + 1] = line
    end
  end
  return table.concat(out, '\n')
end
local ok, msg = xpcall(function() return f(unpack(args or {})) end, handler)
if not ok then
  io.stdout:flush()
  io.stderr:write(msg, '\n')
  return 1
end
return 0
"""


def _set_arg(rt, script, args, before):
    lua = rt.lua
    t = lua.table()
    for i, a in enumerate(before):
        t[i - len(before)] = a.encode()
    t[0] = (script or 'th').encode()
    for i, a in enumerate(args, 1):
        t[i] = a.encode()
    lua.globals().arg = t
    return t


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    from .bindings.runtime import Runtime
    libs, exprs, interactive, script, sargs = [], [], False, None, []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ('-h', '--help'):
            sys.stdout.write(USAGE)
            return 0
        if a == '-e' and i + 1 < len(argv):
            exprs.append(argv[i + 1]); i += 2; continue
        if a == '-l' and i + 1 < len(argv):
            libs.append(argv[i + 1]); i += 2; continue
        if a in ('-i', '--interactive'):
            interactive = True; i += 1; continue
        if a == '--notebook' or a.startswith('--notebook='):
            from .notebook import main as nb_main
            return nb_main(([a.split('=', 1)[1]] if '=' in a else []) + argv[i + 1:])
        if a in ('-x', '--gpu'):
            libs += ['cutorch', 'cunn']; i += 1; continue
        if a in ('-a', '--async', '-g', '--globals', '-gg', '--gglobals'):
            i += 1; continue
        script, sargs = a, argv[i + 1:]
        break
    rt = Runtime()
    rt.execute(BOOT)
    from .repl import use_colors
    if use_colors():  # trepl colours its printing on a terminal only
        rt.execute("require('trepl.colors').enable(true)")
    run = rt.lua.execute(RUN.encode()) if False else rt.lua.eval(b'function(...) ' + RUN.encode() + b' end')
    _set_arg(rt, script, sargs, argv[:len(argv) - len(sargs) - (1 if script else 0)])
    rc = 0
    for lib in libs:
        rc = run(True, ("require '%s'" % lib).encode(), b'=(command line)', None)
        if rc:
            return rc
    for e in exprs:
        rc = run(True, e.encode(), b'=(command line)', None)
        if rc:
            return rc
    if script:
        if script != '-' and not os.path.exists(script):
            sys.stderr.write('th: cannot open %s\n' % script)
            return 1
        rc = run(False, None, script.encode(), rt.lua.table(*[a.encode() for a in sargs]))
        if rc or not interactive:
            sys.stdout.flush()
            return rc
    if exprs and not interactive:
        return rc
    from .repl import repl
    return repl(rt)


def entry():
    from .reexec import reexec
    reexec()        # (glibc's memcpy tunable: see reexec.py)
    try:
        rc = main()
    except KeyboardInterrupt:
        rc = 130
    sys.stdout.flush()
    sys.exit(rc)


if __name__ == '__main__':
    entry()
