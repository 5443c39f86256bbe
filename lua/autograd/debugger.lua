-- grad(f, {debugHook = hook}): the compiled program checks every value it computes; each nan or
-- inf calls hook(debugger, msg, gen) where msg names the value (and the Lua line that computed
-- it, for the forward pass), gen = {source = the program as pseudo-Lua, line = its line there},
-- and debugger.generateDot(fileName) / generateJson(fileName) / showDot() draw the graph.
local runtime = require 'autograd.runtime'
local AG = runtime.AG

local debugger = {}

-- where the user's code is: the first Lua frame outside luatorch's own files, above the caller
-- of site()/line() (getinfo fields `what`)
local shim = debug.getinfo(1, 'S').source:match('^@(.*/)autograd/[^/]*$')
local function userFrame(what)
  local level = 3
  while true do
    local info = debug.getinfo(level, what)
    if not info then return nil end
    local src = info.source
    if info.what ~= 'C' and info.what ~= 'tail' and not (shim and src:sub(2, #shim + 1) == shim)
        and src ~= '=[C]' then
      return info
    end
    level = level + 1
  end
end

function debugger.site()
  local info = userFrame('Sln')
  if not info then return nil end
  local src = info.source
  if src:sub(1, 1) ~= '@' then src = info.short_src end
  return tostring(info.name) .. src .. ':' .. tostring(info.currentline)
end

-- 'file:line' of the user's code calling the current op (the profiler's key)
function debugger.line()
  local info = userFrame('Sl')
  return info and info.short_src .. ':' .. tostring(info.currentline)
end

local function writeFile(fileName, text)
  local f = assert(io.open(fileName, 'w'))
  f:write(text)
  f:close()
end

local function json(dot)
  local nodes, edges = {}, {}
  for line in dot:gmatch('[^\n]+') do
    local a, b = line:match('^%s*(%S+) %-> (%S+);$')
    if a then
      edges[#edges + 1] = string.format('{"from": %q, "to": %q}', a, b)
    else
      local name, label = line:match('^%s*(%S+) %[label="(.-)"')
      if name then nodes[#nodes + 1] = string.format('%q: {"name": %q, "label": %q}', name, name, label) end
    end
  end
  return '{"name": "graphname", "nodes": {' .. table.concat(nodes, ', ') .. '}, "edges": [' ..
    table.concat(edges, ', ') .. ']}'
end

-- the Lua function the compiled program calls for a bad value
function debugger.hook(opt, state)
  local userHook = opt.debugHook
  return function(number, step, slot)
    local name, line, source, site = AG.program_info(state.opt, number, step, slot)
    local msg = 'autograd debugger detected a nan or inf value for ' .. name
    if site ~= '' then msg = msg .. '\n\t\t1: ' .. site end
    local dbg = {
      generateDot = function(fileName) writeFile(fileName, AG.program_dot(state.opt, number, slot)) end,
      generateJson = function(fileName) writeFile(fileName, json(AG.program_dot(state.opt, number, slot))) end,
      showDot = function()
        if jit and jit.os == 'OSX' then
          local fileName = os.tmpname()
          writeFile(fileName, AG.program_dot(state.opt, number, slot))
          os.execute('dot -O -Tsvg ' .. fileName)
          os.execute('open -a Safari ' .. fileName .. '.svg')
        else
          print('showDot() only implemented on OSX')
        end
      end,
    }
    userHook(dbg, msg, {source = source, line = line})
  end
end

return debugger
