-- nn.Container: a module holding child modules in self.modules.
require 'nn.Module'
local Container, parent = torch.class('nn.Container', 'nn.Module')

function Container:__init(...)
  parent.__init(self, ...)
  self.modules = {}
end

function Container:add(module)
  self.modules[#self.modules + 1] = module
  return self
end

function Container:get(index)
  return self.modules[index]
end

function Container:size()
  return #self.modules
end

local WARNING = "WARNING: If you see a stack trace below, it doesn't point to the place where this error occurred. Please use only the one above."

-- the container and child index of the innermost rethrowErrors call in progress (one handler
-- for all calls: no closure per call on the hot path)
local errSelf, errIndex

local function annotate(err)
  if type(err) ~= 'string' then return err end
  if err:find(WARNING, 1, true) then
    -- already annotated by an inner container: drop the position prefix this level added
    local nl = err:find('\n', 1, true)
    if nl then err = err:sub(nl + 1) end
  else
    local tb = debug.traceback()
    -- drop the traceback's line for this handler
    local first = tb:find('\n', 1, true)
    local second = first and tb:find('\n', first + 1, true)
    if second then tb = tb:sub(1, first) .. tb:sub(second + 1) end
    err = err .. '\n' .. tb .. '\n\n' .. WARNING
  end
  return '\nIn ' .. errIndex .. ' module of ' .. torch.type(errSelf) .. ':\n' .. err
end

-- module[funcName](module, ...), with an error raised inside it reported as
-- "In <i> module of <container type>:" followed by the original message (the innermost
-- container also appends the stack trace of the place the error was raised)
function Container:rethrowErrors(module, moduleIndex, funcName, ...)
  assert(module == self.modules[moduleIndex], 'mismatch between moduleIndex and self.modules in rethrowErrors')
  local outerSelf, outerIndex = errSelf, errIndex
  errSelf, errIndex = self, moduleIndex
  local ok, ret, extra = xpcall(module[funcName], annotate, module, ...)
  errSelf, errIndex = outerSelf, outerIndex
  assert(extra == nil, 'rethrowErrors supports only one return argument')
  if not ok then error(ret) end
  return ret
end

function Container:applyToModules(fn)
  for _, m in ipairs(self.modules) do fn(m) end
end

function Container:zeroGradParameters()
  self:applyToModules(function(m) m:zeroGradParameters() end)
end

function Container:updateParameters(lr)
  self:applyToModules(function(m) m:updateParameters(lr) end)
end

function Container:training()
  self:applyToModules(function(m) m:training() end)
  parent.training(self)
end

function Container:evaluate()
  self:applyToModules(function(m) m:evaluate() end)
  parent.evaluate(self)
end

function Container:share(mlp, ...)
  for i = 1, #self.modules do self.modules[i]:share(mlp.modules[i], ...) end
  return self
end

function Container:reset(stdv)
  self:applyToModules(function(m) m:reset(stdv) end)
end

-- the children's parameters in order (nested tables returned by a child are flattened)
function Container:parameters()
  local w, gw = {}, {}
  local function append(to, x)
    if torch.type(x) == 'table' then
      for i = 1, #x do append(to, x[i]) end
    else
      to[#to + 1] = x
    end
  end
  for i = 1, #self.modules do
    local mw, mgw = self.modules[i]:parameters()
    if mw then
      append(w, mw)
      append(gw, mgw)
    end
  end
  return w, gw
end

-- output and gradInput are replaced (not emptied in place: they may be a child's tensors),
-- then every child clears its own state
function Container:clearState()
  for _, f in ipairs({'output', 'gradInput'}) do
    local v = self[f]
    if v then
      if torch.isTensor(v) then
        self[f] = v.new()
      elseif torch.type(v) == 'table' then
        self[f] = {}
      else
        self[f] = nil
      end
    end
  end
  if self.modules then
    for _, m in pairs(self.modules) do m:clearState() end
  end
  return self
end

-- the layout Concat, ConcatTable, Parallel and ParallelTable print:
--   nn.Concat {
--     input
--       |`-> (1): ...
--        `-> (2): ...
--        ... -> output
--   }
function Container:_branchesToString()
  local n = #self.modules
  local parts = {torch.type(self), ' {\n  input'}
  for i = 1, n do
    local head, cont = '  |`-> ', '  |    '
    if i == n then head, cont = '   `-> ', '       ' end
    parts[#parts + 1] = '\n  ' .. head .. '(' .. i .. '): ' .. tostring(self.modules[i]):gsub('\n', '\n  ' .. cont)
  end
  parts[#parts + 1] = '\n     ... -> output\n}'
  return table.concat(parts)
end

return Container
