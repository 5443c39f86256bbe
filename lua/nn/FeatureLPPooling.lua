-- nn.FeatureLPPooling(width, stride, power [, batch_mode]): LP pooling across features: output
-- feature f is (sum of input features f*stride .. f*stride+width-1 to the power)^(1/power).
-- The feature dimension is the first (the second in batch mode); up to two more dimensions.
require 'nn.Module'
local FeatureLPPooling, parent = torch.class('nn.FeatureLPPooling', 'nn.Module')
local K = nn._K

function FeatureLPPooling:__init(width, stride, power, batch_mode)
  parent.__init(self)
  if width < 2 or width > 16 then error('width must be within 2 to 16') end
  if stride < 1 or stride > 4 then error('stride must be within 1 to 4') end
  self.width = width
  self.stride = stride
  self.power = power
  self.batch_mode = batch_mode
  self.output = torch.Tensor()
  self.gradInput = torch.Tensor()
end

function FeatureLPPooling:updateOutput(input)
  K.FeatureLPPooling_updateOutput(input, self.output, self.power, self.width, self.stride,
    self.batch_mode and true or false)
  return self.output
end

function FeatureLPPooling:updateGradInput(input, gradOutput)
  K.FeatureLPPooling_updateGradInput(gradOutput, input, self.output, self.gradInput, self.power,
    self.width, self.stride, self.batch_mode and true or false)
  return self.gradInput
end

function FeatureLPPooling:__tostring__()
  return string.format('%s(w%d s%d power %d batch %d', torch.type(self), self.width,
    self.stride, self.power, self.batch_mode and 1 or 0)
end

return FeatureLPPooling
