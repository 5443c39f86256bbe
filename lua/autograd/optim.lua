-- autograd.optim.<method>(df, state, params) -> step(...), states: one optim method per
-- parameter tensor; step(...) computes the gradients with df(params, ...) and updates params.
local util = require 'autograd.util'

local function wrap(method)
  return function(df, state, params)
    local flat = util.sortedFlatten(params)
    local states = {}
    for i = 1, #flat do states[i] = util.deepCopy(state) end
    return function(...)
      local out = {df(params, ...)}
      local grads, loss = out[1], out[2]
      local gflat = util.sortedFlatten(grads)
      for i = 1, #gflat do
        local g = gflat[i]
        method(function() return loss, g end, flat[i], states[i])
      end
      return unpack(out)
    end, states
  end
end

local opt = {}
local ok, optim = pcall(require, 'optim')
if ok then
  for name, method in pairs(optim) do
    if type(method) == 'function' then opt[name] = wrap(method) end
  end
end
return opt
