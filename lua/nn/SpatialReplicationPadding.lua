-- nn.SpatialReplicationPadding(pad_l [, pad_r=pad_l, pad_t=pad_l, pad_b=pad_l]): pads the last two
-- dims of a 3D or 4D input by repeating the border pixels (negative pads crop)
require 'nn.Module'
local SpatialReplicationPadding, parent = torch.class('nn.SpatialReplicationPadding', 'nn.Module')
local K = nn._K

function SpatialReplicationPadding:__init(pad_l, pad_r, pad_t, pad_b)
  parent.__init(self)
  self.pad_l = pad_l
  self.pad_r = pad_r or self.pad_l
  self.pad_t = pad_t or self.pad_l
  self.pad_b = pad_b or self.pad_l
end

function SpatialReplicationPadding:updateOutput(input)
  K.SpatialReplicationPadding_updateOutput(input, self.output, self.pad_l, self.pad_r, self.pad_t,
    self.pad_b)
  return self.output
end

function SpatialReplicationPadding:updateGradInput(input, gradOutput)
  K.SpatialReplicationPadding_updateGradInput(input, gradOutput, self.gradInput, self.pad_l,
    self.pad_r, self.pad_t, self.pad_b)
  return self.gradInput
end

function SpatialReplicationPadding:__tostring__()
  return torch.type(self) .. string.format('(l=%d, r=%d, t=%d, b=%d)', self.pad_l, self.pad_r,
    self.pad_t, self.pad_b)
end

return SpatialReplicationPadding
