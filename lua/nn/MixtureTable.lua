-- nn.MixtureTable([dim]): input {gater, experts} -> sum_i gater[i] * expert_i, where the experts
-- are a table of tensors or one tensor with the experts along `dim` (default 2 in batch mode
-- (gater is a matrix), 1 otherwise).
require 'nn.Module'
local MixtureTable, parent = torch.class('nn.MixtureTable', 'nn.Module')

function MixtureTable:__init(dim)
  parent.__init(self)
  self.dim = dim
  self.size = torch.LongStorage()
  self.batchSize = 0
  self.size2 = torch.LongStorage()
  self.backwardSetup = false
  self.gradInput = {}
end

function MixtureTable:updateOutput(input)
  local gater, experts = input[1], input[2]
  self._gaterView = self._gaterView or input[1].new()
  self._expert = self._expert or input[1].new()
  self._expertView = self._expertView or input[1].new()

  self.dimG = 2
  local batchSize = gater:size(1)
  if gater:dim() < 2 then
    self.dimG = 1
    self.dim = self.dim or 1
    batchSize = 1
  end
  self.dim = self.dim or 2

  if self.table or torch.type(experts) == 'table' then
    self.table = true
    if gater:size(self.dimG) ~= #experts then error('Should be one gater output per expert') end
    local first = experts[1]
    -- the gater viewed so that its column i broadcasts over expert i
    self.size:resize(first:dim() + 1):fill(1)
    if self.dimG > 1 then self.size[1] = gater:size(1) end
    self.size[self.dim] = gater:size(self.dimG)
    self.output:resizeAs(first)
    self.batchSize = batchSize
    self._gaterView:view(gater, self.size)
    self.output:zero()
    for i, e in ipairs(experts) do
      self.output:addcmul(e, self._gaterView:select(self.dim, i):expandAs(e))
    end
  else
    self.size:resize(experts:dim()):fill(1)
    if self.dimG > 1 then self.size[1] = gater:size(1) end
    self.size[self.dim] = gater:size(self.dimG)
    self.output:resizeAs(experts:select(self.dim, 1))
    self.batchSize = batchSize
    self._gaterView:view(gater, self.size)
    self._expert:cmul(self._gaterView:expandAs(experts), experts)
    self.output:sum(self._expert, self.dim)
    self.output:resizeAs(experts:select(self.dim, 1))
  end
  return self.output
end

function MixtureTable:updateGradInput(input, gradOutput)
  local gater, experts = input[1], input[2]
  nn.utils.recursiveResizeAs(self.gradInput, input)
  local gaterGrad, expertGrads = self.gradInput[1], self.gradInput[2]
  self._sum = self._sum or input[1].new()
  self._expertView2 = self._expertView2 or input[1].new()
  self._expert2 = self._expert2 or input[1].new()

  if self.table then
    for i, e in ipairs(experts) do
      local g = expertGrads[i] or e:clone()
      g:resizeAs(e)
      expertGrads[i] = g
    end
    gaterGrad:resizeAs(gater)
    for i = #experts + 1, #expertGrads do expertGrads[i] = nil end
    for i, g in ipairs(expertGrads) do
      -- gater: sum over each sample of gradOutput * expert i
      self._expert:cmul(gradOutput, experts[i])
      if self.dimG == 1 then
        self._expertView:view(self._expert, -1)
      else
        self._expertView:view(self._expert, gradOutput:size(1), -1)
      end
      self._sum:sum(self._expertView, self.dimG)
      if self.dimG == 1 then
        gaterGrad[i] = self._sum:select(self.dimG, 1)
      else
        gaterGrad:select(self.dimG, i):copy(self._sum:select(self.dimG, 1))
      end
      -- expert i: gradOutput scaled by its gate
      g:cmul(self._gaterView:select(self.dim, i):expandAs(g), gradOutput)
    end
  else
    self.size2:resize(experts:dim()):copy(experts:size())
    self.size2[self.dim] = 1
    gaterGrad:resizeAs(gater)
    -- gater: sum over each expert's elements of gradOutput * expert
    self._expertView:view(gradOutput, self.size2)
    local go = self._expertView:expandAs(experts)
    self._expert:cmul(go, experts)
    local e = self._expert:transpose(self.dim, self.dimG)
    if not e:isContiguous() then
      self._expert2:resizeAs(e):copy(e)
      e = self._expert2
    end
    if self.dimG == 1 then
      self._expertView2:view(e, gater:size(1), -1)
    else
      self._expertView2:view(e, gater:size(1), gater:size(2), -1)
    end
    gaterGrad:sum(self._expertView2, self.dimG + 1)
    gaterGrad:resizeAs(gater)
    -- experts: gradOutput scaled by their gates
    expertGrads:cmul(self._gaterView:expandAs(experts), go)
  end
  return self.gradInput
end

function MixtureTable:type(type, tensorCache)
  self._gaterView = nil
  self._expert = nil
  self._expertView = nil
  self._sum = nil
  self._expert2 = nil
  self._expertView2 = nil
  return parent.type(self, type, tensorCache)
end

function MixtureTable:clearState()
  nn.utils.clear(self, {'_gaterView', '_expert', '_expertView', '_sum', '_expert2', '_expertView2'})
  return parent.clearState(self)
end

return MixtureTable
