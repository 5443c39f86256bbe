-- nngraph's debugging aids: nngraph.setDebug (on an error inside a gModule, a picture of its
-- graph with the failing node filled red), nngraph.annotateNodes, nngraph.display
require 'nngraph.gModule'

local gModule = nn.gModule
local plain = {}
for _, name in ipairs({'runForwardFunction', 'updateGradInput', 'accGradParameters'}) do
  plain[name] = gModule[name]
end

local function fileExists(name)
  local f = io.open(name, 'r')
  if f then f:close() end
  return f ~= nil
end

-- the DOT text of the gModule's forward graph, the node whose data is failed's filled red
local function dotWithFailure(gmodule, title, failed)
  local text = gmodule.fg:todot(title)
  if failed then
    for _, node in ipairs(gmodule.fg.nodes) do
      if node.data == failed.data then
        text = text:gsub('}%s*$', '') .. string.format('n%d[style=filled, fillcolor=red];\n}\n', node.id)
        break
      end
    end
  end
  return text
end

-- writes <prefix>.dot and (with graphviz) <prefix>.svg, prefix being the gModule's name or
-- nngraph_<n>in_<m>out, made unique when that file exists already
local function saveFailure(gmodule, failed)
  local nInputs = gmodule.nInputs or #gmodule.innode.children
  local prefix = gmodule.name or string.format('nngraph_%sin_%sout', nInputs, #gmodule.outnode.children)
  if fileExists(prefix .. '.svg') or fileExists(prefix .. '.dot') then
    local tmp = os.tmpname()
    os.remove(tmp)
    prefix = prefix .. '_' .. tmp:match('([^/]+)$')
  end
  local f = io.open(prefix .. '.dot', 'w')
  if not f then
    io.stderr:write('nngraph: cannot write ' .. prefix .. '.dot\n')
    return
  end
  f:write(dotWithFailure(gmodule, prefix, failed))
  f:close()
  if graph.hasGraphviz() then
    io.stderr:write(string.format('saving %s.svg\n', prefix))
    pcall(graph._render, prefix .. '.dot', 'svg', prefix .. '.svg')
  else
    io.stderr:write(string.format('saving %s.dot (graphviz\'s `dot` program is not installed: no %s.svg)\n',
      prefix, prefix))
  end
end

local function withTraceback(message)
  if type(message) == 'string' and not message:find('stack traceback:\n', 1, true) then
    return debug.traceback(message, 2)
  end
  return message
end

local function checked(f)
  return function(self, ...)
    local n, args = select('#', ...), {...}
    local ok, result = xpcall(function() return f(self, unpack(args, 1, n)) end, withTraceback)
    if ok then return result end
    local failed = rawget(self, '_debugNode')
    self._debugNode = nil
    pcall(saveFailure, self, failed)
    error(result, 0)
  end
end

-- setDebug(true): an error while a gModule runs (forward, updateGradInput, accGradParameters)
-- saves its forward graph with the failing node in red (see saveFailure), then propagates with
-- its stack traceback. setDebug(false) restores the plain methods.
nngraph._debug = false
function nngraph.setDebug(enable)
  nngraph._debug = enable and true or false
  for name, f in pairs(plain) do
    gModule[name] = enable and checked(f) or f
  end
end

-- names every nngraph.Node held in a local variable of the function stackLevel levels up (1:
-- the caller) after that variable, unless the node has a name already
function nngraph.annotateNodes(stackLevel)
  stackLevel = stackLevel or 1
  local i = 1
  while true do
    local name, value = debug.getlocal(stackLevel + 1, i)
    if not name then break end
    if torch.typename(value) == 'nngraph.Node' and not value.data.annotations.name then
      value:annotate({name = name})
    end
    i = i + 1
  end
end

-- shows the gModule's forward graph as an SVG in the desktop's viewer (graphviz needed)
function nngraph.display(gmodule)
  local ffi = require 'ffi'
  local opener = ffi.os == 'OSX' and 'open' or 'xdg-open'
  local status = os.execute('command -v ' .. opener .. ' >/dev/null 2>&1')
  if status ~= 0 and status ~= true then
    error('nngraph.display: no `' .. opener .. '` program to show the graph with; '
      .. 'write it with graph.dot(gmodule.fg, title, filename) instead', 2)
  end
  local fname = os.tmpname()
  graph.dot(gmodule.fg, fname, fname)
  os.execute(opener .. " '" .. fname .. ".svg'")
end
