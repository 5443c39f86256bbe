-- autograd.nn.AutoModule(name)(fn, weight, bias): an nn module whose updateOutput is
-- fn(input, weight, bias) and whose gradients autograd computes. The class is
-- 'autograd.nn.module.<name>' (made once per name, kept in autograd.auto), so instances can be
-- cloned, saved and loaded like any nn module.
local auto = require 'autograd.auto'
local main = require 'autograd.main'

-- the differentiated functions of an instance, kept out of its fields (not serialized)
local FUNCS = setmetatable({}, {__mode = 'k'})

local function missing(self)
  error(torch.typename(self) .. ': its function is missing (a function saved in a .t7 file ' ..
        'loads only with torch.load(name, nil, nil, {allowBytecode = true}), and only from the ' ..
        'same Lua version)', 3)
end

local function funcs(self)
  local f = FUNCS[self]
  if f == nil then
    local fn = self.fn
    if type(fn) ~= 'function' then missing(self) end
    local function wrapper(p) return fn(p.input, p.weight, p.bias) end
    f = {
      forward = main(wrapper, {withForward = true, withGradients = false}),
      backward = main(wrapper, {withForward = false, withGradients = true, partialGrad = true}),
      fn = fn,
    }
    FUNCS[self] = f
  end
  return f
end

return function(moduleName)
  if type(moduleName) ~= 'string' then
    error('You must provide a name for your auto-differentiated module.', 2)
  end
  local className = 'autograd.nn.module.' .. moduleName
  if not torch.getmetatable(className) then
    local module, parent = torch.class(className, 'nn.Module', auto)

    function module:__init(fn, weight, bias)
      parent.__init(self)
      if type(fn) ~= 'function' then
        error('An autograd function must be specified as input to AutoModule', 2)
      end
      self.fn = fn
      self.weight = weight
      self.gradWeight = weight and weight:clone():zero()
      self.bias = bias
      self.gradBias = bias and bias:clone():zero()
    end

    function module:validate()
      local f = funcs(self)
      if f.fn ~= self.fn then FUNCS[self] = nil f = funcs(self) end
      return f
    end

    function module:updateOutput(input)
      self.grads = nil
      self.output = self:validate().forward({input = input, weight = self.weight, bias = self.bias})
      return self.output
    end

    function module:updateGradInput(input, gradOutput)
      self.grads = self:validate().backward({input = input, weight = self.weight, bias = self.bias}, gradOutput)
      self.gradInput = self.grads.input
      return self.gradInput
    end

    function module:accGradParameters(input, gradOutput, scale)
      scale = scale or 1
      if self.weight or self.bias then
        if not self.grads then self:updateGradInput(input, gradOutput) end
        if self.weight then self.gradWeight:add(scale, self.grads.weight) end
        if self.bias then self.gradBias:add(scale, self.grads.bias) end
      end
    end
  end
  return auto[moduleName]
end
