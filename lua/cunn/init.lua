-- cunn: nn on Cuda tensors. luatorch's nn kernels are written once against the array module of
-- the tensors they are given (luatorch/lib/xp.py), so every module and criterion runs on Cuda
-- tensors after module:cuda() (nn.Module:type converts its fields); this package loads cutorch
-- and nn and adds what cunn has beyond them (nn.DataParallelTable).
require 'cutorch'
require 'nn'
cunn = cunn or {}
package.loaded.cunn = cunn

-- the Cuda conversions of modules besides :cuda() (nn.Module has float, double, cuda)
for name, typename in pairs({cudaDouble = 'torch.CudaDoubleTensor', cudaHalf = 'torch.CudaHalfTensor'}) do
  if not nn.Module[name] then
    nn.Module[name] = function(self, ...) return self:type(typename, ...) end
  end
end

require 'cunn.DataParallelTable'

return cunn
