-- nn.DataParallelTable(dim [, flattenParams [, useNCCL]]): data parallelism over devices. One
-- module is added with the devices to run it on (:add(module, gpus), default every visible
-- device); a replica runs on each, each given its slice of the batch along `dim`; outputs and
-- gradInputs are joined along `dim`, parameter gradients summed into the first replica, and
-- the first replica's parameters are the module's (updates are copied to the others). With one
-- device (and on the CPU fallback, which has one) it is the module itself, run on its batch.
require 'nn.Container'
local DPT, parent = torch.class('nn.DataParallelTable', 'nn.Container')

function DPT:__init(dimension, flattenParams, useNCCL)
  parent.__init(self)
  if type(dimension) ~= 'number' then
    error('nn.DataParallelTable: the dimension to split the batch along is required', 2)
  end
  self.dimension = dimension
  self.flattenParams = flattenParams or false
  self.usenccl = false   -- no NCCL here; gradients are summed by copies
  self.gpuAssignments = {}
  self.modules = {}
end

local function devices(gpus)
  local n = cutorch.getDeviceCount()
  if gpus == nil then
    gpus = {}
    for i = 1, n do gpus[i] = i end
  elseif type(gpus) == 'number' then
    gpus = {gpus}
  elseif type(gpus) ~= 'table' then
    error('nn.DataParallelTable:add: gpus must be a device number or a table of them', 3)
  end
  if #gpus == 0 then error('nn.DataParallelTable:add: no device given', 3) end
  for _, g in ipairs(gpus) do
    if type(g) ~= 'number' or g < 1 or g > n or g % 1 ~= 0 then
      error(('nn.DataParallelTable:add: invalid device %s (%d device(s) visible)'):format(tostring(g), n), 3)
    end
  end
  return gpus
end

-- add(module [, gpus]): the module to replicate and the devices (a number or a table)
function DPT:add(module, gpus)
  if #self.modules > 0 then
    error('nn.DataParallelTable holds a single module (already added)', 2)
  end
  if not torch.isTypeOf(module, 'nn.Module') then
    error('nn.DataParallelTable:add: an nn.Module is expected', 2)
  end
  gpus = devices(gpus)
  self.gpuAssignments = gpus
  self.modules[1] = module
  for i = 2, #gpus do
    self.modules[i] = cutorch.withDevice(gpus[i], function() return module:clone() end)
  end
  return self
end

-- the replicas share nothing but their parameter values (synchronised from the first)
function DPT:get(index)
  return self.modules[index or 1]
end

function DPT:threads(initFunc)
  if initFunc then initFunc() end
  return self
end

-- the slices of x (a tensor or a table of them) along dim for n replicas (sizes as even as possible)
local function slices(x, dim, n)
  if torch.type(x) == 'table' then
    local per = {}
    for i = 1, n do per[i] = {} end
    for k, v in pairs(x) do
      local s = slices(v, dim, n)
      for i = 1, n do per[i][k] = s[i] end
    end
    return per
  end
  if n == 1 then return {x} end
  local size = x:size(dim)
  if size < n then error(('nn.DataParallelTable: batch of %d is smaller than the %d replicas'):format(size, n), 0) end
  local out, first = {}, 1
  for i = 1, n do
    local len = math.floor(size / n) + ((i <= size % n) and 1 or 0)
    out[i] = x:narrow(dim, first, len)
    first = first + len
  end
  return out
end

-- join the replicas' results (tensors or tables of them) along dim into `into`
local function join(parts, dim, into)
  if #parts == 1 then return parts[1] end
  if torch.type(parts[1]) == 'table' then
    into = torch.type(into) == 'table' and into or {}
    for k in pairs(parts[1]) do
      local p = {}
      for i = 1, #parts do p[i] = parts[i][k] end
      into[k] = join(p, dim, into[k])
    end
    return into
  end
  into = torch.isTensor(into) and torch.typename(into) == torch.typename(parts[1]) and into or parts[1].new()
  return torch.cat(into, parts, dim)
end

function DPT:_run(fn)
  local out = {}
  for i, g in ipairs(self.gpuAssignments) do
    out[i] = cutorch.withDevice(g, function() return fn(i, self.modules[i]) end)
  end
  return out
end

function DPT:updateOutput(input)
  if #self.modules == 0 then error('nn.DataParallelTable: no module added', 2) end
  self:syncParameters()
  local xs = slices(input, self.dimension, #self.modules)
  self._inputs = xs
  local outs = self:_run(function(i, m) return m:updateOutput(xs[i]) end)
  self.output = join(outs, self.dimension, #outs > 1 and self.output or nil)
  return self.output
end

function DPT:updateGradInput(input, gradOutput)
  local xs = self._inputs or slices(input, self.dimension, #self.modules)
  local gs = slices(gradOutput, self.dimension, #self.modules)
  self._gradOutputs = gs
  local gis = self:_run(function(i, m) return m:updateGradInput(xs[i], gs[i]) end)
  self.gradInput = join(gis, self.dimension, #gis > 1 and self.gradInput or nil)
  return self.gradInput
end

function DPT:accGradParameters(input, gradOutput, scale)
  local xs = self._inputs or slices(input, self.dimension, #self.modules)
  local gs = self._gradOutputs or slices(gradOutput, self.dimension, #self.modules)
  self:_run(function(i, m) m:accGradParameters(xs[i], gs[i], scale) end)
  -- sum the replicas' gradients into the first replica's (and give every replica the sum)
  if #self.modules > 1 then
    local _, g1 = self.modules[1]:parameters()
    for r = 2, #self.modules do
      local _, gr = self.modules[r]:parameters()
      for k = 1, #(g1 or {}) do g1[k]:add(gr[k]:type(torch.typename(g1[k]))) end
    end
    for r = 2, #self.modules do
      local _, gr = self.modules[r]:parameters()
      for k = 1, #(g1 or {}) do gr[k]:copy(g1[k]) end
    end
  end
end

function DPT:backward(input, gradOutput, scale)
  self:updateGradInput(input, gradOutput)
  self:accGradParameters(input, gradOutput, scale)
  return self.gradInput
end

-- copy the first replica's parameters (and buffers such as batch-norm statistics) to the others
function DPT:syncParameters()
  if #self.modules < 2 then return self end
  local p1 = self.modules[1]:parameters()
  for r = 2, #self.modules do
    local pr = self.modules[r]:parameters()
    for k = 1, #(p1 or {}) do pr[k]:copy(p1[k]) end
  end
  return self
end

function DPT:parameters()
  if #self.modules == 0 then return end
  return self.modules[1]:parameters()
end

function DPT:updateParameters(lr)
  if self.modules[1] then self.modules[1]:updateParameters(lr) end
  return self:syncParameters()
end

function DPT:zeroGradParameters()
  self:applyToModules(function(m) m:zeroGradParameters() end)
end

function DPT:accUpdateGradParameters()
  error('nn.DataParallelTable: accUpdateGradParameters is not supported (use backward and updateParameters)', 2)
end

function DPT:clearState()
  self._inputs, self._gradOutputs = nil, nil
  return parent.clearState(self)
end

function DPT:__tostring__()
  local inner = self.modules[1] and tostring(self.modules[1]) or '(no module)'
  return ('nn.DataParallelTable: %d replica(s) on device(s) %s of %s'):format(
    #self.modules, table.concat(self.gpuAssignments, ','), inner)
end

return DPT
