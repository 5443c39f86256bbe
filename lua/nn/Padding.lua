-- nn.Padding(dim, pad [, nInputDim, value=0, index=1]): inserts |pad| entries of value along dim,
-- before position index (counted from the start when pad < 0, from the end when pad > 0)
require 'nn.Module'
local Padding, parent = torch.class('nn.Padding', 'nn.Module')
local K = nn._K

function Padding:__init(dim, pad, nInputDim, value, index)
  self.value = value or 0
  self.index = index or 1
  self.dim = dim
  self.pad = pad
  self.nInputDim = nInputDim
  self.outputSize = torch.LongStorage()
  parent.__init(self)
end

function Padding:_dim(input)
  if self.nInputDim and input:dim() ~= self.nInputDim then return self.dim + 1 end
  return self.dim
end

function Padding:updateOutput(input)
  K.Padding_updateOutput(input, self.output, self:_dim(input), self.pad, self.index, self.value)
  return self.output
end

function Padding:updateGradInput(input, gradOutput)
  K.Padding_updateGradInput(input, gradOutput, self.gradInput, self:_dim(input), self.pad,
    self.index)
  return self.gradInput
end

return Padding
