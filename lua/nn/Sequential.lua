-- nn.Sequential: children applied one after the other.
require 'nn.Container'
local Sequential, _ = torch.class('nn.Sequential', 'nn.Container')

function Sequential:__len()
  return #self.modules
end

-- output is the last child's output, gradInput the first child's gradInput
function Sequential:add(module)
  if #self.modules == 0 then self.gradInput = module.gradInput end
  self.modules[#self.modules + 1] = module
  self.output = module.output
  return self
end

function Sequential:insert(module, index)
  index = index or (#self.modules + 1)
  if index > #self.modules + 1 or index < 1 then error('index should be contiguous to existing modules') end
  table.insert(self.modules, index, module)
  self.output = self.modules[#self.modules].output
  self.gradInput = self.modules[1].gradInput
end

function Sequential:remove(index)
  index = index or #self.modules
  if index > #self.modules or index < 1 then error('index out of range') end
  table.remove(self.modules, index)
  if #self.modules > 0 then
    self.output = self.modules[#self.modules].output
    self.gradInput = self.modules[1].gradInput
  else
    self.output = torch.Tensor()
    self.gradInput = torch.Tensor()
  end
end

function Sequential:updateOutput(input)
  local current = input
  local m = self.modules
  for i = 1, #m do current = self:rethrowErrors(m[i], i, 'updateOutput', current) end
  self.output = current
  return current
end

function Sequential:updateGradInput(input, gradOutput)
  local g = gradOutput
  local m = self.modules
  for i = #m, 2, -1 do g = self:rethrowErrors(m[i], i, 'updateGradInput', m[i - 1].output, g) end
  g = self:rethrowErrors(m[1], 1, 'updateGradInput', input, g)
  self.gradInput = g
  return g
end

function Sequential:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local g = gradOutput
  local m = self.modules
  for i = #m, 2, -1 do
    self:rethrowErrors(m[i], i, 'accGradParameters', m[i - 1].output, g, scale)
    g = m[i].gradInput
  end
  self:rethrowErrors(m[1], 1, 'accGradParameters', input, g, scale)
end

function Sequential:backward(input, gradOutput, scale)
  scale = scale or 1
  local g = gradOutput
  local m = self.modules
  for i = #m, 2, -1 do
    g = self:rethrowErrors(m[i], i, 'backward', m[i - 1].output, g, scale)
    m[i].gradInput = g
  end
  g = self:rethrowErrors(m[1], 1, 'backward', input, g, scale)
  self.gradInput = g
  return g
end

function Sequential:accUpdateGradParameters(input, gradOutput, lr)
  local g = gradOutput
  local m = self.modules
  for i = #m, 2, -1 do
    self:rethrowErrors(m[i], i, 'accUpdateGradParameters', m[i - 1].output, g, lr)
    g = m[i].gradInput
  end
  self:rethrowErrors(m[1], 1, 'accUpdateGradParameters', input, g, lr)
end

function Sequential:__tostring__()
  local parts = {'nn.Sequential {\n  [input'}
  for i = 1, #self.modules do parts[#parts + 1] = ' -> (' .. i .. ')' end
  parts[#parts + 1] = ' -> output]'
  for i, m in ipairs(self.modules) do
    parts[#parts + 1] = '\n  (' .. i .. '): ' .. tostring(m):gsub('\n', '\n  ')
  end
  parts[#parts + 1] = '\n}'
  return table.concat(parts)
end

return Sequential
