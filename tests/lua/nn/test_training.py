"""nn.StochasticGradient and the Module API used for training: share / clone with names,
accUpdateGradParameters, getParameters, type, listModules / findModules / apply / replace,
clearState, training / evaluate, __call__."""
from nnhelp import lua, rt  # noqa: F401


def test_stochastic_gradient_prints_torch_lines(rt):
    out = lua(rt, """
      torch.manualSeed(18)
      local dataset = {}
      function dataset:size() return 4 end
      local xs = {{0, 0}, {0, 1}, {1, 0}, {1, 1}}
      local ys = {0, 1, 1, 2}
      for i = 1, 4 do dataset[i] = {torch.Tensor(xs[i]), torch.Tensor({ys[i]})} end
      local model = nn.Linear(2, 1)
      local trainer = nn.StochasticGradient(model, nn.MSECriterion())
      trainer.learningRate = 0.1
      trainer.maxIteration = 3
      trainer.shuffleIndices = false
      trainer:train(dataset)
      print(model.weight)
    """)
    # the golden output of real Torch7 (nn/stochastic_gradient)
    assert out == ('# StochasticGradient: training\t\n'
                   '# current error = 1.2954124343912\t\n'
                   '# current error = 0.32099591985882\t\n'
                   '# current error = 0.24082802262126\t\n'
                   '# StochasticGradient: you have reached the maximum number of iterations\t\n'
                   '# training error = 0.24082802262126\t\n'
                   ' 0.7425  0.3857\n[torch.DoubleTensor of size 1x2]\n\n')


def test_stochastic_gradient_defaults_hooks_and_decay(rt):
    out = lua(rt, """
      local t = nn.StochasticGradient(nn.Linear(1, 1), nn.MSECriterion())
      print(t.learningRate, t.learningRateDecay, t.maxIteration, t.shuffleIndices, t.verbose)
      torch.manualSeed(1)
      local data = {}
      function data:size() return 3 end
      for i = 1, 3 do data[i] = {torch.Tensor({i}), torch.Tensor({2 * i})} end
      local model = nn.Linear(1, 1)
      local trainer = nn.StochasticGradient(model, nn.MSECriterion())
      trainer.verbose = false
      trainer.maxIteration = 2
      trainer.learningRateDecay = 1
      local seen, rates = {}, {}
      trainer.hookExample = function(self, example) seen[#seen + 1] = example[1][1] end
      trainer.hookIteration = function(self, it, err) rates[#rates + 1] = it end
      -- record the learning rate each example is trained with
      local lrs = {}
      local acc = model.accUpdateGradParameters
      model.accUpdateGradParameters = function(m, x, g, lr) lrs[#lrs + 1] = lr; return acc(m, x, g, lr) end
      trainer:train(data)
      table.sort(seen)
      print(#seen, seen[1], seen[6], #rates, rates[2])
      print(lrs[1], lrs[3], lrs[4], lrs[6])
    """)
    # lr / (1 + iteration * decay) from the second pass on (iteration is 2 there)
    assert out == ('0.01\t0\t25\ttrue\ttrue\t\n'
                   '# StochasticGradient: training\t\n'
                   '# StochasticGradient: you have reached the maximum number of iterations\t\n'
                   '# training error = ' + out.split('# training error = ')[1].split('\n')[0] + '\n'
                   '6\t1\t3\t2\t2\t\n0.01\t0.01\t0.0033333333333333\t0.0033333333333333\t\n')


def test_stochastic_gradient_shuffle_uses_randperm(rt):
    out = lua(rt, """
      torch.manualSeed(21)
      local dataset = {}
      function dataset:size() return 3 end
      dataset[1] = {torch.Tensor({1}), torch.Tensor({2})}
      dataset[2] = {torch.Tensor({2}), torch.Tensor({4})}
      dataset[3] = {torch.Tensor({3}), torch.Tensor({6})}
      local model = nn.Linear(1, 1)
      local trainer = nn.StochasticGradient(model, nn.MSECriterion())
      trainer.learningRate = 0.05
      trainer.learningRateDecay = 0.1
      trainer.maxIteration = 2
      trainer:train(dataset)
      print(string.format('%.8f %.8f', model.weight[1][1], model.bias[1]))
    """)
    assert out.splitlines()[-1] == '1.43310389 1.61107590\t'


