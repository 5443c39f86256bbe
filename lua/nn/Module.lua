-- nn.Module: the base of every layer. State lives in the object's fields (output, gradInput,
-- weight, gradWeight, train, ...); subclasses override updateOutput / updateGradInput /
-- accGradParameters, and everything here only calls those through self.
local Module = torch.class('nn.Module')

function Module:__init()
  self.gradInput = torch.Tensor()
  self.output = torch.Tensor()
  self._type = self.output:type()
end

function Module:parameters()
  if self.weight and self.bias then
    return {self.weight, self.bias}, {self.gradWeight, self.gradBias}
  elseif self.weight then
    return {self.weight}, {self.gradWeight}
  elseif self.bias then
    return {self.bias}, {self.gradBias}
  end
end

function Module:updateOutput(input)
  return self.output
end

function Module:forward(input)
  return self:updateOutput(input)
end

function Module:backward(input, gradOutput, scale)
  scale = scale or 1
  self:updateGradInput(input, gradOutput)
  self:accGradParameters(input, gradOutput, scale)
  return self.gradInput
end

function Module:backwardUpdate(input, gradOutput, lr)
  self:updateGradInput(input, gradOutput)
  self:accUpdateGradParameters(input, gradOutput, lr)
  return self.gradInput
end

function Module:updateGradInput(input, gradOutput)
  return self.gradInput
end

function Module:accGradParameters(input, gradOutput, scale)
end

-- accumulate -lr * gradient straight into the parameters: run accGradParameters with the
-- parameters standing in for the gradient buffers
function Module:accUpdateGradParameters(input, gradOutput, lr)
  local gradWeight, gradBias = self.gradWeight, self.gradBias
  self.gradWeight, self.gradBias = self.weight, self.bias
  self:accGradParameters(input, gradOutput, -lr)
  self.gradWeight, self.gradBias = gradWeight, gradBias
end

function Module:sharedAccUpdateGradParameters(input, gradOutput, lr)
  if self:parameters() then
    self:zeroGradParameters()
    self:accGradParameters(input, gradOutput, 1)
    self:updateParameters(lr)
  end
end

function Module:zeroGradParameters()
  local _, gradParams = self:parameters()
  if gradParams then
    for i = 1, #gradParams do gradParams[i]:zero() end
  end
end

function Module:updateParameters(learningRate)
  local params, gradParams = self:parameters()
  if params then
    for i = 1, #params do params[i]:add(-learningRate, gradParams[i]) end
  end
end

function Module:training()
  self.train = true
end

function Module:evaluate()
  self.train = false
end

-- make the named fields of self views of mlp's (weights shared between modules)
function Module:share(mlp, ...)
  for _, name in ipairs({...}) do
    if self[name] ~= nil then
      self[name]:set(mlp[name])
      self.accUpdateGradParameters = self.sharedAccUpdateGradParameters
      mlp.accUpdateGradParameters = mlp.sharedAccUpdateGradParameters
    end
  end
  return self
end

function Module:clone(...)
  local clone = nn.utils.deepcopy(self)
  if select('#', ...) > 0 then clone:share(self, ...) end
  return clone
end

function Module:type(typename, tensorCache)
  if not typename then return self._type end
  tensorCache = tensorCache or {}
  for key, param in pairs(self) do
    self[key] = nn.utils.recursiveType(param, typename, tensorCache)
  end
  self._type = typename
  return self
end

function Module:float(...) return self:type('torch.FloatTensor', ...) end
function Module:double(...) return self:type('torch.DoubleTensor', ...) end
function Module:cuda(...) return self:type('torch.CudaTensor', ...) end

function Module:reset()
end

function Module:__call__(input, gradOutput)
  self:forward(input)
  if gradOutput then
    self:backward(input, gradOutput)
    return self.output, self.gradInput
  end
  return self.output
end

-- modules of type typename found in self (and in its children), with their containers
function Module:findModules(typename, container)
  container = container or self
  local nodes, containers = {}, {}
  if torch.type(self) == typename then
    nodes[#nodes + 1] = self
    containers[#containers + 1] = container
  end
  if self.modules then
    for _, child in ipairs(self.modules) do
      local n, c = child:findModules(typename, self)
      for i = 1, #n do
        nodes[#nodes + 1] = n[i]
        containers[#containers + 1] = c[i]
      end
    end
  end
  return nodes, containers
end

function Module:listModules()
  local list = {self}
  if self.modules then
    for _, child in ipairs(self.modules) do
      for _, m in ipairs(child:listModules()) do list[#list + 1] = m end
    end
  end
  return list
end

function Module:clearState()
  return nn.utils.clear(self, 'output', 'gradInput')
end

function Module:apply(callback)
  callback(self)
  if self.modules then
    for _, m in ipairs(self.modules) do m:apply(callback) end
  end
end

function Module:replace(callback)
  local out = callback(self)
  if self.modules then
    for i, m in ipairs(self.modules) do self.modules[i] = m:replace(callback) end
  end
  return out
end

-- one flat tensor holding every tensor of `parameters`; the tensors become views of it
-- (tensors that shared storage still share; unused storage between them is squeezed out)
function Module.flatten(parameters)
  if not parameters or #parameters == 0 then return torch.Tensor() end
  return nn._K.Module_flatten(parameters)
end

function Module:getParameters()
  local parameters, gradParameters = self:parameters()
  local p = Module.flatten(parameters)
  local g = Module.flatten(gradParameters)
  if p:nElement() ~= g:nElement() then
    error('check that you are sharing parameters and gradParameters')
  end
  return p, g
end

function Module:__tostring__()
  return torch.type(self)
end

return Module
