-- nn.WeightedMSECriterion(weight): MSECriterion against the target scaled elementwise by weight
-- (a weight of one sample's size is applied to every row of a batch)
require 'nn.MSECriterion'
local WeightedMSECriterion, parent = torch.class('nn.WeightedMSECriterion', 'nn.MSECriterion')
local K = nn._K

function WeightedMSECriterion:__init(w)
  parent.__init(self)
  self.weight = w:clone()
end

function WeightedMSECriterion:updateOutput(input, target)
  self.buffer = self.buffer or input.new()
  K.WeightedMSECriterion_target(self.buffer, input, target, self.weight)
  self.output = K.MSECriterion_updateOutput(input, self.buffer, self.sizeAverage)
  return self.output
end

function WeightedMSECriterion:updateGradInput(input, target)
  self.buffer = self.buffer or input.new()
  K.WeightedMSECriterion_target(self.buffer, input, target, self.weight)
  K.MSECriterion_updateGradInput(input, self.buffer, self.gradInput, self.sizeAverage)
  return self.gradInput
end

return WeightedMSECriterion
