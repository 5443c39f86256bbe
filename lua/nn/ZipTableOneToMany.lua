-- nn.ZipTableOneToMany: {v, {a, b, c}} -> {{v, a}, {v, b}, {v, c}}; v's gradient is the sum of
-- its gradients in every pair.
require 'nn.Module'
local ZipTableOneToMany, parent = torch.class('nn.ZipTableOneToMany', 'nn.Module')

function ZipTableOneToMany:__init()
  parent.__init(self)
  self.output = {}
  self.gradInput = {}
  self.gradInputEl = torch.Tensor()
end

function ZipTableOneToMany:updateOutput(input)
  assert(#input == 2, 'input must be table of element and table')
  local v = input[1]
  self.output = {}
  for i, x in ipairs(input[2]) do self.output[i] = {v, x} end
  return self.output
end

function ZipTableOneToMany:updateGradInput(input, gradOutput)
  assert(#input == 2, 'input must be table of element and table')
  local gv = self.gradInputEl:resizeAs(input[1]):zero()
  local rest = {}
  for i, pair in ipairs(gradOutput) do
    gv:add(pair[1])
    rest[i] = pair[2]
  end
  self.gradInput = {gv, rest}
  return self.gradInput
end

return ZipTableOneToMany
