-- nn.Container: a module holding child modules in self.modules.
require 'nn.Module'
local Container, parent = torch.class('nn.Container', 'nn.Module')

function Container:__init(...)
  parent.__init(self, ...)
  self.modules = {}
end

function Container:add(module, index)
  if index then
    assert(index >= 1 and index <= #self.modules + 1, 'index should be contiguous to existing modules')
    table.insert(self.modules, index, module)
  else
    self.modules[#self.modules + 1] = module
  end
  return self
end

function Container:get(index)
  return self.modules[index]
end

function Container:size()
  return #self.modules
end

-- call fn(module) on every child
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

function Container:parameters()
  local w, gw = {}, {}
  for _, m in ipairs(self.modules) do
    local mw, mgw = m:parameters()
    if mw then
      for i = 1, #mw do
        w[#w + 1] = mw[i]
        gw[#gw + 1] = mgw[i]
      end
    end
  end
  return w, gw
end

function Container:clearState()
  -- children first, then this container's own buffers
  self:applyToModules(function(m) if m.clearState then m:clearState() end end)
  return parent.clearState(self)
end

return Container
