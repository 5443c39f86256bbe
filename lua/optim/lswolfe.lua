--[[ Line search satisfying the strong Wolfe conditions (bracketing, then zoom by cubic
interpolation), after minFunc's WolfeLineSearch.

f_new, g_new, x, t, nEvals = optim.lswolfe(opfunc, x, t, d, f, g, gtd [, options])

x: start point (moved in place to x + t*d for the returned t); t: first step; d: descent
direction; f, g, gtd: f(x), df/dx and g.d at the start.
options: c1 (1e-4, sufficient decrease), c2 (0.9, curvature), tolX (1e-9, smallest bracket
progress), maxIter (20), verbose.
]]

function optim.lswolfe(opfunc, x, t, d, f, g, gtd, options)
  if not torch.isTensor(x) or not torch.isTensor(d) or not torch.isTensor(g) then
    error('optim.lswolfe: usage f, g, x, t, nEvals = optim.lswolfe(opfunc, x, t, d, f, g, gtd [, options])', 2)
  end
  options = options or {}
  local c1 = options.c1 or 1e-4
  local c2 = options.c2 or 0.9
  local tolX = options.tolX or 1e-9
  local maxIter = options.maxIter or 20
  local verbose = options.verbose or false
  local abs, min = math.abs, math.min

  local new = x.new
  local x0 = x:clone()

  -- evaluate at x0 + step * d
  local nEval = 0
  local function probe(step)
    x:copy(x0):add(step, d)
    local fv, gv = opfunc(x)
    nEval = nEval + 1
    return fv, gv, gv:dot(d)
  end

  -- a bracket [lo, hi] as three small tensors (steps, values, gradients), like Torch's
  local bracket, bracketF, bracketG
  local function setBracket(ta, fa, ga, tb, fb, gb)
    if tb == nil then
      bracket, bracketF = new({ta}), new({fa})
      bracketG = new(1, ga:size(1))
      bracketG[1] = ga
    else
      bracket, bracketF = new({ta, tb}), new({fa, fb})
      bracketG = new(2, ga:size(1))
      bracketG[1] = ga
      bracketG[2] = gb
    end
  end

  local fNew, gNew, gtdNew = probe(t)
  local iter, tPrev, done = 0, 0, false
  local fPrev, gPrev, gtdPrev = f, g:clone(), gtd

  -- bracketing phase
  while iter < maxIter do
    if fNew > f + c1 * t * gtd or (iter > 1 and fNew >= fPrev) then
      setBracket(tPrev, fPrev, gPrev, t, fNew, gNew)
      break
    elseif abs(gtdNew) <= -c2 * gtd then
      setBracket(t, fNew, gNew)
      done = true
      break
    elseif gtdNew >= 0 then
      setBracket(tPrev, fPrev, gPrev, t, fNew, gNew)
      break
    end

    -- extrapolate: cubic minimiser within [t + 0.01 (t - tPrev), 10 t]
    local lower = t + 0.01 * (t - tPrev)
    local upper = t * 10
    local tNext = optim.polyinterp(new({{tPrev, fPrev, gtdPrev}, {t, fNew, gtdNew}}), lower, upper)
    tPrev = t
    t = tNext
    fPrev, gPrev, gtdPrev = fNew, gNew:clone(), gtdNew
    fNew, gNew, gtdNew = probe(t)
    iter = iter + 1
  end

  if iter == maxIter then
    setBracket(0, f, g, t, fNew, gNew)
  end

  -- zoom phase: shrink the bracket until the Wolfe conditions hold
  local insufficient = false
  while not done and iter < maxIter do
    local fLo, lo = bracketF:min(1)
    fLo, lo = fLo[1], lo[1]
    local hi = 3 - lo

    t = optim.polyinterp(new({{bracket[1], bracketF[1], bracketG[1]:dot(d)},
                              {bracket[2], bracketF[2], bracketG[2]:dot(d)}}))

    -- keep away from the bracket's ends when progress is slow
    local bmax, bmin = bracket:max(), bracket:min()
    if min(bmax - t, t - bmin) / (bmax - bmin) < 0.1 then
      if insufficient or t >= bmax or t <= bmin then
        if abs(t - bmax) < abs(t - bmin) then
          t = bmax - 0.1 * (bmax - bmin)
        else
          t = bmin + 0.1 * (bmax - bmin)
        end
        insufficient = false
      else
        insufficient = true
      end
    else
      insufficient = false
    end

    fNew, gNew, gtdNew = probe(t)
    iter = iter + 1
    if fNew > f + c1 * t * gtd or fNew >= fLo then
      -- no sufficient decrease, or not below the low end: new high end
      bracket[hi] = t
      bracketF[hi] = fNew
      bracketG[hi] = gNew
    else
      if abs(gtdNew) <= -c2 * gtd then
        done = true
      elseif gtdNew * (bracket[hi] - bracket[lo]) >= 0 then
        -- the old low end becomes the high end
        bracket[hi] = bracket[lo]
        bracketF[hi] = bracketF[lo]
        bracketG[hi] = bracketG[lo]
      end
      bracket[lo] = t
      bracketF[lo] = fNew
      bracketG[lo] = gNew
    end

    if not done and abs((bracket[1] - bracket[2]) * gtdNew) < tolX then
      break
    end
  end

  if iter == maxIter and verbose then
    print('<optim.lswolfe> ', 'reached max number of iterations')
  end

  -- the best point of the bracket
  local _, best = bracketF:min(1)
  best = best[1]
  t = bracket[best]
  fNew = bracketF[best]
  gNew = bracketG[best]
  x:copy(x0):add(t, d)
  return fNew, gNew, x, t, nEval
end
