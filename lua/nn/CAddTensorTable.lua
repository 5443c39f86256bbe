-- nn.CAddTensorTable: {v, {a, b, c}} -> {v + a, v + b, v + c}.
require 'nn.Module'
local CAddTensorTable, parent = torch.class('nn.CAddTensorTable', 'nn.Module')

function CAddTensorTable:__init()
  parent.__init(self)
  self.gradInput = {}
end

function CAddTensorTable:updateOutput(input)
  local v, list = input[1], input[2]
  local out = {}
  for i = 1, #list do out[i] = v.new():resizeAs(v):copy(list[i]):add(v) end
  self.output = out
  return out
end

function CAddTensorTable:updateGradInput(input, gradOutput)
  local v, list = input[1], input[2]
  local gi = self.gradInput
  gi[1] = gi[1] or v.new()
  gi[1]:resizeAs(v):copy(gradOutput[1])
  for i = 2, #list do gi[1]:add(gradOutput[i]) end
  gi[2] = gi[2] or {}
  local g2 = gi[2]
  for i = 1, #list do
    g2[i] = g2[i] or v.new()
    g2[i]:resizeAs(v):copy(gradOutput[i])
  end
  for i = #list + 1, #g2 do g2[i] = nil end
  return gi
end

return CAddTensorTable
