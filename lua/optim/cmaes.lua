--[[ CMA-ES, the Covariance Matrix Adaptation Evolution Strategy (after N. Hansen's
"purecma"/barecmaes2 reference), for derivative-free minimisation.

x*, {f history}, nEvals = optim.cmaes(opfunc, x [, config] [, state])

opfunc(x) returns f(x) (a gradient, if returned, is ignored). x (Float or Double) is the
initial mean and is not modified; x* is the best candidate seen, as a vector.
Options (read from state, which is config when no state is given):
  sigma          initial step size (standard deviation per coordinate), required
  maxEval        evaluation budget (1e3 * N^2)
  ftarget        stop once the best value of a generation is <= ftarget
  popsize        candidates per generation (4 + floor(3 log N))
  min_iterations generations to run at least (1)
  verb_disp      print progress every verb_disp generations; 0 (the default here) for never
f[1] is f(x), then the best value of every generation, and last the best value overall.
The random candidates come from torch's default generator (seed with torch.manualSeed).
]]

function optim.cmaes(opfunc, x, config, state)
  local ttype = torch.typename(x)
  if ttype ~= 'torch.DoubleTensor' and ttype ~= 'torch.FloatTensor' then
    error('optim.cmaes: unsupported tensor ' .. tostring(ttype or type(x)) ..
      ', please use a FloatTensor or DoubleTensor for x', 2)
  end
  if type(opfunc) ~= 'function' and not (getmetatable(opfunc) or {}).__call then
    error('optim.cmaes: bad argument #1 (opfunc: function expected)', 2)
  end
  config = config or {}
  state = state or config
  local sigma = state.sigma
  if type(sigma) ~= 'number' or sigma <= 0 then
    error('optim.cmaes: state.sigma (the initial step size, a positive number) is required', 2)
  end

  local xmean = x:clone():view(-1)
  local N = xmean:size(1)
  local ftarget = state.ftarget
  local maxEval = tonumber(state.maxEval) or 1e3 * N ^ 2
  local verb_disp = state.verb_disp or 0
  local min_iterations = state.min_iterations or 1
  local lambda = state.popsize or 4 + math.floor(3 * math.log(N))

  -- selection: mu parents with log-decreasing weights
  local mu = lambda / 2
  local nmu = math.floor(mu - 1) + 1        -- the number of elements of range(0, mu - 1)
  local w = {}
  for i = 1, nmu do w[i] = math.log(mu + 0.5) - math.log(i) end
  local weights = torch.Tensor(w)
  weights:div(weights:sum())
  local mueff = weights:sum() ^ 2 / torch.pow(weights, 2):sum()
  weights = weights:typeAs(x)

  -- adaptation constants
  local cc = (4 + mueff / N) / (N + 4 + 2 * mueff / N)
  local cs = (mueff + 2) / (N + mueff + 5)
  local c1 = 2 / ((N + 1.3) ^ 2 + mueff)
  local cmu = math.min(1 - c1, 2 * (mueff - 2 + 1 / mueff) / ((N + 2) ^ 2 + mueff))
  local damps = 2 * mueff / lambda + 0.3 + cs

  -- dynamic state
  local pc = torch.Tensor(N):zero():typeAs(x)      -- evolution path of C
  local ps = torch.Tensor(N):zero():typeAs(x)      -- evolution path of sigma
  local B = torch.eye(N):typeAs(x)                 -- eigenvectors of C
  local D = torch.Tensor(N):fill(1):typeAs(x)      -- square roots of C's eigenvalues
  local C = torch.eye(N):typeAs(x)
  local invsqrtC = torch.eye(N):typeAs(x)
  local candidates = torch.Tensor(lambda, N):typeAs(x)
  local Z = torch.Tensor(lambda, N):typeAs(x)
  local eigeneval, counteval = 0, 0
  local fHist = {(opfunc(x))}
  local fitvals = torch.Tensor(lambda)
  local bestX, bestF, bestEvals = nil, nil, counteval
  local iteration = 0

  -- lambda candidates m + sigma * B * D * N(0, I)
  local function ask()
    if counteval - eigeneval > lambda / (c1 + cmu) / N / 10 then
      -- refresh B, D and C^-1/2 (postponed to keep the cost O(N^2) per evaluation)
      eigeneval = counteval
      C = torch.triu(C) + torch.triu(C, 1):t()
      D, B = torch.symeig(C, 'V')
      D = torch.sqrt(D)
      invsqrtC = B * torch.diag(torch.pow(D, -1)) * B:t()
    end
    -- one candidate at a time, with Torch's operations in Torch's order (B * z, then times
    -- sigma, then plus the mean), so that the candidates are bitwise Torch's
    for k = 1, lambda do
      local z = Z[k]:normal(0, 1):cmul(D)
      candidates[k]:mv(B, z):mul(sigma):add(xmean)
    end
    return candidates
  end

  -- move the mean to the weighted best, update the paths, C and sigma
  local function tell(arx)
    counteval = counteval + lambda
    local xold = xmean:clone()
    local order
    fitvals, order = torch.sort(fitvals)
    arx = arx:index(1, order:narrow(1, 1, nmu))
    fHist[#fHist + 1] = fitvals[1]
    if bestF == nil or fitvals[1] < bestF then
      bestX, bestF, bestEvals = arx[1]:clone(), fitvals[1], counteval
    end

    xmean:zero():addmv(arx:t(), weights)

    local y = xmean - xold
    local z = invsqrtC * y
    local c = (cs * (2 - cs) * mueff) ^ 0.5 / sigma
    ps = ps - ps * cs + z * c
    local ps2 = torch.pow(ps, 2):sum()
    local hsig = (ps2 / (1 - (1 - cs) ^ (2 * counteval / lambda)) / N < 2 + 4 / (N + 1)) and 1.0 or 0.0
    c = (cc * (2 - cc) * mueff) ^ 0.5 / sigma
    pc = pc - pc * cc + y * c * hsig

    -- rank-one and rank-mu updates of C
    -- (each term formed and summed in Torch's order: the rank-mu sum adds the parents'
    -- outer products w_k (x_k - m) (x_k - m)' one after the other)
    local c1a = c1 - (1 - hsig ^ 2) * c1 * cc * (2 - cc)
    -- Torch computes each entry in Lua numbers (doubles) and stores it once into C
    local Cd = C:double()
    local Y = arx:double() - xold:double():view(1, N):expandAs(arx)
    local Yw = torch.cmul(Y, weights:double():view(nmu, 1):expandAs(Y))
    local Cmu = Cd.new(N, N):zero()
    for k = 1, nmu do Cmu:add(torch.ger(Yw[k], Y[k])) end
    Cmu:div(sigma ^ 2)
    local pcd = pc:double()
    local dC = Cd * (-c1a - cmu)
    dC:add(torch.ger(pcd * c1, pcd)):add(Cmu * cmu)
    C:copy(Cd + dC)

    -- step size, by at most a factor exp(0.6)
    sigma = sigma * math.exp(math.min(0.6, (cs / damps) * (ps2 / N - 1) / 2))
  end

  -- termination reasons, as a table (empty: go on)
  local function stop()
    local res = {}
    if counteval > 0 then
      if counteval >= maxEval then res.evals = maxEval end
      if ftarget ~= nil and fitvals:nElement() > 0 and fitvals[1] <= ftarget then
        res.ftarget = ftarget
      end
      if torch.max(D) > 1e7 * torch.min(D) then res.condition = 1e7 end
      if fitvals:nElement() > 1 and fitvals[fitvals:nElement()] - fitvals[1] < 1e-12 then
        res.tolfun = 1e-12
      end
      if sigma * torch.max(D) < 1e-11 then res.tolx = 1e-11 end
    end
    return res
  end

  local function disp(every)
    if every == 0 then return end
    local gen = counteval / lambda
    if gen == 1 or gen % (10 * every) == 0 then
      print('evals:\t ax-ratio max(std)   f-value')
    end
    if gen <= 2 or gen % every == 0 then
      local maxStd = math.sqrt(torch.max(torch.diag(C)))
      print(tostring(counteval) .. ': ' ..
        string.format(' %6.1f %8.1e ', torch.max(D) / torch.min(D), sigma * maxStd) ..
        tostring(fitvals[1]))
    end
  end

  while next(stop()) == nil or iteration < min_iterations do
    iteration = iteration + 1
    local X = ask()
    for i = 1, lambda do
      fitvals[i] = (opfunc(X[i]:viewAs(x)))
    end
    tell(X)
    disp(verb_disp)
  end

  if verb_disp > 0 then
    for k, v in pairs(stop()) do print('termination by', k, '=', v) end
    print('best f-value =', bestF)
    print('solution = ')
    print(bestX)
    print('best found at iteration: ', bestEvals / lambda, ' , total iterations: ', iteration)
  end
  fHist[#fHist + 1] = bestF
  return bestX, fHist, counteval
end