def test_stochastic_gradient_blitz_dataset_pattern(rt):
    # a dataset whose rows come from a metatable __index, labels from a ByteTensor, size()
    out = lua(rt, """
      torch.manualSeed(7)
      local trainset = {data = torch.randn(20, 4), label = torch.ByteTensor(20)}
      for i = 1, 20 do trainset.label[i] = trainset.data[i][1] > 0 and 1 or 2 end
      setmetatable(trainset, {__index = function(t, i) return {t.data[i], t.label[i]} end})
      function trainset:size() return self.data:size(1) end
      local Soft = torch.class('nn.LogSoftMaxForSGDTest', 'nn.Module')
      function Soft:updateOutput(x)
        self.output = x - math.log(torch.exp(x):sum())
        return self.output
      end
      function Soft:updateGradInput(x, g)
        self.gradInput = g - torch.exp(self.output) * g:sum()
        return self.gradInput
      end
      local NLL = torch.class('nn.NLLForSGDTest', 'nn.Criterion')
      function NLL:updateOutput(x, t) self.output = -x[t]; return self.output end
      function NLL:updateGradInput(x, t)
        self.gradInput = x.new(x:size()):zero(); self.gradInput[t] = -1; return self.gradInput
      end
      local net = nn.Sequential():add(nn.Linear(4, 2)):add(nn.LogSoftMaxForSGDTest())
      local trainer = nn.StochasticGradient(net, nn.NLLForSGDTest())
      trainer.learningRate = 0.1
      trainer.maxIteration = 5
      trainer.verbose = false
      trainer:train(trainset)
      local correct = 0
      for i = 1, 20 do
        local _, k = net:forward(trainset.data[i]):max(1)
        if k[1] == trainset.label[i] then correct = correct + 1 end
      end
      print(correct >= 17)
    """)
    assert out.endswith('true\t\n')


def test_shared_modules_update_through_gradients(rt):
    out = lua(rt, """
      torch.manualSeed(2)
      local a = nn.Linear(2, 1)
      local b = a:clone('weight', 'bias', 'gradWeight', 'gradBias')
      print(a.shared, b.shared, rawget(b, 'accUpdateGradParameters'))
      local w0 = a.weight:clone()
      local x1, x2, g = torch.Tensor({1, 0}), torch.Tensor({0, 1}), torch.Tensor({1})
      a:forward(x1); a:updateGradInput(x1, g); a:accUpdateGradParameters(x1, g, 0.5)
      b:forward(x2); b:updateGradInput(x2, g); b:accUpdateGradParameters(x2, g, 0.5)
      print(a.weight[1][1] - w0[1][1], a.weight[1][2] - w0[1][2], b.weight == a.weight)
      -- an unshared module puts -lr * gradient straight into its parameters, gradients untouched
      local c = nn.Linear(2, 1)
      c.gradWeight:fill(7)
      local cw = c.weight:clone()
      c:forward(x1); c:updateGradInput(x1, g); c:accUpdateGradParameters(x1, g, 0.5)
      print(c.weight[1][1] - cw[1][1], c.gradWeight[1][1])
    """)
    assert out == 'true\ttrue\tnil\t\n-0.5\t-0.5\tfalse\t\n-0.5\t7\t\n'


def test_clone_with_names_shares_in_every_submodule(rt):
    out = lua(rt, """
      torch.manualSeed(3)
      local net = nn.Sequential():add(nn.Linear(2, 2)):add(nn.Tanh()):add(nn.Linear(2, 1))
      local c = net:clone('weight', 'bias')
      c:get(3).bias:fill(5)
      c:get(1).weight:fill(1)
      print(net:get(3).bias[1], net:get(1).weight[2][2])
      c:get(1).gradWeight:fill(3)
      print(net:get(1).gradWeight[1][1] ~= 3)
      -- the clone's structure is its own
      c:add(nn.Tanh())
      print(net:size(), c:size(), torch.type(c:get(2)))
      -- a plain clone copies storages once: views of one storage stay views of one copy
      local p = net:getParameters()
      local d = net:clone()
      d:get(1).weight:fill(-1)
      print(net:get(1).weight[1][1], torch.pointer(d:get(1).weight:storage()) == torch.pointer(d:get(3).bias:storage()))
      local l = nn.Linear(1, 1)
      l.foo = 3
      local ok, e = pcall(function() l:clone('foo') end)
      print(ok, e:find('Shared parameters have to be Tensors', 1, true) ~= nil)
    """)
    assert out == '5\t1\t\ntrue\t\n3\t4\tnn.Tanh\t\n1\ttrue\t\nfalse\ttrue\t\n'


def test_get_parameters_twice_and_compactness(rt):
    out = lua(rt, """
      local n = nn.Sequential():add(nn.Linear(10, 10))
      local p1 = n:getParameters()
      n:add(nn.Linear(10, 10))
      local p, g = n:getParameters()
      print(p:nElement(), g:nElement(), (p[{{111, 210}}] - n:get(2).weight:view(100)):abs():max())
      -- a clone sharing everything adds no elements
      local s = nn.Sequential():add(nn.Linear(3, 3))
      s:add(s:get(1):clone('weight', 'bias', 'gradWeight', 'gradBias'))
      print(s:getParameters():nElement())
      -- non-compact parameters can't be gathered
      local L = nn.Linear(10, 10)
      L.bias = torch.Tensor(10, 10):fill(2):select(2, 2)
      local ok, e = pcall(function() return L:getParameters() end)
      print(ok, e:find('Cannot gather tensors that are not compact', 1, true) ~= nil)
      -- compact but transposed: fine
      local T = nn.Linear(10, 10)
      T.weight = torch.Tensor(10, 10):t():fill(1)
      T.bias = torch.Tensor(10, 10):fill(2):select(1, 2)
      local P = T:getParameters()
      print(P:nElement(), P:storage():size(), T.weight:mean(), T.bias:mean())
      -- misaligned gradients
      local M = nn.Linear(2, 2)
      local gs = torch.Tensor(6)
      M.gradBias = gs:narrow(1, 1, 2)
      M.gradWeight = gs:narrow(1, 3, 4):view(2, 2)
      local ok2, e2 = pcall(function() return M:getParameters() end)
      print(ok2, e2:find('misaligned parameter at 1', 1, true) ~= nil)
    """)
    assert out == '220\t220\t0\t\n12\t\nfalse\ttrue\t\n110\t110\t1\t2\t\nfalse\ttrue\t\n'


