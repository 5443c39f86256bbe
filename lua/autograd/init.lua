-- autograd: torch-autograd on luatorch. `local grad = require 'autograd'`; `grad(f)` is df with
-- `grads, loss = df(params, ...)`. The tape and the gradients live in Python
-- (luatorch/lib/autograd); lua/autograd/runtime.lua is the Lua half.
require 'torch'
require 'nn'
local autograd = require 'autograd.main'

autograd.VERSION = '0.1'
autograd.LICENSE = 'Apache 2.0'

autograd.util = require 'autograd.util'
autograd.overload = require 'autograd.overload'
autograd.nnwrapper = require 'autograd.nnwrapper'
autograd.functionalize = autograd.nnwrapper.functionalize
autograd.nn = autograd.functionalize('nn')
autograd.nn.AutoModule = require 'autograd.auto.AutoModule'
autograd.nn.AutoCriterion = require 'autograd.auto.AutoCriterion'
autograd.auto = require 'autograd.auto'

-- loading a saved AutoModule/AutoCriterion makes its class on the way
if not rawget(torch, '_autograd_factory') then
  local factory = torch.factory
  torch._autograd_factory = factory
  torch.factory = function(className)
    -- autograd.auto.factory: the factory before autograd's (nil: no classes made on the way)
    local base = autograd.auto.factory
    if base and type(className) == 'string' and not torch.getmetatable(className) then
      local m = className:match('^autograd%.nn%.module%.(.+)$')
      if m then autograd.nn.AutoModule(m) end
      local c = className:match('^autograd%.nn%.criterion%.(.+)$')
      if c then autograd.nn.AutoCriterion(c) end
    end
    return (base or factory)(className)
  end
end
autograd.auto.factory = autograd.auto.factory or torch._autograd_factory

autograd.model = require 'autograd.model'
autograd.module = require 'autograd.module'
autograd.loss = require 'autograd.loss'
autograd.optim = require 'autograd.optim'

return autograd
