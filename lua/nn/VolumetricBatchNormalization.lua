-- nn.VolumetricBatchNormalization(nFeature [, eps, momentum, affine]): BatchNormalization of a
-- batch x nFeature x time x height x width input
require 'nn.BatchNormalization'
local BN, _ = torch.class('nn.VolumetricBatchNormalization', 'nn.BatchNormalization')

BN.nDim = 5

return BN
