-- nn.Contiguous: the input itself when contiguous, else a contiguous copy (same for gradients)
require 'nn.Module'
local Contiguous, parent = torch.class('nn.Contiguous', 'nn.Module')

-- a copy must not be written into a view of its own source
local function sameStorage(a, b)
  local sa, sb = a:storage(), b:storage()
  return sa ~= nil and sb ~= nil and torch.pointer(sa) == torch.pointer(sb)
end

function Contiguous:updateOutput(input)
  if not input:isContiguous() then
    if sameStorage(self.output, input) then self.output:set() end
    self.output:resizeAs(input):copy(input)
  else
    self.output:set(input)
  end
  return self.output
end

function Contiguous:updateGradInput(input, gradOutput)
  if not gradOutput:isContiguous() then
    if sameStorage(self.gradInput, gradOutput) then self.gradInput:set() end
    self.gradInput:resizeAs(gradOutput):copy(gradOutput)
  else
    self.gradInput:set(gradOutput)
  end
  return self.gradInput
end

return Contiguous
