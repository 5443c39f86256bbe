-- nn.ModuleFromCriterion(criterion): a module taking {prediction, target} and giving the loss as
-- a one-element tensor (the gradient with respect to the target is zero)
local M, parent = torch.class('nn.ModuleFromCriterion', 'nn.Module')

function M:__init(criterion)
  parent.__init(self)
  self.criterion = criterion
  self.output = torch.Tensor(1)
  self.gradInput = {torch.Tensor(), torch.Tensor()}
end

function M:updateOutput(input)
  self.output[1] = self.criterion:updateOutput(input[1], input[2])
  return self.output
end

function M:updateGradInput(input, gradOutput)
  local prediction, target = input[1], input[2]
  local g = self.criterion:updateGradInput(prediction, target)
  local scale = gradOutput[1]
  if type(g) == 'table' then
    if type(self.gradInput[1]) ~= 'table' then
      self.gradInput[1] = {}
      for i = 1, #g do self.gradInput[1][i] = g[i].new() end
    end
    for i = 1, #g do self.gradInput[1][i]:resizeAs(g[i]):copy(g[i]):mul(scale) end
  else
    self.gradInput[1]:resizeAs(g):copy(g):mul(scale)
  end
  self.gradInput[2]:resizeAs(target):zero()
  return self.gradInput
end

return M
