-- nn.SpatialReflectionPadding(pad_l [, pad_r=pad_l, pad_t=pad_l, pad_b=pad_l]): pads the last two
-- dims of a 3D or 4D input with the mirror image of the border (negative pads crop).
-- Its methods are the padding modules' shared ones (nn._padding) with its own kernels.
require 'nn.Module'
local SpatialReflectionPadding, parent = torch.class('nn.SpatialReflectionPadding', 'nn.Module')

return require('nn._padding').define(SpatialReflectionPadding, parent, 'SpatialReflectionPadding')
