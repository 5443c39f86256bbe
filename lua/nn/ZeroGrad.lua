-- nn.ZeroGrad(): the identity forward; backward gives a zero gradient (of the input's shape,
-- tables included), stopping backpropagation along this path.
require 'nn.Module'
local ZeroGrad, parent = torch.class('nn.ZeroGrad', 'nn.Module')

function ZeroGrad:updateOutput(input)
  self.output:set(input)
  return self.output
end

function ZeroGrad:updateGradInput(input, gradOutput)
  self.gradInput = nn.utils.recursiveResizeAs(self.gradInput, input)
  self.gradInput = nn.utils.recursiveFill(self.gradInput, 0)
  return self.gradInput
end

return ZeroGrad
