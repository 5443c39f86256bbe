-- The methods shared by nn.SpatialReflectionPadding, nn.SpatialReplicationPadding and
-- nn.SpatialZeroPadding (not a class: init.lua loads only class files). Each class stays its own
-- torch.class; define(cls, parent, name) gives it __init, updateOutput, updateGradInput and
-- __tostring__ calling its own kernels nn._K.<name>_updateOutput / _updateGradInput.
local K = nn._K

local function define(cls, parent, name)
  local fwd, bwd = name .. '_updateOutput', name .. '_updateGradInput'

  function cls:__init(pad_l, pad_r, pad_t, pad_b)
    parent.__init(self)
    self.pad_l = pad_l
    self.pad_r = pad_r or self.pad_l
    self.pad_t = pad_t or self.pad_l
    self.pad_b = pad_b or self.pad_l
  end

  function cls:updateOutput(input)
    K[fwd](input, self.output, self.pad_l, self.pad_r, self.pad_t, self.pad_b)
    return self.output
  end

  function cls:updateGradInput(input, gradOutput)
    K[bwd](input, gradOutput, self.gradInput, self.pad_l, self.pad_r, self.pad_t, self.pad_b)
    return self.gradInput
  end

  function cls:__tostring__()
    return torch.type(self) .. string.format('(l=%d, r=%d, t=%d, b=%d)', self.pad_l, self.pad_r,
      self.pad_t, self.pad_b)
  end

  return cls
end

return {define = define}
