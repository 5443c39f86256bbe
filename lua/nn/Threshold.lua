-- nn.Threshold([threshold=1e-6, value=0, inplace=false]): y = x > threshold ? x : value
require 'nn.Module'
local Threshold, parent = torch.class('nn.Threshold', 'nn.Module')
local K = nn._K

function Threshold:__init(th, v, ip)
  parent.__init(self)
  if (th ~= nil and type(th) ~= 'number') or (v ~= nil and type(v) ~= 'number') then
    error('nn.Threshold(threshold, value)')
  end
  if ip and type(ip) ~= 'boolean' then error('in-place flag must be boolean') end
  self.threshold = th or 1e-6
  self.val = v or 0
  self.inplace = ip or false
  self:validateParameters()
end

-- in-place thresholding cannot be undone in backward unless value <= threshold
function Threshold:validateParameters()
  self.inplace = self.inplace or false
  if self.inplace and self.val > self.threshold then
    error('in-place processing requires value (' .. self.val .. ') not exceed threshold ('
      .. self.threshold .. ')')
  end
end

function Threshold:updateOutput(input)
  self:validateParameters()
  K.Threshold_updateOutput(input, self.output, self.threshold, self.val, self.inplace)
  return self.output
end

function Threshold:updateGradInput(input, gradOutput)
  self:validateParameters()
  K.Threshold_updateGradInput(input, gradOutput, self.gradInput, self.threshold, self.val,
    self.inplace)
  return self.gradInput
end

return Threshold
