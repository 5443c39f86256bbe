-- nn.TemporalDynamicKMaxPooling(minK [, factor=0]): keeps the k largest values of each feature
-- along the sequence of a (seqLen x features) or batch (n x seqLen x features) input, in their
-- original order; k = max(minK, ceil(factor * seqLen)) (Kalchbrenner et al. 2014)
require 'nn.Module'
local TemporalDynamicKMaxPooling, parent = torch.class('nn.TemporalDynamicKMaxPooling',
  'nn.Module')
local K = nn._K

function TemporalDynamicKMaxPooling:__init(minK, factor)
  parent.__init(self)
  self.minK = minK
  self.factor = factor or 0
end

function TemporalDynamicKMaxPooling:updateOutput(input)
  self.indices = self.indices or torch.LongTensor()
  K.TemporalDynamicKMaxPooling_updateOutput(input, self.output, self.indices, self.minK,
    self.factor)
  return self.output
end

function TemporalDynamicKMaxPooling:updateGradInput(input, gradOutput)
  if self.gradInput then
    K.TemporalDynamicKMaxPooling_updateGradInput(input, gradOutput, self.gradInput, self.indices)
    return self.gradInput
  end
end

function TemporalDynamicKMaxPooling:clearState()
  nn.utils.clear(self, 'indices')
  return parent.clearState(self)
end

return TemporalDynamicKMaxPooling
