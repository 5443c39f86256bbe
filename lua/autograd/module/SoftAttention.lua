-- autograd.module.SoftAttention(opt [, params]) -> f, params
-- Deterministic soft attention (Xu et al., Show, Attend and Tell): scores over
-- opt.subjectChoices choices from the subject ([batch x] subjectFeatures x choices) and the
-- hidden state ([batch x] hiddenFeatures), a softmax focus, and the expected subject vector.
-- f(params, subject, h) -> attention ([batch x] subjectFeatures), focus ([batch x] choices).
-- opt.layerNormalization normalizes the scores (gain/bias params) instead of adding b_att.
local LayerNorm = require 'autograd.module.LayerNormalization'

return function(opt, params)
  opt = opt or {}
  params = params or {}
  local nn = require('autograd.nnwrapper').functionalize('nn')
  local softmax = nn.SoftMax()
  local nH = opt.hiddenFeatures or 10
  local nF = opt.subjectFeatures or 15
  local nC = opt.subjectChoices or 20
  local ln = opt.layerNormalization or false
  local p = {W_att_subject = torch.zeros(1, 1, nF), W_att_h = torch.zeros(nH, nC)}
  local layerNorm
  if ln then
    local lnp
    layerNorm, lnp = LayerNorm({nOutputs = nC})
    p.focus_ln_gain, p.focus_ln_bias = lnp[1].gain, lnp[1].bias
  else
    p.b_att = torch.zeros(1, nC)
  end
  params[#params + 1] = p

  local function f(params, subject, h)
    local p = params[1] or params
    local s, hh = subject, h
    if torch.nDimension(subject) == 2 then
      s = torch.view(subject, 1, torch.size(subject, 1), torch.size(subject, 2))
    end
    if torch.nDimension(h) == 1 then hh = torch.view(h, 1, torch.size(h, 1)) end
    local batch, feats, choices = torch.size(s, 1), torch.size(s, 2), torch.size(s, 3)
    local scores = torch.squeeze(torch.bmm(torch.expand(p.W_att_subject, batch, 1, feats), s), 2)
                   + hh * p.W_att_h
    if ln then
      scores = layerNorm({gain = p.focus_ln_gain, bias = p.focus_ln_bias}, scores)
    else
      scores = scores + torch.expand(p.b_att, batch, choices)
    end
    local focus = softmax(scores)
    local weights = torch.expand(torch.view(focus, batch, 1, choices), torch.size(s))
    local attention = torch.squeeze(torch.sum(torch.cmul(s, weights), 3), 3)
    if torch.nDimension(subject) == 2 then
      attention = torch.squeeze(attention, 1)
      focus = torch.squeeze(focus, 1)
    end
    return attention, focus
  end

  return f, params
end
