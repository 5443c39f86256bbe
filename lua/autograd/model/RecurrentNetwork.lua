-- autograd.model.RecurrentNetwork(opt [, params]) -> f, params
-- An Elman network h_t = tanh([x_t, h_{t-1}] W + b). params[#params] = {W, b}.
-- f(params, x [, prevState]): x is steps x features (or batch x steps x features); returns the
-- last h (opt.outputType 'last') or all of them (batch x steps x hidden, 'all'), and {h = last}.
local common = require 'autograd.model.common'
return function(opt, params)
  opt = opt or {}
  local nIn = opt.inputFeatures or 10
  local nH = opt.hiddenFeatures or 100
  local outputType = opt.outputType or 'last'
  params = params or {}
  params[#params + 1] = {
    W = torch.zeros(nIn + nH, nH),
    b = torch.zeros(1, nH),
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
      h = torch.tanh(torch.cat(xt, h, 2) * p.W + torch.expand(p.b, batch, nH))
      hs[t] = h
    end
    local state = {h = h}
    return common.recurrentOutput(outputType, hs, h, batch, nH), state
  end

  return f, params
end
