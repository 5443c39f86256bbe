-- nn.Criterion: the base of every loss. forward(input, target) -> loss (also self.output);
-- backward(input, target) -> gradInput (also self.gradInput). Subclasses override updateOutput
-- and updateGradInput.
local Criterion = torch.class('nn.Criterion')

function Criterion:__init()
  self.gradInput = torch.Tensor()
  self.output = 0
end

function Criterion:updateOutput(input, target)
end

function Criterion:forward(input, target)
  return self:updateOutput(input, target)
end

function Criterion:backward(input, target)
  return self:updateGradInput(input, target)
end

function Criterion:updateGradInput(input, target)
end

-- a deep copy (nn does it by serializing to memory; the result is the same object graph)
function Criterion:clone()
  return nn.utils.deepcopy(self)
end

-- convert every tensor field (and criteria/modules held in fields) to tensor type `typename`
function Criterion:type(typename, tensorCache)
  assert(typename, 'Criterion: must provide a type to convert to')
  tensorCache = tensorCache or {}
  for key, param in pairs(self) do
    self[key] = nn.utils.recursiveType(param, typename, tensorCache)
  end
  return self
end

function Criterion:float() return self:type('torch.FloatTensor') end
function Criterion:double() return self:type('torch.DoubleTensor') end
function Criterion:cuda() return self:type('torch.CudaTensor') end
function Criterion:cudaHalf() return self:type('torch.CudaHalfTensor') end
function Criterion:cudaDouble() return self:type('torch.CudaDoubleTensor') end

function Criterion:__call__(input, target)
  self.output = self:forward(input, target)
  self.gradInput = self:backward(input, target)
  return self.output, self.gradInput
end

-- empty the buffers (gradInput) to save memory, as Module:clearState does
function Criterion:clearState()
  return nn.utils.clear(self, 'gradInput')
end

function Criterion:__tostring__()
  return torch.type(self)
end

return Criterion
