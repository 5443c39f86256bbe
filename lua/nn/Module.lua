-- nn.Module: the base of every layer. State lives in the object's fields (output, gradInput,
-- weight, gradWeight, train, ...); subclasses override updateOutput / updateGradInput /
-- accGradParameters, and everything here only calls those through self.
local Module = torch.class('nn.Module')

function Module:__init()
  self.gradInput = torch.Tensor()
  self.output = torch.Tensor()
  self._type = self.output:type()
end

-- {params}, {gradParams}: weight and bias when the module has them, nothing otherwise
function Module:parameters()
  local w, b = self.weight, self.bias
  if w and b then
    return {w, b}, {self.gradWeight, self.gradBias}
  elseif w then
    return {w}, {self.gradWeight}
  elseif b then
    return {b}, {self.gradBias}
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

-- parameters -= lr * gradient of this sample. A module whose parameters are shared with another
-- (share / clone with names) goes through its gradient buffers; otherwise the parameters stand in
-- for the gradient buffers and accGradParameters adds -lr * gradient straight into them.
function Module:accUpdateGradParameters(input, gradOutput, lr)
  if self.shared then
    self:sharedAccUpdateGradParameters(input, gradOutput, lr)
  else
    self:defaultAccUpdateGradParameters(input, gradOutput, lr)
  end
end

function Module:defaultAccUpdateGradParameters(input, gradOutput, lr)
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
      self.shared = true
      mlp.shared = true
    end
  end
  return self
end

-- a deep copy (as writing to a file and reading back would give); with field names, those
-- fields of the copy share the original's tensors (of this module and of every module inside)
function Module:clone(...)
  local names = {...}
  local skip
  if #names > 0 then
    skip = {}
    for _, n in ipairs(names) do skip[n] = true end
  end
  local clone = nn.utils.deepcopy(self, skip)
  if #names > 0 then clone:share(self, ...) end
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

-- serialization: every field, as a plain table
function Module:write(file)
  local fields = {}
  for k, v in pairs(self) do fields[k] = v end
  file:writeObject(fields)
end

function Module:read(file)
  for k, v in pairs(file:readObject()) do self[k] = v end
end

function Module:__call__(input, gradOutput)
  self:forward(input)
  if gradOutput then
    self:backward(input, gradOutput)
    return self.output, self.gradInput
  end
  return self.output
end

-- callback(module) on self then on every module inside, depth first
function Module:apply(callback)
  callback(self)
  if self.modules then
    for _, m in ipairs(self.modules) do m:apply(callback) end
  end
end

-- modules of class `typename` (exactly) in self and below, with the container holding each
function Module:findModules(typename, container)
  container = container or self
  local nodes, containers = {}, {}
  if torch.typename(self) == typename then
    nodes[1] = self
    containers[1] = container
  end
  if type(self.modules) == 'table' then
    for i = 1, #self.modules do
      local n, c = self.modules[i]:findModules(typename, self)
      for j = 1, #n do
        nodes[#nodes + 1] = n[j]
        containers[#containers + 1] = c[j]
      end
    end
  end
  return nodes, containers
end

-- self, then every module inside in depth-first order
function Module:listModules()
  local list = {self}
  local function append(x)
    if torch.type(x) == 'table' then
      for i = 1, #x do append(x[i]) end
    else
      list[#list + 1] = x
    end
  end
  if self.modules then
    for i = 1, #self.modules do
      local sub = self.modules[i]:listModules()
      if sub then append(sub) end
    end
  end
  return list
end

function Module:clearState()
  return nn.utils.clear(self, 'output', 'gradInput')
end

-- like apply, but callback(module) returns the module to put in its place
function Module:replace(callback)
  local out = callback(self)
  if self.modules then
    for i, m in ipairs(self.modules) do self.modules[i] = m:replace(callback) end
  end
  return out
end

-- one flat tensor holding every tensor of `parameters`; the tensors become views of it
-- (tensors that shared storage still share; unused storage between them is squeezed out)
Module._flattenTensorBuffer = {}
function Module.flatten(parameters)
  if not parameters or #parameters == 0 then return torch.Tensor() end
  return nn._K.Module_flatten(parameters)
end

function Module:getParameters()
  local parameters, gradParameters = self:parameters()
  local p, g = Module.flatten(parameters), Module.flatten(gradParameters)
  assert(p:nElement() == g:nElement(), 'check that you are sharing parameters and gradParameters')
  if parameters then
    for i = 1, #parameters do
      assert(parameters[i]:storageOffset() == gradParameters[i]:storageOffset(),
             'misaligned parameter at ' .. tostring(i))
    end
  end
  return p, g
end

function Module:__tostring__()
  return torch.type(self)
end

return Module
