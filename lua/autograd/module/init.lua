-- autograd.module: differentiable building blocks written with autograd itself.
return {
  LayerNormalization = require 'autograd.module.LayerNormalization',
  MaskedBatchNormalization = require 'autograd.module.MaskedBatchNormalization',
  SoftAttention = require 'autograd.module.SoftAttention',
}
