-- autograd.module.LayerNormalization(opt [, params]) -> f, params
-- Layer normalization (Ba, Kiros & Hinton 2016): each row of x ([batch x] nOutputs) is
-- centred and divided by its standard deviation, then scaled by `gain` and shifted by `bias`
-- (both 1 x opt.nOutputs, params[#params]). f(params, x [, eps = 1e-5]).
return function(opt, params)
  opt = opt or {}
  params = params or {}
  local n = opt.nOutputs or 10
  params[#params + 1] = {gain = torch.ones(1, n), bias = torch.zeros(1, n)}

  local function f(params, x, eps)
    local p = params[1] or params
    eps = eps or 1e-5
    local x2 = x
    if torch.nDimension(x) == 1 then x2 = torch.view(x, 1, torch.size(x, 1)) end
    local sz = torch.size(x2)
    local width = torch.size(x2, 2)
    local centred = x2 - torch.expand(torch.mean(x2, 2), sz)
    local var = torch.sum(torch.cmul(centred, centred) / width, 2)
    local std = torch.expand(torch.sqrt(var + eps), sz)
    local normed = torch.cdiv(centred, std)
    local out = torch.cmul(normed, torch.expand(p.gain, sz)) + torch.expand(p.bias, sz)
    return torch.view(out, torch.size(x))
  end

  return f, params
end
