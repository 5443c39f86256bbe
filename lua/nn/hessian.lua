-- nn.hessian: estimates of the diagonal of the Hessian (second derivatives of a loss with respect
-- to each input and parameter, neglecting off-diagonal terms: LeCun's "diagonal Levenberg-
-- Marquardt" approximation), to condition learning rates per parameter. Off until
-- nn.hessian.enable() is called, which adds to the classes that exist at that time:
--   module:updateDiagHessianInput(input, diagHessianOutput) -> module.diagHessianInput
--   module:accDiagHessianParameters(input, diagHessianOutput) -> module.diagHessianWeight/Bias
--   module:initDiagHessianParameters()
--   criterion:updateDiagHessianInput(input, target)
-- and makes parameters() / getParameters() return the diagonal-Hessian buffers as a third result.
nn.hessian = nn.hessian or {}
local H = nn.hessian

-- For a module linear in its weights (y = W x + b), d2L/dW_ij^2 ~ d2L/dy_i^2 * x_j^2: the same
-- computation as accGradParameters with the input squared and the second derivatives of the
-- output in place of its gradient. The gradient fields `gw` swap with the Hessian fields `hw`
-- for the call (so the sums land in the Hessian buffers), then swap back.
local function accDiagHessianParameters(module, input, diagHessianOutput, gw, hw)
  if #gw ~= #hw then error('Number of gradients is not equal to number of hessians', 2) end
  module.inputSq = module.inputSq or input.new()
  module.inputSq:resizeAs(input):copy(input):cmul(input)
  local function swap()
    for i = 1, #gw do
      module[gw[i]], module[hw[i]] = module[hw[i]], module[gw[i]]
    end
  end
  for i = 1, #gw do
    local g = module[gw[i]]
    if module[hw[i]] == nil and g ~= nil then module[hw[i]] = g.new():resizeAs(g):zero() end
  end
  swap()
  local output = module.output
  module.output = output.new():resizeAs(output)
  local ok, err = pcall(function()
    module.forward(module, module.inputSq)
    module.accGradParameters(module, module.inputSq, diagHessianOutput, 1)
  end)
  swap()
  module.output = output
  if not ok then error(err, 0) end
end
H.accDiagHessianParameters = accDiagHessianParameters

-- d2L/dx_j^2 ~ sum_i d2L/dy_i^2 * W_ij^2: updateGradInput with the weights `w` squared (held in
-- the fields `wsq` between calls) and the output's second derivatives as the gradient; the
-- result lands in module.diagHessianInput.
local function updateDiagHessianInput(module, input, diagHessianOutput, w, wsq)
  if #w ~= #wsq then error('Number of weights is not equal to number of weights squares', 2) end
  module.diagHessianInput = module.diagHessianInput or input.new()
  local dhi = module.diagHessianInput
  dhi:resizeAs(input):zero()
  local function swap()
    for i = 1, #w do
      module[w[i]], module[wsq[i]] = module[wsq[i]], module[w[i]]
    end
  end
  for i = 1, #w do
    local wt = module[w[i]]
    module[wsq[i]] = module[wsq[i]] or wt.new()
    module[wsq[i]]:resizeAs(wt):copy(wt):cmul(wt)
  end
  local gradInput = module.gradInput
  module.gradInput = dhi
  swap()
  local ok, err = pcall(module.updateGradInput, module, input, diagHessianOutput)
  swap()
  -- a module that replaced its gradInput field (rather than writing into it) still reports here
  if ok and module.gradInput ~= dhi and torch.isTensor(module.gradInput) then
    dhi:resizeAs(module.gradInput):copy(module.gradInput)
  end
  module.gradInput = gradInput
  if not ok then error(err, 0) end
end
H.updateDiagHessianInput = updateDiagHessianInput

-- a pointwise module y_i = f(x_i): d2L/dx_i^2 ~ f'(x_i)^2 * d2L/dy_i^2
local function updateDiagHessianInputPointWise(module, input, diagHessianOutput)
  local ones = diagHessianOutput.new():resizeAs(diagHessianOutput):fill(1)
  updateDiagHessianInput(module, input, ones, {}, {})
  module.diagHessianInput:cmul(module.diagHessianInput):cmul(diagHessianOutput)
end
H.updateDiagHessianInputPointWise = updateDiagHessianInputPointWise

local function initDiagHessianParameters(module, gw, hw)
  module.diagHessianInput = module.diagHessianInput or module.gradInput.new()
  for i = 1, #gw do
    local g = module[gw[i]]
    if module[hw[i]] == nil and g ~= nil then module[hw[i]] = g.new():resizeAs(g) end
  end
end
H.initDiagHessianParameters = initDiagHessianParameters

local GRADS = {'gradWeight', 'gradBias'}
local HESS = {'diagHessianWeight', 'diagHessianBias'}

-- the methods of a module linear in `weights` (squared for the input's Hessian)
local function linearMethods(class, weights, squares)
  if not class then return end
  class.updateDiagHessianInput = function(self, input, diagHessianOutput)
    updateDiagHessianInput(self, input, diagHessianOutput, weights, squares)
    return self.diagHessianInput
  end
  class.accDiagHessianParameters = function(self, input, diagHessianOutput)
    accDiagHessianParameters(self, input, diagHessianOutput, GRADS, HESS)
  end
  class.initDiagHessianParameters = function(self)
    initDiagHessianParameters(self, GRADS, HESS)
  end
end

local function pointwiseMethod(class)
  if not class then return end
  class.updateDiagHessianInput = function(self, input, diagHessianOutput)
    updateDiagHessianInputPointWise(self, input, diagHessianOutput)
    return self.diagHessianInput
  end
end

-- the tensors of a (possibly nested) table, in order
local function appendFlat(to, from)
  if torch.type(from) == 'table' then
    for i = 1, #from do appendFlat(to, from[i]) end
  elseif from ~= nil then
    to[#to + 1] = from
  end
end

local enabled = false
function H.enable()
  if enabled then return end
  enabled = true

  function nn.Module:updateDiagHessianInput(input, diagHessianOutput)
    error(torch.typename(self) .. ':updateDiagHessianInput() is undefined')
  end
  function nn.Module:accDiagHessianParameters(input, diagHessianOutput) end
  function nn.Module:initDiagHessianParameters() end

  function nn.Sequential:initDiagHessianParameters()
    for i = 1, #self.modules do self.modules[i]:initDiagHessianParameters() end
  end

  -- back through the modules: each gets the previous module's output as its input
  function nn.Sequential:updateDiagHessianInput(input, diagHessianOutput)
    local dh = diagHessianOutput
    for i = #self.modules, 1, -1 do
      local inp = i > 1 and self.modules[i - 1].output or input
      dh = self.modules[i]:updateDiagHessianInput(inp, dh)
    end
    self.diagHessianInput = dh
    return dh
  end

  function nn.Sequential:accDiagHessianParameters(input, diagHessianOutput)
    local dh = diagHessianOutput
    for i = #self.modules, 1, -1 do
      local m = self.modules[i]
      local inp = i > 1 and self.modules[i - 1].output or input
      m:accDiagHessianParameters(inp, dh)
      dh = m.diagHessianInput
    end
  end

  function nn.Criterion:updateDiagHessianInput(input, diagHessianOutput)
    error(torch.typename(self) .. ':updateDiagHessianInput() is undefined')
  end

  -- L = sum (x - t)^2 (/ n when averaged): d2L/dx^2 = 2 (/ n)
  local function mseDiag(self, input, target)
    self.diagHessianInput = self.diagHessianInput or input.new()
    local v = self.sizeAverage and 2 / input:nElement() or 2
    self.diagHessianInput:resizeAs(input):fill(v)
    return self.diagHessianInput
  end
  if nn.MSECriterion then nn.MSECriterion.updateDiagHessianInput = mseDiag end
  if nn.WeightedMSECriterion then nn.WeightedMSECriterion.updateDiagHessianInput = mseDiag end

  if nn.L1Cost then
    function nn.L1Cost:updateDiagHessianInput(input)
      self.diagHessianInput = self.diagHessianInput or input.new()
      self.diagHessianInput:resizeAs(input):fill(1)
      self.diagHessianInput[torch.eq(input, 0)] = 0
      return self.diagHessianInput
    end
  end

  linearMethods(nn.Linear, {'weight'}, {'weightSq'})
  linearMethods(nn.SpatialConvolution, {'weight'}, {'weightSq'})
  linearMethods(nn.SpatialConvolutionLocal, {'weight'}, {'weightSq'})
  linearMethods(nn.SpatialFullConvolution, {'weight'}, {'weightSq'})
  linearMethods(nn.SpatialConvolutionMap, {'weight', 'bias'}, {'weightSq', 'biasSq'})
  linearMethods(nn.SpatialFullConvolutionMap, {'weight'}, {'weightSq'})

  pointwiseMethod(nn.Tanh)
  pointwiseMethod(nn.Square)
  pointwiseMethod(nn.Sqrt)

  if nn.TanhShrink then
    -- x - tanh(x): the pointwise estimate of the inner tanh, plus the output's own term
    function nn.TanhShrink:updateDiagHessianInput(input, diagHessianOutput)
      updateDiagHessianInputPointWise(self.tanh, input, diagHessianOutput)
      self.diagHessianInput = self.diagHessianInput or input.new()
      self.diagHessianInput:resizeAs(input)
      torch.add(self.diagHessianInput, self.tanh.diagHessianInput, diagHessianOutput)
      return self.diagHessianInput
    end
  end

  if nn.Reshape then
    function nn.Reshape:updateDiagHessianInput(input, diagHessianOutput)
      self.diagHessianInput = self.diagHessianInput or input.new()
      self.diagHessianInput:set(diagHessianOutput:contiguous()):resizeAs(input)
      return self.diagHessianInput
    end
  end

  -- parameters(): params, gradients, diagonal-Hessian buffers
  function nn.Module:parameters()
    local w, b = self.weight, self.bias
    if w and b then
      return {w, b}, {self.gradWeight, self.gradBias}, {self.diagHessianWeight, self.diagHessianBias}
    elseif w then
      return {w}, {self.gradWeight}, {self.diagHessianWeight}
    elseif b then
      return {b}, {self.gradBias}, {self.diagHessianBias}
    end
  end

  function nn.Module:getParameters()
    local params, grads, hessians = self:parameters()
    local flatParams = nn.Module.flatten(params)
    local flatGrads = nn.Module.flatten(grads)
    local flatHessians
    if hessians and hessians[1] then flatHessians = nn.Module.flatten(hessians) end
    return flatParams, flatGrads, flatHessians
  end

  function nn.Sequential:parameters()
    local w, gw, hw = {}, {}, {}
    for i = 1, #self.modules do
      local mw, mgw, mhw = self.modules[i]:parameters()
      if mw then
        appendFlat(w, mw)
        appendFlat(gw, mgw)
        appendFlat(hw, mhw)
      end
    end
    return w, gw, hw
  end
end

return H
