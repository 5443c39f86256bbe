-- nn.DontCast(module [, castin [, castout [, moduleType]]]): a decorator whose module keeps its
-- tensor type when the network is converted (:float(), :type(...) leave it alone). With castin,
-- inputs of another type are copied to the module's type on the way in (and gradInput back to
-- the decorator's type); with castout (default: castin), outputs are copied to the decorator's
-- type and gradOutputs to the module's. moduleType defaults to the type of the module's output,
-- else of its parameters.
require 'nn.Decorator'
local DontCast, parent = torch.class('nn.DontCast', 'nn.Decorator')

-- dst (reused when it already has type typename) := src converted to typename, recursively
local function castCopy(dst, src, typename)
  if torch.type(src) == 'table' then
    dst = torch.type(dst) == 'table' and dst or {}
    for k, v in pairs(src) do dst[k] = castCopy(dst[k], v, typename) end
  elseif torch.isTensor(src) then
    if torch.type(dst) ~= typename then dst = torch.getmetatable(typename).new() end
    dst:resize(src:size())
    if src:nElement() > 0 then dst:copy(src) end
  end
  return dst
end

-- the type of the first tensor in x (a tensor or nested tables), and whether one was found
local function tensorType(x)
  if type(x) == 'table' then
    local typename, found
    for _, v in pairs(x) do
      typename, found = tensorType(v)
      if found then return typename, true end
    end
    return typename, found
  end
  return torch.type(x), torch.isTensor(x)
end

function DontCast:__init(module, castin, castout, moduleType)
  parent.__init(self, module)
  self.castin = castin
  if castout == nil then castout = castin end
  self.castout = castout
  self.moduleType = moduleType
  if (self.castin or self.castout) and not self.moduleType then
    local typename, found = tensorType(module.output)
    if not found then typename, found = tensorType((module:parameters())) end
    if not found then error('Cannot extrapolate moduleType. Provide constructor argument 4') end
    self.moduleType = typename
  end
end

local function needsCast(self, x)
  return tensorType(x) ~= self.moduleType
end

function DontCast:updateOutput(input)
  if self.castin and needsCast(self, input) then
    self._input = castCopy(self._input, input, self.moduleType)
    input = self._input
  end
  local output = self.modules[1]:updateOutput(input)
  if self.castout then
    self.output = castCopy(self.output, output, tensorType(self.output))
  else
    self.output = output
  end
  return self.output
end

-- the input and gradOutput the module saw (its own type)
local function moduleArgs(self, input, gradOutput)
  if self.castin and needsCast(self, input) then input = self._input end
  if self.castout and needsCast(self, gradOutput) then gradOutput = self._gradOutput end
  return input, gradOutput
end

function DontCast:updateGradInput(input, gradOutput)
  if self.castout and needsCast(self, gradOutput) then
    self._gradOutput = castCopy(self._gradOutput, gradOutput, self.moduleType)
  end
  input, gradOutput = moduleArgs(self, input, gradOutput)
  local gradInput = self.modules[1]:updateGradInput(input, gradOutput)
  if self.castin then
    self.gradInput = castCopy(self.gradInput, gradInput, tensorType(self.gradInput))
  else
    self.gradInput = gradInput
  end
  return self.gradInput
end

function DontCast:accGradParameters(input, gradOutput, scale)
  input, gradOutput = moduleArgs(self, input, gradOutput)
  self.modules[1]:accGradParameters(input, gradOutput, scale)
end

function DontCast:accUpdateGradParameters(input, gradOutput, lr)
  input, gradOutput = moduleArgs(self, input, gradOutput)
  self.modules[1]:accUpdateGradParameters(input, gradOutput, lr)
end

-- the module keeps its type; only the decorator's own output / gradInput change type
function DontCast:type(typename)
  if self.castout and tensorType(self.output) ~= typename then
    self.output = castCopy(nil, self.output, typename)
  end
  if self.castin and tensorType(self.gradInput) ~= typename then
    self.gradInput = castCopy(nil, self.gradInput, typename)
  end
  return self
end

return DontCast
