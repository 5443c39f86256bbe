-- Package helpers of torch: torch.packageLuaPath, torch.include and the global include().
require 'paths'

-- the folder holding package `name`'s Lua files, found through package.path
-- (no name: the folder above torch's own)
function torch.packageLuaPath(name)
  if not name then
    local own = torch.packageLuaPath('torch')
    return own and (own:match('(.*)/') or own:match('(.*)\\'))
  end
  for template in package.path:gmatch('[^;]+') do
    local file = template:gsub('%?', name)
    local f = io.open(file)
    if f then
      f:close()
      return file:match('(.*)/') or file:match('(.*)\\')
    end
  end
end

-- torch.include(package, file): run file from package's folder
function torch.include(package, file)
  dofile(torch.packageLuaPath(package) .. '/' .. file)
end

-- include(file): run file from the folder of the file calling include (packages' init.lua)
local function include(file, depth)
  paths.dofile(file, 3 + (depth or 0))
end
rawset(_G, 'include', include)
