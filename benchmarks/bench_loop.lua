-- The timing loop of the Lua benchmarks (nn_bench.lua, lstm_bench.lua), loaded with dofile:
-- run(step, budget, cputime, per) warms up for 10% of the budget (at least 2 steps), then calls
-- step() for `budget` seconds of wall time (process CPU time when cputime) and prints
-- "<steps * per> <seconds>", what bench_nn.py / bench_lstm.py read.
return function(step, budget, cputime, per)
  local clock = os.clock
  if not cputime then
    local timer = torch.Timer()
    clock = function() return timer:time().real end
  end
  local t0 = clock()
  local steps = 0
  while steps < 2 or clock() - t0 < budget * 0.1 do step(); steps = steps + 1 end
  t0 = clock()
  steps = 0
  while clock() - t0 < budget do step(); steps = steps + 1 end
  io.write(string.format('%d %.6f\n', steps * per, clock() - t0))
end
