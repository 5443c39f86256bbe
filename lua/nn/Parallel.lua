-- nn.Parallel(inputDimension, outputDimension): module i gets the i-th slice of the input along
-- inputDimension; their outputs are joined along outputDimension.
require 'nn.Container'
local Parallel, parent = torch.class('nn.Parallel', 'nn.Container')

function Parallel:__init(inputDimension, outputDimension)
  parent.__init(self)
  self.modules = {}
  self.inputDimension = inputDimension
  self.outputDimension = outputDimension
end

function Parallel:updateOutput(input)
  local outs = {}
  for i = 1, input:size(self.inputDimension) do
    outs[i] = self:rethrowErrors(self.modules[i], i, 'updateOutput', input:select(self.inputDimension, i))
  end
  nn._K.JoinTable_updateOutput(outs, self.output, self.outputDimension)
  return self.output
end

function Parallel:updateGradInput(input, gradOutput)
  local n = input:size(self.inputDimension)
  local od = self.outputDimension
  self.gradInput:resizeAs(input)
  local offset = 1
  for i = 1, n do
    local m = self.modules[i]
    local sz = m.output:size(od)
    local gi = self:rethrowErrors(m, i, 'updateGradInput', input:select(self.inputDimension, i),
                                  gradOutput:narrow(od, offset, sz))
    self.gradInput:select(self.inputDimension, i):copy(gi)
    offset = offset + sz
  end
  return self.gradInput
end

function Parallel:accGradParameters(input, gradOutput, scale)
  local n = input:size(self.inputDimension)
  local od = self.outputDimension
  local offset = 1
  for i = 1, n do
    local m = self.modules[i]
    local sz = m.output:size(od)
    self:rethrowErrors(m, i, 'accGradParameters', input:select(self.inputDimension, i),
                       gradOutput:narrow(od, offset, sz), scale)
    offset = offset + sz
  end
end

function Parallel:accUpdateGradParameters(input, gradOutput, lr)
  local n = input:size(self.inputDimension)
  local od = self.outputDimension
  local offset = 1
  for i = 1, n do
    local m = self.modules[i]
    local sz = m.output:size(od)
    self:rethrowErrors(m, i, 'accUpdateGradParameters', input:select(self.inputDimension, i),
                       gradOutput:narrow(od, offset, sz), lr)
    offset = offset + sz
  end
end

Parallel.__tostring__ = nn.Container._branchesToString

return Parallel
