--[[ Minimum of the polynomial interpolating function values and derivatives.

minPos [, fmin] = optim.polyinterp(points [, xminBound] [, xmaxBound])

points: an N x 3 tensor of (x, f(x), f'(x)) rows. The polynomial has order 2N - 1. Without
bounds and with two points the cubic's minimiser is given in closed form (clamped to the
points' range; their mean when the cubic has no real critical point). Otherwise the
polynomial is fitted by least squares (torch.gels), its critical points found as the
eigenvalues of the companion matrix of its derivative (torch.eig), and the lowest of the
bounds, the points and the real critical points inside [xminBound, xmaxBound] is returned
(their midpoint when none qualifies), with its polynomial value.
]]

-- real and imaginary parts of the roots of the polynomial with coefficients c (highest first),
-- as an n x 2 tensor; nil when c is identically zero
local function polyRoots(c)
  c[torch.lt(torch.abs(c), 1e-12)] = 0
  local n = c:size(1)
  local first
  for i = 1, n do
    if c[i] ~= 0 then first = i break end
  end
  if not first then return nil end
  c = c:narrow(1, first, n - first + 1)
  -- trailing zero coefficients are roots at 0
  local zeros = 0
  for i = c:size(1), 1, -1 do
    if c[i] ~= 0 then break end
    zeros = zeros + 1
  end
  c = c:narrow(1, 1, c:size(1) - zeros)
  local degree = c:size(1) - 1
  local roots
  if degree == 1 then
    roots = c.new({{-c[2] / c[1], 0}})
  elseif degree > 1 then
    local companion = torch.diag(c.new(degree - 1):fill(1), -1)
    companion[1] = -c:narrow(1, 2, degree) / c[1]
    roots = torch.eig(companion, 'N')
  end
  if zeros > 0 then
    local z = c.new(zeros, 2):zero()
    roots = roots and torch.cat(roots, z, 1) or z
  end
  return roots
end

-- value at the number v of the polynomial with coefficients p (highest first)
local function polyValue(p, v)
  local n = p:size(1)
  local sum = 0
  for i = 1, n do
    sum = sum + p[i] * v ^ (n - i)
  end
  return sum
end

function optim.polyinterp(points, xminBound, xmaxBound)
  if not torch.isTensor(points) or points:dim() ~= 2 or points:size(2) ~= 3 then
    error('optim.polyinterp: points must be an N x 3 tensor of (x, f, g) rows', 2)
  end
  local nPoints = points:size(1)
  local order = nPoints * 2 - 1

  -- the common case: a cubic through two points, no bounds
  if nPoints == 2 and order == 3 and not xminBound and not xmaxBound then
    local _, lo = points:select(2, 1):min(1)
    lo = lo[1]
    local hi = 3 - lo
    local xl, fl, gl = points[lo][1], points[lo][2], points[lo][3]
    local xh, fh, gh = points[hi][1], points[hi][2], points[hi][3]
    local d1 = gl + gh - 3 * (fl - fh) / (xl - xh)
    local d2 = math.sqrt(d1 ^ 2 - gl * gh)
    if d2 == d2 then
      local tmin = xh - (xh - xl) * ((gh + d2 - d1) / (gh - gl + 2 * d2))
      return math.min(math.max(tmin, xl), xh)
    end
    return torch.mean(points:select(2, 1))
  end

  local xs = points:select(2, 1)
  xminBound = xminBound or xs:min()
  xmaxBound = xmaxBound or xs:max()

  -- linear system: function values, then derivatives, for coefficients highest power first
  local A = points.new(nPoints * 2, order + 1):zero()
  local b = points.new(nPoints * 2, 1):zero()
  for i = 1, nPoints do
    local xi = points[i][1]
    local row = points.new(order + 1):zero()
    for j = order, 0, -1 do row[order - j + 1] = xi ^ j end
    A[i] = row
    b[i] = points[i][2]
  end
  for i = 1, nPoints do
    local xi = points[i][1]
    local row = points.new(order + 1):zero()
    for j = 1, order do row[j] = (order - j + 1) * xi ^ (order - j) end
    A[nPoints + i] = row
    b[nPoints + i] = points[i][3]
  end
  local params = torch.gels(b, A):narrow(1, 1, nPoints * 2):squeeze()
  params[torch.le(torch.abs(params), 1e-12)] = 0

  -- derivative's coefficients
  local dParams = points.new(order):zero()
  for i = 1, params:size(1) - 1 do
    dParams[i] = params[i] * (order - i + 1)
  end
  local finite = not (torch.ne(dParams, dParams):max() > 0 or torch.eq(dParams, math.huge):max() > 0)

  -- candidates: the bounds, the points, and the derivative's roots when it is finite
  local candidates = {}
  local function candidate(re, im) candidates[#candidates + 1] = {re, im} end
  local bounds = points.new({xminBound, xmaxBound})   -- held in the points' type
  candidate(bounds[1], 0)
  candidate(bounds[2], 0)
  for i = 1, nPoints do candidate(xs[i], 0) end
  if finite then
    local roots = polyRoots(dParams)
    if roots then
      for i = 1, roots:size(1) do candidate(roots[i][1], roots[i][2]) end
    end
  end

  local fmin = math.huge
  local minPos = (xminBound + xmaxBound) / 2   -- bisection when nothing qualifies
  for _, cp in ipairs(candidates) do
    local re, im = cp[1], cp[2]
    if im == 0 and re >= xminBound and re <= xmaxBound then
      local fcp = polyValue(params, re)
      if fcp < fmin then
        minPos, fmin = re, fcp
      end
    end
  end
  return minPos, fmin
end
