-- autograd.loss: loss functions of a network's raw output. Each returns the loss (and, where
-- the output is transformed first, the transformed output).
local util = require 'autograd.util'

local loss = {}

-- -sum(out .* target), out being log-probabilities
function loss.logMultinomialLoss(out, target)
  return -torch.sum(torch.cmul(out, target))
end

-- binary cross entropy of probabilities `out` (shifted by p when given)
function loss.logBCELoss(out, target, p)
  if p then out = out + p end
  return -torch.sum(torch.cmul(target, torch.log(out)) + torch.cmul(-target + 1, torch.log(-out + 1)))
end

-- cross entropy of a log-softmax of the raw output; target one-hot
function loss.crossEntropy(out, target)
  local yhat = util.logSoftMax(out)
  return -torch.sum(torch.cmul(yhat, target)), yhat
end

-- binary cross entropy of the sigmoid of the raw output (squeezed into [p, 1-p])
function loss.binaryCrossEntropy(out, target)
  local p = 1e-6
  local yhat = util.sigmoid(out) * (1 - 2 * p) + p
  return -torch.sum(torch.cmul(target, torch.log(yhat)) + torch.cmul(-target + 1, torch.log(-yhat + 1))), yhat
end

-- sum of squared differences
function loss.leastSquares(out, target)
  local d = out - target
  return torch.sum(torch.cmul(d, d)), out
end

-- ranking hinge loss between the outputs of positives (target 1) and negatives (target 0)
function loss.margin(out, target, margin)
  margin = margin or 1
  local pos = out[torch.eq(target, 1)]
  local neg = out[torch.eq(target, 0)]
  local np, nn_ = torch.size(pos, 1), torch.size(neg, 1)
  local diffs = torch.expand(torch.view(pos, np, 1), np, nn_) - torch.expand(torch.view(neg, 1, nn_), np, nn_)
  diffs = -diffs + margin
  local hinge = diffs[torch.gt(diffs, 0)]
  return torch.sum(hinge), out
end

return loss
