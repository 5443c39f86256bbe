--[[ Nonlinear conjugate gradients (Polak-Ribiere directions) with Carl E. Rasmussen's line
search from minimize.m: cubic/quadratic interpolation and extrapolation under the Wolfe-Powell
conditions.

x*, {f before, f after each successful line search}, nEvals = optim.cg(opfunc, x [, config] [, state])

config: maxIter (20), maxEval (1.25 * maxIter), rho (0.01), sig (0.5), int (0.1, do not
re-evaluate within 0.1 of the bracket ends), ext (3, extrapolate at most 3 times the step),
ratio (100, largest slope ratio), verbose.
state:  df0, df1, df2, df3, s, x0 (work tensors, reused when present).

The number of function evaluations is what is limited; x is updated in place.
]]
local util = require 'optim._util'

function optim.cg(opfunc, x, config, state)
  local config, state = util.start('cg', opfunc, x, config, state)
  local RHO = config.rho or 0.01
  local SIG = config.sig or 0.5
  local INT = config.int or 0.1
  local EXT = config.ext or 3.0
  local maxIter = config.maxIter or 20
  local RATIO = config.ratio or 100
  local maxEval = config.maxEval or maxIter * 1.25
  local sqrt, min, max, huge = math.sqrt, math.min, math.max, math.huge

  local function buffer(name)
    local t = state[name] or x.new()
    t:resizeAs(x)
    return t
  end
  local df1, df2, df3 = buffer('df1'), buffer('df2'), buffer('df3')
  local s = buffer('s')      -- search direction
  local x0 = buffer('x0')    -- start of the current line search
  local df0 = buffer('df0')

  local function bad(v) return v ~= v or v == huge or v == -huge end

  local history = {}
  local nEval = 0
  local function evaluate(into)
    local f, g = util.grad('cg', opfunc(x))
    into:copy(g)
    nEval = nEval + 1
    return f
  end

  -- start: steepest descent with a step scaled by the slope
  local f1 = evaluate(df1)
  history[#history + 1] = f1
  s:copy(df1):mul(-1)
  local d1 = -s:dot(s)
  local z1 = 1 / (1 - d1)

  local f0, f2, f3, d2, d3, z2, z3
  while nEval < math.abs(maxEval) do
    x0:copy(x)
    f0 = f1
    df0:copy(df1)

    x:add(z1, s)
    f2 = evaluate(df2)
    d2 = df2:dot(s)
    f3, d3, z3 = f1, d1, -z1           -- point 3 starts as point 1
    local budget = min(maxIter, maxEval - nEval)
    local success = false
    local limit = -1

    while true do
      -- interpolate while the step is too long (Armijo) or the slope still too steep
      while (f2 > f1 + z1 * RHO * d1 or d2 > -SIG * d1) and budget > 0 do
        limit = z1
        if f2 > f1 then
          z2 = z3 - (0.5 * d3 * z3 * z3) / (d3 * z3 + f2 - f3)    -- quadratic fit
        else
          local A = 6 * (f2 - f3) / z3 + 3 * (d2 + d3)            -- cubic fit
          local B = 3 * (f3 - f2) - z3 * (d3 + 2 * d2)
          z2 = (sqrt(B * B - A * d2 * z3 * z3) - B) / A
        end
        if bad(z2) then z2 = z3 / 2 end
        z2 = max(min(z2, INT * z3), (1 - INT) * z3)
        z1 = z1 + z2
        x:add(z2, s)
        f2 = evaluate(df2)
        budget = budget - 1
        d2 = df2:dot(s)
        z3 = z3 - z2
      end

      if f2 > f1 + z1 * RHO * d1 or d2 > -SIG * d1 then
        break                                   -- failure
      elseif d2 > SIG * d1 then
        success = true                          -- Wolfe-Powell conditions hold
        break
      elseif budget == 0 then
        break                                   -- out of evaluations
      end

      -- extrapolate with a cubic, kept within the limits
      local A = 6 * (f2 - f3) / z3 + 3 * (d2 + d3)
      local B = 3 * (f3 - f2) - z3 * (d3 + 2 * d2)
      z2 = -d2 * z3 * z3 / (B + sqrt(B * B - A * d2 * z3 * z3))
      if bad(z2) or z2 < 0 then
        if limit < -0.5 then z2 = z1 * (EXT - 1) else z2 = (limit - z1) / 2 end
      elseif limit > -0.5 and z2 + z1 > limit then
        z2 = (limit - z1) / 2
      elseif limit < -0.5 and z2 + z1 > z1 * EXT then
        z2 = z1 * (EXT - 1)
      elseif z2 < -z3 * INT then
        z2 = -z3 * INT
      elseif limit > -0.5 and z2 < (limit - z1) * (1 - INT) then
        z2 = (limit - z1) * (1 - INT)
      end
      f3, d3, z3 = f2, d2, -z2
      z1 = z1 + z2
      x:add(z2, s)
      f2 = evaluate(df2)
      budget = budget - 1
      d2 = df2:dot(s)
    end

    if success then
      f1 = f2
      history[#history + 1] = f1
      -- Polak-Ribiere direction
      local beta = (df2:dot(df2) - df2:dot(df1)) / df1:dot(df1)
      s:mul(beta):add(-1, df2)
      df3:copy(df1); df1:copy(df2); df2:copy(df3)     -- swap df1 and df2
      d2 = df1:dot(s)
      if d2 > 0 then                                   -- not a descent direction: restart
        s:copy(df1):mul(-1)
        d2 = -s:dot(s)
      end
      z1 = z1 * min(RATIO, d1 / (d2 - 1e-320))
      d1 = d2
    else
      -- line search failed: back to its start point and stop (Torch's cg stops after the
      -- first failed line search)
      x:copy(x0)
      f1 = f0
      df1:copy(df0)
      break
    end
  end

  state.df0, state.df1, state.df2, state.df3 = df0, df1, df2, df3
  state.x0, state.s = x0, s
  return x, history, nEval
end
