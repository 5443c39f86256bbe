-- sys: small system tools, as Torch's `sys` package (global `sys`): clocks, sleeping, running
-- shell commands and reading their output, colours, the running file's path.
local paths = require 'paths'
local osapi = require 'luatorch.os'

local sys = {}
rawset(_G, 'sys', sys)
package.loaded.sys = sys

-- wall-clock time in seconds (microsecond resolution)
function sys.clock()
  return osapi.clock()
end

-- sleep a number of microseconds (whole microseconds; 1 when the argument is not a number)
function sys.usleep(us)
  osapi.usleep(tonumber(us) or 1)
end

function sys.sleep(seconds)
  sys.usleep(seconds * 1000000)
end

-- matlab-like timer
local tic_time
function sys.tic()
  tic_time = sys.clock()
end

function sys.toc(verbose)
  local dt = sys.clock() - tic_time
  if verbose then print(dt) end
  return dt
end

local function trim(s)
  return (s:gsub('^%s*', ''):gsub('%s*$', ''))
end

-- run a shell command; its output (stdout and stderr) as a string, surrounding spaces removed
function sys.execute(cmd)
  local f = io.popen(cmd .. ' 2>&1')
  local out = f:read('*all')
  f:close()
  return trim(out)
end

-- same, through a temporary file
function sys.fexecute(cmd, readwhat)
  readwhat = readwhat or '*all'
  local tmp = os.tmpname()
  os.execute(cmd .. ' >' .. tmp .. ' 2>&1')
  local f = assert(io.open(tmp))
  local out = f:read(readwhat)
  f:close()
  os.remove(tmp)
  return trim(out)
end

-- 'linux', 'macos', 'windows' or '?'
function sys.uname()
  if paths.dirp('C:\\') then return 'windows' end
  local name = jit and jit.os or ''
  if name:find('Linux') then return 'linux' end
  if name:find('OSX') then return 'macos' end
  return '?'
end
sys.OS = sys.uname()

sys.ls = function(d) return sys.execute('ls ' .. (d or ' ')) end
sys.ll = function(d) return sys.execute('ls -l ' .. (d or ' ')) end
sys.la = function(d) return sys.execute('ls -a ' .. (d or ' ')) end
sys.lla = function(d) return sys.execute('ls -la ' .. (d or ' ')) end

-- the installation prefix: the folder above the bin/ holding the running executable
local function find_prefix()
  local bin = paths.execdir()
  if not bin then return '' end
  if paths.basename(bin) == 'bin' then return paths.dirname(bin) end
  return bin
end
sys.prefix = find_prefix()

sys.fpath = require 'sys.fpath'

-- split str at each match of the pattern pat (empty leading piece dropped)
function sys.split(str, pat)
  local out = {}
  local pos = 1
  local s, e, cap = str:find('(.-)' .. pat, pos)
  while s do
    if s ~= 1 or cap ~= '' then out[#out + 1] = cap end
    pos = e + 1
    s, e, cap = str:find('(.-)' .. pat, pos)
  end
  if pos <= #str then out[#out + 1] = str:sub(pos) end
  return out
end

function sys.isNaN(x)
  return x ~= x
end

sys.COLORS = require 'sys.colors'

-- backward compatibility
sys.dirname = paths.dirname
sys.concat = paths.concat

return sys
