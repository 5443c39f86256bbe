-- small helpers shared by nngraph's files
local utils = {}

function utils.istable(x)
  return type(x) == 'table' and not torch.typename(x)
end

function utils.tableMaxN(t)
  local m = 0
  for k in pairs(t) do
    if type(k) == 'number' and k > m then m = k end
  end
  return m
end

-- the message for a bad entry where an nngraph.Node was expected
function utils.expectingNodeErrorMessage(bad, what, i)
  if bad == nil then
    return string.format('%s[%d] is nil (typo / bad index?)', what, i)
  elseif torch.isTypeOf(bad, 'nn.Module') then
    return string.format('%s[%d] is an nn.Module, specifically a %s, but the only valid thing to '
      .. 'pass is an instance of nngraph.Node. Did you forget a second set of parens, which '
      .. 'convert a nn.Module to a nngraph.Node?', what, i, torch.typename(bad))
  end
  return string.format('%s[%d] should be an nngraph.Node but is of type %s', what, i,
    torch.typename(bad) or type(bad))
end

return utils
