-- The operating-system helpers (luatorch/bindings/os_api.py) as Lua functions, for the
-- packages paths, sys, xlua and torch.Timer. The runtime installs the Python side at
-- __luatorch.os; when it has not, this module installs it itself through lupa's `python`.
local py = assert(rawget(_G, '__luatorch'), 'luatorch.os must be loaded through the luatorch runtime')

local api = py.os
if not api then
  local python = rawget(_G, 'python')
  assert(python and python.eval, 'luatorch.os: the runtime did not install __luatorch.os')
  local install = python.eval("__import__('luatorch.bindings.os_api', fromlist=['install_from_lua']).install_from_lua")
  api = install(py, function() return {} end)
end

-- results come back encoded as export.py describes; bridge.ret decodes them
local ret = require('torch._bridge').ret
local M = {}
for name, fn in pairs(api) do
  M[name] = function(...) return ret(nil, fn(...)) end
end
return M
