-- The `print` of iTorch notebooks. iTorch's kernel ran on plain LuaJIT (not th), and its
-- main.lua loaded Torch's `env` package, whose print is not trepl's. What a notebook cell shows
-- follows that print:
--   * print() with no argument prints an empty line;
--   * numbers, strings, booleans, nil: tostring, each followed by a tab, the line ended after
--     the last argument; tensors and storages (userdata): tostring on a line of their own;
--   * tables are listed as `{`, `key : value` lines, `}`, nested tables indented by 4 more
--     columns, down to 5 levels; a deeper or empty nested table shows as `table: 0x...`;
--   * an argument with a __tostring (an nn module, any torch.class instance) shows that alone,
--     as trepl prints it (env's print followed it with the object's fields; the tutorials'
--     print(module) cells are read against Torch's module layouts); nested inside a table, a
--     torch object shows its tostring, then its fields;
--   * values inside tables: strings unquoted, tensors/storages as `DoubleTensor - size: 2x3`.
-- Keys are listed in a fixed order (numbers ascending, then the others by name) where `pairs`
-- order would depend on the Lua build.
local M = {}
local MAXDEPTH = 5
local base_print = print

local function typename(x)
  return torch and torch.typename(x) or nil
end

local function sizestr(x)
  local name = typename(x):match('torch%.(.+)')
  if torch.isStorage(x) then return name .. ' - size: ' .. x:size() end
  if x:dim() == 0 then return name .. ' - empty' end
  local s = {}
  for i = 1, x:dim() do s[i] = x:size(i) end
  return name .. ' - size: ' .. table.concat(s, 'x')
end

-- a value shown inside a table, or a scalar argument
local function show(v)
  local t = type(v)
  if t == 'userdata' or t == 'cdata' then
    local tn = typename(v) or ''
    if tn:find('torch.*Tensor') or tn:find('torch.*Storage') then return sizestr(v) end
  end
  return tostring(v)
end

local sorted_keys = require('trepl').sorted_keys   -- numbers ascending, then by name

local function dump(obj, depth, out)
  local pad = string.rep(' ', depth * 4)
  local mt = getmetatable(obj)
  local tn = typename(obj)
  if mt and mt.__tostring and tn == nil then
    out[#out + 1] = tostring(obj)
    return
  end
  if tn then
    out[#out + 1] = pad .. (tostring(obj):gsub('\n', '\n' .. pad))
  end
  out[#out + 1] = pad .. '{'
  local inner = pad .. '  '
  for _, k in ipairs(sorted_keys(obj)) do
    local v = rawget(obj, k)
    if type(v) == 'table' then
      if depth >= MAXDEPTH - 1 or next(v) == nil then
        out[#out + 1] = inner .. tostring(k) .. ' : ' .. tostring(v)
      else
        out[#out + 1] = inner .. tostring(k) .. ' : '
        dump(v, depth + 1, out)
      end
    else
      out[#out + 1] = inner .. tostring(k) .. ' : ' .. show(v)
    end
  end
  out[#out + 1] = pad .. '}'
end

function M.format_table(t)
  local out = {}
  dump(t, 0, out)
  return table.concat(out, '\n')
end

function M.print(...)
  local n = select('#', ...)
  if n == 0 then io.write('\n') return end
  for i = 1, n do
    local obj = select(i, ...)
    local t = type(obj)
    if t == 'table' then
      local mt = getmetatable(obj)
      if mt and mt.__tostring then
        -- an nn module or any object with a tostring: that alone, in Torch's layouts, as trepl
        -- prints it (what the tutorials' print(module) cells are read against)
        io.write(tostring(obj), '\n')
      else
        io.write(M.format_table(obj), '\n')
      end
    elseif t == 'userdata' or t == 'cdata' then
      io.write(tostring(obj), '\n')
    else
      io.write(show(obj), '\t')
      if i == n then io.write('\n') end
    end
  end
end

M.base_print = base_print
return M
