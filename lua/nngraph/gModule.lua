-- nn.gModule(inputs, outputs): a module whose body is a graph of nngraph nodes.
-- The graph is declared backwards (a node's children are its inputs): bg is that graph from a
-- dummy output node, fg its reverse from a dummy input node; forwardnodes / backwardnodes are
-- their topological orders. node.data.input collects a node's inputs (mapindex gives their
-- positions), node.data.gradOutput the gradients to sum.
require 'nn'
local utils = require 'nngraph.utils'
local nesting = require 'nngraph.nesting'
local gModule, parent = torch.class('nn.gModule', 'nn.Container')
local istable = utils.istable
local K = nn._K

-- a tensor viewing a one-element storage holding 0 (an expanded zero, as modules return for a
-- gradient that is zero everywhere)
local function isExpandedZero(g)
  if not torch.isTensor(g) then return false end
  local st = g:storage()
  return st ~= nil and st:size() == 1 and st[1] == 0
end

-- the sum of the gradients a node received: the one gradient itself; with several, the one
-- that is not an expanded zero when all others are (until a buffer exists), else their sum in
-- a buffer reused across calls and reshaped to the gradients' structure
local function totalGradOutput(node)
  local d = node.data
  local g = d.gradOutput
  assert(istable(g), 'expecting gradients to sum')
  if #g <= 1 then return g[1] end
  if not d.gradOutputBuffer then
    local nonzero, idx = 0, 1
    for i = 1, #g do
      if not isExpandedZero(g[i]) then nonzero, idx = nonzero + 1, i end
    end
    if nonzero < 2 then return g[idx] end
    -- (a tensor's buffer is only sized: cloning would read, and so compute, a deferred g[1])
    d.gradOutputBuffer = torch.isTensor(g[1]) and g[1].new() or nesting.cloneNested(g[1])
  end
  local buf = d.gradOutputBuffer
  nesting.resizeNestedAs(buf, g[1])
  -- Narrows' gradients not computed yet are summed from their gradOutputs (an LSTM cell's)
  if torch.isTensor(buf) and K.gModule_sumGradients(buf, unpack(g)) then return buf end
  local first = 2
  if torch.isTensor(buf) and torch.isTensor(g[2]) and torch.type(g[1]) == torch.type(buf)
     and torch.type(g[2]) == torch.type(buf) and g[1]:isSameSizeAs(g[2]) then
    torch.add(buf, g[1], g[2])   -- (the copy and the first add in one pass: the same sums)
    first = 3
  else
    nesting.copyNested(buf, g[1])
  end
  for i = first, #g do nesting.addNestedTo(buf, g[i]) end
  return buf
end

local function label(node)
  return node.data.annotations and node.data.annotations._debugLabel or ('node ' .. tostring(node.id))
end

