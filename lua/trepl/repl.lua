-- The evaluation half of th's REPL, iTorch notebook cells and the Jupyter kernel: how a line
-- or a cell is compiled and run, how its values and errors are shown, completion, help.
-- The terminal half (line editing, history, Ctrl-C) is luatorch/repl.py.
local trepl = require 'trepl'
local colors = require 'trepl.colors'
local col = colors.colorize

local M = {}
local loadstring, unpack = loadstring or load, unpack or table.unpack

_RESULTS = _RESULTS or {}
_LAST = _LAST or ''

-- ------------------------------------------------------------------ interrupts
-- Ctrl-C: the host (Python) turns on a count hook from its signal watcher; LuaJIT then calls
-- the function registered here, which stops the running code with an error. Registering
-- with an empty mask stores the function without turning any hook on; the host re-arms
-- after each run (the hook unregisters itself when it fires).
local INTERRUPTED = 'interrupted!'
local function interrupt_hook()
  debug.sethook()
  error(INTERRUPTED, 2)
end
local this_file = debug.getinfo(1, 'S').short_src

function M.arm()
  debug.sethook(interrupt_hook, '')
end

-- The host needs LuaJIT's C hook function (it calls the Lua function registered above):
-- turn a hook on briefly so that lua_gethook can read it, then off again.
function M.hook_probe(on)
  if on then debug.sethook(interrupt_hook, '', 1e9) else M.arm() end
end

-- any Lua thread of this state: LuaJIT's hooks are per state, so it is as good as the main one
M._anchor = coroutine.create(function() end)
function M.state_address()
  return tostring(M._anchor):match('0x%x+')
end

-- ------------------------------------------------------------------ compiling
local function is_incomplete(err)
  return err and err:find("'<eof>'$") ~= nil
end

-- 'complete' (compiles as an expression list or a chunk), 'incomplete' (more lines could
-- complete it) or 'invalid'.
function M.status(src)
  if loadstring('return ' .. src) then return 'complete' end
  local f, err = loadstring(src)
  if f then return 'complete' end
  if is_incomplete(err) then return 'incomplete' end
  return 'invalid'
end

-- Code typed at the prompt runs interpreted, so that a Ctrl-C hook can reach its loops
-- (LuaJIT-compiled loops never look at hooks).
local function nojit(f)
  if f and jit and jit.off then jit.off(f, true) end
  return f
end

