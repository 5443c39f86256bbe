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

-- output and gradInput are the caller's tensors: replace them by fresh empty ones (of the same
-- type; an empty table for tables) instead of emptying them in place
function Identity:clearState()
  for _, f in ipairs({'output', 'gradInput'}) do
    local v = self[f]
    if torch.isTensor(v) then
      self[f] = v.new()
    elseif type(v) == 'table' then
      self[f] = {}
    else
      self[f] = nil
    end
  end
  return self
end

return Identity
