-- A small Torch7 script: tensors, views, maths and a least-squares fit.
torch.manualSeed(42)
local x = torch.linspace(0, 1, 5)
print('x:', x)
local A = torch.Tensor(5, 2)
A:select(2, 1):fill(1)
A:select(2, 2):copy(x)
local y = x * 3 + 1
print('y = 3x + 1:', y)
local m = A:t() * A
print('A^T A:', m)
print('mean of y', y:mean(), 'max', y:max())
print('size of A', #A)
