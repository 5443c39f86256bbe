-- xlua: Torch's grab-bag of Lua extras (global `xlua`): the progress bar, a forgiving require,
-- named-argument unpacking with usage text, a table printer, session logging, plus the
-- string/table helpers it adds (string.split, string.tosymbol, table.splice, table.prune)
-- and the globals xprint, xerror, xrequire.
local sys = require 'sys'
local torch = require 'torch'
require 'torch.Timer'
local osapi = require 'luatorch.os'

local xlua = {}
rawset(_G, 'xlua', xlua)
package.loaded.xlua = xlua

-- the globals existing when xlua was loaded: clearall() and who() leave them alone
local protected = {}
for k in pairs(_G) do protected[k] = true end

------------------------------------------------------------------------ printing

-- print one object (tables as {[k] = v, ...}), then the other arguments with print()
function xlua.print(obj, ...)
  if type(obj) == 'table' then
    local mt = getmetatable(obj)
    if mt and mt.__tostring__ then
      io.write(mt.__tostring__(obj))
    else
      local tos = tostring(obj)
      if tos and not string.find(tos, 'table: ') then
        if obj.usage and type(obj.usage) == 'string' then
          io.write(obj.usage)
          io.write('\n\nFIELDS:\n')
        else
          io.write(tos .. ':\n')
        end
      end
      io.write('{')
      local sep = ''
      local first = true
      for k, v in pairs(obj) do
        if not first then io.write(',\n') end
        first = false
        if type(v) == 'userdata' then
          io.write(sep .. '[' .. tostring(k) .. ']' .. ' = <userdata>')
        else
          local s = tostring(v):gsub('\n', '\\n')
          if #s > 40 then
            io.write(sep .. '[' .. tostring(k) .. ']' .. ' = ' .. s:sub(1, 40) .. sys.COLORS.none .. ' ... ')
          else
            io.write(sep .. '[' .. tostring(k) .. ']' .. ' = ' .. s)
          end
        end
        sep = ' '
      end
      io.write('}')
    end
  else
    io.write(tostring(obj))
  end
  if select('#', ...) > 0 then
    io.write('    ')
    print(...)
  else
    io.write('\n')
  end
end
rawset(_G, 'xprint', xlua.print)

------------------------------------------------------------------------ session

-- copy everything written with io.write (and print) to `file` from now on
function xlua.log(file, append)
  os.execute('mkdir ' .. (sys.uname() ~= 'windows' and '-p ' or '') .. ' "' .. sys.dirname(file) .. '"')
  local f = assert(io.open(file, append and 'a' or 'w'))
  io._write = io.write
  _G._print = _G.print
  _G.print = xlua.print
  io.write = function(...)
    io._write(...)
    for i = 1, select('#', ...) do f:write((select(i, ...))) end
    f:flush()
  end
end

-- remove every global defined after xlua was loaded (and unload the packages among them)
function xlua.clearall()
  for k in pairs(_G) do
    if not protected[k] then
      _G[k] = nil
      if package.loaded[k] then package.loaded[k] = nil end
    end
  end
  collectgarbage()
end

function xlua.clear(var)
  _G[var] = nil
  collectgarbage()
end

