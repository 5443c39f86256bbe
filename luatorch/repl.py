"""A basic REPL (trepl's essentials): expression lines print their values, statements run."""
import sys
import time

EVAL = r"""
local line = ...
local f = loadstring('return ' .. line)
local is_expr = f ~= nil
if not f then
  f, err = loadstring(line)
  if not f then
    if err:match("'<eof>'$") or err:match('<eof>') then return 'incomplete' end
    print(err)
    return 'error'
  end
end
local res = table.pack and table.pack(xpcall(f, debug.traceback)) or {n = 0}
if not table.pack then
  res = {xpcall(f, debug.traceback)}
  res.n = #res
end
if not res[1] then print(res[2]) return 'error' end
if is_expr and res.n > 1 then
  print(unpack(res, 2, res.n))
end
return 'ok'
"""


def repl(rt, stdin=None, stdout=None):
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    ev = rt.lua.eval(b'function(...) ' + EVAL.encode() + b' end')
    interactive = stdin.isatty()
    buf = ''
    while True:
        if interactive:
            stdout.write('..> ' if buf else 'th> ')
            stdout.flush()
        line = stdin.readline()
        if not line:
            break
        line = line.rstrip('\n')
        src = buf + '\n' + line if buf else line
        st = ev(src.encode())
        stdout.flush()
        if st == b'incomplete':
            buf = src
        else:
            buf = ''
    if interactive:
        stdout.write('\n')
    return 0


__all__ = ['repl', 'time']
