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
local refs = {}

local REFS = debug.getregistry().LUPA_PYTHON_REFERENCES_TABLE
local WEAK = REFS and getmetatable(REFS)
local collect, setmetatable, pcall, error = collectgarbage, setmetatable, pcall, error

local MIN_TICKS = 20000       -- new wrappers between sweeps, at least
local TICKS_PER_KB = 2        -- and two per KB of Lua heap (a wrapper and its Python object
                              -- cost a few hundred bytes: pinned garbage stays about the heap's size)
local ticks, limit = 0, MIN_TICKS
refs.sweeps = 0

if REFS then setmetatable(REFS, nil) end

-- n full collections (default 1) with the wrapper table weak; the first frees the wrappers no
-- longer reachable at its start, a second also those whose last holder the first one freed
function refs.sweep(n)
  local ok, e = true, nil
  if REFS then setmetatable(REFS, WEAK) end
  for _ = 1, n or 1 do
    ok, e = pcall(collect, 'collect')
    if not ok then break end
  end
  if REFS then setmetatable(REFS, nil) end
  ticks = 0
  refs.sweeps = refs.sweeps + 1
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

-- whether the wrapper table is pinned (false when this lupa has none, as a future lupa might)
function refs.pinned() return REFS ~= nil and getmetatable(REFS) == nil end

return refs
