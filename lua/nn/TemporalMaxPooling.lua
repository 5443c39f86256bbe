-- nn.TemporalMaxPooling(kW [, dW=kW]): max over windows of kW frames of a ([batch,] nFrames,
-- frameSize) sequence; indices: 0-based offset of each max in its window
require 'nn.Module'
local TemporalMaxPooling, parent = torch.class('nn.TemporalMaxPooling', 'nn.Module')
local K = nn._K

function TemporalMaxPooling:__init(kW, dW)
  parent.__init(self)
  self.kW = kW
  self.dW = dW or kW
end

function TemporalMaxPooling:updateOutput(input)
  self.indices = self.indices or torch.LongTensor()
  if torch.type(self.indices) ~= 'torch.LongTensor' then self.indices = self.indices:long() end
  K.TemporalMaxPooling_updateOutput(input, self.output, self.indices, self.kW, self.dW)
  return self.output
end

function TemporalMaxPooling:updateGradInput(input, gradOutput)
  if self.gradInput then
    K.TemporalMaxPooling_updateGradInput(input, gradOutput, self.gradInput, self.indices,
      self.kW, self.dW)
    return self.gradInput
  end
end

function TemporalMaxPooling:empty()
  self:clearState()
end

function TemporalMaxPooling:clearState()
  if self.indices then self.indices:set() end
  return parent.clearState(self)
end

return TemporalMaxPooling