def test_type_keeps_sharing_and_returns_self(rt):
    out = lua(rt, """
      local net = nn.Sequential():add(nn.Linear(3, 2)):add(nn.Linear(3, 2))
      net:get(2).bias = net:get(1).bias
      net:get(1).extra = {torch.Tensor(2), {torch.Tensor(1)}}
      print(net:float() == net, net:type(), net:get(1):type())
      print(net:get(1).bias == net:get(2).bias, torch.type(net:get(1).extra[2][1]))
      net:get(1).bias:fill(3)
      print(net:get(2).bias[1], torch.type(net:get(2).weight))
      print(torch.type(net:double():get(1).weight))
    """)
    assert out == ('true\ttorch.FloatTensor\ttorch.FloatTensor\t\ntrue\ttorch.FloatTensor\t\n'
                   '3\ttorch.FloatTensor\t\ntorch.DoubleTensor\t\n')


def test_module_traversal(rt):
    out = lua(rt, """
      local inner = nn.ConcatTable():add(nn.Linear(2, 2)):add(nn.Identity())
      local net = nn.Sequential():add(inner):add(nn.CAddTable()):add(nn.Tanh())
      local names = {}
      for _, m in ipairs(net:listModules()) do names[#names + 1] = torch.type(m) end
      print(table.concat(names, ' '))
      local found, containers = net:findModules('nn.Linear')
      print(#found, containers[1] == inner)
      local n = 0
      net:apply(function(m) n = n + 1 end)
      print(n)
      local r = net:replace(function(m) return torch.type(m) == 'nn.Tanh' and nn.Identity() or m end)
      print(r == net, torch.type(net:get(3)))
      net:evaluate()
      print(net.train, inner.train, inner:get(1).train)
      net:training()
      print(net.train, inner:get(2).train)
    """)
    assert out == ('nn.Sequential nn.ConcatTable nn.Linear nn.Identity nn.CAddTable nn.Tanh\t\n'
                   '1\ttrue\t\n6\t\ntrue\tnn.Identity\t\nfalse\tfalse\tfalse\t\ntrue\ttrue\t\n')


def test_call_and_clear_state(rt):
    out = lua(rt, """
      torch.manualSeed(1)
      local m = nn.Linear(2, 3)
      local x = torch.randn(4, 2)
      local y = m(x)
      print(y == m.output, y:size(1))
      local y2, gi = m(x, torch.ones(4, 3))
      print(gi == m.gradInput, gi:size(2), m.gradBias[1])
      m:clearState()
      print(m.output:nElement(), m.gradInput:nElement(), m.weight:nElement())
      print(m:clearState() == m)
    """)
    assert out == 'true\t4\t\ntrue\t2\t4\t\n0\t0\t6\t\ntrue\t\n'


def test_parameters_and_updates(rt):
    out = lua(rt, """
      local m = nn.Module()
      print(m:parameters(), m.train, m:type())
      m.bias = torch.ones(2); m.gradBias = torch.ones(2)
      local p, g = m:parameters()
      print(#p, p[1] == m.bias)
      m:updateParameters(0.5)
      print(m.bias[1])
      m:zeroGradParameters()
      print(m.gradBias:sum())
      local s = nn.Sequential()
      print(#s:parameters(), s:getParameters():nElement())
    """)
    assert out == 'nil\tnil\ttorch.DoubleTensor\t\n1\ttrue\t\n0.5\t\n0\t\n0\t0\t\n'


def test_utils(rt):
    out = lua(rt, """
      local a = {torch.ones(2), {torch.ones(3)}}
      local b = nn.utils.recursiveResizeAs(nil, a)
      print(torch.type(b), b[2][1]:nElement())
      nn.utils.recursiveFill(b, 2)
      nn.utils.recursiveAdd(b, 3, a)
      print(b[1][1], b[2][1][3])
      local c, c2 = nn.utils.recursiveCopy(nil, a)
      print(c[2][1][1], c2 == a, c[1] ~= a[1])
      print(nn.utils.addSingletonDimension(torch.ones(2, 3), 2):size(2))
      local v = nn.utils.contiguousView(nil, torch.ones(2, 3):t(), 6)
      print(v:dim(), v:size(1))
      local obj = {x = torch.ones(2), y = {1}, z = 3}
      nn.utils.clear(obj, 'x', 'y', 'z')
      print(obj.x:nElement(), #obj.y, obj.z)
      print(table.unpack ~= nil)
    """)
    assert out == ('table\t3\t\n5\t5\t\n1\ttrue\ttrue\t\n1\t\n1\t6\t\n0\t0\tnil\t\ntrue\t\n')
