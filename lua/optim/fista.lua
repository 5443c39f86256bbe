--[[ FISTA with backtracking (Beck & Teboulle, SIAM J. Imaging Sciences 2(1), 2009) for
min_x f(x) + g(x), f smooth and g not.

x*, history = optim.FistaLS(f, g, pl, xinit [, params])

f(x) returns f's value; f(x, 'dx') its value and gradient. g(x) returns g's value.
pl(x, L) replaces x (in place) by the minimiser of the proximal problem
argmin_z g(z) + L/2 ||z - x||^2 (for g = lambda ||.||_1: shrinkage by lambda / L).
xinit is overwritten with the solution.
params: L (0.1, 1 / step size), Lstep (1.5, growth of L while backtracking), maxiter (50),
maxline (20, backtracking steps per iteration), errthres (1e-4, stop when F changes less),
doFistaUpdate (true: FISTA momentum; false or unset: plain ISTA, as Torch's code does),
verbose.
On return params.L is the last L used, and params.xkm, params.y, params.ply are the work
tensors (reused by later calls). history[k] has nline, L, F (= f + g), Fply, Gply and Q
(plus xk and y when verbose).
]]
local util = require 'optim._util'

function optim.FistaLS(f, g, pl, xinit, params)
  for i, fn in ipairs({f, g, pl}) do
    if not util.callable(fn) then
      error(('optim.FistaLS: bad argument #%d (%s: function expected)'):format(i, ({'f', 'g', 'pl'})[i]), 2)
    end
  end
  if not torch.isTensor(xinit) then
    error('optim.FistaLS: bad argument #4 (xinit: tensor expected)', 2)
  end
  params = params or {}
  local L = params.L or 0.1
  local Lstep = params.Lstep or 1.5
  local maxiter = params.maxiter or 50
  local maxline = params.maxline or 20
  local errthres = params.errthres or 1e-4
  local fista = params.doFistaUpdate
  local verbose = params.verbose

  params.xkm = params.xkm or torch.Tensor()
  params.y = params.y or torch.Tensor()
  params.ply = params.ply or torch.Tensor()
  local xkm, y, ply = params.xkm, params.y, params.ply   -- previous iterate, FISTA point, prox point

  local xk = xinit
  xkm:resizeAs(xk):zero()
  ply:resizeAs(xk):zero()
  y:resizeAs(xk):zero()

  g(y)   -- Torch evaluates g once at the start (its value is not used)
  local history = {}
  local niter = 0
  local tk, tkp = 1, 0
  local fval = math.huge

  while niter < maxiter do
    local fy, gfy = f(y, 'dx')

    -- backtracking: grow L until F(pl(y - grad/L)) <= Q(pl(...), y)
    local nline, Q, fply, gply = 0, 0, 0, 0
    local searching = true
    while searching do
      ply:copy(y):add(-1 / L, gfy)
      pl(ply, L)
      xk:copy(ply)
      fply = f(ply)
      ply:add(-1, y)                              -- ply - y
      local Q2 = gfy:dot(ply)
      local Q3 = L / 2 * ply:dot(ply)
      Q = fy + Q2 + Q3
      if verbose then
        print(string.format('nline=%d L=%g fply=%g Q=%g fy=%g Q2=%g Q3=%g', nline, L, fply, Q, fy, Q2, Q3))
      end
      if fply <= Q then
        searching = false
      elseif nline >= maxline then
        searching = false
        xk:copy(xkm)                              -- no better point: stay
      else
        L = L * Lstep
      end
      nline = nline + 1
    end

    if fista then
      tkp = (1 + math.sqrt(1 + 4 * tk * tk)) / 2
      xkm:add(-1, xk)                             -- x(k-1) - x(k)
      y:copy(xk):add((1 - tk) / tkp, xkm)
      xkm:copy(xk)
    else
      y:copy(xk)
    end
    tk = tkp
    fply = f(y)
    gply = g(y)
    if verbose then
      print(string.format('iter=%d eold=%g enew=%g', niter, fval, fply + gply))
    end

    niter = niter + 1
    fval = fply + gply
    local h = {nline = nline, L = L, F = fval, Fply = fply, Gply = gply, Q = Q}
    if verbose then
      h.xk = xk:clone()
      h.y = y:clone()
    end
    history[niter] = h
    params.L = L

    if (niter > 1 and math.abs(history[niter].F - history[niter - 1].F) <= errthres)
        or niter >= maxiter then
      xinit:copy(y)
      return y, history
    end
  end
  -- only reached with maxiter < 1: Torch's FistaLS raises an error here too
  error('optim.FistaLS: params.maxiter must be at least 1 (got ' .. tostring(maxiter) .. ')', 2)
end

optim.fista = optim.FistaLS
