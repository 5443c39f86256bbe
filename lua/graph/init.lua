-- graph: directed graphs of Lua data (graph.Node, graph.Edge, graph.Graph), as the Torch7
-- `graph` package that nngraph is built on. Node and edge order are kept exactly (ids are
-- positions of first appearance), since nngraph derives its evaluation order from them.
require 'torch'
graph = graph or {}
package.loaded.graph = graph

----------------------------------------------------------------------------- Node
local Node = torch.class('graph.Node')

function Node:__init(data)
  self.data = data
  self.id = 0
  self.children = {}
  self.visited = false
  self.marked = false
end

-- add a child (or a plain list of children); a child is added once
function Node:add(child)
  local children = self.children
  if type(child) == 'table' and not torch.typename(child) then
    for _, c in ipairs(child) do self:add(c) end
  elseif not children[child] then
    children[#children + 1] = child
    children[child] = #children
  end
end

-- depth-first visit: pre(node) on the way down, post(node) on the way up
function Node:visit(pre, post)
  if self.visited then return end
  if pre then pre(self) end
  for _, c in ipairs(self.children) do c:visit(pre, post) end
  if post then post(self) end
end

-- post-order depth-first traversal calling fn(node); flags are reset afterwards
function Node:dfs(fn)
  local seen = {}
  self:visit(function(n) n.visited = true end, function(n)
    fn(n)
    seen[#seen + 1] = n
  end)
  for _, n in ipairs(seen) do n.visited = false end
end

-- breadth-first traversal calling fn(node)
function Node:bfs(fn)
  local queue, seen, head, tail = {self}, {}, 1, 1
  self.marked = true
  while head <= tail do
    local n = queue[head]
    queue[head] = nil
    head = head + 1
    seen[#seen + 1] = n
    fn(n)
    for _, c in ipairs(n.children) do
      if not c.marked then
        c.marked = true
        tail = tail + 1
        queue[tail] = c
      end
    end
  end
  for _, n in ipairs(seen) do n.marked = false end
end

-- the graph of every edge reachable from this node
function Node:graph()
  local g = graph.Graph()
  self:bfs(function(n)
    for _, c in ipairs(n.children) do g:add(graph.Edge(n, c)) end
  end)
  return g
end

function Node:label()
  return tostring(self.data)
end

function Node:graphNodeName()
  return 'Node' .. self.id
end

function Node:graphNodeAttributes()
  return {}
end

----------------------------------------------------------------------------- Edge
local Edge = torch.class('graph.Edge')

function Edge:__init(from, to, weight)
  self.from = from
  self.to = to
  self.weight = weight
end

----------------------------------------------------------------------------- Graph
local Graph = torch.class('graph.Graph')

function Graph:__init()
  self.nodes = {}
  self.edges = {}
end

local function addnode(self, n)
  if not self.nodes[n] then
    self.nodes[#self.nodes + 1] = n
    self.nodes[n] = #self.nodes
  end
  n.id = self.nodes[n]
end

-- add an edge (or a list of edges): its nodes join the graph, `to` becomes a child of `from`
function Graph:add(edge)
  if type(edge) ~= 'table' then error('graph.Edge or {graph.Edges} expected', 2) end
  if not torch.typename(edge) then
    for _, e in ipairs(edge) do self:add(e) end
    return
  end
  if not self.edges[edge] then
    self.edges[#self.edges + 1] = edge
    self.edges[edge] = #self.edges
  end
  addnode(self, edge.from)
  addnode(self, edge.to)
  edge.from:add(edge.to)
  edge.from.id = self.nodes[edge.from]
  edge.to.id = self.nodes[edge.to]
end

-- a copy with new node objects sharing the data tables
function Graph:clone()
  local g = graph.Graph()
  local copies = {}
  for i, n in ipairs(self.nodes) do copies[i] = n.new(n.data) end
  for _, e in ipairs(self.edges) do
    g:add(e.new(copies[self.nodes[e.from]], copies[self.nodes[e.to]]))
  end
  return g
end

-- the graph with every edge reversed (new node objects sharing the data tables); also the map
-- old node -> new node
function Graph:reverse()
  local rg, map = graph.Graph(), {}
  for _, e in ipairs(self.edges) do
    map[e.from] = map[e.from] or e.from.new(e.from.data)
    map[e.to] = map[e.to] or e.to.new(e.to.data)
    rg:add(e.new(map[e.to], map[e.from]))
  end
  return rg, map
end

local function ends(self, key)
  local has = {}
  for _, e in ipairs(self.edges) do has[e[key]] = true end
  return has
end

-- nodes that start an edge and end none, in node order
function Graph:roots()
  local froms, tos = ends(self, 'from'), ends(self, 'to')
  local out = {}
  for _, n in ipairs(self.nodes) do
    if froms[n] and not tos[n] then out[#out + 1] = n end
  end
  return out
end

-- nodes that end an edge and start none, in node order
function Graph:leaves()
  local froms, tos = ends(self, 'from'), ends(self, 'to')
  local out = {}
  for _, n in ipairs(self.nodes) do
    if tos[n] and not froms[n] then out[#out + 1] = n end
  end
  return out
end

-- nodes ordered so that every edge goes from an earlier to a later node (errors on cycles);
-- the order is the post-order of a depth-first walk of the reversed graph from its roots
function Graph:topsort()
  local rg, map = self:reverse()
  local back = {}
  for old, new in pairs(map) do back[new] = old end
  local roots = rg:roots()
  if #roots == 0 then error('Graph has cycles', 2) end
  local start = roots[1]
  if #roots > 1 then
    start = graph.Node('dummy_root')
    for _, r in ipairs(roots) do start:add(r) end
  end
  local sorted = {}
  start:dfs(function(n)
    if back[n] then sorted[#sorted + 1] = back[n] end
  end)
  if #sorted ~= #self.nodes then error('Graph has cycles', 2) end
  return sorted, rg, roots
end

function Graph:hasCycle()
  local ok = pcall(self.topsort, self)
  return not ok
end

----------------------------------------------------------------------------- DOT export
-- a DOT value: identifiers as they are, anything else quoted. Backslashes are kept, since labels
-- use DOT's own escapes (\n, \l); quotes and newlines are escaped.
function graph._dotEscape(s)
  s = tostring(s)
  if s:match('^[%w_]+$') then return s end
  s = s:gsub('"', '\\"'):gsub('\n', '\\n')
  if s:match('\\$') and not s:match('\\\\$') then s = s .. '\\' end
  return '"' .. s .. '"'
end

-- node attributes in DOT syntax, keys in alphabetical order
local function attrs(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  local parts = {}
  for _, k in ipairs(keys) do parts[#parts + 1] = tostring(k) .. '=' .. graph._dotEscape(t[k]) end
  return '[' .. table.concat(parts, ',') .. ']'
end

-- the graph as DOT text: node n<id> is labelled with its graphNodeName and label(), and carries
-- its graphNodeAttributes; one line per edge
function Graph:todot(title)
  local lines = {'digraph G {'}
  if title then
    lines[#lines + 1] = 'labelloc="t";'
    lines[#lines + 1] = 'label=' .. graph._dotEscape(title) .. ';'
  end
  lines[#lines + 1] = 'node [shape = oval]; '
  for _, n in ipairs(self.nodes) do
    local a = {}
    for k, v in pairs(n:graphNodeAttributes() or {}) do a[k] = v end
    a.label = a.label or (n:graphNodeName() .. '\n' .. n:label())
    lines[#lines + 1] = 'n' .. n.id .. attrs(a) .. ';'
  end
  for _, e in ipairs(self.edges) do
    lines[#lines + 1] = 'n' .. e.from.id .. ' -> n' .. e.to.id .. ';'
  end
  lines[#lines + 1] = '}'
  return table.concat(lines, '\n') .. '\n'
end

local function shellQuote(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end

local function succeeded(status)
  return status == 0 or status == true
end

-- whether graphviz's `dot` program is on the PATH
function graph.hasGraphviz()
  return succeeded(os.execute('command -v dot >/dev/null 2>&1'))
end

-- dot -T<format> on a DOT file; a Lua error when it fails
function graph._render(dotfile, format, outfile)
  local cmd = string.format('dot -T%s -o %s %s', format, shellQuote(outfile), shellQuote(dotfile))
  if not succeeded(os.execute(cmd)) then
    error(string.format('graph.dot: graphviz failed to write %s (%s)', outfile, cmd), 3)
  end
end

-- graph.dot(g, title [, fname]): the DOT text of g. With fname, writes fname.dot, then fname.svg
-- and fname.png through graphviz's `dot` program; without graphviz that is a Lua error (after
-- fname.dot is written).
function graph.dot(g, title, fname)
  if not torch.isTypeOf(g, 'graph.Graph') then
    error('graph.dot: expecting a graph.Graph (e.g. gmodule.fg or gmodule.bg), got '
      .. (torch.typename(g) or type(g)), 2)
  end
  local text = g:todot(title)
  if fname then
    local f, err = io.open(fname .. '.dot', 'w')
    if not f then error('graph.dot: cannot write ' .. fname .. '.dot: ' .. tostring(err), 2) end
    f:write(text)
    f:close()
    if not graph.hasGraphviz() then
      error('graph.dot: wrote ' .. fname .. '.dot, but ' .. fname .. '.svg/.png need graphviz: '
        .. 'the `dot` program is not installed (install graphviz, or render the .dot file elsewhere)', 2)
    end
    graph._render(fname .. '.dot', 'svg', fname .. '.svg')
    graph._render(fname .. '.dot', 'png', fname .. '.png')
  end
  return text
end

return graph
