-- nngraph.simple_print: a compact DOT picture of a graph, only the nodes holding a module other
-- than nn.Identity (the others are bypassed: their inputs connect to their outputs)
local M = {}

local function shown(node)
  return node.data ~= nil and node.data.module ~= nil
    and torch.typename(node.data.module) ~= 'nn.Identity'
end

-- the shown nodes (renumbered from 1 in node order) and the edges between them, as pairs of
-- their new numbers
local function simplify(g)
  local succ = {}
  for _, n in ipairs(g.nodes) do succ[n] = n.children end
  local kept, number = {}, {}
  for _, n in ipairs(g.nodes) do
    if shown(n) then
      kept[#kept + 1] = n
      number[n] = #kept
    end
  end
  -- each shown node is linked to the shown nodes it reaches through hidden ones only
  local edges, seenEdge = {}, {}
  for _, n in ipairs(kept) do
    local visited = {}
    local function reach(m)
      for _, c in ipairs(succ[m] or {}) do
        if not visited[c] then
          visited[c] = true
          if number[c] then
            local key = number[n] .. ':' .. number[c]
            if not seenEdge[key] then
              seenEdge[key] = true
              edges[#edges + 1] = {number[n], number[c]}
            end
          else
            reach(c)
          end
        end
      end
    end
    reach(n)
  end
  return kept, edges
end

function M.todot(g, title)
  local nodes, edges = simplify(g)
  local out = {'digraph G {\n'}
  if title then out[#out + 1] = 'labelloc="t";\nlabel=' .. graph._dotEscape(title) .. ';\n' end
  out[#out + 1] = 'node [shape = oval]; '
  for i, n in ipairs(nodes) do
    out[#out + 1] = '\nn' .. i .. '[label=' .. graph._dotEscape('Node' .. i .. '\\n' .. n:label()) .. '];'
  end
  out[#out + 1] = '\n'
  for _, e in ipairs(edges) do out[#out + 1] = 'n' .. e[1] .. ' -> n' .. e[2] .. ';\n' end
  out[#out + 1] = '}'
  return table.concat(out)
end

-- as graph.dot: the DOT text; with fname, fname.dot, and fname.svg through graphviz (a Lua error
-- without it)
function M.dot(g, title, fname)
  local text = M.todot(g, title)
  if fname then
    local f, err = io.open(fname .. '.dot', 'w')
    if not f then error('simple_print.dot: cannot write ' .. fname .. '.dot: ' .. tostring(err), 2) end
    f:write(text)
    f:close()
    if not graph.hasGraphviz() then
      error('simple_print.dot: wrote ' .. fname .. '.dot, but ' .. fname .. '.svg needs graphviz: '
        .. 'the `dot` program is not installed', 2)
    end
    graph._render(fname .. '.dot', 'svg', fname .. '.svg')
  end
  return text
end

return M
