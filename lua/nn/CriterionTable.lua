-- nn.CriterionTable(criterion): a criterion as a module taking the table {input, target}; its
-- output is the loss.
require 'nn.Module'
local CriterionTable, parent = torch.class('nn.CriterionTable', 'nn.Module')

function CriterionTable:__init(criterion)
  parent.__init(self)
  self.criterion = criterion
  self.gradInput = {criterion.gradInput}
end

function CriterionTable:updateOutput(input)
  self.output = self.criterion:updateOutput(unpack(input))
  return self.output
end

function CriterionTable:updateGradInput(input, gradOutput)
  self.criterion:updateGradInput(unpack(input))
  return self.gradInput
end

return CriterionTable