----------------------------------------------------------------------------- construction
function gModule:__init(inputs, outputs)
  -- construction errors are reported at the caller of nn.gModule(...) (level 3: past the
  -- class constructor)
  parent.__init(self)
  local outnode = nngraph.Node({input = {}})
  for i = 1, utils.tableMaxN(outputs) do
    local node = outputs[i]
    if torch.typename(node) ~= 'nngraph.Node' then
      error(utils.expectingNodeErrorMessage(node, 'outputs', i), 3)
    end
    outnode:add(node, true)
  end
  for i = 1, utils.tableMaxN(inputs) do
    if torch.typename(inputs[i]) ~= 'nngraph.Node' then
      error(utils.expectingNodeErrorMessage(inputs[i], 'inputs', i), 3)
    end
  end
  assert(#inputs > 0, 'no inputs are not supported')
  local innode = nngraph.Node({input = {}})
  local inputSplit
  if #inputs == 1 then
    inputs[1]:add(innode, true)
  else
    local splits = {innode:split(#inputs)}
    inputSplit = splits[1].children[1].data
    for i = 1, #inputs do
      if #inputs[i].children ~= 0 then
        error('an input should have no inputs: inputs[' .. i .. '] declared at ' .. label(inputs[i]) .. ' has some', 3)
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
    -- the only other roots allowed are parameter nodes (nnop.Parameters, which take no input)
    if r.data ~= innode.data and torch.typename(r.data.module) ~= 'nnop.Parameters' then
      error('the node declared at ' .. label(r) .. ' feeds the outputs but is not one of the '
        .. "gModule's inputs and has no inputs itself", 3)
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
      local msg = string.format('%s of split(%s) outputs from the node declared at %s are unused',
        d.nSplitOutputs - #node.children, d.nSplitOutputs, tostring(d.annotations._debugLabel))
      if inputSplit and d == inputSplit then
        -- the split of the dummy input node: name the inputs no output depends on
        local used = {}
        for _, n in ipairs(self.forwardnodes) do used[n.data] = true end
        local unused = {}
        for k = 1, #inputs do
          if not used[inputs[k].data] then
            unused[#unused + 1] = string.format('inputs[%d] (declared at %s)', k, label(inputs[k]))
          end
        end
        msg = msg .. ': ' .. table.concat(unused, ', ') .. ' not connected to any output'
      end
      error(msg, 3)
    end
    for succ in pairs(d.reverseMap) do
      local found = false
      for j = i + 1, #self.forwardnodes do
        if self.forwardnodes[j].data == succ.data then found = true break end
      end
      if not found then
        error(string.format('node declared on %s does not connect to gmodule output',
          tostring(succ.data.annotations._debugLabel)), 3)
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
-- with nngraph.setDebug(true), self._debugNode is the node being evaluated (the one an error
-- came from; see nngraph.setDebug)
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

  local track = nngraph._debug
  for _, node in ipairs(self.forwardnodes) do
    if track then self._debugNode = node end
    local d = node.data
    local out
    if d.selectindex then
      out = d.input[1][d.selectindex]
    else
      local x = nodeInput(node)
      if d.module then out = func(d.module, x) else out = x end
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
  self._debugNode = nil
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

  local track = nngraph._debug
  for _, node in ipairs(self.backwardnodes) do
    if track then self._debugNode = node end
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
        gi = d.module:updateGradInput(nodeInput(node), go)
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
  self._debugNode = nil
  assert(#self.innode.data.gradOutput == 1, 'expecting the innode to be used only once')
  self.gradInput = self.innode.data.gradOutput[1]
  return self.gradInput
end

function gModule:accGradParameters(input, gradOutput, scale)
  local outnode = self.outnode
  if #outnode.children > 1 and #gradOutput ~= #outnode.children then
    error(string.format('Got %s gradOutputs instead of %s', #gradOutput, #outnode.children), 2)
  end
  local track = nngraph._debug
  for _, node in ipairs(self.backwardnodes) do
    if track then self._debugNode = node end
    local d = node.data
    if d.module then
      -- the gradient updateGradInput used: the summing buffer, or the one non-zero gradient
      local go = d.gradOutput[1]
      if #d.gradOutput > 1 then go = d.gradOutputBuffer or totalGradOutput(node) end
      d.module:accGradParameters(nodeInput(node), go, scale)
    end
    if self.verbose then print(' V : ' .. node:label()) end
  end
  self._debugNode = nil
end

----------------------------------------------------------------------------- the rest
function gModule:type(typename, tensorCache)
  if not typename then return self._type end
  tensorCache = tensorCache or {}
  for _, m in ipairs(self.modules) do m:type(typename, tensorCache) end
  -- what the last passes left in the nodes is converted too (sharing the modules' converted
  -- tensors through the cache), as are the gModule's output and gradInput
  for _, node in ipairs(self.forwardnodes) do
    local d = node.data
    for _, k in ipairs({'input', 'gradOutput', 'gradOutputBuffer'}) do
      if d[k] ~= nil then d[k] = nn.utils.recursiveType(d[k], typename, tensorCache) end
    end
  end
  for _, k in ipairs({'output', 'gradInput'}) do
    self[k] = nn.utils.recursiveType(self[k], typename, tensorCache)
  end
  self._type = typename
  return self
end

function gModule:clearState()
  local r = parent.clearState(self)
  for _, node in ipairs(self.forwardnodes) do
    local d = node.data
    d.input, d.gradOutput, d.gradOutputBuffer = nil, nil, nil
  end
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
