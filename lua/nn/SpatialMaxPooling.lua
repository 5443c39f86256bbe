-- nn.SpatialMaxPooling(kW, kH [, dW=kW, dH=kH, padW, padH]): max over kW x kH windows;
-- :ceil() rounds the output size up. indices: 1-based position of each max in its input plane.
require 'nn.Module'
local SpatialMaxPooling, parent = torch.class('nn.SpatialMaxPooling', 'nn.Module')
local K = nn._K

function SpatialMaxPooling:__init(kW, kH, dW, dH, padW, padH)
  parent.__init(self)
  self.kW = kW
  self.kH = kH
  self.dW = dW or kW
  self.dH = dH or kH
  self.padW = padW or 0
  self.padH = padH or 0
  self.ceil_mode = false
  self.indices = torch.LongTensor()
end

function SpatialMaxPooling:ceil()
  self.ceil_mode = true
  return self
end

function SpatialMaxPooling:floor()
  self.ceil_mode = false
  return self
end

function SpatialMaxPooling:updateOutput(input)
  local indices = self.indices
  -- the indices live on the input's side (a CudaLongTensor for a Cuda input, as in cunn)
  local itype = torch.type(input):find('^torch%.Cuda') and 'torch.CudaLongTensor' or 'torch.LongTensor'
  if not indices or torch.type(indices) ~= itype then
    indices = indices and indices:type(itype) or torch.LongTensor():type(itype)
    self.indices = indices
  end
  -- fields missing from modules saved by older versions
  if self.padH == nil then
    self.ceil_mode = self.ceil_mode or false
    self.padW = self.padW or 0
    self.padH = self.padH or 0
  end
  -- the kernel returns the input's height and width (kept for SpatialMaxUnpooling)
  self.iheight, self.iwidth = K.SpatialMaxPooling_updateOutput(input, self.output, indices,
    self.kW, self.kH, self.dW, self.dH, self.padW, self.padH, self.ceil_mode)
  return self.output
end

function SpatialMaxPooling:updateGradInput(input, gradOutput)
  K.SpatialMaxPooling_updateGradInput(input, gradOutput, self.gradInput, self.indices, self.kW,
    self.kH, self.dW, self.dH, self.padW, self.padH, self.ceil_mode)
  return self.gradInput
end

function SpatialMaxPooling:empty()
  self:clearState()
end

function SpatialMaxPooling:__tostring__()
  local s = string.format('%s(%dx%d, %d,%d', torch.type(self), self.kW, self.kH, self.dW, self.dH)
  if (self.padW or self.padH) and (self.padW ~= 0 or self.padH ~= 0) then
    s = s .. ', ' .. self.padW .. ',' .. self.padH
  end
  return s .. ')'
end

function SpatialMaxPooling:clearState()
  if self.indices then self.indices:set() end
  return parent.clearState(self)
end

return SpatialMaxPooling
