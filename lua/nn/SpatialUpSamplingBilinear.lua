-- nn.SpatialUpSamplingBilinear(scale) or ({oheight=, owidth=}): bilinear up-sampling of the
-- last two dims with corners aligned, to in*scale or to the given size
require 'nn.Module'
local SpatialUpSamplingBilinear, parent = torch.class('nn.SpatialUpSamplingBilinear', 'nn.Module')
local K = nn._K

function SpatialUpSamplingBilinear:__init(params)
  parent.__init(self)
  self.owidth, self.oheight, self.scale_factor = nil, nil, nil
  if torch.type(params) == 'table' then
    self.owidth, self.oheight = params.owidth, params.oheight
  else
    self.scale_factor = params
    if self.scale_factor < 1 then error('scale_factor must be greater than 1') end
    if math.floor(self.scale_factor) ~= self.scale_factor then
      error('scale_factor must be integer')
    end
  end
  self.inputSize = torch.LongStorage(4)
  self.outputSize = torch.LongStorage(4)
end

local function makeContiguous(self, input, gradOutput)
  if not input:isContiguous() then
    self._input = self._input or input.new()
    self._input:resizeAs(input):copy(input)
    input = self._input
  end
  if gradOutput and not gradOutput:isContiguous() then
    self._gradOutput = self._gradOutput or gradOutput.new()
    self._gradOutput:resizeAs(gradOutput):copy(gradOutput)
    gradOutput = self._gradOutput
  end
  return input, gradOutput
end

function SpatialUpSamplingBilinear:setSize(input)
  local xdim = input:dim()
  local ydim = xdim - 1
  for i = 1, xdim do
    self.inputSize[i] = input:size(i)
    self.outputSize[i] = input:size(i)
  end
  if self.scale_factor ~= nil then
    self.outputSize[ydim] = self.outputSize[ydim] * self.scale_factor
    self.outputSize[xdim] = self.outputSize[xdim] * self.scale_factor
  else
    self.outputSize[ydim] = self.oheight
    self.outputSize[xdim] = self.owidth
  end
end

function SpatialUpSamplingBilinear:updateOutput(input)
  assert(input:dim() == 4 or input:dim() == 3,
    'SpatialUpSamplingBilinear only supports 3D or 4D tensors')
  input = makeContiguous(self, input)
  local was3D = input:dim() == 3
  if was3D then input = input:view(-1, input:size(1), input:size(2), input:size(3)) end
  self:setSize(input)
  K.SpatialUpSamplingBilinear_updateOutput(input, self.output, self.outputSize[3],
    self.outputSize[4])
  if was3D then self.output = self.output:squeeze(1) end
  return self.output
end

function SpatialUpSamplingBilinear:updateGradInput(input, gradOutput)
  assert(input:dim() == 4 or input:dim() == 3,
    'SpatialUpSamplingBilinear only support 3D or 4D tensors')
  assert(input:dim() == gradOutput:dim(), 'Input and gradOutput should be of same dimension')
  input, gradOutput = makeContiguous(self, input, gradOutput)
  local was3D = input:dim() == 3
  if was3D then
    input = input:view(-1, input:size(1), input:size(2), input:size(3))
    gradOutput = gradOutput:view(-1, gradOutput:size(1), gradOutput:size(2), gradOutput:size(3))
  end
  self.gradInput:resizeAs(input)
  K.SpatialUpSamplingBilinear_updateGradInput(gradOutput, self.gradInput, input:size(1),
    input:size(2), input:size(3), input:size(4), self.outputSize[3], self.outputSize[4])
  if was3D then self.gradInput = self.gradInput:squeeze(1) end
  return self.gradInput
end

function SpatialUpSamplingBilinear:__tostring__()
  if self.scale_factor ~= nil then
    return string.format('%s(%d)', torch.type(self), self.scale_factor)
  end
  return string.format('%s(%d, %d)', torch.type(self), self.oheight, self.owidth)
end

return SpatialUpSamplingBilinear
