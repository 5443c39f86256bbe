-- autograd.model.AlexNet(depth, height, width [, convOpt, mlpOpt, params, layers,
-- layer2params]) -> f, params, layers
-- A SpatialNetwork (convOpt, as autograd.model.SpatialNetwork; its inputFeatures is the image
-- depth) followed by a NeuralNetwork (mlpOpt, as autograd.model.NeuralNetwork; its input size
-- is the convolutional part's output size for a depth x height x width image, found by running
-- it once on a random image). One kernel size and padding for all layers (kernelSizes or
-- paddings: an error). The MLP is a classifier unless mlpOpt.classifier says otherwise; cuda on
-- either part makes both Cuda.
local common = require 'autograd.model.common'
local NeuralNetwork = require 'autograd.model.NeuralNetwork'
local SpatialNetwork = require 'autograd.model.SpatialNetwork'

return function(depth, height, width, convOpt, mlpOpt, params, layers, layer2params)
  for i, v in ipairs({depth, height, width}) do
    if type(v) ~= 'number' then
      error('autograd.model.AlexNet: image depth, height and width expected (argument ' .. i ..
            ' is ' .. type(v) .. ')', 2)
    end
  end
  convOpt = convOpt or {}
  if convOpt.inputFeatures then
    print('Input features set will be overridden with the imageDepth value provided: ' ..
          tostring(depth))
  end
  if convOpt.kernelSizes then error('Currently, per-layer kernel sizes are not supported', 2) end
  if convOpt.paddings then error('Currently, per-layer paddings are not supported', 2) end
  convOpt.inputFeatures = depth
  convOpt.kernelSize = convOpt.kernelSize or 5
  convOpt.hiddenFeatures = convOpt.hiddenFeatures or {16, 32, 64}
  convOpt.batchNormalization = convOpt.batchNormalization or false
  convOpt.dropoutProb = convOpt.dropoutProb or 0
  convOpt.dropoutProbs = convOpt.dropoutProbs or {}
  convOpt.activations = convOpt.activations or 'ReLU'
  convOpt.poolings = convOpt.poolings or {1, 1, 1}
  convOpt.inputStride = convOpt.inputStride or 1
  convOpt.cuda = convOpt.cuda or false

  mlpOpt = mlpOpt or {}
  if mlpOpt.inputFeatures then
    error('Input features on the fully-connected layers cannot be manually set, do not specify', 2)
  end
  mlpOpt.hiddenFeatures = mlpOpt.hiddenFeatures or {100, 2}
  mlpOpt.batchNormalization = mlpOpt.batchNormalization or false
  mlpOpt.dropoutProb = mlpOpt.dropoutProb or 0
  mlpOpt.dropoutProbs = mlpOpt.dropoutProbs or {}
  mlpOpt.activations = mlpOpt.activations or 'ReLU'
  if mlpOpt.classifier == nil then mlpOpt.classifier = true end
  mlpOpt.cuda = mlpOpt.cuda or false
  if mlpOpt.cuda ~= convOpt.cuda then
    print('')
    print('CUDA set on one, but not both of spatial and fully-connected layers. Setting all to CUDA.')
    mlpOpt.cuda, convOpt.cuda = true, true
  end

  params = params or {}
  layers = layers or {}
  layer2params = layer2params or {}
  local conv
  conv, params, layers = SpatialNetwork(convOpt, params, layers, layer2params)
  -- the size of the convolutional part's output for one image
  local probe = torch.randn(1, depth, height, width):typeAs(params[1][1]):contiguous()
  local out = conv(params, probe)
  mlpOpt.inputFeatures = out:size(2) * out:size(3) * out:size(4)
  local _
  _, params, layers = NeuralNetwork(mlpOpt, params, layers, layer2params)
  return common.sequence(layers, layer2params), params, layers
end
