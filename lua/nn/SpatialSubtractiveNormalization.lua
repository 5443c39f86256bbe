-- nn.SpatialSubtractiveNormalization([nInputPlane=1 [, kernel]]): subtracts from every pixel the
-- weighted mean of its neighbourhood over all planes (kernel: an odd-sized 2D averaging kernel,
-- default 9x9 ones, or a 1D kernel applied along both axes), with the weights renormalised
-- near the borders. Built from nn modules: zero padding, a convolution with the normalised
-- kernel (the mean estimator), replication over the planes, then a division by the border
-- coefficients and a subtraction.
require 'nn.Module'
local SSN, parent = torch.class('nn.SpatialSubtractiveNormalization', 'nn.Module')

-- the local-mean estimator of the spatial normalisations: padding, then the kernel's
-- convolution summing the planes, replicated back over them. `pre` (optional) comes first.
function nn._spatialMeanEstimator(nInputPlane, kernel, pre)
  local kdim = kernel:nDimension()
  local padH = math.floor(kernel:size(1) / 2)
  local padW = kdim == 2 and math.floor(kernel:size(2) / 2) or padH
  local seq = nn.Sequential()
  if pre then seq:add(pre) end
  seq:add(nn.SpatialZeroPadding(padW, padW, padH, padH))
  local first = seq:size() + 1
  if kdim == 2 then
    local conv = nn.SpatialConvolution(nInputPlane, 1, kernel:size(2), kernel:size(1))
    for i = 1, nInputPlane do conv.weight[1][i]:copy(kernel) end
    conv.bias:zero()
    seq:add(conv)
  else
    -- separable: each plane along the width, then along the height summing the planes
    local n = kernel:size(1)
    local rows
    if nn.SpatialConvolutionMap and nn.tables and nn.tables.oneToOne then
      rows = nn.SpatialConvolutionMap(nn.tables.oneToOne(nInputPlane), n, 1)
      for i = 1, nInputPlane do rows.weight[i]:copy(kernel) end
    else
      -- a one-to-one connection table as a full convolution with a diagonal weight
      rows = nn.SpatialConvolution(nInputPlane, nInputPlane, n, 1)
      rows.weight:zero()
      for i = 1, nInputPlane do rows.weight[i][i]:copy(kernel:view(1, n)) end
    end
    rows.bias:zero()
    local cols = nn.SpatialConvolution(nInputPlane, 1, 1, n)
    for i = 1, nInputPlane do cols.weight[1][i]:copy(kernel:view(n, 1)) end
    cols.bias:zero()
    seq:add(rows)
    seq:add(cols)
  end
  seq:add(nn.Replicate(nInputPlane, 1, 3))
  return seq, first
end

-- the checks of the normalisations' kernel argument
function nn._checkNormalizationKernel(kernel, who)
  local kdim = kernel:nDimension()
  if kdim ~= 2 and kdim ~= 1 then
    error('<' .. who .. '> averaging kernel must be 2D or 1D')
  end
  if kernel:size(1) % 2 == 0 or (kdim == 2 and kernel:size(2) % 2 == 0) then
    error('<' .. who .. '> averaging kernel must have ODD dimensions')
  end
end

function SSN:__init(nInputPlane, kernel)
  parent.__init(self)
  self.nInputPlane = nInputPlane or 1
  self.kernel = kernel or torch.Tensor(9, 9):fill(1)
  nn._checkNormalizationKernel(self.kernel, 'SpatialSubtractiveNormalization')
  self.kernel:div(self.kernel:sum() * self.nInputPlane)
  self.meanestimator = nn._spatialMeanEstimator(self.nInputPlane, self.kernel)
  self.subtractor = nn.CSubTable()
  self.divider = nn.CDivTable()
  -- the mean estimator's response to an all-ones input: divides the local sums so that the
  -- weights near the borders (where padding zeros count) sum to one
  self.coef = torch.Tensor(1, 1, 1)
end

function SSN:updateOutput(input)
  if not self._inpsz or not input:isSize(self._inpsz) then
    self._inpsz = input:size()
    self.ones = self.ones or input.new()
    self._coef = self._coef or self.coef.new()
    local sample = input:dim() == 4 and input[1] or input
    self.ones:resizeAs(sample):fill(1)
    local coef = self.meanestimator:updateOutput(self.ones)
    self._coef:resizeAs(coef):copy(coef)
    if input:dim() == 4 then
      local size = coef:size():totable()
      table.insert(size, 1, input:size(1))
      self.coef = self._coef:view(1, table.unpack(self._coef:size():totable())):expand(table.unpack(size))
    else
      self.coef = self._coef
    end
  end
  self.localsums = self.meanestimator:updateOutput(input)
  self.adjustedsums = self.divider:updateOutput({self.localsums, self.coef})
  self.output = self.subtractor:updateOutput({input, self.adjustedsums})
  return self.output
end

function SSN:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(input):zero()
  local gradsub = self.subtractor:updateGradInput({input, self.adjustedsums}, gradOutput)
  local graddiv = self.divider:updateGradInput({self.localsums, self.coef}, gradsub[2])
  self.gradInput:add(self.meanestimator:updateGradInput(input, graddiv[1]))
  self.gradInput:add(gradsub[1])
  return self.gradInput
end

function SSN:clearState()
  self._inpsz = nil
  if self.ones then self.ones:set() end
  if self._coef then self._coef:set() end
  self.meanestimator:clearState()
  return parent.clearState(self)
end

return SSN
