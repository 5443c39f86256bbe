-- nngraph.Node: a graph node whose data holds the module, its inputs' order (mapindex) and
-- annotations. Edges point from a node to its inputs (the graph is declared backwards).
require 'graph'
local Node, parent = torch.class('nngraph.Node', 'graph.Node')

-- where the user declared this node: the first stack frame outside nngraph/graph/nn shims
local function declared_at()
  local level = 3
  while true do
    local info = debug.getinfo(level, 'Sl')
    if not info then return nil end
    local src = info.source or ''
    if info.what ~= 'C' and not src:match('/lua/nngraph/') and not src:match('/lua/graph/')
       and not src:match('/lua/nn/') and not src:match('/lua/torch/') then
      return info
    end
    level = level + 1
  end
end

function Node:__init(data)
  parent.__init(self, data)
  data.annotations = data.annotations or {}
  data.mapindex = data.mapindex or {}
  data.reverseMap = data.reverseMap or {}
  if not data.annotations._debugLabel then
    local info = declared_at()
    if info then
      data.annotations._debugLabel = string.format('[%s]:%d_%s', info.short_src, info.currentline, info.name or '')
    end
  end
end

-- child is an input of this node; with domap, remember its position among the inputs
function Node:add(child, domap)
  parent.add(self, child)
  if domap then
    local mapindex = self.data.mapindex
    local d = child.data
    assert(not mapindex[d], "Don't pass the same input twice.")
    mapindex[#mapindex + 1] = d
    mapindex[d] = #mapindex
    local rev = d.reverseMap
    assert(not rev[self], 'this connection has already been made!')
    rev[self] = true
  end
end

-- n nodes, each taking one entry of this node's (table) output
function Node:split(n)
  if n == 1 then return nngraph.JustElement()(self) end
  local label = self.data.annotations._debugLabel or ''
  local info = declared_at()
  local at = info and string.format(' split at [%s]:%d', info.short_src, info.currentline) or ''
  local m = nngraph.Node({nSplitOutputs = n, annotations = {_debugLabel = label .. at .. '-mnode'}})
  m:add(self, true)
  local out = {}
  for i = 1, n do
    local s = nngraph.Node({selectindex = i, input = {}, annotations = {_debugLabel = label .. '-' .. i}})
    s:add(m, true)
    out[i] = s
  end
  return unpack(out)
end

function Node:annotate(annotations)
  for k, v in pairs(annotations) do self.data.annotations[k] = v end
  return self
end

function Node:graphNodeName()
  local name = self.data.annotations.name
  if name then return name .. ' (' .. self.id .. ')' end
  return 'Node' .. self.id
end

function Node:graphNodeAttributes()
  local a = self.data.annotations
  a.graphAttributes = a.graphAttributes or {}
  if not a.graphAttributes.tooltip then a.graphAttributes.tooltip = a._debugLabel end
  return a.graphAttributes
end

-- ' NaN' / 'inf' / '-inf' after a tensor's size when it holds such values
local function nanFlag(x)
  if x:nElement() == 0 then return '' end
  if x:ne(x):sum() > 0 then return 'NaN' end
  if x:max() == math.huge then return 'inf' end
  if x:min() == -math.huge then return '-inf' end
  return ''
end

local function describe(x)
  if torch.isTensor(x) then
    local t = x:type() ~= torch.Tensor():type() and x:type() or 'Tensor'
    return t .. '[' .. table.concat(x:size():totable(), 'x') .. ']' .. nanFlag(x)
  elseif type(x) == 'table' and not torch.typename(x) then
    local parts = {}
    for i, v in ipairs(x) do parts[i] = describe(v) end
    return '{' .. table.concat(parts, ',') .. '}'
  end
  return (tostring(x):gsub('\n', '\\l'))
end

-- a multi-line description of the node's data (module, inputs, gradients; the mapindex as the
-- forward ids of the inputs when there are several), after the annotation's description
function Node:label()
  local lines = {}
  local keys = {}
  for k in pairs(self.data) do
    if type(k) == 'string' then keys[#keys + 1] = k end
  end
  table.sort(keys)
  for _, k in ipairs(keys) do
    local v = self.data[k]
    if k == 'mapindex' then
      if #v > 1 then
        local ids = {}
        for i, d in ipairs(v) do ids[i] = 'Node' .. (d.forwardNodeId or '') end
        lines[#lines + 1] = k .. ' = {' .. table.concat(ids, ',') .. '}'
      end
    elseif k ~= 'annotations' and k ~= 'forwardNodeId' then
      lines[#lines + 1] = k .. ' = ' .. describe(v)
    end
  end
  local desc = self.data.annotations.description
  desc = desc and ('desc = ' .. desc .. '\\n') or ''
  return desc .. table.concat(lines, '\\l')
end

return Node
