-- nn.NaN(module [, id]): a decorator raising an error as soon as its module's output, gradInput
-- or parameter gradients contain a NaN, saying where it came from (input, parameters, gradOutput
-- or the module itself). Modules get consecutive ids unless one is given.
require 'nn.Decorator'
local NaN, parent = torch.class('nn.NaN', 'nn.Decorator')

local lastId = 0
function NaN.newId()
  lastId = lastId + 1
  return lastId
end

function NaN:__init(module, id)
  parent.__init(self, module)
  self.id = id or NaN.newId()
end

-- does the tensor (or nested table of tensors) hold a NaN? (a NaN anywhere makes the sum NaN)
function NaN:recursiveIsNaN(x)
  if torch.type(x) == 'table' then
    for _, v in pairs(x) do
      if self:recursiveIsNaN(v) then return true end
    end
    return false
  end
  local s = x:sum()
  return s ~= s
end

local function fail(self, what)
  error(string.format('NaN found in %s of module :\n%s', what, self:__tostring__()))
end

function NaN:updateOutput(input)
  self.output = self.modules[1]:updateOutput(input)
  if self:recursiveIsNaN(self.output) then
    if self:recursiveIsNaN(input) then fail(self, 'input') end
    local params = self:parameters()
    if params and self:recursiveIsNaN(params) then fail(self, 'parameters') end
    fail(self, 'output')
  end
  return self.output
end

function NaN:updateGradInput(input, gradOutput)
  self.gradInput = self.modules[1]:updateGradInput(input, gradOutput)
  if self:recursiveIsNaN(self.gradInput) then
    if self:recursiveIsNaN(gradOutput) then fail(self, 'gradOutput') end
    fail(self, 'gradInput')
  end
  return self.gradInput
end

function NaN:accGradParameters(input, gradOutput, scale)
  self.modules[1]:accGradParameters(input, gradOutput, scale)
  local _, gradParams = self:parameters()
  if gradParams and self:recursiveIsNaN(gradParams) then fail(self, 'gradParameters') end
end

function NaN:__tostring__()
  local m = self.modules[1]
  local s = torch.type(self) .. '(' .. self.id .. ')'
  return s .. ' @ ' .. (m.__tostring__ and m:__tostring__() or torch.type(m))
end

return NaN
