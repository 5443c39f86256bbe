-- nn.SpatialLPPooling(nInputPlane, pnorm, kW, kH [, dW=kW, dH=kH]): the p-norm of each kW x kH
-- window, (sum x^p)^(1/p); a Sequential of Power (Square), SpatialAveragePooling, MulConstant
-- and Power (Sqrt) with no parameters to learn
require 'nn.Sequential'
local SpatialLPPooling, parent = torch.class('nn.SpatialLPPooling', 'nn.Sequential')

function SpatialLPPooling:__init(nInputPlane, pnorm, kW, kH, dW, dH)
  parent.__init(self)
  dW = dW or kW
  dH = dH or kH
  self.kW, self.kH, self.dW, self.dH = kW, kH, dW, dH
  self:add(pnorm == 2 and nn.Square() or nn.Power(pnorm))
  self:add(nn.SpatialAveragePooling(kW, kH, dW, dH))
  self:add(nn.MulConstant(kW * kH))
  self:add(pnorm == 2 and nn.Sqrt() or nn.Power(1 / pnorm))
end

-- nothing to learn: the sub-modules' parameter methods are not called
function SpatialLPPooling:reset() end
function SpatialLPPooling:accGradParameters() end
function SpatialLPPooling:accUpdateGradParameters() end
function SpatialLPPooling:zeroGradParameters() end
function SpatialLPPooling:updateParameters() end

return SpatialLPPooling
