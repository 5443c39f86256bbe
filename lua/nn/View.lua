-- nn.View(sizes...) / nn.View(LongStorage): a view of the input with the given sizes (one may be
-- -1: inferred). Leading dimensions beyond the view (or beyond setNumInputDims) form a batch.
require 'nn.Module'
local View, parent = torch.class('nn.View', 'nn.Module')
local K = nn._K

function View:resetSize(...)
  if select('#', ...) == 1 and torch.typename(select(1, ...)) == 'torch.LongStorage' then
    self.size = select(1, ...)
  else
    self.size = torch.LongStorage({...})
  end
  self.numElements = 1
  local inferdim = false
  for i = 1, #self.size do
    local szi = self.size[i]
    if szi >= 0 then
      self.numElements = self.numElements * szi
    else
      assert(szi == -1, 'size should be positive or -1')
      assert(not inferdim, 'only one dimension can be at -1')
      inferdim = true
    end
  end
  return self
end

function View:__init(...)
  parent.__init(self)
  self:resetSize(...)
  self.numInputDims = nil
end

function View:setNumInputDims(numInputDims)
  self.numInputDims = numInputDims
  return self
end

function View:updateOutput(input)
  self.output = self.output or input.new()
  K.View_updateOutput(input, self.output, self.size, self.numElements, self.numInputDims)
  return self.output
end

function View:updateGradInput(input, gradOutput)
  self.gradInput = self.gradInput or gradOutput.new()
  K.View_updateGradInput(input, gradOutput, self.gradInput)
  return self.gradInput
end

function View:__tostring__()
  return torch.type(self) .. '(' .. table.concat(self.size:totable(), ', ') .. ')'
end

return View
