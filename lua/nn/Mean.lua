-- nn.Mean([dimension=1, nInputDims]): nn.Sum with sizeAverage (kept for old code)
require 'nn.Sum'
local Mean, parent = torch.class('nn.Mean', 'nn.Sum')

function Mean:__init(dimension, nInputDims)
  parent.__init(self, dimension, nInputDims, true)
end

return Mean
