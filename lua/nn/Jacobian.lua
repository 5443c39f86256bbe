-- nn.Jacobian: finite-difference checks of a module's backward pass.
nn.Jacobian = nn.Jacobian or {}
local J = nn.Jacobian

local function flat(t)
  return t:view(t:nElement())
end

local function randomize(t, minval, maxval)
  minval = minval or -2
  maxval = maxval or 2
  t:copy(torch.rand(t:nElement()):mul(maxval - minval):add(minval))
end

-- the Jacobian from backpropagation: column i is d(input or param) for a unit gradOutput at i
function J.backward(module, input, param, dparam)
  local doparam = param ~= nil
  param = param or input
  module:forward(input)
  local dout = module.output.new():resizeAs(module.output)
  local sdout = flat(dout)
  local jac = torch.Tensor(param:nElement(), dout:nElement()):zero()
  for i = 1, sdout:nElement() do
    dout:zero()
    sdout[i] = 1
    module:zeroGradParameters()
    local din = module:updateGradInput(input, dout)
    module:accGradParameters(input, dout)
    if doparam then
      jac:select(2, i):copy(flat(dparam))
    else
      jac:select(2, i):copy(flat(din))
    end
  end
  return jac
end

-- same through accUpdateGradParameters: column i is how far a unit step moves the parameters
-- (every parameter of the module is restored before each step: one may depend on another)
function J.backwardUpdate(module, input, param)
  module:forward(input)
  local dout = module.output.new():resizeAs(module.output)
  local sdout = flat(dout)
  local jac = torch.Tensor(param:nElement(), dout:nElement()):zero()
  local orig = param:clone()
  local params = module:parameters() or {}
  local origs = {}
  for j = 1, #params do origs[j] = params[j]:clone() end
  local function restore()
    for j = 1, #params do params[j]:copy(origs[j]) end
    param:copy(orig)
  end
  for i = 1, sdout:nElement() do
    restore()
    dout:zero()
    sdout[i] = 1
    module:updateGradInput(input, dout)
    module:accUpdateGradParameters(input, dout, 1)
    jac:select(2, i):copy(flat(orig - param))
  end
  restore()
  return jac
end

-- the Jacobian by central differences: row i is d(output) / d(param[i])
function J.forward(module, input, param, perturbation)
  param = param or input
  local small = perturbation or 1e-6
  local sin = param.new(param):resize(param:nElement())
  local nout = module:forward(input):nElement()
  local jac = torch.Tensor(param:nElement(), nout)
  for i = 1, sin:nElement() do
    local orig = sin[i]
    sin[i] = orig - small
    local outa = module:forward(input):clone()
    sin[i] = orig + small
    local outb = module:forward(input):clone()
    sin[i] = orig
    jac:select(1, i):copy(flat(outb:add(-1, outa):div(2 * small)):typeAs(jac))
  end
  return jac
end

-- the parameters after one accUpdateGradParameters step, as J.backwardUpdate gives them:
-- row i is param - d(output) / d(param[i]) by central differences
function J.forwardUpdate(module, input, param, perturbation)
  local jac = J.forward(module, input, param, perturbation)
  local sparam = flat(param.new(param))
  for i = 1, sparam:nElement() do
    jac:select(1, i):mul(-1):add(sparam[i])
  end
  return jac
end

-- the diagonal of the Hessian of F = sum(output^2) / 2 with respect to the input or a parameter,
-- through the module's updateDiagHessianInput / accDiagHessianParameters (nn.hessian)
function J.backwardDiagHessian(module, input, diagHessianParamName)
  module:forward(input)
  local ones = module.output.new():resizeAs(module.output):fill(1)
  if module.diagHessianWeight then module.diagHessianWeight:zero() end
  if module.diagHessianBias then module.diagHessianBias:zero() end
  module:updateDiagHessianInput(input, ones)
  module:accDiagHessianParameters(input, ones)
  return module[diagHessianParamName]
end

-- the same diagonal from first derivatives, for a module linear in its input and parameters:
-- d2F/dx_i^2 = sum over outputs k of (dy_k/dx_i)^2
function J.linearModuleDiagHessian(module, input, gradParamName)
  module:forward(input)
  local diag
  local dout = module.output.new():resizeAs(module.output)
  local sdout = flat(dout)
  for i = 1, sdout:nElement() do
    sdout:zero()
    sdout[i] = 1
    if module.gradWeight then module.gradWeight:zero() end
    if module.bias and module.gradBias then module.gradBias:zero() end
    module:updateGradInput(input, dout)
    module:accGradParameters(input, dout)
    local g = flat(module[gradParamName]:contiguous())
    diag = diag or g.new():resize(g:nElement()):zero()
    diag:addcmul(g, g)
  end
  return diag
end

