-- nn.gModule(inputs, outputs): a module whose body is a graph of nngraph nodes.
-- The graph is declared backwards (a node's children are its inputs): bg is that graph from a
-- dummy output node, fg its reverse from a dummy input node; forwardnodes / backwardnodes are
-- their topological orders. node.data.input collects a node's inputs (mapindex gives their
-- positions), node.data.gradOutput the gradients to sum.
require 'nn'
local utils = require 'nngraph.utils'
local gModule, parent = torch.class('nn.gModule', 'nn.Container')
local istable = utils.istable

----------------------------------------------------------------------------- nested tensors
local function cloneNested(x)
  if istable(x) then
    local r = {}
    for k, v in pairs(x) do r[k] = cloneNested(v) end
    return r
  end
  return x:clone()
end

local function resizeCopyNested(dst, src)
  if istable(src) then
    dst = istable(dst) and dst or {}
    for k, v in pairs(src) do dst[k] = resizeCopyNested(dst[k], v) end
    return dst
  end
  if not torch.isTensor(dst) then dst = src.new() end
  dst:resizeAs(src):copy(src)
  return dst
end

local function addNested(dst, src)
  if istable(src) then
    for k, v in pairs(src) do addNested(dst[k], v) end
  else
    dst:add(src)
  end
end

-- the sum of the gradients a node received (one: itself, several: into a reused buffer)
local function totalGradOutput(node)
  local g = node.data.gradOutput
  assert(istable(g), 'expecting gradients to sum')
  if #g <= 1 then return g[1] end
  local buf = resizeCopyNested(node.data.gradOutputBuffer, g[1])
  node.data.gradOutputBuffer = buf
  for i = 2, #g do addNested(buf, g[i]) end
  return buf
end

local function label(node)
  return node.data.annotations and node.data.annotations._debugLabel or ('node ' .. tostring(node.id))
end

