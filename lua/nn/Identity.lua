-- nn.Identity: output = input, gradInput = gradOutput (the same tensors or tables).
require 'nn.Module'
local Identity, _ = torch.class('nn.Identity', 'nn.Module')

function Identity:updateOutput(input)
  self.output = input
  return input
end

function Identity:updateGradInput(input, gradOutput)
  self.gradInput = gradOutput
  return gradOutput
end

function Identity:clearState()
  self.output = nil
  self.gradInput = nil
  return self
end

return Identity
