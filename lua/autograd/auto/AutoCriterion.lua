-- autograd.nn.AutoCriterion(name)(fn): an nn criterion whose loss is fn(input, target) and whose
-- gradInput autograd computes. The class is 'autograd.nn.criterion.<name>'.
local auto = require 'autograd.auto'
local main = require 'autograd.main'

local FUNCS = setmetatable({}, {__mode = 'k'})

local function funcs(self)
  local f = FUNCS[self]
  if f == nil or f.fn ~= self.fn then
    local fn = self.fn
    if type(fn) ~= 'function' then
      error(torch.typename(self) .. ': its function is missing (a function saved in a .t7 file ' ..
            'loads only with torch.load(name, nil, nil, {allowBytecode = true}), and only from ' ..
            'the same Lua version)', 3)
    end
    f = {fn = fn, df = main(function(p, target) return fn(p.input, target) end)}
    FUNCS[self] = f
  end
  return f
end

return function(criterionName)
  if type(criterionName) ~= 'string' then
    error('You must provide a name for your auto-differentiated criterion.', 2)
  end
  local className = 'autograd.nn.criterion.' .. criterionName
  if not torch.getmetatable(className) then
    local criterion, parent = torch.class(className, 'nn.Criterion', auto)

    function criterion:__init(fn)
      parent.__init(self)
      if type(fn) ~= 'function' then
        error('An autograd function must be specified as input to AutoCriterion', 2)
      end
      self.fn = fn
    end

    function criterion:updateOutput(input, target)
      local grads, loss, predictions = funcs(self).df({input = input}, target)
      self.grads = grads
      self.output = loss
      self.predictions = predictions
      return self.output
    end

    function criterion:updateGradInput(input, target)
      if not self.grads then self:updateOutput(input, target) end
      self.gradInput = self.grads.input
      return self.gradInput
    end
  end
  return auto[criterionName]
end
