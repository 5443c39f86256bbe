-- nn.AddConstant(c [, inplace=false]): y = x + c; c a number, or a vector added to each row of
-- a 1D/2D input (in place: x is shifted, and restored in backward)
require 'nn.Module'
local AddConstant, parent = torch.class('nn.AddConstant', 'nn.Module')

function AddConstant:__init(constant_scalar, ip)
  parent.__init(self)
  self.constant_scalar = constant_scalar
  if ip and type(ip) ~= 'boolean' then error('in-place flag must be boolean') end
  self.inplace = ip or false
end

function AddConstant:updateOutput(input)
  local c = self.constant_scalar
  assert(type(c) == 'number' or (torch.isTensor(c) and input:nDimension() <= 2
    and input:size(input:nDimension()) == c:size(1)),
    'input is not scalar or doesn\'t match with the dimension of constant!')
  if torch.isTensor(c) and input:nDimension() == 2 then
    c = c.new():resize(1, c:size(1)):copy(c):expand(input:size(1), c:size(1))
  end
  if self.inplace then
    input:add(c)
    self.output:set(input)
  else
    self.output:resizeAs(input):copy(input):add(c)
  end
  return self.output
end

function AddConstant:updateGradInput(input, gradOutput)
  if self.inplace then
    self.gradInput:set(gradOutput)
    input:add(-self.constant_scalar)
  else
    self.gradInput:resizeAs(gradOutput):copy(gradOutput)
  end
  return self.gradInput
end

return AddConstant
