-- Shared by the models: (feed-forward) layers applied in order, the ones with parameters taking
-- theirs from params[layer2params[i]].
local common = {}

function common.sequence(layers, layer2params)
  return function(params, input)
    local x = input
    for i, layer in ipairs(layers) do
      local p = layer2params[i]
      if p then x = layer(params[p], x) else x = layer(x) end
    end
    return x
  end
end

-- appends a functionalized layer (and its parameters, if any)
function common.push(layers, params, layer2params, layer, p)
  layers[#layers + 1] = layer
  if p then
    params[#params + 1] = p
    layer2params[#layers] = #params
  end
end

-- what a recurrent model returns: the last hidden state h for outputType 'last', else the
-- steps' hidden states hs[1..#hs] (batch x nH each) stacked as batch x #hs x nH
function common.recurrentOutput(outputType, hs, h, batch, nH)
  if outputType == 'last' then return h end
  for t = 1, #hs do hs[t] = torch.view(hs[t], batch, 1, nH) end
  return torch.cat(hs, 2)
end

function common.nn()
  return require('autograd.nnwrapper').functionalize('nn')
end

return common
