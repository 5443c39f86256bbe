-- nn.SpatialBatchNormalization(nFeature [, eps, momentum, affine]): BatchNormalization of each
-- plane of a batch x nFeature x height x width input (statistics over batch and pixels)
require 'nn.BatchNormalization'
local BN, _ = torch.class('nn.SpatialBatchNormalization', 'nn.BatchNormalization')

BN.__version = 2
BN.nDim = 4

return BN
