--[[ Gradient check by central finite differences.

diff, dC, dC_est = optim.checkgrad(opfunc, x [, eps])

opfunc(x) returns f(x) and df/dx; x is a vector. eps defaults to 1e-7. dC is the analytic
gradient (resized to x's size), dC_est[i] = (f(x + eps e_i) - f(x - eps e_i)) / (2 eps), and
diff = ||dC - dC_est|| / ||dC + dC_est||, small when the gradient is right. x is restored.
]]
local util = require 'optim._util'

function optim.checkgrad(opfunc, x, eps)
  if not util.callable(opfunc) then
    error('optim.checkgrad: bad argument #1 (opfunc: function expected)', 2)
  end
  if not torch.isTensor(x) then
    error('optim.checkgrad: bad argument #2 (x: tensor expected)', 2)
  end
  if eps ~= nil and type(eps) ~= 'number' then
    error('optim.checkgrad: bad argument #3 (eps: number expected)', 2)
  end

  local C, dC = opfunc(x)
  if not torch.isTensor(dC) then
    error('optim.checkgrad: opfunc must return f(x) and df/dx (a tensor)', 2)
  end
  dC:resize(x:size())

  -- a tensor-valued f is copied out before the next evaluation can overwrite it
  local fIsTensor = torch.isTensor(C)
  local saved = fIsTensor and C.new(C:size()) or nil

  eps = eps or 1e-7
  local dC_est = torch.Tensor():typeAs(dC):resizeAs(dC)
  for i = 1, dC:size(1) do
    local xi = x[i]
    x[i] = x[i] + eps
    local Cplus = opfunc(x)
    if fIsTensor then
      saved:copy(Cplus)
      Cplus = saved
    end
    x[i] = x[i] - 2 * eps
    local Cminus = opfunc(x)
    x[i] = xi
    dC_est[i] = (Cplus - Cminus) / (2 * eps)
  end

  local diff = torch.norm(dC - dC_est) / torch.norm(dC + dC_est)
  return diff, dC, dC_est
end
