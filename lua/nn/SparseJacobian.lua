-- nn.SparseJacobian: nn.Jacobian's finite-difference checks for modules whose input is a
-- sparse (nnz x 2) table of {index, value} rows (SparseLinear...): only the values (column 2)
-- are perturbed and differentiated. Also used for dense 2D inputs, where column 2 is checked.
nn.SparseJacobian = nn.SparseJacobian or {}
local SJ = nn.SparseJacobian

local function randomize(t, minval, maxval)
  minval = minval or -2
  maxval = maxval or 2
  t:copy(torch.rand(t:nElement()):mul(maxval - minval):add(minval))
end

-- column i: d(param) (or d(input values)) for a unit gradOutput at output element i
function SJ.backward(module, input, param, dparam)
  module:forward(input)
  local dout = module.output.new():resizeAs(module.output)
  local flat = module.output.new(dout:storage(), 1, dout:nElement())
  local rows = param and param:nElement() or input:size(1)
  local jac = torch.Tensor(rows, dout:nElement()):zero()
  for i = 1, flat:nElement() do
    dout:zero()
    flat[i] = 1
    module:zeroGradParameters()
    local din = module:updateGradInput(input, dout)
    module:accGradParameters(input, dout)
    if param then
      jac:select(2, i):copy(dparam)
    else
      jac:select(2, i):copy(din:select(2, 2))
    end
  end
  return jac
end

-- column i: param after accUpdateGradParameters(lr = 1) for a unit gradOutput at i (every
-- parameter restored before each step)
function SJ.backwardUpdate(module, input, param)
  module:forward(input)
  local dout = module.output.new():resizeAs(module.output)
  local flat = module.output.new(dout:storage(), 1, dout:nElement())
  local jac = torch.Tensor(param:nElement(), dout:nElement()):zero()
  local params = module:parameters()
  local saved = {}
  for j = 1, #params do saved[j] = params[j]:clone() end
  for i = 1, flat:nElement() do
    for j = 1, #params do params[j]:copy(saved[j]) end
    dout:zero()
    flat[i] = 1
    module:zeroGradParameters()
    module:updateGradInput(input, dout)
    module:accUpdateGradParameters(input, dout, 1)
    jac:select(2, i):copy(param)
  end
  for j = 1, #params do params[j]:copy(saved[j]) end
  return jac
end

-- row i: d(output) / d(param[i] or input value i) by central differences
function SJ.forward(module, input, param)
  local small = 1e-6
  local sin
  if param then
    sin = param.new(param):resize(param:nElement())
  else
    sin = input.new(input):select(2, 2)
  end
  local out = module:forward(input)
  local jac = torch.Tensor(sin:nElement(), out:nElement())
  local outa = torch.Tensor(jac:size(2))
  local outb = torch.Tensor(jac:size(2))
  for i = 1, sin:nElement() do
    local v = sin[i]
    sin[i] = v - small
    outa:copy(module:forward(input))
    sin[i] = v + small
    outb:copy(module:forward(input))
    sin[i] = v
    jac:select(1, i):copy(outb:add(-1, outa):div(2 * small))
  end
  return jac
end

-- row i: param[i] minus d(output) / d(param[i]) (what a unit update would give)
function SJ.forwardUpdate(module, input, param)
  local small = 1e-6
  local sin = param.new(param):resize(param:nElement())
  local jac = torch.Tensor(sin:nElement(), module:forward(input):nElement())
  local outa = torch.Tensor(jac:size(2))
  local outb = torch.Tensor(jac:size(2))
  for i = 1, sin:nElement() do
    local v = sin[i]
    sin[i] = v - small
    outa:copy(module:forward(input))
    sin[i] = v + small
    outb:copy(module:forward(input))
    sin[i] = v
    local row = jac:select(1, i)
    row:copy(outb:add(-1, outa):div(2 * small)):mul(-1):add(sin[i])
  end
  return jac
end

