-- torch: the package every Torch7 script starts with. The maths is Python (luatorch/lib);
-- this file wires the Lua side together.
torch = torch or {}
package.loaded.torch = torch
torch._metatables = torch._metatables or {}

require 'torch.class'
require 'torch.Tensor'
require 'torch.utils'
require 'torch.File'
require 'torch.apply'
require 'paths'
require 'torch.package_utils'
require 'torch.Timer'
require 'torch.CmdLine'
require 'torch.Tester'
require 'torch.TestSuite'

return torch
