-- (a) 200k small in-place ops on 10-element tensors, (b) 100k scalar reads/writes on 100x100.
local N = tonumber(arg[1]) or 200000
local M = tonumber(arg[2]) or 100000
local a, b = torch.Tensor(10):fill(0.25), torch.Tensor(10):fill(0.75)
local clock = os.clock
local t0 = clock()
for i = 1, N / 4 do
  a:add(b)
  a:mul(0.5)
  a:cmul(b)
  a:fill(1)
end
local ops = (clock() - t0) / N * 1e9
local t = torch.Tensor(100, 100):fill(0.5)
local s = 0
t0 = clock()
for k = 1, M / 4 do
  local i, j = k % 100 + 1, (k * 7) % 100 + 1
  s = s + t[i][j]
  t[i][j] = s
  s = s + t[{i, j}]
  t[{i, j}] = 1
end
local acc = (clock() - t0) / M * 1e9
print(string.format('%.0f %.0f', ops, acc))
