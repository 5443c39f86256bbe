-- sys.COLORS: ANSI escape sequences by colour name (lower case: normal, Capitalised: bold,
-- _underscored: background), as Torch's sys.colors.
local E = '\27['
local names = {'black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'}
local colors = {none = E .. '0m'}
for i, name in ipairs(names) do
  local code = tostring(29 + i)
  colors[name] = E .. '0;' .. code .. 'm'
  colors[name:sub(1, 1):upper() .. name:sub(2)] = E .. '1;' .. code .. 'm'
  colors['_' .. name] = E .. tostring(39 + i) .. 'm'
end
return colors
