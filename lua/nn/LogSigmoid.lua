-- nn.LogSigmoid: y = log(1 / (1 + exp(-x))), computed stably; self.buffer keeps a term for backward
require 'nn.Module'
local LogSigmoid, parent = torch.class('nn.LogSigmoid', 'nn.Module')
local K = nn._K

function LogSigmoid:updateOutput(input)
  self.buffer = self.buffer or input.new()
  K.LogSigmoid_updateOutput(input, self.output, self.buffer)
  return self.output
end

function LogSigmoid:updateGradInput(input, gradOutput)
  K.LogSigmoid_updateGradInput(input, gradOutput, self.gradInput, self.buffer)
  return self.gradInput
end

function LogSigmoid:clearState()
  if self.buffer then self.buffer:set() end
  return parent.clearState(self)
end

return LogSigmoid
