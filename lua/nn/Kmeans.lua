-- nn.Kmeans(k, dim [, scale]): online hard k-means. weight holds the k centres (k x dim);
-- forward maps each row of a 2D batch to the index of its nearest centre (self.loss: the sum of
-- squared distances to them); accGradParameters accumulates -scale * mean(x - centre) per centre
-- into gradWeight, so a gradient step moves each centre towards its samples.
require 'nn.Module'
local Kmeans, parent = torch.class('nn.Kmeans', 'nn.Module')
local K = nn._K

function Kmeans:__init(k, dim, scale)
  parent.__init(self)
  self.k = k
  self.dim = dim
  self.scale = scale
  assert(k > 0, 'Clusters cannot be 0 or negative.')
  assert(dim > 0, 'Dimensionality cannot be 0 or negative.')
  self.weight = torch.Tensor(k, dim)
  self.gradWeight = torch.Tensor(self.weight:size())
  self.loss = 0
  self.clusterSampleCount = torch.Tensor(k)
  self:reset()
end

function Kmeans:reset(stdev)
  stdev = stdev or 1
  self.weight:uniform(-stdev, stdev)
end

local function checkInput(self, input)
  assert(input:nDimension() == 2, 'Incorrect input dimensionality. Expecting 2D.')
  assert(input:size(2) == self.dim, "Dimensionality of input and weight don't match.")
end

-- centres := k random rows of input
function Kmeans:initRandom(input)
  checkInput(self, input)
  local n = input:size(1)
  assert(n >= self.k, 'Need atleast k samples for initialization.')
  local indices = torch.zeros(self.k):random(1, n)
  for i = 1, self.k do self.weight[i]:copy(input[indices[i]]) end
end

-- k-means++ style: the first centre a random row, each next one drawn among the
-- ceil((1 - p) * n) rows farthest from the centres chosen so far
function Kmeans:initKmeansPlus(input, p)
  self.p = p or self.p or 0.95
  assert(self.p >= 0 and self.p <= 1, 'P value should be between 0-1.')
  checkInput(self, input)
  local n = input:size(1)
  local pcount = math.ceil((1 - self.p) * n)
  if pcount <= 0 then pcount = 1 end
  self.weight[1]:copy(input[torch.random(n)])
  local distances = self.weight.new(n):fill(math.huge)
  if not input:isContiguous() then input = input:contiguous() end
  for c = 2, self.k do
    K.Kmeans_minDistances(input, self.weight[c - 1], distances)
    local _, order = distances:sort(true)
    self.weight[c]:copy(input[order[torch.random(pcount)]])
  end
end

function Kmeans:updateOutput(input)
  checkInput(self, input)
  self._minIndx = self._minIndx or torch.LongTensor()
  self.loss = K.Kmeans_updateOutput(input, self.weight, self.output, self._minIndx)
  return self.output
end

-- the clustering is its own criterion: no gradient flows to the input
function Kmeans:updateGradInput(input, gradOutput)
  self.gradInput:resize(input:size()):zero()
  return self.gradInput
end

function Kmeans:accGradParameters(input, gradOutput, scale)
  scale = self.scale or scale or 1
  assert(scale > 0, ' Scale has to be positive.')
  K.Kmeans_accGradParameters(input, self.weight, self.gradWeight, self._minIndx,
                             self.clusterSampleCount, scale)
end

function Kmeans:clearState()
  self._minIndx = nil
  return self
end

function Kmeans:type(typename, tensorCache)
  self:clearState()
  return parent.type(self, typename, tensorCache)
end

return Kmeans
