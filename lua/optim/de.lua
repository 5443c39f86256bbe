--[[ Differential Evolution (DE/best/1/bin), derivative-free.

x*, fx = optim.de(opfunc, x, config)

opfunc(x) returns f(x) (a gradient, if returned, is ignored). x only gives the dimension D.
config: popsize (10 * D), scaleFactor (F, required, usually 0.4 to 1), crossoverRate (CR,
required, usually 0.1 to 0.9), maxFEs (evaluation budget, required), maxRegion (30) and
minRegion (-30) bound the initial population.
fx is a tensor of x's type holding every function value in evaluation order.
The population and the mutations use their own torch.Generator seeded with 1, so a run is
reproducible and leaves the default generator alone.
As in Torch, the mutation base starts as the population member with the largest value (then
is replaced by every improvement), and evaluations run by whole generations: values past
maxFEs in the last generation are not recorded.
]]
local util = require 'optim._util'

function optim.de(opfunc, x, config, state)
  if not util.callable(opfunc) then
    error('optim.de: bad argument #1 (opfunc: function expected)', 2)
  end
  if not torch.isTensor(x) then
    error('optim.de: bad argument #2 (x: tensor expected)', 2)
  end
  config = config or {}
  local xmean = x:clone():view(-1)
  local D = xmean:size(1)
  local popsize = config.popsize or 10 * D
  local F = util.number('de', 'config.scaleFactor', config.scaleFactor)
  local CR = util.number('de', 'config.crossoverRate', config.crossoverRate)
  local maxFEs = tonumber(config.maxFEs)
  if not maxFEs then
    error('optim.de: config.maxFEs (the evaluation budget) must be a number', 2)
  end
  local maxRegion = config.maxRegion or 30
  local minRegion = config.minRegion or -30

  local fx = x.new(maxFEs)
  local pop = x.new(popsize, D)
  local children = x.new(popsize, D)
  local fitness = x.new(popsize)
  local childFitness = x.new(popsize)
  local best = x.new(D)
  local fes = 1
  local function record(v)
    if fes <= maxFEs then fx[fes] = v end
    fes = fes + 1
  end

  local gen = torch.Generator()
  torch.manualSeed(gen, 1)

  -- initial population, uniform in the region
  pop:uniform(gen, minRegion, maxRegion)
  for i = 1, popsize do
    fitness[i] = (opfunc(pop[i]))
    record(fitness[i])
  end
  local bestFitness, index = fitness:max(1)
  bestFitness, index = bestFitness[1], index[1]
  best:copy(pop[index])

  while fes < maxFEs do
    for i = 1, popsize do
      local r1, r2
      repeat r1 = torch.random(gen, 1, popsize) until r1 ~= i
      repeat r2 = torch.random(gen, 1, popsize) until r2 ~= r1 and r2 ~= i
      local jrand = torch.random(gen, 1, D)
      local child, parent, p1, p2 = children[i], pop[i], pop[r1], pop[r2]
      for j = 1, D do
        if torch.uniform(gen, 0, 1) < CR or i == jrand then
          child[j] = best[j] + F * (p1[j] - p2[j])
        else
          child[j] = parent[j]
        end
      end
      childFitness[i] = (opfunc(child))
      record(childFitness[i])
    end

    -- selection: a child replaces its parent when it is no worse
    for i = 1, popsize do
      if childFitness[i] <= fitness[i] then
        pop[i]:copy(children[i])
        fitness[i] = childFitness[i]
        if fitness[i] < bestFitness then
          bestFitness = fitness[i]
          best:copy(children[i])
        end
      end
    end
  end
  return best, fx
end