----------------------------------------------------------------------------- construction
function gModule:__init(inputs, outputs)
  parent.__init(self)
  local outnode = nngraph.Node({input = {}})
  for i = 1, utils.tableMaxN(outputs) do
    local node = outputs[i]
    if torch.typename(node) ~= 'nngraph.Node' then
      error(utils.expectingNodeErrorMessage(node, 'outputs', i), 2)
    end
    outnode:add(node, true)
  end
  for i = 1, utils.tableMaxN(inputs) do
    if torch.typename(inputs[i]) ~= 'nngraph.Node' then
      error(utils.expectingNodeErrorMessage(inputs[i], 'inputs', i), 2)
    end
  end
  assert(#inputs > 0, 'no inputs are not supported')
  local innode = nngraph.Node({input = {}})
  if #inputs == 1 then
    inputs[1]:add(innode, true)
  else
    local splits = {innode:split(#inputs)}
    for i = 1, #inputs do
      if #inputs[i].children ~= 0 then
        error('an input should have no inputs: inputs[' .. i .. '] declared at ' .. label(inputs[i]) .. ' has some', 2)
      end
    end
    for i = 1, #inputs do inputs[i]:add(splits[i], true) end
  end

  self.bg = outnode:graph()
  self.fg = self.bg:reverse()
  local roots = self.fg:roots()
  for _, r in ipairs(roots) do
    if r.data == innode.data then self.innode = r end
  end
  for _, r in ipairs(roots) do
    if r.data ~= innode.data then
      error('the node declared at ' .. label(r) .. ' feeds the outputs but is not one of the '
        .. "gModule's inputs and has no inputs itself", 2)
    end
  end
  assert(self.innode, 'expecting the forward innode')
  self.outnode = outnode
  self.verbose = false
  self.nInputs = #inputs
  self.forwardnodes = self.fg:topsort()
  self.backwardnodes = self.bg:topsort()

  for i, node in ipairs(self.forwardnodes) do
    local d = node.data
    if d.nSplitOutputs and d.nSplitOutputs ~= #node.children then
      error(string.format('%s of split(%s) outputs from the node declared at %s are unused',
        d.nSplitOutputs - #node.children, d.nSplitOutputs, tostring(d.annotations._debugLabel)), 2)
    end
    for succ in pairs(d.reverseMap) do
      local found = false
      for j = i + 1, #self.forwardnodes do
        if self.forwardnodes[j].data == succ.data then found = true break end
      end
      if not found then
        error(string.format('node declared on %s does not connect to gmodule output',
          tostring(succ.data.annotations._debugLabel)), 2)
      end
    end
    d.forwardNodeId = node.id
    if d.module then self:add(d.module) end
  end
  self.output = nil
  self.gradInput = nil
  if #self.outnode.children > 1 then self.output = self.outnode.data.input end
end

----------------------------------------------------------------------------- evaluation
local function call(node, f, ...)
  if not nngraph._debug then return f(...) end
  local r = {pcall(f, ...)}
  if not r[1] then
    error(tostring(r[2]) .. '\nIn node declared at ' .. label(node) .. ' (' .. torch.type(node.data.module) .. ')', 0)
  end
  return unpack(r, 2)
end

local function nodeInput(node)
  local input = node.data.input
  if input == nil then input = {} end
  if #input == 1 then input = input[1] end
  return input
end

function gModule:runForwardFunction(func, input)
  if type(func) == 'string' then
    local name = func
    func = function(m, x) return m[name](m, x) end
  end
  local nInputs = self.nInputs or #self.innode.children
  if nInputs <= 1 then
    input = {input}
  elseif type(input) ~= 'table' then
    error(string.format('expecting table of %s inputs', nInputs), 2)
  end
  if #input ~= nInputs then
    error(string.format('Got %s inputs instead of %s', #input, nInputs), 2)
  end
  for _, node in ipairs(self.forwardnodes) do
    local inp = node.data.input
    if inp then for k = #inp, 1, -1 do inp[k] = nil end end
  end
  local innode = self.innode
  innode.data.input = innode.data.input or {}
  for i, x in ipairs(input) do innode.data.input[i] = x end

  for _, node in ipairs(self.forwardnodes) do
    local d = node.data
    local out
    if d.selectindex then
      out = d.input[1][d.selectindex]
    else
      local x = nodeInput(node)
      if d.module then out = call(node, func, d.module, x) else out = x end
      if d.nSplitOutputs and d.nSplitOutputs ~= #out then
        error(string.format('split(%s) cannot split %s outputs', d.nSplitOutputs, #out))
      end
    end
    for _, child in ipairs(node.children) do
      local cd = child.data
      cd.input = cd.input or {}
      local idx = cd.mapindex[d]
      assert(not cd.input[idx], 'each input should have one source')
      cd.input[idx] = out
    end
    if self.verbose then print(' V : ' .. node:label()) end
  end
  self.output = self.outnode.data.input
  if #self.outnode.children == 1 then self.output = self.output[1] end
  return self.output
end

function gModule:updateOutput(input)
  return self:runForwardFunction('updateOutput', input)
end

function gModule:updateGradInput(input, gradOutput)
  local outnode = self.outnode
  if #outnode.children > 1 and #gradOutput ~= #outnode.children then
    error(string.format('Got %s gradOutputs instead of %s', #gradOutput, #outnode.children), 2)
  end
  for _, node in ipairs(self.backwardnodes) do
    local g = node.data.gradOutput
    if g then for k = #g, 1, -1 do g[k] = nil end end
  end
  outnode.data.gradOutput = outnode.data.gradOutput or {}
  outnode.data.gradOutput[1] = gradOutput

  for _, node in ipairs(self.backwardnodes) do
    local d = node.data
    if d.selectindex then
      local child = node.children[1]
      local go = totalGradOutput(node)
      child.data.gradOutput = child.data.gradOutput or {}
      child.data.gradOutput[1] = child.data.gradOutput[1] or {}
      child.data.gradOutput[1][d.selectindex] = go
    else
      local go = totalGradOutput(node)
      local gi
      if d.module then
        gi = call(node, d.module.updateGradInput, d.module, nodeInput(node), go)
      else
        gi = go
      end
      local single = #node.children == 1
      for _, child in ipairs(node.children) do
        local cd = child.data
        cd.gradOutput = cd.gradOutput or {}
        cd.gradOutput[#cd.gradOutput + 1] = single and gi or gi[d.mapindex[cd]]
      end
    end
    if self.verbose then print(' V : ' .. node:label()) end
  end
  assert(#self.innode.data.gradOutput == 1, 'expecting the innode to be used only once')
  self.gradInput = self.innode.data.gradOutput[1]
  return self.gradInput
end

function gModule:accGradParameters(input, gradOutput, scale)
  local outnode = self.outnode
  if #outnode.children > 1 and #gradOutput ~= #outnode.children then
    error(string.format('Got %s gradOutputs instead of %s', #gradOutput, #outnode.children), 2)
  end
  for _, node in ipairs(self.backwardnodes) do
    local d = node.data
    if d.module then
      local go = #d.gradOutput > 1 and d.gradOutputBuffer or d.gradOutput[1]
      call(node, d.module.accGradParameters, d.module, nodeInput(node), go, scale)
    end
  end
end

----------------------------------------------------------------------------- the rest
local function dropTransient(self)
  for _, list in ipairs({self.forwardnodes or {}, self.backwardnodes or {}}) do
    for _, node in ipairs(list) do
      node.data.input = node.data.selectindex and {} or nil
      node.data.gradOutput = nil
      node.data.gradOutputBuffer = nil
    end
  end
  if self.innode then self.innode.data.input = {} end
  if self.outnode then self.outnode.data.input = {} end
end

function gModule:type(typename, tensorCache)
  if not typename then return self._type end
  tensorCache = tensorCache or {}
  dropTransient(self)
  for _, m in ipairs(self.modules) do m:type(typename, tensorCache) end
  for _, k in ipairs({'output', 'gradInput'}) do
    self[k] = nn.utils.recursiveType(self[k], typename, tensorCache)
  end
  self._type = typename
  return self
end

function gModule:clearState()
  local r = parent.clearState(self)
  dropTransient(self)
  return r
end

function gModule:replace(callback)
  local out = callback(self)
  local pos = {}
  for i, m in ipairs(self.modules) do pos[m] = i end
  for _, node in ipairs(self.forwardnodes) do
    local m = node.data.module
    if m then
      node.data.module = m:replace(callback)
      self.modules[pos[m]] = node.data.module
    end
  end
  return out
end

-- func(moduleOfSelf, moduleOfOther) for corresponding nodes of two gModules of one structure
function gModule:map(other, func)
  for i, node in ipairs(self.forwardnodes) do
    local o = other.forwardnodes[i]
    assert(o, 'trying to map another gModule with a different structure')
    if node.data.module then
      assert(o.data.module, 'trying to map another gModule with a different structure')
      func(node.data.module, o.data.module)
    end
  end
end

function gModule:read(file)
  local data = file:readObject()
  for k, v in pairs(data) do self[k] = v end
  if not self.modules then
    self.modules = {}
    for _, node in ipairs(self.forwardnodes) do
      if node.data.module then self.modules[#self.modules + 1] = node.data.module end
    end
  end
end

function gModule:__tostring__()
  return self.name or torch.type(self)
end

return gModule
