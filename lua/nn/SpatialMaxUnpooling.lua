-- nn.SpatialMaxUnpooling(poolingModule): puts each input value back where the given
-- SpatialMaxPooling (kernel == stride) found its max; zeros elsewhere
require 'nn.Module'
local SpatialMaxUnpooling, parent = torch.class('nn.SpatialMaxUnpooling', 'nn.Module')
local K = nn._K

function SpatialMaxUnpooling:__init(poolingModule)
  parent.__init(self)
  assert(torch.type(poolingModule) == 'nn.SpatialMaxPooling',
    'Argument must be a nn.SpatialMaxPooling module')
  assert(poolingModule.kH == poolingModule.dH and poolingModule.kW == poolingModule.dW,
    "The size of pooling module's kernel must be equal to its stride")
  self.pooling = poolingModule
end

function SpatialMaxUnpooling:setParams()
  self.indices = self.pooling.indices
  self.oheight = self.pooling.iheight
  self.owidth = self.pooling.iwidth
end

function SpatialMaxUnpooling:updateOutput(input)
  self:setParams()
  K.SpatialMaxUnpooling_updateOutput(input, self.output, self.indices, self.owidth, self.oheight)
  return self.output
end

function SpatialMaxUnpooling:updateGradInput(input, gradOutput)
  self:setParams()
  K.SpatialMaxUnpooling_updateGradInput(input, gradOutput, self.gradInput, self.indices,
    self.owidth, self.oheight)
  return self.gradInput
end

function SpatialMaxUnpooling:empty()
  self:clearState()
end

function SpatialMaxUnpooling:__tostring__()
  return 'nn.SpatialMaxUnpooling associated to ' .. tostring(self.pooling)
end

return SpatialMaxUnpooling
