-- xlua.OptionParser: an optparse-like command-line parser.
--   op = xlua.OptionParser('%prog [options] file')
--   op:option{'-l', '--lr', action='store', dest='lr', help='learning rate', default=0.1}
--   local opt, args = op:parse()
-- actions: 'store' (default: takes the next argument), 'store_true', 'store_false';
-- '--name=value' is accepted for '--name value'; -h/--help prints the help and exits.
local OptionParser = {}
OptionParser.__index = OptionParser

function xlua.OptionParser(usage)
  local self = setmetatable({usage = usage, option_descriptions = {}, option_of = {}}, OptionParser)
  -- methods are also copied in, as code may index them directly on the object
  for k, v in pairs(OptionParser) do
    if k ~= '__index' then self[k] = v end
  end
  self:option{'-h', '--help', action = 'store_true', dest = 'help',
              help = 'show this help message and exit'}
  return self
end

function OptionParser:fail(s)
  io.stderr:write(s .. '\n')
  self:help()
  os.exit(1)
end

function OptionParser:option(optdesc)
  self.option_descriptions[#self.option_descriptions + 1] = optdesc
  for _, flag in ipairs(optdesc) do self.option_of[flag] = optdesc end
end

function OptionParser:parse(options)
  options = options or {}
  local args = {}
  for _, desc in ipairs(self.option_descriptions) do
    if desc.default ~= nil and options[desc.dest] == nil then
      options[desc.dest] = desc.default
    end
  end
  local argv = rawget(_G, 'arg')
  if not argv then
    options.__main__ = false
    self.options = options
    return options, args
  end
  options.__main__ = true

  -- '--flag=value' -> '--flag', 'value'
  local words = {}
  for i = 1, #argv do
    local flag, value = argv[i]:match('^(%-%-%w+)=(.*)')
    if flag then
      words[#words + 1] = flag
      words[#words + 1] = value
    else
      words[#words + 1] = argv[i]
    end
  end

  local i = 1
  while i <= #words do
    local w = words[i]
    local desc = self.option_of[w]
    if desc then
      local action = desc.action
      local value = desc.default
      if action == nil or action == 'store' then
        i = i + 1
        value = words[i] or desc.default
        if not value then self:fail('option requires an argument ' .. w) end
      elseif action == 'store_true' then
        value = true
      elseif action == 'store_false' then
        value = false
      end
      options[desc.dest] = value
    else
      if w:match('^%-') then self:fail('invalid option ' .. w) end
      args[#args + 1] = w
    end
    i = i + 1
  end
  for flag, desc in pairs(self.option_of) do
    if desc.req and not options[desc.dest] then
      self:fail('option ' .. flag .. ' requires an argument ')
    end
  end
  if options.help then
    self:help()
    os.exit()
  end
  self.options = options
  return options, args
end

-- '-f FILE, --file=FILE' for a storing option
function OptionParser:flags(optdesc)
  local out = {}
  local stores = optdesc.action == nil or optdesc.action == 'store'
  for _, flag in ipairs(optdesc) do
    local tail = ''
    if stores then
      local metavar = optdesc.metavar or optdesc.dest:upper()
      tail = (#flag == 2 and ' ' or '=') .. metavar
    end
    out[#out + 1] = flag .. tail
  end
  return table.concat(out, ', ')
end

function OptionParser:help()
  local argv = rawget(_G, 'arg')
  local prog = 'THISPROG'
  if argv and argv[-1] then prog = argv[-1] .. ' ' .. argv[0]
  elseif argv and argv[0] then prog = argv[0] end
  io.stdout:write('Usage: ' .. self.usage:gsub('%%prog', (prog:gsub('%%', '%%%%'))) .. '\n')
  io.stdout:write('\n')
  io.stdout:write('Options:\n')
  local width = 0
  for _, desc in ipairs(self.option_descriptions) do
    width = math.max(width, #self:flags(desc))
  end
  for _, desc in ipairs(self.option_descriptions) do
    local extra = ''
    if desc.req then
      extra = ' [REQUIRED]'
    elseif desc.default then
      extra = ' [default = ' .. tostring(desc.default) .. ']'
    end
    local flags = self:flags(desc)
    io.stdout:write('  ' .. flags .. string.rep(' ', width - #flags) .. '  ' .. desc.help .. extra .. '\n')
  end
end

-- the parsed options as text: a "<script> configuration:" listing, or (generatefilename)
-- 'flag=value,...' for the options named in params (all when params is empty)
function OptionParser:tostring(generatefilename, params)
  local argv = rawget(_G, 'arg')
  if not generatefilename then
    local script = ((argv and argv[0]) or 'interpreted.lua'):gsub('.lua', '')
    local s = '<' .. script .. '> configuration:\n'
    for k, v in pairs(self.options) do
      s = s .. ' + ' .. k .. ' = ' .. tostring(v) .. '\n'
    end
    return s
  end
  params = params or {}
  local parts = {}
  for _, desc in ipairs(self.option_descriptions) do
    local key = desc[1]
    local wanted = #params == 0
    for _, p in ipairs(params) do
      if p == key then wanted = true break end
    end
    local v = self.options[desc.dest]
    if v and wanted then parts[#parts + 1] = key .. '=' .. tostring(v) end
  end
  return (table.concat(parts, ','):gsub('/', '|'):gsub(' ', '_'))
end

function OptionParser:summarize(compact)
  io.write(self:tostring(compact))
end
