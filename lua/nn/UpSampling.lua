-- nn.UpSampling(scale | {[odepth=], oheight=, owidth=} [, mode='nearest']): up-samples a 4D
-- (N, C, H, W) or 5D (N, C, D, H, W) input by nearest neighbour (an integer scale) or by
-- (bi/tri)linear interpolation with corners aligned (mode 'linear', 'bilinear' or 'trilinear';
-- a table of output sizes needs a linear mode)
require 'nn.Module'
local UpSampling, parent = torch.class('nn.UpSampling', 'nn.Module')
local K = nn._K

function UpSampling:__init(params, mode)
  parent.__init(self)
  if mode == 'linear' or mode == 'bilinear' or mode == 'trilinear' then
    self.mode = 'linear'
  else
    self.mode = 'nearest'
  end
  self.odepth, self.owidth, self.oheight, self.scale_factor = nil, nil, nil, nil
  if torch.type(params) == 'table' then
    if self.mode == 'nearest' then error('Nearest neighbour upsampling requires a scale_factor') end
    self.odepth, self.owidth, self.oheight = params.odepth, params.owidth, params.oheight
    if self.owidth == nil or self.oheight == nil then
      error('Output height and width parameters are required')
    end
  else
    self.scale_factor = params
    if self.scale_factor < 1 then error('scale_factor must be greater than 1') end
    if math.floor(self.scale_factor) ~= self.scale_factor then
      error('scale_factor must be integer')
    end
  end
  self.inputSize = torch.LongStorage(5):fill(0)
  self.outputSize = torch.LongStorage(5):fill(0)
end

-- inputSize / outputSize: the input's sizes and the up-sampled ones
function UpSampling:setSize(input)
  local nd = input:dim()
  for i = 1, nd do
    self.inputSize[i] = input:size(i)
    self.outputSize[i] = input:size(i)
  end
  local first = nd > 4 and nd - 2 or nd - 1     -- first up-sampled dimension
  if self.scale_factor ~= nil then
    for d = first, nd do self.outputSize[d] = self.outputSize[d] * self.scale_factor end
  else
    if nd > 4 then
      if self.odepth == nil then
        error('No output depth dimension was supplied for volumetric upsampling')
      end
      self.outputSize[nd - 2] = self.odepth
    end
    self.outputSize[nd - 1] = self.oheight
    self.outputSize[nd] = self.owidth
  end
end

local function checkDim(input)
  local nd = input:dim()
  if nd < 4 or nd > 5 then error('UpSampling only supports 4D or 5D tensors') end
  return nd
end

function UpSampling:updateOutput(input)
  local nd = checkDim(input)
  self:setSize(input)
  local o = self.outputSize
  if self.mode == 'nearest' then
    if nd == 4 then
      K.SpatialUpSamplingNearest_updateOutput(input, self.output, self.scale_factor)
    else
      K.VolumetricUpSamplingNearest_updateOutput(input, self.output, self.scale_factor)
    end
  elseif nd == 4 then
    K.SpatialUpSamplingBilinear_updateOutput(input, self.output, o[3], o[4])
  else
    K.VolumetricUpSamplingTrilinear_updateOutput(input, self.output, o[3], o[4], o[5])
  end
  return self.output
end

function UpSampling:updateGradInput(input, gradOutput)
  local nd = checkDim(input)
  if nd ~= gradOutput:dim() then error('Input and gradOutput should be of same dimension') end
  self.gradInput:resizeAs(input)
  local o = self.outputSize
  local s = input:size()
  if self.mode == 'nearest' then
    if nd == 4 then
      K.SpatialUpSamplingNearest_updateGradInput(input, gradOutput, self.gradInput,
        self.scale_factor)
    else
      K.VolumetricUpSamplingNearest_updateGradInput(input, gradOutput, self.gradInput,
        self.scale_factor)
    end
  elseif nd == 4 then
    K.SpatialUpSamplingBilinear_updateGradInput(gradOutput, self.gradInput, s[1], s[2], s[3],
      s[4], o[3], o[4])
  else
    K.VolumetricUpSamplingTrilinear_updateGradInput(gradOutput, self.gradInput, s[1], s[2], s[3],
      s[4], s[5], o[3], o[4], o[5])
  end
  return self.gradInput
end

function UpSampling:__tostring__()
  local t = torch.type(self)
  if self.scale_factor ~= nil then
    return string.format('%s(%dx, %s)', t, self.scale_factor, self.mode)
  elseif self.odepth ~= nil then
    return string.format('%s(%dx%dx%d, %s)', t, self.odepth, self.oheight, self.owidth, self.mode)
  end
  return string.format('%s(%dx%d, %s)', t, self.oheight, self.owidth, self.mode)
end

return UpSampling
