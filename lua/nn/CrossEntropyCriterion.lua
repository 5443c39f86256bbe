-- nn.CrossEntropyCriterion([weights, sizeAverage=true]): LogSoftMax followed by
-- ClassNLLCriterion, on scores (a vector, or a batch of rows) and class indices
require 'nn.Criterion'
local CrossEntropyCriterion, parent = torch.class('nn.CrossEntropyCriterion', 'nn.Criterion')

function CrossEntropyCriterion:__init(weights, sizeAverage)
  parent.__init(self)
  self.lsm = nn.LogSoftMax()
  self.nll = nn.ClassNLLCriterion(weights, sizeAverage)
  self.sizeAverage = self.nll.sizeAverage
  self.oldSizeAverage = self.sizeAverage
end

-- self.sizeAverage reaches self.nll only when it was changed on self (setting
-- self.nll.sizeAverage directly keeps working)
local function syncSizeAverage(self)
  if self.sizeAverage ~= self.oldSizeAverage then self.nll.sizeAverage = self.sizeAverage end
end

function CrossEntropyCriterion:updateOutput(input, target)
  input = input:squeeze()
  if type(target) ~= 'number' then target = target:squeeze() end
  syncSizeAverage(self)
  self.lsm:updateOutput(input)
  self.nll:updateOutput(self.lsm.output, target)
  self.output = self.nll.output
  self.oldSizeAverage = self.sizeAverage
  return self.output
end

function CrossEntropyCriterion:updateGradInput(input, target)
  local size = input:size()
  input = input:squeeze()
  if type(target) ~= 'number' then target = target:squeeze() end
  syncSizeAverage(self)
  self.nll:updateGradInput(self.lsm.output, target)
  self.lsm:updateGradInput(input, self.nll.gradInput)
  self.gradInput:view(self.lsm.gradInput, size)
  self.oldSizeAverage = self.sizeAverage
  return self.gradInput
end

return CrossEntropyCriterion
