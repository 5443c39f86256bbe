-- nn.Log: y = log(x)
require 'nn.Module'
local Log, parent = torch.class('nn.Log', 'nn.Module')
local K = nn._K

function Log:updateOutput(input)
  K.Log_updateOutput(input, self.output)
  return self.output
end

function Log:updateGradInput(input, gradOutput)
  K.Log_updateGradInput(input, gradOutput, self.gradInput)
  return self.gradInput
end

return Log
