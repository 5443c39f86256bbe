-- sys.fpath(): directory and file name of the Lua file calling it.
local paths = require 'paths'

local function fpath()
  local src = debug.getinfo(2, 'S').source:gsub('@', '')
  if src:find('/') ~= 1 then src = paths.concat(paths.cwd(), src) end
  return paths.dirname(src), paths.basename(src)
end
return fpath
