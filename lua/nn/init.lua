-- nn: Torch7's neural-network package. Modules are torch.class objects holding their state in
-- plain fields; the maths behind their methods are Python kernels (nn._K, luatorch/lib/nn).
require 'torch'
nn = nn or {}
package.loaded.nn = nn
nn._K = require 'nn._kernels'

require 'nn.utils'
require 'nn.Module'
require 'nn.Criterion'

-- every other file of this directory defines one class (each requires its parent first)
local dir = debug.getinfo(1, 'S').source:match('^@(.*)/init%.lua$')
local names = {}
for _, f in ipairs(paths.dir(dir) or {}) do
  local name = f:match('^([%w]+)%.lua$')
  if name and name ~= 'init' then names[#names + 1] = name end
end
table.sort(names)
for _, name in ipairs(names) do require('nn.' .. name) end

return nn