-- The error message and the stack down to the code that was run (the REPL's own frames,
-- from its xpcall on, are left out).
local function traceback(e)
  if type(e) ~= 'string' and type(e) ~= 'number' then
    local mt = getmetatable(e)
    if not (mt and mt.__tostring) then return e, nil end
  end
  local msg = tostring(e)
  local tb = debug.traceback('', 3)
  local lines = {}
  for line in tb:gmatch('[^\n]+') do
    if line:find("in function 'xpcall'", 1, true) then break end
    if line:find(this_file, 1, true) then
      -- the interrupt hook's own frames: it and the error() it calls
      if lines[#lines] == "\t[C]: in function 'error'" then lines[#lines] = nil end
    elseif line ~= 'stack traceback:' and line ~= '' then
      lines[#lines + 1] = line
    end
  end
  return msg, lines
end

local function handler(e)
  local msg, lines = traceback(e)
  return {msg = msg, frames = lines}
end

local function format_error(r)
  if type(r) ~= 'table' then return tostring(r) end
  if not r.frames or #r.frames == 0 then return r.msg end
  return r.msg .. '\nstack traceback:\n' .. table.concat(r.frames, '\n')
end
M.format_error = format_error

-- ------------------------------------------------------------------ the REPL
-- One input of the REPL (possibly several lines), run as trepl does: a line that ends with
-- ';' or starts with 'print' runs as a statement; otherwise, when it can be returned, its
-- values are printed and kept in _RESULT/_RESULTS/_LAST.
function M.run_line(line)
  line = line:gsub('^%s*=', '')
  local done = false
  if not (line:find(';%s-$') or line:find('^%s-print')) then
    if loadstring('local f = function() return ' .. line .. ' end') then
      local f = nojit(loadstring('_RESULT={' .. line .. '}'))
      if f then
        local ok, err = xpcall(f, handler)
        if ok then
          print(unpack(_RESULT))
          table.insert(_RESULTS, _RESULT[1])
        else
          print(format_error(err))
        end
        done = true
      end
    end
  end
  if not done then
    local f, perr = loadstring(line)
    if not f then
      print('syntax error: ' .. perr)
    else
      nojit(f)
      local ok, err = xpcall(f, handler)
      if not ok then print(format_error(err)) end
    end
  end
  _LAST = _RESULTS[#_RESULTS]
end

-- `$ cmd`: the shell command's output is shown and becomes _LAST.
function M.shell(cmd)
  local f = io.popen(cmd .. ' 2>&1')
  local res = f:read('*a')
  f:close()
  io.write(res)
  io.flush()
  table.insert(_RESULTS, res)
  _LAST = res
end

-- The timing line printed after each input.
function M.timing(seconds)
  io.write(string.rep(' ', 70))
  print(col.Black(string.format('[%0.04fs]', seconds)))
end

-- ------------------------------------------------------------------ notebook cells
-- One cell run as iTorch does: a cell ending in ';' or starting with 'print' is a plain chunk;
-- otherwise, if it compiles as `return <cell>`, its values are printed. Returns true, or
-- false, message, traceback lines.
function M.run_cell(code)
  local f, perr
  if code:find('^%s-%?') then  -- `? torch.randn`: help, as in iTorch
    local what = code:gsub('^%s-%?', ''):gsub('%s+$', '')
    code = 'help(' .. what .. ')'
  end
  if code:sub(1, 1) == '=' then code = 'return ' .. code:sub(2) end
  if code:find(';%s-$') or code:find('^%s-print') then
    f, perr = loadstring(code .. '\n')
  else
    f, perr = loadstring('local f = function() return ' .. code ..
                         ' end; local res = {f()}; print(unpack(res))')
    if not f then f, perr = loadstring(code .. '\n') end
  end
  if not f then return false, perr, {} end
  nojit(f)
  local ok, err = xpcall(f, handler)
  io.stdout:flush()
  if ok then return true end
  if type(err) == 'table' then return false, tostring(err.msg), err.frames or {} end
  return false, tostring(err), {}
end

-- ------------------------------------------------------------------ completion
local keywords = {
  'and', 'break', 'do', 'else', 'elseif', 'end', 'false', 'for', 'function', 'if', 'in',
  'local', 'nil', 'not', 'or', 'repeat', 'return', 'then', 'true', 'until', 'while',
}

local function identifier(s)
  return type(s) == 'string' and s:find('^[%a_][%w_]*$') ~= nil
end

-- a field read that never runs metamethods: raw fields, then __index tables down the chain
local function field(v, name)
  for _ = 1, 20 do
    if type(v) == 'table' then
      local x = rawget(v, name)
      if x ~= nil then return x end
    end
    local mt = getmetatable(v)
    if type(mt) ~= 'table' then return nil end
    local idx = rawget(mt, '__index')
    if type(idx) == 'table' then
      if idx == v then return nil end
      v = idx
    elseif type(v) == 'userdata' then
      return rawget(mt, name)  -- torch objects: methods live in the metatable
    else
      return nil
    end
  end
end

-- every field name reachable from v (raw fields, metatable __index tables, torch metatables)
local function names_of(v, add)
  local seen = {}
  local function visit(t, depth)
    if type(t) ~= 'table' or seen[t] or depth > 20 then return end
    seen[t] = true
    for k, x in pairs(t) do add(k, x) end
    local mt = getmetatable(t)
    if type(mt) == 'table' then
      local idx = rawget(mt, '__index')
      if type(idx) == 'table' then visit(idx, depth + 1) end
    end
  end
  if type(v) == 'table' then visit(v, 0) end
  local mt = getmetatable(v)
  if type(mt) == 'table' then
    local idx = rawget(mt, '__index')
    if type(idx) == 'table' then visit(idx, 1) end
    if type(v) == 'userdata' then visit(mt, 1) end
  end
end

-- The completions of `text`, the word before the cursor (identifiers joined by '.' or ':'),
-- each the whole word completed plus trepl's suffix: '(' for functions, '.' for tables,
-- ':' for objects with methods, ' ' for keywords.
function M.complete(text)
  local matches, seen = {}, {}
  if not (text == '' or text:find('^[%a_]')) then return matches end
  local prefix, sep, word = text:match('^(.*)([%.:])([%w_]*)$')
  local base = _G
  if prefix then
    for part, s in (prefix .. sep):gmatch('([^%.:]+)([%.:])') do
      if not identifier(part) then return matches end
      base = field(base, part)
      if base == nil then return matches end
    end
    prefix = prefix .. sep
  else
    prefix, word = '', text
  end
  local function add(name, suffix)
    local s = prefix .. name .. suffix
    if not seen[s] then seen[s] = true; matches[#matches + 1] = s end
  end
  if prefix == '' then
    for _, k in ipairs(keywords) do
      if k:sub(1, #word) == word then add(k, ' ') end
    end
  end
  names_of(base, function(k, v)
    if identifier(k) and k:sub(1, #word) == word and (k:sub(1, 1) ~= '_' or word:sub(1, 1) == '_') then
      if sep == ':' and type(v) ~= 'function' then return end
      local t = type(v)
      local suffix = ''
      if t == 'function' then suffix = '('
      elseif t == 'table' then suffix = '.'
      elseif t == 'userdata' and getmetatable(v) then suffix = ':'
      end
      add(k, suffix)
    end
  end)
  table.sort(matches)
  return matches
end

-- ------------------------------------------------------------------ help, who, import
M.selfhelp = function()
  local c = col
  return table.concat({
    c.red('th') .. ' is the interactive interpreter of luatorch (Torch7 on LuaJIT).',
    '',
    c.blue('Features:'),
    '  an expression typed alone is printed; end a line with ' .. c.magenta(';') .. ' to stay quiet',
    '  every input is timed; its results are kept in ' .. c.magenta('_RESULTS') .. ', the last one in ' .. c.magenta('_LAST'),
    '  statements spanning several lines continue at the ' .. c.magenta('..>') .. ' prompt',
    '  tab completion of globals, fields and methods (' .. c.magenta('net:ad<TAB>') .. ')',
    '  line editing, and a history kept in ~/.luahistory (or $TREPL_HISTORY)',
    '  ' .. c.magenta('$ ls -l') .. '       run a shell command (its output becomes _LAST)',
    '  ' .. c.magenta('? torch.randn') .. ' help on a function or package',
    '  ' .. c.magenta('who()') .. '         list the globals you defined',
    '  ' .. c.magenta("import 'torch'") .. ' copy a package\'s symbols into the globals',
    '  ' .. c.magenta('Ctrl-C') .. '        stop the running code and return to the prompt',
    '  ' .. c.magenta('Ctrl-D') .. ' or ' .. c.magenta('os.exit()') .. ' quit',
  }, '\n')
end

-- a name for a value: its path from _G when it can be found among packages
local function find_name(obj)
  if type(obj) ~= 'function' and type(obj) ~= 'table' then return nil end
  for pname, pkg in pairs(package.loaded) do
    if type(pkg) == 'table' then
      if pkg == obj then return pname end
      for k, v in pairs(pkg) do
        if v == obj and type(k) == 'string' then return pname .. '.' .. k end
      end
    end
  end
end

function help(obj)
  if obj == nil then print(M.selfhelp()) return end
  local name = find_name(obj)
  local t = type(obj)
  if t == 'function' then
    print((name or tostring(obj)) .. ': a function (no offline documentation in luatorch)')
  elseif t == 'table' then
    local fns = {}
    names_of(obj, function(k, v)
      if identifier(k) and k:sub(1, 1) ~= '_' and type(v) == 'function' then fns[#fns + 1] = k end
    end)
    table.sort(fns)
    local uniq, last = {}, nil
    for _, k in ipairs(fns) do if k ~= last then uniq[#uniq + 1] = k end last = k end
    print((name or torch.type(obj)) .. ': ' .. #uniq .. ' functions')
    if #uniq > 0 then print('  ' .. table.concat(uniq, ' ')) end
  else
    print(torch.type(obj) .. ': ' .. tostring(obj))
  end
end

local preloaded = {}
function M.mark_preloaded()
  for k in pairs(_G) do preloaded[k] = true end
end

local function describe(v)
  local t = type(v)
  if torch and (torch.isTensor(v) or torch.isStorage(v)) then
    local name = torch.typename(v):gsub('^torch%.', '')
    if torch.isStorage(v) then return name .. ' - size: ' .. v:size() end
    if v:dim() == 0 then return name .. ' - empty' end
    local s = {}
    for i = 1, v:dim() do s[i] = v:size(i) end
    return name .. ' - size: ' .. table.concat(s, 'x')
  elseif t == 'table' then
    local tn = torch and torch.type(v) or 'table'
    if tn == 'table' then return 'table - size: ' .. #v end
    return tn
  elseif t == 'string' then
    local s = v:gsub('\n', '\\n')
    if #s > 40 then s = s:sub(1, 40) .. '...' end
    return 'string : "' .. s .. '"'
  end
  return tostring(v)
end

function who(system)
  local keys, width = {}, 0
  for k in pairs(_G) do
    local sys = preloaded[k] or false
    if (system and sys) or not sys then
      keys[#keys + 1] = k
      width = math.max(width, #tostring(k) + 2)
    end
  end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  local function list(sys)
    for _, k in ipairs(keys) do
      if (preloaded[k] or false) == sys then
        local name = '[' .. tostring(k) .. ']'
        print(name .. string.rep(' ', width - #name + 2) .. ' = ' .. describe(_G[k]))
      end
    end
  end
  if system then print('== System Variables ==') list(true) end
  print('== User Variables ==')
  list(false)
  print('==')
end

function import(pkg, forced)
  local ret = require(pkg)
  local symbols = type(_G[pkg]) == 'table' and _G[pkg] or (type(ret) == 'table' and ret or {})
  for k, v in pairs(symbols) do
    if _G[k] == nil or forced then _G[k] = v end
  end
end

return M