function SJ.testJacobian(module, input, minval, maxval)
  randomize(input:select(2, 2), minval, maxval)
  local jf = SJ.forward(module, input)
  local jb = SJ.backward(module, input)
  return (jf - jb):abs():max()
end

function SJ.testJacobianParameters(module, input, param, dparam, minval, maxval)
  randomize(input:select(2, 2), minval, maxval)
  randomize(param, minval, maxval)
  local jb = SJ.backward(module, input, param, dparam)
  local jf = SJ.forward(module, input, param)
  return (jf - jb):abs():max()
end

function SJ.testJacobianUpdateParameters(module, input, param, minval, maxval)
  randomize(input:select(2, 2), minval, maxval)
  randomize(param, minval, maxval)
  local pb = SJ.backwardUpdate(module, input, param)
  local pf = SJ.forwardUpdate(module, input, param)
  return (pf - pb):abs():max()
end

-- forward/backward of the module and of a copy written to and read back from a file
function SJ.testIO(module, input, minval, maxval)
  minval = minval or -2
  maxval = maxval or 2
  module:forward(input)
  local go = module.output:clone():copy(
    torch.rand(module.output:nElement()):mul(maxval - minval):add(minval))
  module:zeroGradParameters()
  module:updateGradInput(input, go)
  module:accGradParameters(input, go)
  local fo, bo = module.output:clone(), module.gradInput:clone()

  local name = os.tmpname()
  local f = torch.DiskFile(name, 'w'):binary()
  f:writeObject(module)
  f:close()
  local m = torch.DiskFile(name):binary():readObject()
  os.remove(name)
  m:forward(input)
  m:zeroGradParameters()
  m:updateGradInput(input, go)
  m:accGradParameters(input, go)
  return (fo - m.output):abs():max(), (bo - m.gradInput):abs():max()
end

-- how accGradParameters / accUpdateGradParameters / shared copies move `weight` (field names)
function SJ.testAllUpdate(module, input, weight, gradWeight)
  local lr = torch.uniform(0.1, 1)
  local errors = {}

  local a = module:clone()
  local w0 = a[weight]:clone()
  a:forward(input)
  local gradOutput = torch.rand(a.output:size())
  a:zeroGradParameters()
  a:updateGradInput(input, gradOutput)
  a:accGradParameters(input, gradOutput)
  a:updateParameters(lr)
  errors['accGradParameters'] = (w0 - a[gradWeight] * lr - a[weight]):norm()

  local b = module:clone()
  b:forward(input)
  b:updateGradInput(input, gradOutput)
  b:accUpdateGradParameters(input, gradOutput, lr)
  errors['accUpdateGradParameters'] = (b[weight] - a[weight]):norm()

  local twice = w0 - a[gradWeight] * (lr * 2)
  local s1, s2 = module:clone(), module:clone()
  s2:share(s1, weight)
  for _, m in ipairs({s1, s2}) do m:forward(input) end
  for _, m in ipairs({s1, s2}) do m:zeroGradParameters() end
  for _, m in ipairs({s1, s2}) do m:updateGradInput(input, gradOutput) end
  for _, m in ipairs({s1, s2}) do m:accGradParameters(input, gradOutput) end
  for _, m in ipairs({s1, s2}) do m:updateParameters(lr) end
  errors['accGradParameters [shared]'] = (twice - s1[weight]):norm() + (twice - s2[weight]):norm()

  local u1, u2 = module:clone(), module:clone()
  u2:share(u1, weight)
  for _, m in ipairs({u1, u2}) do m:forward(input) end
  for _, m in ipairs({u1, u2}) do m:updateGradInput(input, gradOutput) end
  for _, m in ipairs({u1, u2}) do m:accUpdateGradParameters(input, gradOutput, lr) end
  errors['accUpdateGradParameters [shared]'] = (twice - u1[weight]):norm()
    + (twice - u2[weight]):norm()
  return errors
end

return SJ