-- print the packages and the user variables in the global table
function xlua.who()
  local user, libs = {}, {}
  for k in pairs(_G) do
    if package.loaded[k] and k ~= '_G' then
      libs[#libs + 1] = k
    elseif not protected[k] then
      user[k] = _G[k]
    end
  end
  xlua.print('')
  xlua.print('Global Libs:')
  xlua.print(libs)
  xlua.print('')
  xlua.print('Global Vars:')
  xlua.print(user)
  xlua.print('')
end

------------------------------------------------------------------------ progress bar

-- seconds as the two largest non-zero units among D, h, m, s, ms ('0ms' for none)
function xlua.formatTime(seconds)
  local floor = math.floor
  local days = floor(seconds / 3600 / 24)
  seconds = seconds - days * 3600 * 24
  local hours = floor(seconds / 3600)
  seconds = seconds - hours * 3600
  local minutes = floor(seconds / 60)
  seconds = seconds - minutes * 60
  local whole = floor(seconds)
  local millis = floor((seconds - whole) * 1000)
  local out, used = '', 0
  for _, part in ipairs({{days, 'D'}, {hours, 'h'}, {minutes, 'm'}, {whole, 's'}, {millis, 'ms'}}) do
    if part[1] > 0 and used < 2 then
      out = out .. part[1] .. part[2]
      used = used + 1
    end
  end
  if out == '' then out = '0ms' end
  return out
end
local formatTime = xlua.formatTime

do
  -- the width of the bar comes from `tput cols` (at most 120), asked once
  local termLength
  local function width()
    if not termLength then
      local cols = 80
      if sys.uname() ~= 'windows' then cols = osapi.term_cols() end
      termLength = math.min(cols, 120)
    end
    return termLength
  end

  local barDone, previous = true, -1
  local timer, times, indices
  local SMOOTHING = 100

  -- progress(current, goal): draws (or redraws, after a carriage return) the bar
  --  [=======>.........]  ETA: 1s23ms | Step: 12ms   with " current/goal " over its middle
  function xlua.progress(current, goal)
    local termWidth = width()
    local barLength = termWidth - 34
    local percent = math.floor(current * barLength / goal)

    if barDone and (previous == -1 or percent < previous) then
      barDone = false
      previous = -1
      timer = torch.Timer()
      times = {timer:time().real}
      indices = {current}
    else
      io.write('\r')
    end
    if barDone then return end

    previous = percent
    local bar = {' ['}
    for i = 1, barLength do
      if i < percent then bar[#bar + 1] = '='
      elseif i == percent then bar[#bar + 1] = '>'
      else bar[#bar + 1] = '.' end
    end
    bar[#bar + 1] = '] '
    local gap = termWidth - barLength - 4
    bar[#bar + 1] = string.rep(' ', gap) .. string.rep('\b', gap)
    io.write(table.concat(bar))

    local elapsed = timer:time().real
    local step = 0
    if current ~= indices[1] then step = (elapsed - times[1]) / (current - indices[1]) end
    local remaining = math.max(0, (goal - current) * step)
    indices[#indices + 1] = current
    times[#times + 1] = elapsed
    if #indices > SMOOTHING then
      table.remove(indices, 1)
      table.remove(times, 1)
    end
    local tm
    if percent < barLength then
      tm = ' ETA: ' .. formatTime(remaining)
    else
      tm = ' Tot: ' .. formatTime(elapsed)
    end
    tm = tm .. ' | Step: ' .. formatTime(step)
    io.write(tm)
    -- back over the times and half the bar, to write the counter in its middle
    local back = 5 + #tm + barLength / 2
    io.write(string.rep('\b', math.floor(back)))
    io.write(' ', current, '/', goal, ' ')
    if percent == barLength then
      barDone = true
      io.write('\n')
    end
    io.write('\r')
    io.flush()
  end
end

------------------------------------------------------------------------ errors, packages

-- error(message) in red, prefixed with <domain>, followed by the usage text
function xlua.error(message, domain, usage)
  local c = sys.COLORS
  if domain then message = '<' .. domain .. '> ' .. message end
  local text = c.Red .. tostring(message) .. c.none
  if usage then text = text .. '\n' .. usage end
  error(text)
end
rawset(_G, 'xerror', xlua.error)

function xlua.trycatch(try, catch)
  local ok, err = pcall(try)
  if not ok then catch(err) end
end

-- whether package's file can be found on package.path/cpath (and where)
function xlua.installed(package)
  local name = package:gsub('%.', '/')
  for template in (_G.package.path .. ';' .. _G.package.cpath):gmatch('[^;]+') do
    local file = template:gsub('%?', name)
    if paths.filep(file) then return true, file end
  end
  return false, _G.package.path .. ';' .. _G.package.cpath
end

-- require that does not fail: prints the error and a warning, returns false
function xlua.require(package, luarocks, server)
  local ok, loaded = pcall(require, package)
  if not ok then
    print(loaded)
    print('warning: <' .. package .. '> could not be loaded (is it installed?)')
    return false
  end
  return loaded
end
rawset(_G, 'xrequire', xlua.require)

------------------------------------------------------------------------ table2string

local table2string

local function valueString(v)
  if type(v) == 'string' then
    v = v:gsub('\n', '\\n')
    if v:gsub('[^\'"]', ''):match('^"+$') then
      return "'" .. v .. "'"
    end
    return '"' .. v:gsub('"', '\\"') .. '"'
  end
  if type(v) == 'table' then return table2string(v) end
  return tostring(v)
end

local function keyString(k)
  if type(k) == 'string' and k:match('^[_%a][_%a%d]*$') then return k end
  return '[' .. valueString(k) .. ']'
end

-- a Lua-like rendering of a table: the array part first, then key=value pairs
function table2string(tbl, newline)
  local parts, seen = {}, {}
  for i, v in ipairs(tbl) do
    parts[#parts + 1] = valueString(v)
    seen[i] = true
  end
  local eq = newline and ' : ' or '='
  for k, v in pairs(tbl) do
    if not seen[k] then parts[#parts + 1] = keyString(k) .. eq .. valueString(v) end
  end
  if newline then
    return '{\n   ' .. table.concat(parts, '\n   ') .. '\n}'
  end
  return '{' .. table.concat(parts, ',') .. '}'
end
xlua.table2string = table2string

------------------------------------------------------------------------ usage and unpack

-- the help text of a function taking the described arguments
function xlua.usage(funcname, description, example, ...)
  local c = sys.COLORS
  local banner = string.rep('+', 69)
  local s = banner .. '\n' .. c.Magenta .. funcname .. c.none .. '\n'
  if description then s = s .. '\n' .. description .. '\n' end
  s = s .. '\n' .. c.blue .. '> ' .. c.none .. 'usage:\n' .. c.cyan
  local args = {...}
  if args[1].tabled then args = args[1].tabled end
  local function aligned(key) return key .. string.rep(' ', 40 - #key) end
  if args[1].arg then
    s = s .. funcname .. '{\n'
    for _, p in ipairs(args) do
      local key
      if p.req then key = '    ' .. p.arg .. ' = ' .. p.type
      else key = '    [' .. p.arg .. ' = ' .. p.type .. ']' end
      s = s .. aligned(key) .. '-- ' .. p.help
      if type(p.default) == 'table' then
        s = s .. '  [default = ' .. table2string(p.default) .. ']'
      elseif p.default or p.default == false then
        s = s .. '  [default = ' .. tostring(p.default) .. ']'
      elseif p.defaulta then
        s = s .. '  [default == ' .. p.defaulta .. ']'
      end
      s = s .. '\n'
    end
    s = s .. '}\n'
  else
    -- positional forms, separated by '' entries
    local idx = 1
    while true do
      local p
      s = s .. funcname .. '(\n'
      while true do
        p = args[idx]
        idx = idx + 1
        if not p or p == '' then break end
        local key = p.req and '    ' .. p.type or '    [' .. p.type .. ']'
        s = s .. aligned(key) .. '-- ' .. p.help .. '\n'
      end
      s = s .. ')\n'
      if not p then break end
    end
  end
  s = s .. c.none
  if example then s = s .. '\n' .. c.cyan .. example .. c.none .. '\n' end
  return s .. banner
end

-- named or positional arguments -> table of values (defaults filled in, required ones
-- checked), followed by the values themselves; the table's .usage prints the help
function xlua.unpack(args, funcname, description, ...)
  local defs = {...}
  local usage = setmetatable({}, {__tostring = function()
    local example
    if #defs > 1 then
      example = funcname .. '{' .. defs[2].arg .. '=' .. defs[2].type .. ', '
                .. defs[1].arg .. '=' .. defs[1].type .. '}\n'
                .. funcname .. '(' .. defs[1].type .. ',' .. ' ...)'
    end
    return xlua.usage(funcname, description, example, {tabled = defs})
  end})

  local given = {}
  if #args == 0 then
    print(usage)
    xlua.error('error')
  elseif #args == 1 and type(args[1]) == 'table' and #args[1] == 0
         and not (torch and torch.typename(args[1]) ~= nil) then
    given = args[1]
  else
    for i = 1, #defs do given[defs[i].arg] = args[i] end
  end

  local out = {}
  for i, def in ipairs(defs) do
    if def.req and given[def.arg] == nil then
      local c = sys.COLORS
      print(c.Red .. 'missing argument: ' .. def.arg .. c.none)
      print(usage)
      xlua.error('error')
    end
    local v = given[def.arg]
    if v == nil then v = def.default end
    if v == nil and def.defaulta then v = out[def.defaulta] end
    out[def.arg] = v
    out[i] = v
  end
  out.usage = usage
  if out[65] then
    xlua.error('<xlua.unpack> oups, cant deal with more than 64 arguments :-)')
  end
  return out, unpack(out, 1, math.min(#defs, 64))
end

-- xlua.unpack, storing the named values into object
function xlua.unpack_class(object, args, funcname, description, ...)
  local values = xlua.unpack(args, funcname, description, ...)
  for k, v in pairs(values) do
    if type(k) ~= 'number' then object[k] = v end
  end
end

-- a help banner for a module, which becomes the module's tostring
function xlua.usage_module(module, name, description)
  local c = sys.COLORS
  local s = c.magenta .. string.rep('+', 69) .. '\nPACKAGE:\n' .. name .. '\n'
  if description then s = s .. '\nDESC:\n' .. description .. '\n' end
  s = s .. string.rep('+', 70) .. c.none
  local mt = getmetatable(module) or {}
  setmetatable(module, mt)
  mt.__tostring = function() return s end
  return s
end

------------------------------------------------------------------------ string/table extras

-- splice(tbl [, start [, length]]): the table without elements start..start+length-1, and
-- the removed elements
function table.splice(tbl, start, length)
  length = length or 1
  start = start or 1
  local stop = start + length
  local kept, removed = {}, {}
  for i, v in ipairs(tbl) do
    if i < start or i >= stop then kept[#kept + 1] = v else removed[#removed + 1] = v end
  end
  return kept, removed
end

-- prune(tbl [, hash [, merge]]): the elements without duplicates (by hash(element))
function table.prune(tbl, hashfunc, merge)
  local byhash = {}
  local hash = hashfunc or function(a) return a end
  for _, v in ipairs(tbl) do
    local h = hash(v)
    if merge and byhash[h] then byhash[h] = merge(v, byhash[h]) else byhash[h] = v end
  end
  local out = {}
  for _, v in pairs(byhash) do out[#out + 1] = v end
  return out
end

-- split str at each match of the pattern pat (an empty leading piece is dropped)
function string.split(str, pat)
  local out = {}
  local pos = 1
  local s, e, cap = str:find('(.-)' .. pat, 1)
  while s do
    if s ~= 1 or cap ~= '' then out[#out + 1] = cap end
    pos = e + 1
    s, e, cap = str:find('(.-)' .. pat, pos)
  end
  if pos <= #str then out[#out + 1] = str:sub(pos) end
  return out
end

-- 'a.b.c' -> the value of that expression
function string.tosymbol(str)
  local ok, result = pcall(loadstring('return ' .. str))
  if not ok then
    error(result)
  elseif not result then
    error('symbol "' .. str .. '" does not exist')
  end
  return result
end

-- default parameters overridden by environment variables of the same names
function xlua.envparams(default)
  local params = {}
  for k, v in pairs(default) do
    params[k] = v
    local env = os.getenv(k)
    if env ~= nil then
      local value = env
      if type(v) == 'number' then
        value = tonumber(env)
      elseif type(v) == 'boolean' then
        if env == 'false' or env == 'False' then value = false
        elseif env == 'true' or env == 'True' then value = true end
      end
      assert(value ~= nil)
      params[k] = value
    end
  end
  return params
end

require 'xlua.OptionParser'
require 'xlua.Profiler'

return xlua
