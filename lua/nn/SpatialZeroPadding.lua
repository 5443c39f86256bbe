-- nn.SpatialZeroPadding(pad_l [, pad_r=pad_l, pad_t=pad_l, pad_b=pad_l]): pads the last two
-- dims of a 3D or 4D input with zeros (negative pads crop)
require 'nn.Module'
local SpatialZeroPadding, parent = torch.class('nn.SpatialZeroPadding', 'nn.Module')
local K = nn._K

function SpatialZeroPadding:__init(pad_l, pad_r, pad_t, pad_b)
  parent.__init(self)
  self.pad_l = pad_l
  self.pad_r = pad_r or self.pad_l
  self.pad_t = pad_t or self.pad_l
  self.pad_b = pad_b or self.pad_l
end

function SpatialZeroPadding:updateOutput(input)
  K.SpatialZeroPadding_updateOutput(input, self.output, self.pad_l, self.pad_r, self.pad_t,
    self.pad_b)
  return self.output
end

function SpatialZeroPadding:updateGradInput(input, gradOutput)
  K.SpatialZeroPadding_updateGradInput(input, gradOutput, self.gradInput, self.pad_l,
    self.pad_r, self.pad_t, self.pad_b)
  return self.gradInput
end

function SpatialZeroPadding:__tostring__()
  return torch.type(self) .. string.format('(l=%d, r=%d, t=%d, b=%d)', self.pad_l, self.pad_r,
    self.pad_t, self.pad_b)
end

return SpatialZeroPadding
