-- nn training-speed benchmarks (run by bench_nn.py beside their PyTorch equivalents).
--   th nn_bench.lua NAME SECONDS [CPUTIME] [CUDA]
-- NAME: mlp | lenet1 | lenet1_explicit | lenet32 | convnet. Trains for about SECONDS (after a
-- short warm-up) on random data and prints "<samples> <seconds>". CUDA: the network, criterion
-- and data are converted with :cuda() (cunn; the CPU fallback where no GPU is visible).
require 'nn'
local ok = pcall(require, 'optim')
local name, budget = arg[1], tonumber(arg[2] or 5)
local flags = {}
for i = 3, #arg do flags[arg[i]] = true end
local cuda = flags.CUDA
if cuda then require 'cunn' end
local function dev(x) if cuda then return x:cuda() end return x end   -- tensor or module
torch.manualSeed(1)

local function lenet()
  local net = nn.Sequential()
  net:add(nn.SpatialConvolution(3, 6, 5, 5))
  net:add(nn.ReLU())
  net:add(nn.SpatialMaxPooling(2, 2, 2, 2))
  net:add(nn.SpatialConvolution(6, 16, 5, 5))
  net:add(nn.ReLU())
  net:add(nn.SpatialMaxPooling(2, 2, 2, 2))
  net:add(nn.View(16 * 5 * 5))
  net:add(nn.Linear(16 * 5 * 5, 120))
  net:add(nn.ReLU())
  net:add(nn.Linear(120, 84))
  net:add(nn.ReLU())
  net:add(nn.Linear(84, 10))
  net:add(nn.LogSoftMax())
  return net
end

local function convnet()
  local net = nn.Sequential()
  net:add(nn.SpatialConvolution(3, 32, 3, 3, 1, 1, 1, 1))
  net:add(nn.ReLU())
  net:add(nn.SpatialMaxPooling(2, 2, 2, 2))
  net:add(nn.SpatialConvolution(32, 64, 3, 3, 1, 1, 1, 1))
  net:add(nn.ReLU())
  net:add(nn.SpatialMaxPooling(2, 2, 2, 2))
  net:add(nn.SpatialConvolution(64, 128, 3, 3, 1, 1, 1, 1))
  net:add(nn.ReLU())
  net:add(nn.SpatialMaxPooling(2, 2, 2, 2))
  net:add(nn.View(128 * 8 * 8))
  net:add(nn.Linear(128 * 8 * 8, 10))
  net:add(nn.LogSoftMax())
  return net
end

-- one step of plain SGD through zeroGradParameters / backward / updateParameters
local function sgdStep(net, crit, x, y, lr)
  local out = net:forward(x)
  crit:forward(out, y)
  net:zeroGradParameters()
  net:backward(x, crit:backward(out, y))
  net:updateParameters(lr)
end

-- one step with optim.sgd (momentum) over the flattened parameters
local function momentumStepper(net, crit)
  local params, grads = net:getParameters()
  local config = {learningRate = 0.01, momentum = 0.9}
  local state = {}
  return function(x, y)
    local function feval()
      grads:zero()
      local out = net:forward(x)
      local loss = crit:forward(out, y)
      net:backward(x, crit:backward(out, y))
      return loss, grads
    end
    if ok and optim and optim.sgd then
      optim.sgd(feval, params, config, state)
    else  -- manual momentum SGD
      feval()
      state.v = state.v or grads:clone():zero()
      state.v:mul(0.9):add(grads)
      params:add(-0.01, state.v)
    end
  end
end

local net, crit = nil, nn.ClassNLLCriterion()
local step, perStep
if name == 'mlp' then
  net = nn.Sequential():add(nn.Linear(784, 256)):add(nn.ReLU()):add(nn.Linear(256, 10))
    :add(nn.LogSoftMax())
  local x, y = dev(torch.randn(128, 784)), dev(torch.LongTensor(128):random(1, 10))
  step = function() sgdStep(net, crit, x, y, 0.01) end
  perStep = 128
elseif name == 'lenet1' or name == 'lenet1_explicit' then
  net = lenet()
  local n = 100
  local xs, ys = dev(torch.randn(n, 3, 32, 32)), dev(torch.LongTensor(n):random(1, 10))
  local i = 0
  if name == 'lenet1' then
    -- exactly nn.StochasticGradient's inner loop
    step = function()
      i = i % n + 1
      local x, y = xs[i], ys[i]
      crit:forward(net:forward(x), y)
      net:updateGradInput(x, crit:updateGradInput(net.output, y))
      net:accUpdateGradParameters(x, crit.gradInput, 0.001)
    end
  else
    step = function()
      i = i % n + 1
      sgdStep(net, crit, xs[i], ys[i], 0.001)
    end
  end
  perStep = 1
elseif name == 'lenet32' then
  net, crit = dev(lenet()), dev(crit)   -- before getParameters
  local x, y = dev(torch.randn(32, 3, 32, 32)), dev(torch.LongTensor(32):random(1, 10))
  local s = momentumStepper(net, crit)
  step = function() s(x, y) end
  perStep = 32
elseif name == 'convnet' then
  net = convnet():float()
  crit = crit:float()
  local x, y = dev(torch.randn(16, 3, 64, 64):float()), dev(torch.LongTensor(16):random(1, 10))
  step = function() sgdStep(net, crit, x, y, 0.01) end
  perStep = 16
else
  error('unknown benchmark ' .. tostring(name))
end
net, crit = dev(net), dev(crit)
if cuda then   -- the step includes waiting for the device
  local sync = step
  step = function() sync(); cutorch.synchronize() end
end

-- the shared timing loop (benchmarks/bench_loop.lua, next to this file)
dofile((arg[0]:match('^(.*[/\\])') or '') .. 'bench_loop.lua')(step, budget, flags.CPUTIME, perStep)
