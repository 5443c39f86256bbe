-- torch.CmdLine: command-line options and arguments of experiment scripts, their help text,
-- a directory name made of the non-default options, and logging of print() to a file.
-- Behaviour and messages are Torch7's.
local CmdLine = torch.class('torch.CmdLine')

-- '-lr' -> 'lr', '--help' -> 'help'
local function undash(key)
  return key:match('^%-*(.*)')
end

local function padright(s, width)
  return s .. string.rep(' ', width - #s)
end

function CmdLine:__init(argseparator, keyseparator)
  self.argseparator = argseparator or ','
  self.keyseparator = keyseparator or '='
  self.options = {}
  self.arguments = {}
  self.helplines = {}
  self.dateformat = nil
  self.silentio = false
end

-- print msg (on stderr) and the help, then exit with status 1
function CmdLine:error(msg)
  print('')
  io.stderr:write(msg)
  print('')
  self:help()
  os.exit(1)
end

function CmdLine:__readArgument__(params, arg, i, nArgument)
  local value = arg[i]
  if nArgument > #self.arguments then
    self:error('invalid argument: ' .. value)
  end
  local argument = self.arguments[nArgument]
  if argument.type and type(value) ~= argument.type then
    self:error('invalid argument type for argument ' .. argument.key .. ' (should be ' .. argument.type .. ')')
  end
  params[undash(argument.key)] = value
  return 1
end

function CmdLine:__readOption__(params, arg, i)
  local key = arg[i]
  local option = self.options[key]
  if not option then
    self:error('unknown option ' .. key)
  end
  if option.type == 'boolean' then
    params[undash(key)] = not option.default
    return 1
  end
  local value = arg[i + 1]
  if not value then
    self:error('missing argument for option ' .. key)
  end
  if option.type == 'number' then
    value = tonumber(value)
  elseif option.type and option.type ~= 'string' then
    self:error('unknown required option type ' .. option.type)
  end
  if not value then
    self:error('invalid type for option ' .. key .. ' (should be ' .. option.type .. ')')
  end
  params[undash(key)] = value
  return 2
end

-- print() then writes to the log file only
function CmdLine:silent()
  self.silentio = true
end

-- prefix log file lines with the date (os.date format) and an optional [name]
function CmdLine:addTime(name, format)
  format = format or '%Y-%m-%d %H:%M:%S'
  if type(format) ~= 'string' then
    error('Argument has to be string')
  end
  if name ~= nil then
    name = '[' .. name .. ']: '
  else
    name = ''
  end
  self.dateformat = format .. name
end

-- a positional argument (required)
function CmdLine:argument(key, help, kind)
  local a = {key = key, help = help, type = kind}
  self.arguments[#self.arguments + 1] = a
  self.helplines[#self.helplines + 1] = a
end

-- an option '-key' with its default value (whose type is the option's type)
function CmdLine:option(key, default, help, kind)
  if default == nil then
    error('option ' .. key .. ' has no default value')
  end
  kind = kind or type(default)
  if type(default) ~= kind then
    error('option ' .. key .. ' has wrong default type value')
  end
  local o = {key = key, default = default, help = help, type = kind}
  self.options[key] = o
  self.helplines[#self.helplines + 1] = o
end

-- the table of default values, by option name without dashes
function CmdLine:default()
  local params = {}
  for key, o in pairs(self.options) do
    params[undash(key)] = o.default
  end
  return params
end

function CmdLine:parse(arg)
  arg = arg or {}
  local params = self:default()
  local nArgument = 0
  local i = 1
  while i <= #arg do
    local a = arg[i]
    if a == '-help' or a == '-h' or a == '--help' then
      self:help(arg)
      os.exit(0)
    end
    if self.options[a] then
      i = i + self:__readOption__(params, arg, i)
    else
      nArgument = nArgument + 1
      i = i + self:__readArgument__(params, arg, i, nArgument)
    end
  end
  if nArgument ~= #self.arguments then
    self:error('not enough arguments')
  end
  return params
end

-- prefix followed by the arguments and the non-default options as key=value, for naming
-- an experiment's directory; options named in `ignore` are left out
function CmdLine:string(prefix, params, ignore)
  prefix = prefix or ''
  ignore = ignore or {}
  local arguments, options = {}, {}
  for k, v in pairs(params) do
    local o = self.options['-' .. k]
    if ignore[k] then
      print('-- ignore option ' .. k)
    elseif o then
      if v ~= o.default or ignore[k] == false then
        if type(v) == 'boolean' then v = v and 't' or 'f' end
        options[#options + 1] = k .. self.keyseparator .. v
        print(k, v, o.default)
      end
    else
      local narg
      for n, a in ipairs(self.arguments) do
        if undash(a.key) == k then narg = n end
      end
      if narg then
        arguments[narg] = k .. self.keyseparator .. v
      else
        print('WARNING: unknown option/argument: ' .. k .. ' IGNORING for DIRECTORY NAME')
      end
    end
  end
  table.sort(options)
  local s = table.concat(arguments, self.argseparator)
  if s == '' then
    s = table.concat(options, self.argseparator)
  else
    s = s .. self.argseparator .. table.concat(options, self.argseparator)
  end
  if s == '' then return prefix end
  return prefix .. self.argseparator .. s
end

-- from now on print() also writes to `file` (a name or an open file); params are logged
local screen_print
function CmdLine:log(file, params)
  local f = (io.type(file) == 'file' and file) or io.open(file, 'w')
  screen_print = screen_print or print
  local cmd = self
  function print(...)
    local n = select('#', ...)
    if not cmd.silentio then screen_print(...) end
    local parts = {}
    if cmd.dateformat then parts[#parts + 1] = os.date(cmd.dateformat) end
    for i = 1, n do parts[#parts + 1] = tostring((select(i, ...))) end
    parts[#parts + 1] = '\n'
    f:write(table.concat(parts, ' '))
    f:flush()
  end
  print('[program started on ' .. os.date() .. ']')
  print('[command line arguments]')
  if params then
    for k, v in pairs(params) do print(k, v) end
  end
  print('[----------------------]')
end

-- a line of text in the help
function CmdLine:text(txt)
  txt = txt or ''
  assert(type(txt) == 'string')
  self.helplines[#self.helplines + 1] = txt
end

function CmdLine:help(arg)
  io.write('Usage: ')
  if arg then io.write(arg[0] .. ' ') end
  io.write('[options]')
  for _, a in ipairs(self.arguments) do
    io.write(' <' .. undash(a.key) .. '>')
  end
  io.write('\n')
  local width = 0
  for _, line in ipairs(self.helplines) do
    if type(line) == 'table' then
      local w = line.default ~= nil and #line.key or #undash(line.key) + 2
      if w > width then width = w end
    end
  end
  for _, line in ipairs(self.helplines) do
    if type(line) == 'table' then
      io.write('  ')
      if line.default ~= nil then
        io.write(padright(line.key, width))
        if line.help then io.write(' ' .. line.help) end
        io.write(' [' .. tostring(line.default) .. ']')
      else
        io.write(padright('<' .. undash(line.key) .. '>', width))
        if line.help then io.write(' ' .. line.help) end
      end
    else
      io.write(line)
    end
    io.write('\n')
  end
end

return CmdLine
