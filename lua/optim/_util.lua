-- Argument checks shared by the optim algorithms. Errors are raised at the caller of the
-- algorithm (level 3 from here), naming the algorithm, so misuse reads like Torch's own errors.
local util = {}

local function callable(f)
  if type(f) == 'function' then return true end
  local mt = getmetatable(f)
  return type(mt) == 'table' and mt.__call ~= nil
end
util.callable = callable

local function describe(v)
  return torch.typename(v) or type(v)
end

-- opfunc must be callable, x a tensor, config/state tables (or nil); returns config, state
function util.start(name, opfunc, x, config, state)
  if not callable(opfunc) then
    error(('optim.%s: bad argument #1 (opfunc: function expected, got %s)'):format(name, describe(opfunc)), 3)
  end
  if not torch.isTensor(x) then
    error(('optim.%s: bad argument #2 (x: tensor expected, got %s)'):format(name, describe(x)), 3)
  end
  if config ~= nil and type(config) ~= 'table' then
    error(('optim.%s: bad argument #3 (config: table expected, got %s)'):format(name, describe(config)), 3)
  end
  if state ~= nil and type(state) ~= 'table' then
    error(('optim.%s: bad argument #4 (state: table expected, got %s)'):format(name, describe(state)), 3)
  end
  config = config or {}
  return config, state or config
end

-- what opfunc returned must be a number (or tensor) and a gradient tensor
function util.grad(name, fx, dfdx)
  if not torch.isTensor(dfdx) then
    error(('optim.%s: opfunc must return f(x) and df/dx (a tensor); got %s as df/dx')
      :format(name, describe(dfdx)), 3)
  end
  return fx, dfdx
end

-- a numeric option, or a clear error
function util.number(name, field, v)
  if type(v) ~= 'number' then
    error(('optim.%s: %s must be a number, got %s'):format(name, field, describe(v)), 3)
  end
  return v
end

return util
