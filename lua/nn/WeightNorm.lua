-- nn.WeightNorm(module [, outputDim=1]): weight normalisation of a module with a weight,
-- w = g * v / ||v||, the norm taken over every dimension of w but outputDim. The parameters are
-- v (nOut x rest), g (nOut) and the module's bias; the module's weight is recomputed from them
-- at each forward while training.
require 'nn.Decorator'
local WeightNorm, parent = torch.class('nn.WeightNorm', 'nn.Decorator')
local K = nn._K

function WeightNorm:__init(module, outputDim)
  parent.__init(self, module)
  assert(module.weight)
  if module.bias then
    self.bias = module.bias
    self.gradBias = module.gradBias
  end
  self.weight = module.weight
  self.gradWeight = module.gradWeight
  self.outputDim = outputDim or 1

  local w = self.weight
  local nOut = w:size(self.outputDim)
  self.otherDims = w:nElement() / nOut
  self.viewIn = torch.LongStorage({nOut, self.otherDims})
  -- the weight's sizes with outputDim moved first
  self.viewOut = w:size()
  self.weightSize = w:size()
  for i = self.outputDim - 1, 1, -1 do
    self.viewOut[i], self.viewOut[i + 1] = self.viewOut[i + 1], self.viewOut[i]
  end

  self.v = torch.Tensor(nOut, self.otherDims)
  self.g = torch.Tensor(nOut)
  self._norm = torch.Tensor(nOut)
  self._scale = torch.Tensor(nOut)
  self.gradG = torch.Tensor(nOut):zero()
  self.gradV = torch.Tensor(self.viewIn)
  self:resetInit()
end

-- move dimension outputDim to the front / back to its place
function WeightNorm:permuteIn(t)
  for i = self.outputDim - 1, 1, -1 do t = t:transpose(i, i + 1) end
  return t
end

function WeightNorm:permuteOut(t)
  for i = 1, self.outputDim - 1 do t = t:transpose(i, i + 1) end
  return t
end

function WeightNorm:resetInit(inputSize, outputSize)
  self.v:normal(0, math.sqrt(2 / self.viewIn[2]))
  self.g:norm(self.v, 2, 2)
  if self.bias then self.bias:zero() end
end

function WeightNorm:updateWeight()
  K.WeightNorm_updateWeight(self.v, self.g, self.weight, self._norm, self._scale, self.outputDim)
end

function WeightNorm:evaluate()
  if self.train ~= false then
    self:updateWeight()
    parent.evaluate(self)
  end
end

function WeightNorm:updateOutput(input)
  if self.train ~= false then self:updateWeight() end
  self.output:set(self.modules[1]:updateOutput(input))
  return self.output
end

function WeightNorm:updateGradInput(input, gradOutput)
  self.gradInput:set(self.modules[1]:updateGradInput(input, gradOutput))
  return self.gradInput
end

function WeightNorm:accGradParameters(input, gradOutput, scale)
  self.modules[1]:accGradParameters(input, gradOutput, scale or 1)
  K.WeightNorm_accGradParameters(self.v, self.gradWeight, self.gradV, self.gradG, self._norm,
    self._scale, self.outputDim)
end

function WeightNorm:zeroGradParameters()
  self.modules[1]:zeroGradParameters()
  self.gradV:zero()
  self.gradG:zero()
end

function WeightNorm:updateParameters(lr)
  self.modules[1]:updateParameters(lr)
  self.g:add(-lr, self.gradG)
  self.v:add(-lr, self.gradV)
end

function WeightNorm:parameters()
  if self.bias then
    return {self.v, self.g, self.bias}, {self.gradV, self.gradG, self.gradBias}
  end
  return {self.v, self.g}, {self.gradV, self.gradG}
end

-- weight and gradWeight are not saved: read() recomputes them from v and g
function WeightNorm:write(file)
  local m = self.modules[1]
  local weight, gradWeight = m.weight, m.gradWeight
  self.weight, self.gradWeight, m.weight, m.gradWeight = nil, nil, nil, nil
  self.weightSize = self.weightSize or weight:size()
  parent.write(self, file)
  m.weight, m.gradWeight = weight, gradWeight
  self.weight, self.gradWeight = weight, gradWeight
end

function WeightNorm:read(file)
  parent.read(self, file)
  if not self.weight then
    local m = self.modules[1]
    m.weight = self.v.new(self.weightSize)
    m.gradWeight = self.v.new(self.weightSize)
    self.weight, self.gradWeight = m.weight, m.gradWeight
    self:updateWeight()
    self.gradWeight:copy(self:permuteOut(self.gradV:view(self.viewOut)))
  end
end

return WeightNorm
