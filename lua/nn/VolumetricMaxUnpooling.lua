-- nn.VolumetricMaxUnpooling(poolingModule): the inverse of a VolumetricMaxPooling whose kernel
-- equals its stride: each value goes back where the pooling found its max, zeros elsewhere
require 'nn.Module'
local VolumetricMaxUnpooling, parent = torch.class('nn.VolumetricMaxUnpooling', 'nn.Module')
local K = nn._K

function VolumetricMaxUnpooling:__init(poolingModule)
  parent.__init(self)
  assert(torch.type(poolingModule) == 'nn.VolumetricMaxPooling',
    'Argument must be a nn.VolumetricMaxPooling module')
  assert(poolingModule.kT == poolingModule.dT and poolingModule.kH == poolingModule.dH
    and poolingModule.kW == poolingModule.dW,
    "The size of pooling module's kernel must be equal to its stride")
  self.pooling = poolingModule
end

-- the pooling module's indices, input size, strides and pads
function VolumetricMaxUnpooling:setParams()
  local p = self.pooling
  self.indices = p.indices
  self.otime, self.oheight, self.owidth = p.itime, p.iheight, p.iwidth
  self.dT, self.dH, self.dW = p.dT, p.dH, p.dW
  self.padT, self.padH, self.padW = p.padT, p.padH, p.padW
end

function VolumetricMaxUnpooling:updateOutput(input)
  self:setParams()
  K.VolumetricMaxUnpooling_updateOutput(input, self.output, self.indices, self.otime,
    self.owidth, self.oheight, self.dT, self.dW, self.dH, self.padT, self.padW, self.padH)
  return self.output
end

function VolumetricMaxUnpooling:updateGradInput(input, gradOutput)
  self:setParams()
  K.VolumetricMaxUnpooling_updateGradInput(input, gradOutput, self.gradInput, self.indices,
    self.otime, self.owidth, self.oheight, self.dT, self.dW, self.dH, self.padT, self.padW,
    self.padH)
  return self.gradInput
end

function VolumetricMaxUnpooling:empty()
  self:clearState()
end

function VolumetricMaxUnpooling:__tostring__()
  return 'nn.VolumetricMaxUnpooling associated to ' .. tostring(self.pooling)
end

return VolumetricMaxUnpooling
