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

-- Heap tracking (Torch7 forces a Lua collection when C-heap tensor memory grows). The flag is
-- kept here; the accounting of tensor memory to the Lua collector is tracked in issue 8.
local heaptracking = false
function torch.setheaptracking(on)
  heaptracking = on and true or false
end
function torch.getheaptracking() return heaptracking end

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
