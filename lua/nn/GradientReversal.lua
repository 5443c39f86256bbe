-- nn.GradientReversal([lambda=1]): identity forward; backward passes -lambda * gradOutput
require 'nn.Module'
local GradientReversal, parent = torch.class('nn.GradientReversal', 'nn.Module')

GradientReversal.__version = 2

function GradientReversal:__init(lambda)
  parent.__init(self)
  self.lambda = lambda or 1
end

function GradientReversal:setLambda(lambda)
  self.lambda = lambda
end

function GradientReversal:updateOutput(input)
  self.output:set(input)
  return self.output
end

function GradientReversal:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(gradOutput):copy(gradOutput):mul(-self.lambda)
  return self.gradInput
end

-- objects saved before version 2 had no lambda
function GradientReversal:read(file, version)
  if parent.read then parent.read(self, file, version) end
  if version and version < 2 then self.lambda = 1 end
end

return GradientReversal
