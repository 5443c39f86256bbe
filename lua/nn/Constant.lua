-- nn.Constant(value [, nInputDim]): outputs `value` (a tensor, or a number made a 1-element
-- tensor) whatever the input; an input with more than nInputDim dimensions is a batch, and the
-- value is repeated along its first dimension. The gradient with respect to the input is zero.
require 'nn.Module'
local Constant, parent = torch.class('nn.Constant', 'nn.Module')

function Constant:__init(value, nInputDim)
  if type(value) == 'number' then value = torch.Tensor({value}) end
  assert(torch.isTensor(value), 'Expecting number or tensor at arg 1')
  self.value = value
  self.nInputDim = nInputDim
  parent.__init(self)
end

function Constant:updateOutput(input)
  local value = self.value
  if self.nInputDim and input:dim() > self.nInputDim then
    local vsize = value:size():totable()
    self.output:resize(input:size(1), table.unpack(vsize))
    self.output:copy(value:view(1, table.unpack(vsize)):expandAs(self.output))
  else
    self.output:resize(value:size()):copy(value)
  end
  return self.output
end

function Constant:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(input):zero()
  return self.gradInput
end

return Constant
