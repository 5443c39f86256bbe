-- nn.LookupTable(nIndex, nOutput [, paddingValue=0, maxNorm, normType=2]): row lookup in an
-- nIndex x nOutput weight for a vector of indices (-> n x nOutput) or a batch (b x n ->
-- b x n x nOutput). Rows whose index equals paddingValue get no gradient; with maxNorm the rows
-- looked up are renormalised first.
require 'nn.Module'
local LookupTable, parent = torch.class('nn.LookupTable', 'nn.Module')
local K = nn._K

LookupTable.__version = 4

function LookupTable:__init(nIndex, nOutput, paddingValue, maxNorm, normType)
  parent.__init(self)
  self.weight = torch.Tensor(nIndex, nOutput)
  self.gradWeight = torch.Tensor(nIndex, nOutput):zero()
  self.paddingValue = paddingValue or 0
  self.maxNorm = maxNorm or nil
  self.normType = normType or nil
  self:reset()
end

function LookupTable:backCompatibility()
  self._count = self._count or torch.IntTensor()
  self._input = self._input or torch.LongTensor()
  if not self.shouldScaleGradByFreq then self.shouldScaleGradByFreq = false end
end

function LookupTable:accUpdateOnly()
  self.gradWeight = nil
  return self
end

function LookupTable:setPadding(paddingValue)
  self.paddingValue = paddingValue
  return self
end

function LookupTable:setMaxNorm(maxNorm)
  self.maxNorm = maxNorm
  return self
end

function LookupTable:setNormType(normType)
  self.normType = normType
  return self
end

function LookupTable:scaleGradByFreq()
  self.shouldScaleGradByFreq = true
  return self
end

function LookupTable:reset(stdv)
  self.weight:normal(0, stdv or 1)
end

function LookupTable:updateOutput(input)
  self:backCompatibility()
  self:renorm(input)
  K.LookupTable_updateOutput(input, self.output, self.weight)
  return self.output
end

-- indices have no gradient: an empty one of the input's size and type
function LookupTable:updateGradInput(input, gradOutput)
  if torch.type(self.gradInput) ~= torch.type(input) then self.gradInput = input.new() end
  if not self.gradInput:isSameSizeAs(input) then self.gradInput:resizeAs(input):zero() end
  return self.gradInput
end

function LookupTable:accGradParameters(input, gradOutput, scale)
  self:backCompatibility()
  K.LookupTable_accGradParameters(input, gradOutput, self.gradWeight, self._count,
    self.shouldScaleGradByFreq or false, self.paddingValue or 0, scale or 1)
end

function LookupTable:renorm(input)
  if not self.maxNorm then return end
  if input:dim() ~= 1 and input:dim() ~= 2 then error('input must be a vector or matrix') end
  K.LookupTable_renorm(input, self.weight, self.maxNorm, self.normType or 2)
end

function LookupTable:type(type, tensorCache)
  parent.type(self, type, tensorCache)
  self._count = torch.IntTensor()
  self._input = torch.LongTensor()
  return self
end

function LookupTable:clearState()
  nn.utils.clear(self, '_count', '_input')
  return parent.clearState(self)
end

-- shared weights are updated directly (nothing to accumulate)
function LookupTable:sharedAccUpdateGradParameters(input, gradOutput, lr)
  self:defaultAccUpdateGradParameters(input, gradOutput, lr)
end

return LookupTable
