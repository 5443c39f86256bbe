-- cutorch: Torch7's CUDA tensors. The Cuda types (torch.CudaTensor = float, CudaDoubleTensor,
-- CudaByteTensor, CudaCharTensor, CudaShortTensor, CudaIntTensor, CudaLongTensor,
-- CudaHalfTensor and their storages) are entries of luatorch's one type table whose storages
-- live in the device's array module (luatorch/lib/xp.py: CuPy on a GPU). Without a GPU they run
-- on the CPU through the same code, after a one-line warning on stderr (LUATORCH_CUDA=strict
-- makes that an error, LUATORCH_CUDA=cpu forces the CPU).
require 'torch'
local bridge = require 'torch._bridge'

local api = {}
for name, fn in pairs(bridge.py.cuda_api()) do api[name] = bridge.fn(fn) end
local gpu, why = api.init()

cutorch = cutorch or {}
package.loaded.cutorch = cutorch

if not gpu then
  io.stderr:write('cutorch: ' .. tostring(why) .. ': Cuda tensors run on the CPU (LUATORCH_CUDA=strict makes this an error)\n')
end

-- the Cuda classes and metatables (built by lua/torch/Tensor.lua) become visible
for k, v in pairs(torch._cuda.classes) do torch[k] = v end
for k, v in pairs(torch._cuda.metatables) do torch._metatables[k] = v end

-- conversions: every tensor type gets :cuda() (torch.CudaTensor) and :cudaDouble() ...
-- (a tensor already of the type is returned as it is, as :type does)
local conversions = {
  cuda = 'torch.CudaTensor', cudaDouble = 'torch.CudaDoubleTensor',
  cudaByte = 'torch.CudaByteTensor', cudaChar = 'torch.CudaCharTensor',
  cudaShort = 'torch.CudaShortTensor', cudaInt = 'torch.CudaIntTensor',
  cudaLong = 'torch.CudaLongTensor', cudaHalf = 'torch.CudaHalfTensor',
}
local cudaTypes = {}
for _, name in ipairs(api.cudaTypes()) do cudaTypes[name] = true end

for _, mt in ipairs(torch._tensor_mts) do
  for method, typename in pairs(conversions) do
    rawset(mt, method, function(self) return self:type(typename) end)
  end
  if cudaTypes[mt.__typename] then
    rawset(mt, 'getDevice', function(self) return api.tensorDevice(self) end)
  end
end
for _, mt in ipairs(torch._storage_mts) do
  if cudaTypes[(mt.__typename:gsub('Storage$', 'Tensor'))] or mt.__typename == 'torch.CudaStorage' then
    rawset(mt, 'getDevice', function() return cutorch.getDevice() end)
  end
end

-- devices (1-based; the CPU fallback has one)
cutorch.getDeviceCount = api.getDeviceCount
cutorch.getDevice = api.getDevice
function cutorch.setDevice(i) api.setDevice(i) end
function cutorch.synchronize() api.synchronize() end
cutorch.synchronizeAll = cutorch.synchronize
function cutorch.deviceReset() api.synchronize() end
-- free, total = cutorch.getMemoryUsage([device]) (bytes)
function cutorch.getMemoryUsage(i) return api.getMemoryUsage(i) end
function cutorch.getDeviceProperties(i) return api.getDeviceProperties(i) end
-- run f() with `device` current, then restore the current device
function cutorch.withDevice(device, f)
  local cur = cutorch.getDevice()
  cutorch.setDevice(device)
  local res = {pcall(f)}
  cutorch.setDevice(cur)
  if not res[1] then error(res[2], 0) end
  return unpack(res, 2)
end
cutorch.hasHalf = true
cutorch.hasFastHalfInstructions = function() return false end
cutorch.isOnGPU = gpu   -- luatorch: false on the CPU fallback

-- streams: one (the default) per device; kept so scripts that select streams run
function cutorch.getNumStreams() return 0 end
function cutorch.reserveStreams() end
function cutorch.getStream() return 0 end
function cutorch.setStream(n)
  if n ~= 0 then error('cutorch.setStream: only the default stream (0) exists in luatorch', 2) end
end
function cutorch.streamSynchronize() api.synchronize() end

-- random numbers: each device has its own generator (the Cuda types' random methods draw
-- from the current device's), separate from torch's
local function gen(i) return api.generator(i) end
function cutorch.manualSeed(n) torch.manualSeed(gen(), n) end
function cutorch.manualSeedAll(n)
  for i = 1, cutorch.getDeviceCount() do torch.manualSeed(gen(i), n) end
end
function cutorch.seed() return torch.seed(gen()) end
function cutorch.seedAll()
  local s
  for i = 1, cutorch.getDeviceCount() do s = torch.seed(gen(i)) end
  return s
end
function cutorch.initialSeed() return torch.initialSeed(gen()) end
function cutorch.getRNGState() return torch.getRNGState(gen()) end
function cutorch.setRNGState(state) return torch.setRNGState(gen(), state) end

-- page-locked host memory is ordinary host memory here
function cutorch.createCudaHostTensor(...) return torch.FloatTensor(...) end
function cutorch.createCudaHostDoubleTensor(...) return torch.DoubleTensor(...) end

return cutorch
