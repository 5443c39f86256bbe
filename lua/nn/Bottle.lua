-- nn.Bottle(module [, nInputDim=2] [, nOutputDim=nInputDim]): applies a module made for
-- nInputDim-dimensional input to input with more leading dimensions, by folding those into the
-- first one and unfolding the output again.
require 'nn.Decorator'
local Bottle, parent = torch.class('nn.Bottle', 'nn.Decorator')

function Bottle:__init(module, nInputDim, nOutputDim)
  parent.__init(self, module)
  self.nInputDim = nInputDim or 2
  self.nOutputDim = nOutputDim or self.nInputDim
  self.dimDelta = self.nInputDim - self.nOutputDim
  -- the folded input and output shapes (kept to reshape the gradients)
  self.inShape = torch.Tensor(self.nInputDim)
  self.outShape = torch.Tensor(self.nOutputDim)
end

local function sizes(t)
  local s = {}
  for i = 1, t:nElement() do s[i] = t[i] end
  return s
end

function Bottle:updateOutput(input)
  local nd = input:dim()
  local batchDims = nd - self.nInputDim + 1
  if batchDims > 1 then
    local folded = 1
    for d = 1, batchDims - 1 do folded = folded * input:size(d) end
    for d = batchDims, nd do self.inShape[d - batchDims + 1] = input:size(d) end
    self.inShape[1] = self.inShape[1] * folded
    local output = self.modules[1]:updateOutput(input:view(unpack(sizes(self.inShape))))
    assert(output:dim() == self.nOutputDim, 'Wrong number of output dims on module. Expected: '
           .. self.nOutputDim .. ' but got ' .. tostring(output and output:dim()))
    for d = 1, self.nOutputDim do self.outShape[d] = output:size(d) end
    -- the leading (batch) dimensions of the input, then the module's output dimensions
    local outSize = {}
    for d = 1, batchDims - 1 do outSize[d] = input:size(d) end
    for d = 1, self.nOutputDim do outSize[batchDims - 1 + d] = output:size(d) end
    outSize[batchDims] = math.floor(outSize[batchDims] / folded)
    self.output:set(output:view(unpack(outSize)))
  else
    self.output:set(self.modules[1]:updateOutput(input))
  end
  return self.output
end

function Bottle:updateGradInput(input, gradOutput)
  local m = self.modules[1]
  if input:dim() > self.nInputDim then
    m:updateGradInput(input:view(unpack(sizes(self.inShape))), gradOutput:view(unpack(sizes(self.outShape))))
    if m.gradInput then
      self.gradInput:set(m.gradInput:viewAs(input))
    else
      self.gradInput = nil
    end
  else
    if m.gradInput then
      self.gradInput:set(m:updateGradInput(input, gradOutput))
    else
      self.gradInput = nil
    end
  end
  return self.gradInput
end

function Bottle:accGradParameters(input, gradOutput, scale)
  if input:dim() > self.nInputDim then
    input = input:view(unpack(sizes(self.inShape)))
    gradOutput = gradOutput:view(unpack(sizes(self.outShape)))
  end
  self.modules[1]:accGradParameters(input, gradOutput, scale)
end

return Bottle
