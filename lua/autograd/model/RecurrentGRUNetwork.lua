-- autograd.model.RecurrentGRUNetwork(opt [, params]) -> f, params
-- A GRU: gates sigmoid([x_t, h] W + b) (update u and reset r), candidate
-- tanh([x_t, h .* r] V + c), h_t = (1 - u) .* h + u .* candidate. params[#params] = {W, b, V, c}.
local common = require 'autograd.model.common'
local util = require 'autograd.util'

return function(opt, params)
  opt = opt or {}
  local nIn = opt.inputFeatures or 10
  local nH = opt.hiddenFeatures or 100
  local outputType = opt.outputType or 'last'
  params = params or {}
  params[#params + 1] = {
    W = torch.zeros(nIn + nH, 2 * nH),
    b = torch.zeros(1, 2 * nH),
    V = torch.zeros(nIn + nH, nH),
    c = torch.zeros(1, nH),
  }

  local function f(params, x, prevState)
    local p = params[1] or params
    if torch.nDimension(x) == 2 then x = torch.view(x, 1, torch.size(x, 1), torch.size(x, 2)) end
    local batch, steps = torch.size(x, 1), torch.size(x, 2)
    prevState = prevState or {}
    local h = prevState.h or torch.zero(x.new(batch, nH))
    local hs = {}
    for t = 1, steps do
      local xt = torch.select(x, 2, t)
      local gates = util.sigmoid(torch.view(
        torch.cat(xt, h, 2) * p.W + torch.expand(p.b, batch, 2 * nH), batch, 2, nH))
      local reset = torch.select(gates, 2, 1)
      local update = torch.select(gates, 2, 2)
      local candidate = torch.tanh(torch.cat(xt, torch.cmul(h, reset), 2) * p.V
                                   + torch.expand(p.c, batch, nH))
      h = torch.cmul(1 - update, h) + torch.cmul(update, candidate)
      hs[t] = h
    end
    local state = {h = h}
    return common.recurrentOutput(outputType, hs, h, batch, nH), state
  end

  return f, params
end
