-- nn.LeakyReLU([negval=0.01, inplace=false]): y = x > 0 ? x : negval * x
require 'nn.Module'
local LeakyReLU, parent = torch.class('nn.LeakyReLU', 'nn.Module')
local K = nn._K

function LeakyReLU:__init(negval, ip)
  parent.__init(self)
  if type(negval) == 'boolean' then
    -- LeakyReLU(true): the flag is not taken as in-place (as in torch/nn)
    self.negval = 1 / 100
  else
    self.negval = negval or 1 / 100
  end
  self.inplace = ip or false
  if self.negval < 0 then self.inplace = false end
end

function LeakyReLU:updateOutput(input)
  K.LeakyReLU_updateOutput(input, self.output, self.negval, self.inplace)
  return self.output
end

function LeakyReLU:updateGradInput(input, gradOutput)
  K.LeakyReLU_updateGradInput(input, gradOutput, self.gradInput, self.negval, self.inplace)
  return self.gradInput
end

function LeakyReLU:__tostring__()
  return torch.type(self) .. string.format('(%g)', self.negval)
end

return LeakyReLU
