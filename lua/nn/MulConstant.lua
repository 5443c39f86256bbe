-- nn.MulConstant(c [, inplace=false]): y = c * x (in place: x is scaled, and restored in backward)
require 'nn.Module'
local MulConstant, parent = torch.class('nn.MulConstant', 'nn.Module')

function MulConstant:__init(constant_scalar, ip)
  parent.__init(self)
  assert(type(constant_scalar) == 'number', 'input is not scalar!')
  self.constant_scalar = constant_scalar
  if ip and type(ip) ~= 'boolean' then error('in-place flag must be boolean') end
  self.inplace = ip or false
end

function MulConstant:updateOutput(input)
  if self.inplace then
    input:mul(self.constant_scalar)
    self.output:set(input)
  else
    self.output:resizeAs(input):copy(input):mul(self.constant_scalar)
  end
  return self.output
end

function MulConstant:updateGradInput(input, gradOutput)
  if not self.gradInput then return end
  if self.inplace then
    gradOutput:mul(self.constant_scalar)
    self.gradInput:set(gradOutput)
    input:div(self.constant_scalar)
  else
    self.gradInput:resizeAs(gradOutput):copy(gradOutput):mul(self.constant_scalar)
  end
  return self.gradInput
end

return MulConstant
