-- nn.Replicate(nFeature [, dim=1, ndim]): a view of the input repeated nFeature times along a
-- new dimension dim (stride 0); with ndim, inputs of more than ndim dimensions are batches
require 'nn.Module'
local Replicate, parent = torch.class('nn.Replicate', 'nn.Module')
local K = nn._K

function Replicate:__init(nf, dim, ndim)
  parent.__init(self)
  self.nfeatures = nf
  self.dim = dim or 1
  self.ndim = ndim
  assert(self.dim > 0, 'Can only replicate across positive integer dimensions.')
end

function Replicate:_rdim(input)
  self.dim = self.dim or 1
  assert(self.dim <= input:dim() + 1,
    'Not enough input dimensions to replicate along dimension ' .. tostring(self.dim) .. '.')
  local batchOffset = self.ndim and input:dim() > self.ndim and 1 or 0
  return self.dim + batchOffset
end

function Replicate:updateOutput(input)
  K.Replicate_updateOutput(input, self.output, self.nfeatures, self:_rdim(input))
  return self.output
end

function Replicate:updateGradInput(input, gradOutput)
  K.Replicate_updateGradInput(input, gradOutput, self.gradInput, self:_rdim(input))
  return self.gradInput
end

return Replicate
