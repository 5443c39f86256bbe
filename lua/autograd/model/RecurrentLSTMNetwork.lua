-- autograd.model.RecurrentLSTMNetwork(opt [, params]) -> f, params, layers
-- An LSTM: the input, forget and output gates and the candidate come from one product
-- [x_t, h_{t-1}] W + b (W: (in + hidden) x 4 hidden). params[#params] = {W, b}; with
-- opt.batchNormalization the products are batch normalized per time step (up to
-- opt.maxBatchNormalizationLayers steps) instead of adding b.
-- f(params, x [, prevState, layers]) returns the last h or all of them, {h, c}, and the layers.
local common = require 'autograd.model.common'
local util = require 'autograd.util'

return function(opt, params)
  opt = opt or {}
  local nIn = opt.inputFeatures or 10
  local nH = opt.hiddenFeatures or 100
  local outputType = opt.outputType or 'last'
  local bn = opt.batchNormalization or false
  local maxBN = opt.maxBatchNormalizationLayers or 10
  params = params or {}
  local layers = {}
  local p = {
    W = torch.zeros(nIn + nH, 4 * nH),
    b = torch.zeros(1, 4 * nH),
  }
  if bn then
    local nn = require('autograd.nnwrapper').functionalize('nn')
    layers.lstm_bn, layers.cell_bn = {}, {}
    for i = 1, maxBN do
      local l, lp = nn.BatchNormalization(4 * nH)
      local c, cp = nn.BatchNormalization(nH)
      layers.lstm_bn[i], layers.cell_bn[i] = l, c
      if i == 1 then
        p.lstm_bn_1, p.lstm_bn_2 = lp[1]:fill(0.1), lp[2]:zero()
        p.cell_bn_1, p.cell_bn_2 = cp[1]:fill(0.1), cp[2]:zero()
      end
    end
  end
  params[#params + 1] = p

  local function f(params, x, prevState, lyrs)
    local p = params[1] or params
    lyrs = lyrs or layers
    if torch.nDimension(x) == 2 then x = torch.view(x, 1, torch.size(x, 1), torch.size(x, 2)) end
    local batch, steps = torch.size(x, 1), torch.size(x, 2)
    prevState = prevState or {}
    local h = prevState.h or torch.zero(x.new(batch, nH))
    local c = prevState.c or torch.zero(x.new(batch, nH))
    local hs = {}
    for t = 1, steps do
      local xt = torch.select(x, 2, t)
      local dots = torch.cat({xt, h}, 2) * p.W
      if bn then
        local k = math.min(t, #lyrs.lstm_bn)
        dots = lyrs.lstm_bn[k]({p.lstm_bn_1, p.lstm_bn_2}, dots)
      else
        dots = dots + torch.expand(p.b, batch, 4 * nH)
      end
      dots = torch.view(dots, batch, 4, nH)
      local gates = util.sigmoid(torch.narrow(dots, 2, 1, 3))
      local inGate = torch.select(gates, 2, 1)
      local forgetGate = torch.select(gates, 2, 2)
      local outGate = torch.select(gates, 2, 3)
      local candidate = torch.select(torch.tanh(torch.narrow(dots, 2, 4, 1)), 2, 1)
      c = torch.cmul(forgetGate, c) + torch.cmul(inGate, candidate)
      if bn then
        local k = math.min(t, #lyrs.cell_bn)
        c = lyrs.cell_bn[k]({p.cell_bn_1, p.cell_bn_2}, c)
      end
      h = torch.cmul(outGate, torch.tanh(c))
      hs[t] = h
    end
    local state = {h = h, c = c}
    return common.recurrentOutput(outputType, hs, h, batch, nH), state, lyrs
  end

  return f, params, layers
end
