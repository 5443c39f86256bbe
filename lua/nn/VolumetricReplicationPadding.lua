-- nn.VolumetricReplicationPadding(pleft [, pright, ptop, pbottom, pfront, pback]): pads the last
-- three dimensions of a 4D or 5D input by repeating its border values (negative pads crop);
-- omitted pads default to pleft
require 'nn.Module'
local VolumetricReplicationPadding, parent = torch.class('nn.VolumetricReplicationPadding',
  'nn.Module')
local K = nn._K

function VolumetricReplicationPadding:__init(pleft, pright, ptop, pbottom, pfront, pback)
  parent.__init(self)
  self.pleft = pleft
  self.pright = pright or pleft
  self.ptop = ptop or pleft
  self.pbottom = pbottom or pleft
  self.pfront = pfront or pleft
  self.pback = pback or pleft
end

function VolumetricReplicationPadding:updateOutput(input)
  if input:dim() ~= 4 and input:dim() ~= 5 then error('input must be 4 or 5-dimensional') end
  K.VolumetricReplicationPadding_updateOutput(input, self.output, self.pleft, self.pright,
    self.ptop, self.pbottom, self.pfront, self.pback)
  return self.output
end

function VolumetricReplicationPadding:updateGradInput(input, gradOutput)
  local nd = input:dim()
  if (nd ~= 4 and nd ~= 5) or gradOutput:dim() ~= nd then
    error('input and gradOutput must be 4 or 5-dimensional and have equal number of dimensions')
  end
  local o = nd - 3
  assert(input:size(1) == gradOutput:size(1)
    and (nd == 4 or input:size(2) == gradOutput:size(2))
    and input:size(o + 1) + self.pfront + self.pback == gradOutput:size(o + 1)
    and input:size(o + 2) + self.ptop + self.pbottom == gradOutput:size(o + 2)
    and input:size(o + 3) + self.pleft + self.pright == gradOutput:size(o + 3),
    'input and gradOutput must be compatible in size')
  K.VolumetricReplicationPadding_updateGradInput(input, gradOutput, self.gradInput, self.pleft,
    self.pright, self.ptop, self.pbottom, self.pfront, self.pback)
  return self.gradInput
end

function VolumetricReplicationPadding:__tostring__()
  return torch.type(self) .. string.format(
    '(left=%d, right=%d, top=%d, bottom=%d, front=%d, back=%d)',
    self.pleft, self.pright, self.ptop, self.pbottom, self.pfront, self.pback)
end

return VolumetricReplicationPadding
