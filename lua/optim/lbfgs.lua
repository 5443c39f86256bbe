--[[ Limited-memory BFGS (after Mark Schmidt's minFunc).

x*, {f(x) history}, nEvals = optim.lbfgs(opfunc, x [, config] [, state])

config: maxIter (20), maxEval (1.25 * maxIter), tolFun (1e-5, on sum |g|), tolX (1e-9, on
steps and changes of f), nCorrection (100, memory size), lineSearch (a function such as
optim.lswolfe; without one fixed steps of size learningRate are taken), lineSearchOptions,
learningRate (1), verbose.
state:  funcEval, nIter (counted over calls), d (direction), t (step), old_dirs and old_stps
(the stored s = t*d and y = g - g_old pairs), Hdiag (initial inverse Hessian scale), g_old,
f_old, ro, al, tmp1, dir_bufs, stp_bufs (recycled buffers).

f[1] is f(x) at the start, f[#f] the last value computed. With maxIter = 1 and the same state
table it can be used as a stochastic method.
]]
local util = require 'optim._util'

function optim.lbfgs(opfunc, x, config, state)
  local config, state = util.start('lbfgs', opfunc, x, config, state)
  local maxIter = tonumber(config.maxIter) or 20
  local maxEval = tonumber(config.maxEval) or maxIter * 1.25
  local tolFun = config.tolFun or 1e-5
  local tolX = config.tolX or 1e-9
  local nCorrection = config.nCorrection or 100
  local lineSearch = config.lineSearch
  local lineSearchOpts = config.lineSearchOptions
  local learningRate = config.learningRate or 1
  local say = function() end
  if config.verbose then say = function(...) print('<optim.lbfgs> ', ...) end end
  if lineSearch ~= nil and not util.callable(lineSearch) then
    error('optim.lbfgs: config.lineSearch must be a function such as optim.lswolfe', 2)
  end

  state.funcEval = state.funcEval or 0
  state.nIter = state.nIter or 0

  local f, g = util.grad('lbfgs', opfunc(x))
  local fHist = {f}
  local nEval = 1
  state.funcEval = state.funcEval + 1
  local p = g:size(1)

  -- already optimal?
  state.tmp1 = state.tmp1 or g.new(g:size()):zero()
  local tmp1 = state.tmp1
  if torch.abs(tmp1, g):sum() <= tolFun then
    say('optimality condition below tolFun')
    return x, fHist
  end

  if not state.dir_bufs then
    -- nCorrection + 1 vectors for the y's and as many for the s's, recycled
    say('creating recyclable direction/step/history buffers')
    local ys, ss = g.new(nCorrection + 1, p), g.new(nCorrection + 1, p)
    state.dir_bufs, state.stp_bufs = {}, {}
    for i = 1, nCorrection + 1 do
      state.dir_bufs[i] = ys[i]
      state.stp_bufs[i] = ss[i]
    end
  end

  local d, t = state.d, state.t
  local old_dirs, old_stps = state.old_dirs, state.old_stps
  local Hdiag, g_old, f_old = state.Hdiag, state.g_old, state.f_old

  local nIter = 0
  while nIter < maxIter do
    nIter = nIter + 1
    state.nIter = state.nIter + 1

    ---------------------------------------------------------------- direction
    if state.nIter == 1 then
      d = g:clone():mul(-1)
      old_dirs, old_stps = {}, {}
      Hdiag = 1
    else
      -- new curvature pair: y = g - g_old, s = t * d
      local y = table.remove(state.dir_bufs)
      local s = table.remove(state.stp_bufs)
      torch.add(y, g, -1, g_old)
      torch.mul(s, d, t)
      local ys = y:dot(s)
      if ys > 1e-10 then
        if #old_dirs == nCorrection then
          -- memory full: recycle the oldest pair
          table.insert(state.dir_bufs, table.remove(old_dirs, 1))
          table.insert(state.stp_bufs, table.remove(old_stps, 1))
        end
        table.insert(old_dirs, s)
        table.insert(old_stps, y)
        Hdiag = ys / y:dot(y)
      else
        -- curvature condition failed: keep the memory as it is
        table.insert(state.dir_bufs, y)
        table.insert(state.stp_bufs, s)
      end

      -- two-loop recursion: d = -H g
      local k = #old_dirs
      state.ro = state.ro or torch.Tensor(nCorrection)
      state.al = state.al or torch.zeros(nCorrection)
      local ro, al = state.ro, state.al
      for i = 1, k do
        ro[i] = 1 / old_stps[i]:dot(old_dirs[i])
      end
      local q = tmp1
      torch.mul(q, g, -1)
      for i = k, 1, -1 do
        al[i] = old_dirs[i]:dot(q) * ro[i]
        q:add(-al[i], old_stps[i])
      end
      torch.mul(d, q, Hdiag)
      for i = 1, k do
        local be = old_stps[i]:dot(d) * ro[i]
        d:add(al[i] - be, old_dirs[i])
      end
    end
    g_old = g_old or g:clone()
    g_old:copy(g)
    f_old = f

    ---------------------------------------------------------------- step
    local gtd = g:dot(d)
    if gtd > -tolX then
      break        -- no descent possible along d
    end
    if state.nIter == 1 then
      t = math.min(1, 1 / torch.abs(tmp1, g):sum()) * learningRate
    else
      t = learningRate
    end

    local lsEval = 0
    if lineSearch then
      f, g, x, t, lsEval = lineSearch(opfunc, x, t, d, f, g, gtd, lineSearchOpts)
      table.insert(fHist, f)
    else
      x:add(t, d)
      if nIter ~= maxIter then
        -- not re-evaluated after the last iteration (useless when stochastic)
        f, g = util.grad('lbfgs', opfunc(x))
        lsEval = 1
        table.insert(fHist, f)
      end
    end
    nEval = nEval + lsEval
    state.funcEval = state.funcEval + lsEval

    ---------------------------------------------------------------- stop?
    if nIter == maxIter then
      say('reached max number of iterations')
      break
    end
    if nEval >= maxEval then
      say('max nb of function evals')
      break
    end
    if torch.abs(tmp1, g):sum() <= tolFun then
      say('optimality condition below tolFun')
      break
    end
    if torch.mul(tmp1, d, t):abs():sum() <= tolX then
      say('step size below tolX')
      break
    end
    if math.abs(f - f_old) < tolX then
      say('function value changing less than tolX')
      break
    end
  end

  state.old_dirs, state.old_stps = old_dirs, old_stps
  state.Hdiag, state.g_old, state.f_old = Hdiag, g_old, f_old
  state.t, state.d = t, d
  return x, fHist, nEval
end
