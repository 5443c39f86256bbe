-- LSTM training-speed benchmark (run by bench_lstm.py beside its PyTorch equivalent).
--   th lstm_bench.lua SECONDS [CPUTIME]     prints "<timesteps> <seconds>"
--   th lstm_bench.lua CHECK [STEPS [FILE]]  prints checksums of STEPS training steps (default 3),
--                                           and saves the tensors they sum to FILE (t7)
-- The LSTM cell is built with nngraph exactly as tutorial 000_deep_learning_with_torch builds it
-- (input 128, rnn_size 256), in the default tensor type (double), batch 32. One training step:
-- 20 clones of the cell sharing its parameters (clone('weight', 'bias', 'gradWeight',
-- 'gradBias') after getParameters, as char-rnn-style code does), forward through the 20 steps,
-- backward through them in reverse with a fixed gradient on every step's h (plus the gradients
-- coming back from the step after), then plain SGD on the flattened parameters. The count is
-- timesteps (20 per training step).
require 'nngraph'
local budget = arg[1]
local flags = {}
for i = 2, #arg do flags[arg[i]] = true end
torch.manualSeed(1)

local input_size, rnn_size, batch, T, lr = 128, 256, 32, 20, 0.01

-- the tutorial's cell, line for line
local function lstm(input_size, rnn_size)
  local inputs = {}
  table.insert(inputs, nn.Identity()())   -- network input
  table.insert(inputs, nn.Identity()())   -- c at time t-1
  table.insert(inputs, nn.Identity()())   -- h at time t-1
  local input = inputs[1]
  local prev_c = inputs[2]
  local prev_h = inputs[3]

  local i2h = nn.Linear(input_size, 4 * rnn_size)(input)  -- input to hidden
  local h2h = nn.Linear(rnn_size, 4 * rnn_size)(prev_h)   -- hidden to hidden
  local preactivations = nn.CAddTable()({i2h, h2h})       -- i2h + h2h

  -- gates
  local pre_sigmoid_chunk = nn.Narrow(2, 1, 3 * rnn_size)(preactivations)
  local all_gates = nn.Sigmoid()(pre_sigmoid_chunk)

  -- input
  local in_chunk = nn.Narrow(2, 3 * rnn_size + 1, rnn_size)(preactivations)
  local in_transform = nn.Tanh()(in_chunk)

  local in_gate = nn.Narrow(2, 1, rnn_size)(all_gates)
  local forget_gate = nn.Narrow(2, rnn_size + 1, rnn_size)(all_gates)
  local out_gate = nn.Narrow(2, 2 * rnn_size + 1, rnn_size)(all_gates)

  -- previous cell state contribution
  local c_forget = nn.CMulTable()({forget_gate, prev_c})
  -- input contribution
  local c_input = nn.CMulTable()({in_gate, in_transform})
  -- next cell state
  local next_c = nn.CAddTable()({c_forget, c_input})

  local c_transform = nn.Tanh()(next_c)
  local next_h = nn.CMulTable()({out_gate, c_transform})

  -- module outputs
  local outputs = {}
  table.insert(outputs, next_c)
  table.insert(outputs, next_h)

  -- packs the graph into a convenient module with standard API (:forward(), :backward())
  return nn.gModule(inputs, outputs)
end

local proto = lstm(input_size, rnn_size)
local params, grads = proto:getParameters()
local clones = {}
for t = 1, T do clones[t] = proto:clone('weight', 'bias', 'gradWeight', 'gradBias') end

local xs, dhs, dhsum = {}, {}, {}
for t = 1, T do
  xs[t] = torch.randn(batch, input_size)
  dhs[t] = torch.randn(batch, rnn_size)       -- d loss / d h[t] from the loss at step t
  dhsum[t] = torch.Tensor(batch, rnn_size)
end
local c0, h0 = torch.zeros(batch, rnn_size), torch.zeros(batch, rnn_size)
local dcT = torch.zeros(batch, rnn_size)
local c, h, inputs = {[0] = c0}, {[0] = h0}, {}

local function step()
  grads:zero()
  for t = 1, T do
    inputs[t] = {xs[t], c[t - 1], h[t - 1]}
    local out = clones[t]:forward(inputs[t])
    c[t], h[t] = out[1], out[2]
  end
  local dc, dh = dcT, nil
  for t = T, 1, -1 do
    if dh then dhsum[t]:add(dhs[t], dh) else dhsum[t]:copy(dhs[t]) end
    local gi = clones[t]:backward(inputs[t], {dc, dhsum[t]})
    dc, dh = gi[2], gi[3]
  end
  params:add(-lr, grads)
end

if budget == 'CHECK' then
  local n = tonumber(arg[2] or 3)
  for _ = 1, n do step() end
  local function sig(x) return string.format('%.17g %.17g', x:sum(), x:norm()) end
  print('params ' .. sig(params))
  print('grads ' .. sig(grads))
  print('h20 ' .. sig(h[T]) .. ' c20 ' .. sig(c[T]))
  local gi = clones[1].gradInput
  print('gradInput ' .. sig(gi[1]) .. ' ' .. sig(gi[2]) .. ' ' .. sig(gi[3]))
  if arg[3] then torch.save(arg[3], {params, grads, h[T], c[T], gi[1], gi[2], gi[3]}) end
  return
end
budget = tonumber(budget or 5)

-- the shared timing loop (benchmarks/bench_loop.lua, next to this file)
dofile((arg[0]:match('^(.*[/\\])') or '') .. 'bench_loop.lua')(step, budget, flags.CPUTIME, T)
