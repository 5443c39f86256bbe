-- nn.DepthConcat(dimension): Concat for outputs whose other dimensions differ (inception
-- branches): the output takes the largest size of every other dimension and each child's output
-- sits centred in its slab, zero-padded around.
require 'nn.Concat'
local DepthConcat, _ = torch.class('nn.DepthConcat', 'nn.Concat')

-- the part of `output` where currentOutput goes: its slab along self.dimension, centred in the
-- other dimensions
function DepthConcat:windowNarrow(output, currentOutput, offset)
  local d = self.dimension
  local window = output:narrow(d, offset, currentOutput:size(d))
  for dim = 1, self.outputSize:size() do
    local sz = currentOutput:size(dim)
    if dim ~= d and self.outputSize[dim] ~= sz then
      -- pad (full - sz) / 2 before, the rest after
      local start = math.floor((self.outputSize[dim] - sz) / 2 + 1)
      window = window:narrow(dim, start, sz)
    end
  end
  return window
end

function DepthConcat:updateOutput(input)
  self.outputSize = self.outputSize or torch.LongStorage()
  local d = self.dimension
  local size = self.outputSize
  local outs = {}
  for i = 1, #self.modules do
    local out = self:rethrowErrors(self.modules[i], i, 'updateOutput', input)
    outs[i] = out
    if i == 1 then
      size:resize(out:dim()):copy(out:size())
    else
      size[d] = size[d] + out:size(d)
      for dim = 1, size:size() do
        if dim ~= d then size[dim] = math.max(size[dim], out:size(dim)) end
      end
    end
  end
  self.output:resize(size):zero()
  local offset = 1
  for i = 1, #outs do
    self:windowNarrow(self.output, outs[i], offset):copy(outs[i])
    offset = offset + outs[i]:size(d)
  end
  return self.output
end

local function backward(self, method, input, gradOutput, scale)
  self.gradInput:resizeAs(input)
  local offset = 1
  for i, m in ipairs(self.modules) do
    local out = m.output
    local gi = self:rethrowErrors(m, i, method, input, self:windowNarrow(gradOutput, out, offset), scale)
    if i == 1 then self.gradInput:copy(gi) else self.gradInput:add(gi) end
    offset = offset + out:size(self.dimension)
  end
  return self.gradInput
end

function DepthConcat:updateGradInput(input, gradOutput)
  return backward(self, 'updateGradInput', input, gradOutput)
end

function DepthConcat:backward(input, gradOutput, scale)
  return backward(self, 'backward', input, gradOutput, scale or 1)
end

local function eachChild(self, method, input, gradOutput, arg)
  local offset = 1
  for i, m in ipairs(self.modules) do
    local out = m.output
    self:rethrowErrors(m, i, method, input, self:windowNarrow(gradOutput, out, offset), arg)
    offset = offset + out:size(self.dimension)
  end
end

function DepthConcat:accGradParameters(input, gradOutput, scale)
  eachChild(self, 'accGradParameters', input, gradOutput, scale or 1)
end

function DepthConcat:accUpdateGradParameters(input, gradOutput, lr)
  eachChild(self, 'accUpdateGradParameters', input, gradOutput, lr)
end

return DepthConcat
