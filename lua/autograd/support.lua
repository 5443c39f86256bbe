-- torch.* function forms that torch-autograd code calls and that Torch7 has only as methods.
-- Each is added only where torch lacks it, and calls the method, so it means what the method
-- means outside autograd; inside a differentiated function autograd overloads them.
local function method(name)
  return function(t, ...) return t[name](t, ...) end
end

for _, name in ipairs({'contiguous', 'copy', 'size', 'isSameSizeAs', 'long', 'typeAs', 'zero',
                       'scatter', 'fill', 'double', 'float'}) do
  if rawget(torch, name) == nil then torch[name] = method(name) end
end

return true
