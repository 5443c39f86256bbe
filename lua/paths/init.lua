-- paths: file names and directories, as Torch's `paths` package (global `paths`).
-- The file-name arithmetic (basename, dirname, extname, concat) is done here in Lua with
-- libpaths' exact rules; what needs the operating system comes from luatorch.os (Python).
local osapi = require 'luatorch.os'

local type, error, tostring, select = type, error, tostring, select
local byte, sub, find = string.byte, string.sub, string.find

local paths = rawget(_G, 'paths') or {}
rawset(_G, 'paths', paths)
package.loaded.paths = paths

local SLASH = 47 -- '/'

-- luaL_checkstring: strings and numbers, anything else is an argument error
local function checkstring(v, n, fname)
  local t = type(v)
  if t == 'string' then return v end
  if t == 'number' then return tostring(v) end
  error(("bad argument #%d to '%s' (string expected, got %s)"):format(n, fname,
        v == nil and 'no value' or t), 3)
end

-- libpaths turns every backslash of the names it builds into a slash
local function slashes(s)
  if find(s, '\\', 1, true) then s = s:gsub('\\', '/') end
  return s
end

-- position of the last slash followed by something other than a slash (0 when none)
local function last_inner_slash(s)
  local p = 0
  for i = 1, #s - 1 do
    if byte(s, i) == SLASH and byte(s, i + 1) ~= SLASH then p = i end
  end
  return p
end

function paths.filep(path)
  return osapi.filep(checkstring(path, 1, 'filep'))
end

function paths.dirp(path)
  return osapi.dirp(checkstring(path, 1, 'dirp'))
end

