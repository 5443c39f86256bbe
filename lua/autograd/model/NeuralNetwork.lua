-- autograd.model.NeuralNetwork(opt [, params, layers, layer2params]) -> f, params, layers
-- A multi-layer perceptron: a Reshape to opt.inputFeatures (10), then for each size of
-- opt.hiddenFeatures ({100, 2}): dropout (opt.dropoutProbs[i] or opt.dropoutProb), Linear,
-- batch normalization (opt.batchNormalization), activation (opt.activations, 'ReLU'; none
-- after the last layer when opt.classifier).
local common = require 'autograd.model.common'
local cast = require('autograd.util').cast

return function(opt, params, layers, layer2params)
  opt = opt or {}
  local nn = common.nn()
  local nIn = opt.inputFeatures or 10
  local hidden = opt.hiddenFeatures or {100, 2}
  local dropout = opt.dropoutProb or 0
  local dropouts = opt.dropoutProbs or {}
  local activations = opt.activations or 'ReLU'
  params = params or {}
  layers = layers or {}
  layer2params = layer2params or {}

  common.push(layers, params, layer2params, nn.Reshape(nIn))
  for i, nOut in ipairs(hidden) do
    local last = opt.classifier and i == #hidden
    local p = dropouts[i] or dropout
    if p > 0 then common.push(layers, params, layer2params, nn.Dropout(p)) end
    common.push(layers, params, layer2params, nn.Linear(nIn, nOut))
    if opt.batchNormalization and not last then
      common.push(layers, params, layer2params, nn.BatchNormalization(nOut))
    end
    if activations and not last then
      common.push(layers, params, layer2params, nn[activations]())
    end
    nIn = nOut
  end
  if opt.cuda then params = cast(params, 'cuda') end
  return common.sequence(layers, layer2params), params, layers
end
