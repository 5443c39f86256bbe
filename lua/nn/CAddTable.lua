-- nn.CAddTable([inplace]): the sum of the tensors of the input table.
require 'nn.Module'
local CAddTable, parent = torch.class('nn.CAddTable', 'nn.Module')
local K = nn._K

function CAddTable:__init(ip)
  parent.__init(self)
  self.inplace = ip
  self.gradInput = {}
end

function CAddTable:updateOutput(input)
  -- two inputs of one type and size: one kernel call (false when they are not such)
  if not self.inplace and #input == 2
     and K.CAddTable_updateOutput2(self.output, input[1], input[2]) then
    return self.output
  end
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
  if not self.inplace and #input == 2 then
    gi[1] = gi[1] or input[1].new()
    gi[2] = gi[2] or input[1].new()
    if K.CAddTable_updateGradInput2(gradOutput, input[1], input[2], gi[1], gi[2]) then
      for i = 3, #gi do gi[i] = nil end
      return gi
    end
  end
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
