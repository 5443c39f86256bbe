-- nn.FlattenTable: a nested table of tensors -> a flat table of them (depth-first order);
-- gradInput takes the input's nesting again.
require 'nn.Module'
local FlattenTable, parent = torch.class('nn.FlattenTable', 'nn.Module')

function FlattenTable:__init()
  parent.__init(self)
  self.output = {}
  self.input_map = {}
  self.gradInput = {}
end

-- append input's tensors to output; returns input's layout with output indices at the leaves
local function flatten(output, input)
  if torch.type(input) == 'table' then
    local map = {}
    for i = 1, #input do map[i] = flatten(output, input[i]) end
    return map
  end
  local k = #output + 1
  output[k] = input
  return k
end

-- does map still describe how input's leaves sit in output?
local function checkMapping(output, input, map)
  if map == nil or output == nil or input == nil then return false end
  if torch.type(input) == 'table' then
    if torch.type(map) ~= 'table' or #input ~= #map then return false end
    for i = 1, #input do
      if not checkMapping(output, input[i], map[i]) then return false end
    end
    return true
  end
  return torch.type(map) == 'number' and output[map] == input
end

local function unflatten(gradOutput, map)
  if torch.type(map) == 'table' then
    local t = {}
    for i = 1, #map do t[i] = unflatten(gradOutput, map[i]) end
    return t
  end
  return gradOutput[map]
end

function FlattenTable:updateOutput(input)
  assert(torch.type(input) == 'table', 'input must be a table')
  if not checkMapping(self.output, input, self.input_map) then
    self.output = {}
    self.input_map = flatten(self.output, input)
  end
  return self.output
end

function FlattenTable:updateGradInput(input, gradOutput)
  assert(torch.type(input) == 'table', 'input must be a table')
  assert(torch.type(gradOutput) == 'table', 'gradOutput must be a table')
  if not checkMapping(gradOutput, self.gradInput, self.input_map) then
    self.gradInput = unflatten(gradOutput, self.input_map)
  end
  return self.gradInput
end

-- holds references only: nothing to convert, the tables are just emptied
function FlattenTable:type(type, tensorCache)
  self:clearState()
  return self
end

function FlattenTable:clearState()
  self.input_map = {}
  return parent.clearState(self)
end

return FlattenTable
