-- lupa's table of Python-object wrappers, pinned between sweeps.
--
-- lupa keeps the one Lua userdata that wraps each Python object handed to Lua in a registry
-- table with weak values, and its __gc finalizer releases the Python object. LuaJIT clears a
-- weak entry in one step of its incremental collector and runs the finalizer in a later step;
-- if Lua code hands lupa the same Python object in between, lupa makes a second wrapper, and
-- the first wrapper's finalizer then releases the second one's slot and Python reference. The
-- slot is reused, and from then on lupa hands Lua another object's wrapper (measured: 2e6 calls
-- returning one of 1000 objects, 24557 came back as the wrong object).
--
-- So the table holds its wrappers strongly, and is made weak only inside a full collection
-- (`sweep`), which clears the dead wrappers and runs their finalizers before any Lua code runs
-- again. Sweeps run from collectgarbage(), from the heap tracker (tensor bytes), and after a
-- number of new proxies proportional to the Lua heap (`tick`, called by bridge.wrap).
--
-- The same race also broke lupa's free list of slots in that table (luaL_ref/luaL_unref): slots
-- were lost, and the table's array part grew in power-of-two steps in long loops making views
-- (measured before pinning: 3M views, 524288 slots for ~500 live wrappers, Lua heap 2 MB ->
-- 9 MB -> 17 MB). Pinned, it stays at the number of wrappers alive between two sweeps.
--
-- Caches of Python objects kept in weak-keyed tables (the geometry cache in Tensor.lua) register
-- a function with `on_sweep` that empties them at the start of each sweep: LuaJIT's weak-keyed
-- tables mark their values, so an object a dead key's value holds would survive one more full
-- collection (a dropped tensor's buffer outliving collectgarbage()).
local refs = {}

local REFS = debug.getregistry().LUPA_PYTHON_REFERENCES_TABLE
local WEAK = REFS and getmetatable(REFS)
local collect, setmetatable, pcall, error = collectgarbage, setmetatable, pcall, error

-- Sweep interval (measured by benchmarks/soak_memory.py sweep_cost): a sweep is a full
-- collection (0.15 ms on a small Lua heap, 1-2 ms per MB of Lua heap) plus the finalizers of the
-- wrappers it frees; each dead wrapper pinned until then keeps its Python object (a view: about
-- 0.5 KB). Measured on 10^6 views: 5 us a view whether sweeps come every 1000 or 50000 new
-- wrappers (or never, with lupa's weak table), RSS +1 MB at 1000, +10 MB at 20000, +25 MB at
-- 50000; with 65 MB of Lua heap sweeps take 15-20% of the loop, no slower than before pinning.
local MIN_TICKS = 10000       -- new wrappers between sweeps, at least
local TICKS_PER_KB = 2        -- and two per KB of Lua heap: on a big heap, a sweep's cost is
                              -- spread over as many wrappers as the heap has KB (fewer: slower
                              -- loops; more: more pinned Python garbage)
local ticks, limit = 0, MIN_TICKS
local clock = os.clock
refs.sweeps = 0
refs.sweep_time = 0           -- seconds (CPU) spent in sweeps
local hooks, nhooks = {}, 0

if REFS then setmetatable(REFS, nil) end

-- n full collections (default 1) with the wrapper table weak; the first frees the wrappers no
-- longer reachable at its start, a second also those whose last holder the first one freed
function refs.sweep(n)
  local t0, ok, e = clock(), true, nil
  for i = 1, nhooks do hooks[i]() end
  if REFS then setmetatable(REFS, WEAK) end
  for _ = 1, n or 1 do
    ok, e = pcall(collect, 'collect')
    if not ok then break end
  end
  if REFS then setmetatable(REFS, nil) end
  ticks = 0
  refs.sweeps = refs.sweeps + 1
  refs.sweep_time = refs.sweep_time + (clock() - t0)
  local l = collect('count') * TICKS_PER_KB
  limit = l > MIN_TICKS and l or MIN_TICKS
  if not ok then error(e, 0) end
end
local sweep = refs.sweep

-- one more Python object wrapped; sweeps when enough have been
function refs.tick()
  ticks = ticks + 1
  if ticks > limit then sweep(1) end
end

-- f() is called at the start of every sweep (to empty a cache; it must not fail)
function refs.on_sweep(f)
  nhooks = nhooks + 1
  hooks[nhooks] = f
end

-- whether the wrapper table is pinned (false when this lupa has none, as a future lupa might)
function refs.pinned() return REFS ~= nil and getmetatable(REFS) == nil end

return refs
