-- nn.Decorator(module): a container of one module that forwards everything to it; the base of
-- modules that wrap another (Bottle, ...).
require 'nn.Container'
local Decorator, parent = torch.class('nn.Decorator', 'nn.Container')

function Decorator:__init(module)
  parent.__init(self)
  self.modules[1] = module
end

function Decorator:updateOutput(input)
  self.output = self.modules[1]:updateOutput(input)
  return self.output
end

function Decorator:updateGradInput(input, gradOutput)
  self.gradInput = self.modules[1]:updateGradInput(input, gradOutput)
  return self.gradInput
end

function Decorator:accGradParameters(input, gradOutput, scale)
  self.modules[1]:accGradParameters(input, gradOutput, scale)
end

function Decorator:accUpdateGradParameters(input, gradOutput, lr)
  self.modules[1]:accUpdateGradParameters(input, gradOutput, lr)
end

function Decorator:sharedAccUpdateGradParameters(input, gradOutput, lr)
  self.modules[1]:sharedAccUpdateGradParameters(input, gradOutput, lr)
end

function Decorator:__tostring__()
  local m = self.modules[1]
  return torch.type(self) .. ' @ ' .. (m.__tostring__ and m:__tostring__() or torch.type(m))
end

-- give `class` the forwarding methods of Decorator (for classes deriving from something else)
function Decorator.decorate(class)
  for _, name in ipairs({'updateOutput', 'updateGradInput', 'accGradParameters',
                         'accUpdateGradParameters', 'sharedAccUpdateGradParameters', '__tostring__'}) do
    class[name] = Decorator[name]
  end
end

return Decorator
