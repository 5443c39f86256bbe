-- autograd.model: ready-made differentiable models. Each returns f(params, input, ...) and the
-- parameters it was built with (plus its layers, for the feed-forward ones).
return {
  NeuralNetwork = require 'autograd.model.NeuralNetwork',
  SpatialNetwork = require 'autograd.model.SpatialNetwork',
  RecurrentNetwork = require 'autograd.model.RecurrentNetwork',
  RecurrentLSTMNetwork = require 'autograd.model.RecurrentLSTMNetwork',
  RecurrentGRUNetwork = require 'autograd.model.RecurrentGRUNetwork',
  RecurrentFWNetwork = require 'autograd.model.RecurrentFWNetwork',
  AlexNet = require 'autograd.model.AlexNet',
}
