-- nn.ParallelTable: child i is applied to the i-th element of the input table.
require 'nn.Container'
local ParallelTable, parent = torch.class('nn.ParallelTable', 'nn.Container')

function ParallelTable:__init()
  parent.__init(self)
  self.modules = {}
  self.output = {}
  self.gradInput = {}
end

function ParallelTable:updateOutput(input)
  for i = 1, #self.modules do
    self.output[i] = self:rethrowErrors(self.modules[i], i, 'updateOutput', input[i])
  end
  return self.output
end

function ParallelTable:updateGradInput(input, gradOutput)
  for i, m in ipairs(self.modules) do
    self.gradInput[i] = self:rethrowErrors(m, i, 'updateGradInput', input[i], gradOutput[i])
  end
  return self.gradInput
end

function ParallelTable:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  for i, m in ipairs(self.modules) do
    self:rethrowErrors(m, i, 'accGradParameters', input[i], gradOutput[i], scale)
  end
end

function ParallelTable:accUpdateGradParameters(input, gradOutput, lr)
  lr = lr or 1
  for i, m in ipairs(self.modules) do
    self:rethrowErrors(m, i, 'accUpdateGradParameters', input[i], gradOutput[i], lr)
  end
end

ParallelTable.__tostring__ = nn.Container._branchesToString

return ParallelTable
