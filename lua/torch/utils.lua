-- torch.isTensor, isStorage, pointer and the unwrap helper used by the Python API.
local bridge = require 'torch._bridge'
local P2O = bridge.P2O

function torch.isTensor(obj)
  local mt = getmetatable(obj)
  local n = type(mt) == 'table' and rawget(mt, '__typename')
  return type(n) == 'string' and n:match('^torch%..*Tensor$') ~= nil
end

function torch.isStorage(obj)
  local mt = getmetatable(obj)
  local n = type(mt) == 'table' and rawget(mt, '__typename')
  return type(n) == 'string' and n:match('^torch%..*Storage$') ~= nil
end

-- proxies -> Python objects, for values returned to Python callers
local function unwrap1(v)
  local o = P2O[v]
  if o ~= nil then return o end
  return v
end
function __luatorch_unwrap(...)
  local n = select('#', ...)
  if n == 1 then return unwrap1((...)) end
  local t = {...}
  for i = 1, n do t[i] = unwrap1(t[i]) end
  return unpack(t, 1, n)
end

-- Heap tracking: tensor and storage buffers are counted (luatorch/lib/heap.py) and a full Lua
-- collection runs when they grow past a soft limit, as Torch7 does for its C heap. On by
-- default here (Torch7's th turns it on too). collectgarbage('count') reports Lua's own heap
-- only, as in Torch7; torch.heapinfo() gives the tracked tensor bytes.
torch._heaptracking = true
function torch.setheaptracking(on)
  on = on and true or false
  torch._heaptracking = on
  bridge.py.heap_set_tracking(on)
end
function torch.getheaptracking() return torch._heaptracking end

-- collectgarbage() / collectgarbage('collect') also frees the Python objects Lua no longer
-- holds (torch._refs: a sweep of lupa's wrappers) and hands freed tensor memory back to the
-- system (glibc keeps it otherwise), so RSS drops when a model is dropped
local lua_collectgarbage, heap_trim = collectgarbage, bridge.py.heap_trim
local sweep = require('torch._refs').sweep
function collectgarbage(opt, ...)
  if opt == nil or opt == 'collect' then
    -- twice: a dead tensor proxy's Python object is released on the cycle after the proxy's
    sweep(2)
    heap_trim()
    return 0
  end
  return lua_collectgarbage(opt, ...)
end
-- {bytes = tracked tensor/storage bytes, peak = ..., limit = soft limit, collections = n}
function torch.heapinfo() return bridge.py.heap_info() end

-- torch.pointer(obj): an integer identifying obj (a tensor's or storage's underlying object; for
-- other Lua values the address Lua prints). Two proxies of one storage give the same number.
local pyptr = torch._pointer
torch._pointer = nil
function torch.pointer(obj)
  if P2O[obj] ~= nil then return pyptr(obj) end
  local t = type(obj)
  if t == 'table' or t == 'function' or t == 'userdata' or t == 'thread' or t == 'cdata' then
    local mt = getmetatable(obj)
    local s
    if t == 'table' and type(mt) == 'table' and rawget(mt, '__tostring') then
      setmetatable(obj, nil); s = tostring(obj); setmetatable(obj, mt)
    else
      s = tostring(obj)
    end
    local hex = s:match('0x(%x+)')
    return hex and tonumber(hex, 16) or 0
  end
  return 0
end

-- torch.tic(): the wall-clock time in seconds (microsecond resolution); torch.toc(t): seconds
-- since t (as Torch's gettimeofday-based pair)
do
  local osapi
  local function clock()
    osapi = osapi or require 'luatorch.os'
    return osapi.clock()
  end
  function torch.tic() return clock() end
  function torch.toc(t)
    if type(t) ~= 'number' then error('bad argument #1 to \'toc\' (number expected, got ' .. type(t) .. ')', 2) end
    return clock() - t
  end
end

-- torch.getnumthreads / torch.setnumthreads: the thread count of numpy's BLAS pool
-- (luatorch/lib/threads.py: set through threadpoolctl when installed, otherwise recorded)
do
  local threads
  local function lib()
    if not threads then
      local python = assert(rawget(_G, 'python'), 'torch.setnumthreads: no Python bridge')
      threads = python.eval("__import__('luatorch.lib.threads', fromlist=['get_num_threads'])")
    end
    return threads
  end
  function torch.getnumthreads() return lib().get_num_threads() end
  function torch.setnumthreads(n)
    if type(n) ~= 'number' then error('bad argument #1 to \'setnumthreads\' (number expected, got ' .. type(n) .. ')', 2) end
    lib().set_num_threads(n)
  end
end
