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
require 'nngraph.nest'

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

require 'nngraph.debug'
nngraph.simple_print = require 'nngraph.simple_print'

return nngraph
