-- nn.CAddTable([inplace]): the sum of the tensors of the input table.
require 'nn.Module'
local CAddTable, parent = torch.class('nn.CAddTable', 'nn.Module')

function CAddTable:__init(ip)
  parent.__init(self)
  self.inplace = ip
  self.gradInput = {}
end

function CAddTable:updateOutput(input)
  if self.inplace then
    self.output:set(input[1])
  else
    self.output:resizeAs(input[1]):copy(input[1])
  end
  for i = 2, #input do self.output:add(input[i]) end
  return self.output
end

function CAddTable:updateGradInput(input, gradOutput)
  local gi = self.gradInput
  for i = 1, #input do
    gi[i] = gi[i] or input[1].new()
    if self.inplace then
      gi[i]:set(gradOutput)
    else
      gi[i]:resizeAs(input[i]):copy(gradOutput)
    end
  end
  for i = #input + 1, #gi do gi[i] = nil end
  return gi
end

return CAddTable
