-- nngraph: graphs of nn modules. Calling a module on nodes (`nn.Linear(3, 4)(x)`) makes a node;
-- nn.gModule(inputs, outputs) runs the graph forward and backward.
require 'nn'
require 'graph'
nngraph = nngraph or {}
package.loaded.nngraph = nngraph

require 'nngraph.Node'
require 'nngraph.gModule'
require 'nngraph.JustElement'
require 'nngraph.JustTable'
require 'nngraph.ModuleFromCriterion'

local utils = require 'nngraph.utils'

local Module = torch.getmetatable('nn.Module')

-- module(node) / module({node1, node2}) / module(): a new node applying module to its inputs
function Module:__call__(...)
  local n = select('#', ...)
  if n > 1 then error('Use {input1, input2} to pass multiple inputs.', 2) end
  local input = ...
  if n == 1 and input == nil then error(utils.expectingNodeErrorMessage(nil, 'inputs', 1), 2) end
  if type(input) == 'table' and next(input) == nil then
    error('cannot pass an empty table of inputs. To indicate no incoming connections, '
      .. 'leave the second set of parens blank.', 2)
  end
  if not utils.istable(input) then input = {input} end
  local node = nngraph.Node({module = self})
  for i = 1, utils.tableMaxN(input) do
    local d = input[i]
    if torch.typename(d) ~= 'nngraph.Node' then
      error(utils.expectingNodeErrorMessage(d, 'inputs', i), 2)
    end
    node:add(d, true)
  end
  return node
end

-- -module is module(); a - module is module(a)
function Module.__unm__(m) return m() end
function Module.__sub__(prev, nxt) return nxt(prev) end
torch.getmetatable('nngraph.Node').__sub__ = function(prev, nxt) return nxt(prev) end

local Criterion = torch.getmetatable('nn.Criterion')
function Criterion:__call__(...)
  return nn.ModuleFromCriterion(self)(...)
end

-- with debugging on, an error inside a node names the node and where it was declared
nngraph._debug = false
function nngraph.setDebug(on)
  nngraph._debug = on and true or false
end

-- DOT text of a gModule's forward (or any) graph; see graph.dot for files
function nngraph.annotateNodes()
  -- names every node after the local variable it was assigned to, as nngraph does
  local i = 1
  while true do
    local name, value = debug.getlocal(2, i)
    if not name then break end
    if torch.typename(value) == 'nngraph.Node' then
      value.data.annotations.name = value.data.annotations.name or name
    end
    i = i + 1
  end
end

return nngraph
