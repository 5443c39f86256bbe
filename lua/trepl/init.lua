-- trepl's print: scalars each followed by a tab, userdata (tensors, storages) and tables on
-- their own lines, plain tables pretty-printed with nested indentation.
local trepl = {}
local tostring, type, pairs = tostring, type, pairs
local function io_write(...) return io.write(...) end
local colors = require 'trepl.colors'
local col = colors.colorize
trepl.colors = colors

-- the colour of a scalar value as trepl shows it (no colour unless colours are enabled)
local function colorize(v, nested)
  if not colors.enabled then
    if nested and type(v) == 'string' then return '"' .. v .. '"' end
    return tostring(v)
  end
  local t = type(v)
  if v == nil then return col.Black('nil')
  elseif t == 'number' then return col.cyan(tostring(v))
  elseif t == 'boolean' then return col.blue(tostring(v))
  elseif t == 'string' then
    if nested then return col.Black('"') .. col.green(v) .. col.Black('"') end
    return v
  elseif t == 'function' then return col.magenta(tostring(v))
  elseif t == 'table' then return col.green(tostring(v))
  elseif t == 'userdata' or t == 'cdata' then return col.red(tostring(v))
  end
  return tostring(v)
end
trepl.colorize_value = colorize

local function fmt_number(n)
  return tostring(n)
end

local function is_plain_table(t)
  local mt = getmetatable(t)
  return mt == nil or mt.__tostring == nil
end

local function short(v)
  -- a tensor or storage inside a table: its type and size only
  if torch and (torch.isTensor(v) or torch.isStorage(v)) then
    local name = torch.typename(v):gsub('^torch%.', '')
    local size
    if torch.isTensor(v) then
      local s = {}
      for i = 1, v:dim() do s[i] = v:size(i) end
      size = table.concat(s, 'x')
    else
      size = tostring(v:size())
    end
    if size == '' or size == '0' and torch.isTensor(v) then return name .. ' - empty' end
    return name .. ' - size: ' .. size
  end
  return nil
end

local function keystr(k)
  return tostring(k)
end

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b)
    local ta, tb = type(a), type(b)
    if ta == 'number' and tb == 'number' then return a < b end
    if ta == 'number' then return true end
    if tb == 'number' then return false end
    return tostring(a) < tostring(b)
  end)
  return keys
end
trepl.sorted_keys = sorted_keys   -- (the notebooks' print lists tables in the same order)

-- trepl lists a table's fields down to 5 levels; any nested table (a torch object too: its
-- fields, not its tostring) is expanded unless it is empty or deeper, then shown as {...}
local MAXDEPTH = 5

local function pretty(t, indent, out, depth)
  out[#out + 1] = '{'
  for _, k in ipairs(sorted_keys(t)) do
    local v = rawget(t, k)
    local line = indent .. '  ' .. keystr(k) .. ' : '
    local tv = type(v)
    if tv == 'table' then
      if depth >= MAXDEPTH - 1 or next(v) == nil then
        out[#out + 1] = line .. '{...}'
      else
        out[#out + 1] = line
        out[#out + 1] = indent .. '    '
        local sub = {}
        pretty(v, indent .. '    ', sub, depth + 1)
        out[#out] = out[#out] .. sub[1]
        for i = 2, #sub do out[#out + 1] = sub[i] end
      end
    elseif tv == 'string' then
      out[#out + 1] = line .. colorize(v, true)
    else
      local s = short(v)
      out[#out + 1] = line .. (s and (colors.enabled and col.red(s) or s) or colorize(v, true))
    end
  end
  out[#out + 1] = indent .. '}'
end

function trepl.pretty(t)
  if next(t) == nil then return '{}' end
  local out = {}
  pretty(t, '', out, 0)
  return table.concat(out, '\n')
end

function trepl.print(...)
  local n = select('#', ...)
  if n == 0 then return end
  local objs = {...}
  local last_newline = false
  for i = 1, n do
    local o = objs[i]
    local t = type(o)
    if t == 'table' and is_plain_table(o) then
      io_write(trepl.pretty(o), '\n')
      last_newline = true
    elseif t == 'userdata' or t == 'cdata' or t == 'table' then
      io_write(tostring(o), '\n')
      last_newline = true
    elseif t == 'number' then
      io_write(colors.enabled and col.cyan(fmt_number(o)) or fmt_number(o), '\t')
      last_newline = false
    else
      io_write(colorize(o), '\t')
      last_newline = false
    end
  end
  if not last_newline then io_write('\n') end
end

return trepl