-- the storages of every tensor held by x (a module or nested tables), as proxies kept in one
-- table. Works around a lupa (2.8) flaw: its registry of Python objects in Lua is a weak table
-- used with luaL_ref, so a slot cleared for a dead wrapper can be handed to another object while
-- the dead wrapper awaits its finaliser; pushing the first object again in that window yields
-- the other object. Storages whose proxies stay alive keep their wrappers, and are never
-- re-pushed through such a slot.
local function pinStorages(x, pinned, seen)
  pinned = pinned or {}
  seen = seen or {}
  if type(x) == 'table' then
    if seen[x] then return pinned end
    seen[x] = true
    for _, v in pairs(x) do pinStorages(v, pinned, seen) end
  elseif torch.isTensor(x) then
    local st = x:storage()
    if st then pinned[#pinned + 1] = st end
  end
  return pinned
end

local function maxerr(a, b)
  return (a:typeAs(b) - b):abs():max()
end

function J.testJacobian(module, input, minval, maxval, perturbation)
  randomize(input, minval, maxval)
  local fprop = J.forward(module, input, input, perturbation)
  local bprop = J.backward(module, input)
  return maxerr(fprop, bprop)
end

function J.testJacobianParameters(module, input, param, dparam, minval, maxval, perturbation)
  randomize(input, minval, maxval)
  randomize(param, minval, maxval)
  local bprop = J.backward(module, input, param, dparam)
  local fprop = J.forward(module, input, param, perturbation)
  return maxerr(fprop, bprop)
end

function J.testJacobianUpdateParameters(module, input, param, minval, maxval, perturbation)
  randomize(input, minval, maxval)
  randomize(param, minval, maxval)
  local bprop = J.backwardUpdate(module, input, param)
  local fprop = J.forward(module, input, param, perturbation)
  return maxerr(fprop, bprop)
end

-- the diagonal Hessian both ways (nn.hessian's backward pass, and squared first derivatives);
-- their largest difference
function J.testDiagHessian(module, input, gradParamName, diagHessianParamName, minval, maxval)
  randomize(input, minval, maxval)
  module:initDiagHessianParameters()
  local bprop = J.backwardDiagHessian(module, input, diagHessianParamName)
  local fromGrad = J.linearModuleDiagHessian(module, input, gradParamName)
  return (flat(bprop:contiguous()):typeAs(fromGrad) - fromGrad):abs():max()
end

function J.testDiagHessianInput(module, input, minval, maxval)
  return J.testDiagHessian(module, input, 'gradInput', 'diagHessianInput', minval, maxval)
end

function J.testDiagHessianWeight(module, input, minval, maxval)
  return J.testDiagHessian(module, input, 'gradWeight', 'diagHessianWeight', minval, maxval)
end

function J.testDiagHessianBias(module, input, minval, maxval)
  return J.testDiagHessian(module, input, 'gradBias', 'diagHessianBias', minval, maxval)
end

-- errors of the parameter-update paths of module for its parameter field `weight` (gradient
-- field `gradWeight`): accGradParameters + updateParameters, accUpdateGradParameters, and both
-- again on two clones sharing the parameter (which must move twice as far)
function J.testAllUpdate(module, input, weight, gradWeight)
  -- (the storage proxies of module stay referenced while it is cloned again and again: lupa may
  -- hand back a wrong object for a Python object re-pushed while its previous Lua wrapper
  -- awaits finalisation -- see pinStorages)
  local pinned = pinStorages(module)
  local lr = torch.uniform(0.1, 1)
  local errors = {}
  local ref = module:clone()
  local w0 = ref[weight]:clone()
  ref:forward(input)
  local gradOutput = torch.rand(ref.output:size())
  ref:zeroGradParameters()
  ref:updateGradInput(input, gradOutput)
  ref:accGradParameters(input, gradOutput)
  ref:updateParameters(lr)
  errors.accGradParameters = (w0 - ref[gradWeight] * lr - ref[weight]):norm()

  local upd = module:clone()
  upd:forward(input)
  upd:updateGradInput(input, gradOutput)
  upd:accUpdateGradParameters(input, gradOutput, lr)
  errors.accUpdateGradParameters = (upd[weight] - ref[weight]):norm()

  local function sharedPair()
    local a, b = module:clone(), module:clone()
    b:share(a, weight)
    a:forward(input)
    b:forward(input)
    return a, b
  end
  local twice = w0 - ref[gradWeight] * (lr * 2)
  local a, b = sharedPair()
  a:zeroGradParameters()
  b:zeroGradParameters()
  for _, m in ipairs({a, b}) do
    m:updateGradInput(input, gradOutput)
    m:accGradParameters(input, gradOutput)
  end
  a:updateParameters(lr)
  b:updateParameters(lr)
  errors['accGradParameters [shared]'] = (twice - a[weight]):norm() + (twice - b[weight]):norm()

  a, b = sharedPair()
  for _, m in ipairs({a, b}) do
    m:updateGradInput(input, gradOutput)
    m:accUpdateGradParameters(input, gradOutput, lr)
  end
  errors['accUpdateGradParameters [shared]'] = (twice - a[weight]):norm() + (twice - b[weight]):norm()
  pinned[0] = nil  -- (pinned is live up to here)
  return errors
end

-- a module (after clearState, which must return it) written to a file and read back must
-- compute the same output and gradInput: the largest differences, forward and backward
function J.testIO(module, input, minval, maxval)
  minval = minval or -2
  maxval = maxval or 2
  local input2 = input:clone()
  module:forward(input)
  local go = module.output:clone():copy(torch.rand(module.output:nElement()):mul(maxval - minval):add(minval))
  local go2 = go:clone()
  module:zeroGradParameters()
  module:updateGradInput(input, go)
  module:accGradParameters(input, go)
  local fo = module.output:clone()
  local bo = module.gradInput:clone()
  assert(module == module:clearState(), 'clearState did not return self')
  local f = torch.MemoryFile('rw'):binary()
  f:writeObject(module)
  f:seek(1)
  local m = f:readObject()
  f:close()
  m:forward(input2)
  m:zeroGradParameters()
  m:updateGradInput(input2, go2)
  m:accGradParameters(input2, go2)
  local fo2 = m.output:clone()
  local bo2 = m.gradInput:clone()
  local errb = bo - bo2
  return (fo - fo2):abs():max(), errb:nElement() == 0 and 0 or errb:abs():max()
end

return J
