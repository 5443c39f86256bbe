-- nn.MaskedSelect(): {input, mask} -> the elements of input where the ByteTensor mask is 1 (a 1D
-- tensor); the gradient goes back to those positions, the mask's gradient is zeros
require 'nn.Module'
local MaskedSelect, parent = torch.class('nn.MaskedSelect', 'nn.Module')
local K = nn._K

function MaskedSelect:__init()
  parent.__init(self)
  self._maskIndices = torch.LongTensor()
  self._maskIndexBuffer = torch.LongTensor()
  self._maskIndexBufferCPU = torch.FloatTensor()
  self._gradBuffer = torch.Tensor()
  self._gradMask = torch.ByteTensor()
end

function MaskedSelect:updateOutput(input)
  K.MaskedSelect_updateOutput(input[1], input[2], self.output)
  return self.output
end

function MaskedSelect:updateGradInput(input, gradOutput)
  K.MaskedSelect_updateGradInput(input[1], input[2], gradOutput, self._gradBuffer, self._gradMask)
  self.gradInput = {self._gradBuffer, self._gradMask}
  return self.gradInput
end

function MaskedSelect:type(type, tensorCache)
  if not type then return self._type end
  self._gradBuffer = self._gradBuffer:type(type)
  self.output = self.output:type(type)
  if torch.isTensor(self.gradInput) then
    self.gradInput = self.gradInput:type(type)
  else
    self.gradInput = {self._gradBuffer, self._gradMask}
  end
  self._type = type
  return self
end

function MaskedSelect:clearState()
  return nn.utils.clear(self, {'output', 'gradInput', '_maskIndexBuffer', '_maskIndexBufferCPU',
    '_maskIndices', '_gradBuffer', '_gradMask'})
end

return MaskedSelect
