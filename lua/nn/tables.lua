-- nn.tables: connection tables for SpatialConvolutionMap / SpatialFullConvolutionMap, as
-- (connections x 2) tensors of {input plane, output plane} rows (1-based)
nn.tables = nn.tables or {}
local tables = nn.tables

-- every input plane to every output plane (output-major order)
function tables.full(nin, nout)
  local t = torch.Tensor(nin * nout, 2)
  local row = 1
  for o = 1, nout do
    for i = 1, nin do
      t[row][1] = i
      t[row][2] = o
      row = row + 1
    end
  end
  return t
end

-- plane i to plane i
function tables.oneToOne(nfeat)
  local t = torch.Tensor(nfeat, 2)
  for i = 1, nfeat do
    t[i][1] = i
    t[i][2] = i
  end
  return t
end

-- each output plane gets nto distinct input planes: consecutive chunks of a random permutation
-- of the inputs (a new permutation once its floor(nin / nto) chunks are used up)
function tables.random(nin, nout, nto)
  local t = torch.Tensor(nto * nout, 2)
  local perm = torch.randperm(nin)
  local nchunks = math.floor(nin / nto)
  local chunk = 1
  for o = 1, nout do
    local base = (chunk - 1) * nto
    for j = 1, nto do
      t[(o - 1) * nto + j][1] = perm[base + j]
    end
    chunk = chunk + 1
    if chunk - 1 == nchunks then
      perm:copy(torch.randperm(nin))
      chunk = 1
    end
  end
  for o = 1, nout do
    t:narrow(1, (o - 1) * nto + 1, nto):select(2, 2):fill(o)
  end
  return t
end

return tables
