-- autograd.model.SpatialNetwork(opt [, params, layers, layer2params]) -> f, params, layers
-- A convolutional network: for each size of opt.hiddenFeatures ({16, 32, 64}): spatial dropout,
-- a SpatialConvolutionMM of opt.kernelSize (5) padded to keep the size (opt.padding), batch
-- normalization (opt.batchNormalization), activation (opt.activations, 'ReLU'), max pooling
-- by opt.poolings[i] (1: none). opt.inputStride applies to the first layer.
local common = require 'autograd.model.common'
local cast = require('autograd.util').cast

return function(opt, params, layers, layer2params)
  opt = opt or {}
  local nn = common.nn()
  local k = opt.kernelSize or 5
  local pad = opt.padding or (k - 1) / 2
  local nIn = opt.inputFeatures or 3
  local hidden = opt.hiddenFeatures or {16, 32, 64}
  local dropout = opt.dropoutProb or 0
  local dropouts = opt.dropoutProbs or {}
  local poolings = opt.poolings or {1, 1, 1}
  local activations = opt.activations or 'ReLU'
  local stride = opt.inputStride or 1
  params = params or {}
  layers = layers or {}
  layer2params = layer2params or {}

  for i, nOut in ipairs(hidden) do
    local p = dropouts[i] or dropout
    if p > 0 then common.push(layers, params, layer2params, nn.SpatialDropout(p)) end
    common.push(layers, params, layer2params,
                nn.SpatialConvolutionMM(nIn, nOut, k, k, stride, stride, pad, pad))
    if opt.batchNormalization then
      common.push(layers, params, layer2params, nn.SpatialBatchNormalization(nOut))
    end
    if activations then common.push(layers, params, layer2params, nn[activations]()) end
    local pool = poolings[i] or 1
    if pool > 1 then common.push(layers, params, layer2params, nn.SpatialMaxPooling(pool, pool)) end
    nIn = nOut
    stride = 1
  end
  if opt.cuda then params = cast(params, 'cuda') end
  return common.sequence(layers, layer2params), params, layers
end
