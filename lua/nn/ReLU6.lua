-- nn.ReLU6([inplace=false]): y = min(max(0, x), 6)
require 'nn.Module'
local ReLU6, parent = torch.class('nn.ReLU6', 'nn.Module')
local K = nn._K

function ReLU6:__init(inplace)
  parent.__init(self)
  if inplace and type(inplace) ~= 'boolean' then error('in-place flag must be boolean') end
  self.inplace = inplace or false
end

function ReLU6:updateOutput(input)
  K.HardTanh_updateOutput(input, self.output, 0, 6, self.inplace)
  return self.output
end

function ReLU6:updateGradInput(input, gradOutput)
  K.HardTanh_updateGradInput(input, gradOutput, self.gradInput, 0, 6, self.inplace)
  return self.gradInput
end

return ReLU6