-- basename(path [, suffix]): the last component; a trailing ".suffix" is removed
function paths.basename(path, suffix)
  path = checkstring(path, 1, 'basename')
  if suffix ~= nil then suffix = checkstring(suffix, 2, 'basename') end
  local p = last_inner_slash(path)
  local stop = find(path, '/', p + 1, true)
  local name = sub(path, p + 1, stop and stop - 1 or #path)
  if suffix and suffix ~= '' then
    if byte(suffix, 1) == 46 then suffix = sub(suffix, 2) end
    local sl = #suffix
    if sl > 0 and #name > sl then
      local dot = #name - sl
      if byte(name, dot) == 46 and sub(name, dot + 1) == suffix then
        name = sub(name, 1, dot - 1)
      end
    end
  end
  return slashes(name)
end

-- dirname(path): everything before the last component ('.' when there is none)
function paths.dirname(path)
  path = checkstring(path, 1, 'dirname')
  local p = last_inner_slash(path)
  if p == 0 then
    if byte(path, 1) == SLASH then return path end
    return '.'
  end
  return slashes(sub(path, 1, p > 1 and p - 1 or 1))
end

-- extname(path): what follows the last dot, nothing when there is no dot
function paths.extname(path)
  path = checkstring(path, 1, 'extname')
  for i = #path, 1, -1 do
    if byte(path, i) == 46 then return sub(path, i + 1) end
  end
end

function paths.cwd()
  return slashes(osapi.cwd())
end

-- drop the trailing slashes of s, keeping a lone '/'
local function trim_slashes(s)
  local t = s:match('^(.-)/*$')
  if t == '' and s ~= '' then return '/' end
  return t
end

-- fname taken relative to the full name `from` ('.' and '..' resolved, slashes collapsed)
local function concat1(from, fname)
  local n = #fname
  local buf = byte(fname, 1) == SLASH and '/' or from
  local i = 1
  while true do
    while i <= n and byte(fname, i) == SLASH do i = i + 1 end
    if i > n then
      local r = trim_slashes(buf .. '/')
      return r
    end
    local skip = 0
    if byte(fname, i) == 46 then
      local c2 = byte(fname, i + 1)
      if c2 == nil or c2 == SLASH then
        skip = 1
      elseif c2 == 46 then
        local c3 = byte(fname, i + 2)
        if c3 == nil or c3 == SLASH then skip = 2 end
      end
    end
    if skip == 1 then
      i = i + 1
    elseif skip == 2 then
      i = i + 2
      buf = buf:match('^(.-)/*$'):match('^(.*/)') or ''
    else
      if buf == '' or byte(buf, #buf) ~= SLASH then buf = buf .. '/' end
      local j = find(fname, '/', i, true) or n + 1
      buf = buf .. sub(fname, i, j - 1)
      i = j
    end
  end
end

-- concat(p1, ..., pn): p1 relative to the current directory, each next one relative to the
-- previous result; with no argument, the current directory
function paths.concat(...)
  local n = select('#', ...)
  local first = ...
  local r
  if n >= 1 and type(first) == 'string' and byte(first, 1) == SLASH then
    r = '/'
  else
    r = slashes(osapi.cwd())
  end
  for i = 1, n do
    r = concat1(r, checkstring((select(i, ...)), i, 'concat'))
  end
  return slashes(r)
end

function paths.execdir()
  return osapi.execdir()
end

function paths.dir(dname)
  return osapi.listdir(checkstring(dname, 1, 'dir'))
end

function paths.tmpname()
  return osapi.tmpname()
end

-- mkdir(s): creates s and, first, its missing parents; true or nil, message, errno
function paths.mkdir(s)
  s = checkstring(s, 1, 'mkdir')
  local parent = paths.dirname(s)
  if not paths.dirp(parent) then paths.mkdir(parent) end
  return osapi.mkdir(s)
end

function paths.rmdir(s)
  return osapi.rmdir(checkstring(s, 1, 'rmdir'))
end

function paths.uname()
  return osapi.uname()
end

function paths.getregistryvalue()
  error('This function exists only on windows', 2)
end

-- paths.require(name): Torch loads C libraries this way; here every package is Lua
function paths.require(name)
  name = checkstring(name, 1, 'require')
  local loaded = package.loaded[name]
  if loaded then return loaded end
  return require(name)
end

function paths.is_win()
  return paths.uname():match('Windows')
end

function paths.is_mac()
  return paths.uname():match('Darwin')
end

paths.home = os.getenv('HOME') or '.'

-- files(dname [, include]): iterator over the entries of dname ('.' and '..' included);
-- include is a Lua pattern the name must contain, or a predicate
function paths.files(dname, include)
  local list = paths.dir(dname)
  if type(include) == 'string' then
    local pattern = include
    include = function(name) return name:find(pattern) end
  elseif include ~= nil and type(include) ~= 'function' then
    error('Expecting optional arg 2 to be function or string. Got : ' .. (rawget(_G, 'torch') and torch.type or type)(include), 2)
  end
  local i = 0
  return function()
    while list do
      i = i + 1
      local name = list[i]
      if name == nil then return nil end
      if not include or include(name) then return name end
    end
  end
end

function paths.iterdirs(dname)
  return paths.files(dname, function(name)
    return name ~= '.' and name ~= '..' and paths.dirp(paths.concat(dname, name))
  end)
end

function paths.iterfiles(dname)
  return paths.files(dname, function(name)
    return name ~= '.' and name ~= '..' and paths.filep(paths.concat(dname, name))
  end)
end

-- thisfile([arg [, depth]]): the full name of the calling file (or arg next to it)
function paths.thisfile(arg, depth)
  local info = debug.getinfo(depth or 2, 'S')
  local s = info and info.source
  if type(s) ~= 'string' then
    s = nil
  elseif sub(s, 1, 1) == '@' then
    s = paths.concat(sub(s, 2))
  end
  if type(arg) == 'string' then
    if s then s = paths.concat(paths.dirname(s), arg) else s = arg end
  end
  return s
end

-- dofile(f [, depth]): f relative to the directory of the calling file
function paths.dofile(f, depth)
  local s = paths.thisfile(nil, 1 + (depth or 2))
  if s and s ~= '' then
    f = paths.concat(paths.dirname(s), f)
  end
  return dofile(f)
end

-- rmall(path, 'yes'): removes a file, or a directory and everything in it
function paths.rmall(d, yes)
  if yes ~= 'yes' then
    return nil, "missing second argument ('yes')"
  end
  if paths.filep(d) then
    return os.remove(d)
  end
  if paths.dirp(d) then
    for name in paths.files(d) do
      if name ~= '.' and name ~= '..' then
        local full = paths.concat(d, name)
        local ok, err = paths.rmall(full, yes)
        if not ok then return ok, err, full end
      end
    end
    return paths.rmdir(d)
  end
  return nil, 'not a file or directory', d
end

-- findprogram(name, ...): the full name of the first program found on $PATH
function paths.findprogram(...)
  for i = 1, select('#', ...) do
    local exe = select(i, ...)
    for dir in (os.getenv('PATH') or '.'):gmatch('[^:]+') do
      local full = paths.concat(dir, exe)
      if paths.filep(full) then return full end
    end
  end
  return nil
end

return paths
