-- autograd.model.RecurrentFWNetwork(opt [, params]) -> f, params
-- A recurrent network with fast weights (Ba et al., "Using fast weights to attend to the recent
-- past"): at each step the fast weight matrices A (one per batch element) decay by opt.lambda
-- (0.9) and gain opt.eta (0.5) times the outer product of the previous hidden state; the new
-- state starts from zero and is refined opt.S + 1 times (S: 1) as
-- relu(layernorm([x_t, h_{t-1}] W + b + A h)). Layer normalization is always applied, as in
-- torch-autograd (whose LayerNorm option cannot turn it off). params[#params] = {W, b}.
-- f(params, x [, prevState]): x is steps x features (or batch x steps x features); returns the
-- last h (opt.outputType 'last') or all of them (batch x steps x hidden, 'all'), and {h = last}.
local common = require 'autograd.model.common'
local nnwrapper = require 'autograd.nnwrapper'

return function(opt, params)
  opt = opt or {}
  local nIn = opt.inputFeatures or 10
  local nH = opt.hiddenFeatures or 100
  local lambda = opt.lambda or 0.9
  local eta = opt.eta or 0.5
  local S = opt.S or 1
  local eps = 1e-5
  local outputType = opt.outputType or 'last'
  local nn = nnwrapper.functionalize('nn')
  local relu = nn.ReLU()
  local bmm = nn.MM(false, false)      -- A h
  local outer = nn.MM(false, true)     -- h h'

  params = params or {}
  params[#params + 1] = {
    W = torch.zeros(nIn + nH, nH),
    b = torch.zeros(1, nH),
  }

  local function layerNorm(h)
    local size = torch.size(h)
    local h2 = h
    if torch.nDimension(h) == 1 then h2 = torch.view(h, 1, torch.size(h, 1)) end
    local n = torch.size(h2, 2)
    local centred = h2 - torch.expand(torch.mean(h2, 2), torch.size(h2))
    local std = torch.expand(torch.sqrt(torch.sum(torch.cmul(centred, centred) / n, 2) + eps),
                             torch.size(h2))
    return torch.view(torch.cdiv(centred, std), size)
  end

  local function f(params, x, prevState)
    local p = params[1] or params
    if torch.nDimension(x) == 2 then x = torch.view(x, 1, torch.size(x, 1), torch.size(x, 2)) end
    local batch, steps = torch.size(x, 1), torch.size(x, 2)
    prevState = prevState or {}
    local h = prevState.h or torch.zero(x.new(batch, nH))
    local A = prevState.A or torch.zero(x.new(batch, nH, nH))
    local hs = {}
    for t = 1, steps do
      local xt = torch.select(x, 2, t)
      local hcol = torch.view(h, batch, -1, 1)
      A = lambda * A + eta * outer({hcol, hcol})
      local slow = torch.cat(xt, h, 2) * p.W + torch.expand(p.b, batch, nH)
      local ht = torch.zero(x.new(batch, nH))
      for _ = 0, S do
        local fast = torch.view(bmm({A, torch.view(ht, batch, -1, 1)}), batch, -1)
        ht = relu(layerNorm(slow + fast))
      end
      hs[t] = ht
      h = ht
    end
    local state = {h = h}
    return common.recurrentOutput(outputType, hs, h, batch, nH), state
  end

  return f, params
end
