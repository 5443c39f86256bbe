-- autograd.module.MaskedBatchNormalization(opt [, params]) -> f, params, state
-- Batch normalization over the valid entries of a batch (Laurent et al., batch normalized
-- RNNs): mask is 1 where x is valid. x is [batch x [time x]] nOutputs. Running mean and std
-- are kept in `state` (momentum opt.momentum = 0.1; state.train = 0 freezes them);
-- gain/bias (1 x nOutputs) are params[#params]. f(params, x, mask, state [, eps = 1e-5]).
return function(opt, params)
  opt = opt or {}
  params = params or {}
  local n = opt.nOutputs or 10
  local state = {momentum = opt.momentum or 0.1, train = 1,
                 running_mean = torch.zeros(1, n), running_std = torch.ones(1, n)}
  params[#params + 1] = {gain = torch.zeros(1, n):fill(0.1), bias = torch.zeros(1, n)}

  local function f(params, x, mask, state, eps)
    local p = params[1] or params
    eps = eps or 1e-5
    local momentum = (state.momentum or 0.1) * (state.train or 1)
    local x2, m2 = x, mask
    local nd = torch.nDimension(x)
    if nd == 3 then
      x2 = torch.view(x, -1, torch.size(x, 3))
      m2 = torch.view(mask, -1, torch.size(mask, 3))
    elseif nd == 1 then
      x2 = torch.view(x, 1, torch.size(x, 1))
      m2 = torch.view(mask, 1, torch.size(mask, 1))
    end
    local sz = torch.size(x2)
    local count = torch.sum(mask)
    m2 = torch.expand(m2, sz)
    local masked = torch.cmul(x2, m2)
    local mean = torch.sum(masked / count, 1)
    state.running_mean = momentum * mean + (1 - momentum) * state.running_mean
    local centred = torch.cmul(masked - torch.expand(state.running_std, sz), m2)
    local std = torch.sqrt(torch.sum(torch.cmul(centred, centred) / count, 1) + eps)
    state.running_std = momentum * std + (1 - momentum) * state.running_std
    local normed = torch.cdiv(centred, torch.expand(state.running_std, sz))
    local out = torch.cmul(normed, torch.expand(p.gain, sz)) + torch.expand(p.bias, sz)
    return torch.view(out, torch.size(x))
  end

  return f, params, state
end
