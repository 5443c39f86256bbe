-- nn.ModuleCriterion(criterion [, inputModule, targetModule, castTarget=true]): criterion applied
-- to inputModule's output and targetModule's output (parameters of the modules are not trained)
require 'nn.Criterion'
local ModuleCriterion, parent = torch.class('nn.ModuleCriterion', 'nn.Criterion')

function ModuleCriterion:__init(criterion, inputModule, targetModule, castTarget)
  self.inputModule = inputModule
  self.targetModule = targetModule
  if castTarget == nil then self.castTarget = true else self.castTarget = castTarget end
  if inputModule then
    local params = inputModule:parameters()
    if params and #params > 0 then
      print"Warning: nn.ModuleCriterion doesn't support parameter updates"
    end
  end
  self.criterion = criterion
end

function ModuleCriterion:updateOutput(input, target)
  if self.inputModule then self.input = self.inputModule:forward(input) end
  if self.targetModule then self.target = self.targetModule:forward(target) end
  self.output = self.criterion:forward(self.input or input, self.target or target)
  return self.output
end

function ModuleCriterion:updateGradInput(input, target)
  self.gradInput = self.criterion:backward(self.input or input, self.target or target)
  if self.inputModule then
    self.gradInput = self.inputModule:backward(input, self.gradInput)
  end
  return self.gradInput
end

function ModuleCriterion:type(typename, tensorCache)
  if self.inputModule then self.inputModule:type(typename, tensorCache) end
  if self.castTarget and self.targetModule then self.targetModule:type(typename, tensorCache) end
  self.criterion:type(typename, tensorCache)
  return parent.type(self, typename, tensorCache)
end

return ModuleCriterion
