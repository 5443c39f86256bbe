-- torch.class: Torch7's class system (luaT semantics) written in Lua.
-- A class is its metatable: methods live in it, it is its own __index, and a subclass's
-- metatable has the parent's metatable as __index, so methods added later are seen by
-- existing instances. Metamethods dispatch to __tostring__, __add__, ... found by inheritance.
local mts = torch._metatables

local function lookup(obj, name)
  local mt = getmetatable(obj)
  return mt and mt[name]
end

local function dispatcher(name, fallback)
  return function(a, b)
    local f = lookup(a, name)
    if f == nil and type(b) == 'table' then f = lookup(b, name) end
    if f == nil then
      if fallback then return fallback(a, b) end
      error('attempt to use ' .. name .. ' on a ' .. (torch.typename(a) or type(a)), 2)
    end
    return f(a, b)
  end
end

local function default_tostring(obj)
  local mt = getmetatable(obj)
  local f = mt.__tostring__
  if f then return f(obj) end
  return mt.__typename
end

local OPS = {'__add', '__sub', '__mul', '__div', '__mod', '__pow', '__unm', '__concat',
             '__eq', '__lt', '__le'}

function torch.newmetatable(name, parentName, ctor)
  local mt = mts[name]
  if mt then return mt end
  mt = {__typename = name}
  mt.__index = mt
  mt.__tostring = default_tostring
  -- without __eq__, == is identity (luaT's fallback); the other operators are errors
  for _, op in ipairs(OPS) do mt[op] = dispatcher(op .. '__', op == '__eq' and rawequal or nil) end
  mt.__len = function(self)
    local f = mt.__len__
    if f then return f(self) end
    return #self  -- unreachable in practice for tables (LuaJIT ignores __len on tables)
  end
  mt.__call = function(self, ...)
    local f = self.__call__
    if f == nil then error('attempt to call a ' .. name, 2) end
    return f(self, ...)
  end
  mt.__factory = function() return setmetatable({}, mt) end
  if parentName then
    local parent = mts[parentName]
    if not parent then error('parent class ' .. parentName .. ' not found', 3) end
    setmetatable(mt, {__index = parent})
  end
  mts[name] = mt
  return mt
end

-- torch.class(name [, parentName] [, module]) -> metatable, parent metatable
function torch.class(name, parentName, module)
  if type(parentName) == 'table' then parentName, module = nil, parentName end
  assert(type(name) == 'string', 'torch.class: class name expected')
  if mts[name] then error(name .. ' has already been defined', 2) end
  local parent = parentName and mts[parentName]
  if parentName and not parent then error('bad argument #2 to \'class\' (parent class ' .. parentName .. ' not found)', 2) end
  local mt = torch.newmetatable(name, parentName)
  local ctor = setmetatable({}, {
    __index = mt,
    __newindex = mt,
    __metatable = mt,
    __call = function(_, ...)
      local obj = mt.__factory()
      local init = mt.__init
      if init then init(obj, ...) end
      return obj
    end,
    __tostring = function() return 'torch.' == name:sub(1, 6) and name or name end,
  })
  -- obj.new(...) constructs another instance of obj's class, as luaT's metatables allow
  rawset(mt, 'new', function(...) return ctor(...) end)
  -- register the constructor under its dotted name (in `module` when given)
  local path = {}
  for part in name:gmatch('[^%.]+') do path[#path + 1] = part end
  local tbl = module
  local start = 1
  if not tbl then
    tbl = _G
  else
    start = #path
  end
  for i = start, #path - 1 do
    tbl[path[i]] = tbl[path[i]] or {}
    tbl = tbl[path[i]]
  end
  rawset(tbl, path[#path], ctor)
  return mt, parent
end

function torch.getmetatable(name)
  return mts[name]
end

-- the Torch class name of obj; nothing at all (not nil) for other values, as in Torch7
function torch.typename(obj)
  local t = type(obj)
  if t ~= 'table' and t ~= 'userdata' then return end
  local mt = getmetatable(obj)
  if type(mt) == 'table' then
    local n = mt.__typename
    if n then return n end
  end
end

function torch.type(obj)
  local name = torch.typename(obj)
  if name then return name end
  return type(obj)
end

-- torch.isTypeOf(obj, spec): spec is a class name, a Lua pattern, or a constructor. A plain name
-- must match a class name of obj (or of a parent) entirely; a pattern may match a part of it.
function torch.isTypeOf(obj, typeSpec)
  if type(typeSpec) ~= 'string' then
    local cmt = getmetatable(typeSpec)
    typeSpec = type(cmt) == 'table' and cmt.__typename or nil
    assert(type(typeSpec) == 'string', 'type must be provided as [regexp] string, or factory')
  end
  local mt = getmetatable(obj)
  while type(mt) == 'table' do
    local n = rawget(mt, '__typename')
    if type(n) == 'string' then
      local m = n:match(typeSpec)
      if m and (m ~= typeSpec or m == n) then return true end
    end
    -- a class's parent is the __index of its metatable's metatable (torch.newmetatable)
    local pm = getmetatable(mt)
    mt = type(pm) == 'table' and rawget(pm, '__index') or nil
  end
  return false
end

function torch.setmetatable(obj, name)
  local mt = mts[name]
  if not mt then error('unknown class ' .. tostring(name), 2) end
  return setmetatable(obj, mt)
end

function torch.factory(name)
  local mt = mts[name]
  return mt and mt.__factory
end

function torch.constructor(name)
  local mt = mts[name]
  if not mt then return nil end
  return function(...) local o = mt.__factory(); if mt.__init then mt.__init(o, ...) end; return o end
end
