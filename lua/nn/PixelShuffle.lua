-- nn.PixelShuffle(upscaleFactor): sub-pixel rearrangement ([N,] C*r^2, H, W) ->
-- ([N,] C, H*r, W*r) with r = upscaleFactor
require 'nn.Module'
local PixelShuffle, parent = torch.class('nn.PixelShuffle', 'nn.Module')
local K = nn._K

function PixelShuffle:__init(upscaleFactor)
  parent.__init(self)
  self.upscaleFactor = upscaleFactor
  self.upscaleFactorSquared = upscaleFactor * upscaleFactor
end

function PixelShuffle:updateOutput(input)
  K.PixelShuffle_updateOutput(input, self.output, self.upscaleFactor)
  return self.output
end

function PixelShuffle:updateGradInput(input, gradOutput)
  K.PixelShuffle_updateGradInput(input, gradOutput, self.gradInput, self.upscaleFactor)
  return self.gradInput
end

function PixelShuffle:clearState()
  nn.utils.clear(self, {'_intermediateShape', '_outShape', '_shuffleIn', '_shuffleOut'})
  return parent.clearState(self)
end

return PixelShuffle
