-- nn.LogSoftMax: y_i = x_i - log(sum_j exp(x_j)) over the feature dimension
require 'nn.Module'
local LogSoftMax, _ = torch.class('nn.LogSoftMax', 'nn.Module')
local K = nn._K

function LogSoftMax:updateOutput(input)
  K.LogSoftMax_updateOutput(input, self.output)
  return self.output
end

function LogSoftMax:updateGradInput(input, gradOutput)
  K.LogSoftMax_updateGradInput(input, gradOutput, self.gradInput, self.output)
  return self.gradInput
end

return LogSoftMax
