-- nngraph.nest(x): a node giving a nested structure of nodes' outputs. x is a node (returned
-- as it is) or a non-empty list of nodes and lists: {a} is nngraph.JustTable()({a}) (a table of
-- one), a longer list nn.Identity() over the nested entries.
local function isNode(x)
  return torch.typename(x) == 'nngraph.Node'
end

local function nest(x)
  if isNode(x) then return x end
  if type(x) ~= 'table' or #x == 0 then
    error('what is this in the nest input? ' .. tostring(x), 3)
  end
  if #x == 1 then return nngraph.JustTable()(x) end
  local entries = {}
  for i, v in ipairs(x) do entries[i] = nest(v) end
  return nn.Identity()(entries)
end

function nngraph.nest(...)
  local n = select('#', ...)
  if n > 1 then error('Use {input1, input2} to pass multiple inputs.', 2) end
  local x = ...
  if n == 0 or x == nil then error('Pass an input.', 2) end
  return nest(x)
end
