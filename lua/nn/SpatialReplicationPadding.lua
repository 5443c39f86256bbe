-- nn.SpatialReplicationPadding(pad_l [, pad_r=pad_l, pad_t=pad_l, pad_b=pad_l]): pads the last two
-- dims of a 3D or 4D input by repeating the border pixels (negative pads crop).
-- Its methods are the padding modules' shared ones (nn._padding) with its own kernels.
require 'nn.Module'
local SpatialReplicationPadding, parent = torch.class('nn.SpatialReplicationPadding', 'nn.Module')

return require('nn._padding').define(SpatialReplicationPadding, parent, 'SpatialReplicationPadding')
