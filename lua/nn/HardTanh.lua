-- nn.HardTanh([min=-1, max=1, inplace=false]): y = clamp(x, min, max)
require 'nn.Module'
local HardTanh, parent = torch.class('nn.HardTanh', 'nn.Module')
local K = nn._K

function HardTanh:__init(min_value, max_value, inplace)
  parent.__init(self)
  self.min_val = min_value or -1
  self.max_val = max_value or 1
  self.inplace = inplace or false
  if inplace and type(inplace) ~= 'boolean' then error('in-place flag must be boolean') end
  assert(self.max_val > self.min_val, 'max_value must be larger than min_value')
end

function HardTanh:updateOutput(input)
  self.min_val = self.min_val or -1
  self.max_val = self.max_val or 1
  K.HardTanh_updateOutput(input, self.output, self.min_val, self.max_val, self.inplace or false)
  return self.output
end

function HardTanh:updateGradInput(input, gradOutput)
  K.HardTanh_updateGradInput(input, gradOutput, self.gradInput, self.min_val, self.max_val,
    self.inplace or false)
  return self.gradInput
end

return HardTanh
