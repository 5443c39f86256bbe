-- torch.File, torch.DiskFile, torch.MemoryFile, torch.PipeFile and serialization:
-- File:writeObject / readObject, torch.save / load / serialize / deserialize (file.md,
-- serialization.md). Files are proxies of Python objects (luatorch/lib/file.py, exposed by
-- luatorch/bindings/file_api.py); the bytes of numbers, strings, tensors and storages are read and
-- written by Python (luatorch/lib/t7.py), straight between the file and numpy for bulk data.
-- Walking Lua values (tables, references, torch.class objects, functions) happens here.
--
-- Security: readObject loads Lua bytecode only from files that allow it. A DiskFile, a PipeFile
-- and a MemoryFile made over given bytes (torch.deserialize) do not, unless opted in with
-- file:allowBytecode(true), or torch.load(name, ..., {allowBytecode = true}) /
-- torch.deserialize(str, ..., {allowBytecode = true}); otherwise a function comes back nil with a
-- warning. A MemoryFile that this process fills itself (torch.MemoryFile()) allows it.
local bridge = require 'torch._bridge'
local fpy = bridge.py.file
local P2O, wrap, raise, ret, U = bridge.P2O, bridge.wrap, bridge.raise, bridge.ret, bridge.U
local type, pairs, ipairs, tostring, getmetatable = type, pairs, ipairs, tostring, getmetatable

local head, read_int, read_string, read_class = fpy.head, fpy.read_int, fpy.read_string, fpy.read_class
local write_int, write_number, write_string, write_chars = fpy.write_int, fpy.write_number, fpy.write_string, fpy.write_chars
local write_boolean, write_torch_head = fpy.write_boolean, fpy.write_torch_head
local allowed, objid = fpy.allowed, fpy.objid

local TYPE_NIL, TYPE_NUMBER, TYPE_STRING, TYPE_TABLE, TYPE_TORCH = 0, 1, 2, 3, 4
local TYPE_BOOLEAN, TYPE_FUNCTION, LEGACY_TYPE_RECUR_FUNCTION, TYPE_RECUR_FUNCTION = 5, 6, 7, 8

-- ---------------------------------------------------------------------------- the classes
local File = {__typename = 'torch.File'}
File.__index = File
torch._metatables['torch.File'] = File

local function file_kind(kind, name, parent)
  local mt = bridge.newkind(kind)
  mt.__typename = name
  mt.__index = mt
  mt.__tostring = function(f) return ret(nil, fpy.methods.__tostring(P2O[f])) end
  setmetatable(mt, {__index = parent})
  torch._metatables[name] = mt
  return mt
end
local DiskFile = file_kind(300, 'torch.DiskFile', File)
local MemoryFile = file_kind(301, 'torch.MemoryFile', File)
local PipeFile = file_kind(302, 'torch.PipeFile', DiskFile)

local function class_table(mt, ctor)
  return setmetatable({}, {
    __index = mt, __newindex = mt,
    __call = ctor and function(_, ...) return ctor(...) end or nil,
    __tostring = function() return mt.__typename end,
  })
end

torch.File = class_table(File)
torch.DiskFile = class_table(DiskFile, function(name, mode, quiet)
  return ret(nil, fpy.new_disk(name, mode, quiet))
end)
torch.PipeFile = class_table(PipeFile, function(cmd, mode, quiet)
  return ret(nil, fpy.new_pipe(cmd, mode, quiet))
end)
torch.MemoryFile = class_table(MemoryFile, function(a, b)
  return ret(nil, fpy.new_memory(U(a), b))
end)

local function install(mt, methods)
  for name, fn in pairs(methods) do
    if name ~= '__tostring' then mt[name] = bridge.fn(fn) end
  end
end
install(File, fpy.methods)
install(DiskFile, fpy.disk_methods)
install(MemoryFile, fpy.memory_methods)

-- readTYPE([n | storage]) and writeTYPE(number | storage)
do
  local typed_read, typed_write = fpy.typed_read, fpy.typed_write
  for _, T in ipairs(fpy.typed) do
    File['read' .. T] = function(self, arg)
      return ret(self, typed_read(P2O[self], T, U(arg)))
    end
    File['write' .. T] = function(self, arg)
      local r, k, e = typed_write(P2O[self], T, U(arg))
      if k == -1 then raise(e) end
      if type(arg) ~= 'number' then return r end
    end
  end
end

function File:writeBool(value)
  if value then self:writeInt(1) else self:writeInt(0) end
end

function File:readBool()
  return self:readInt() == 1
end

-- ---------------------------------------------------------------------------- per-file state
-- What Torch keeps in the file's environment: objects written and read (for references),
-- the stack of names for error messages, upvalue identities.
local ENV = setmetatable({}, {__mode = 'k'})

local function env(f)
  local e = ENV[f]
  if e == nil then
    e = {written = {}, keep = {}, nwritten = 0, read = {}, nilread = {}, names = {},
         upvalueRefToId = {}, nupvalues = 0, upvalueIdToClosure = {}, force = false}
    ENV[f] = e
  end
  return e
end

function File:referenced(ref)
  env(self).force = not ref
  return self
end

function File:isReferenced()
  return not env(self).force
end

-- the Python file of torch.File f; `method` (an object's write/read) names the call in luaT's
-- error for anything else
local function fileobj(f, method)
  local o = P2O[f]
  local tn = o ~= nil and torch.typename(f)
  if not (tn and tn:match('^torch%.%a*File$')) then
    if method then
      raise(string.format("bad argument #2 to '%s' (torch.File expected, got %s)", method,
        torch.typename(f) or type(f)))
    end
    raise('torch.File expected')
  end
  return o
end

local function check(e)
  if e then raise(e) end
end

-- ---------------------------------------------------------------------------- writing
local function getmetamethod(obj, name)
  local mt = torch.getmetatable(torch.typename(obj))
  if type(mt) == 'table' then
    local f = mt['__' .. name]
    if f == nil then f = mt[name] end
    if type(f) == 'function' then return f end
  end
end

local function writable_type(object)
  local t = type(object)
  if object == nil then return TYPE_NIL end
  local tn = torch.typename(object)
  if tn and torch.factory(tn) then return TYPE_TORCH end
  if t == 'table' then return TYPE_TABLE
  elseif t == 'number' then return TYPE_NUMBER
  elseif t == 'string' then return TYPE_STRING
  elseif t == 'boolean' then return TYPE_BOOLEAN
  elseif t == 'function' and pcall(string.dump, object) then return TYPE_RECUR_FUNCTION
  end
end

function File:isWritableObject(object)
  return writable_type(object)
end

local UPVALUES_TOKEN = {}

local function format_stack(names)
  local parts = {}
  for i, v in ipairs(names) do
    if v ~= UPVALUES_TOKEN and names[i - 1] ~= UPVALUES_TOKEN then parts[#parts + 1] = v end
  end
  return table.concat(parts, '.')
end

-- a key identifying obj: a tensor's or storage's Python object (two proxies of one storage are
-- one object, as torch.pointer sees them), else the Lua value itself
local function refkey(obj)
  local o = P2O[obj]
  if o ~= nil then return objid(o) end
  return obj
end

local function identity(x) return x end
local PLAIN = {number = true, string = true, boolean = true}
local write_prims, unpack = fpy.write_prims, unpack

function File:writeObject(object, debugname, hook)
  hook = hook or identity
  local e = env(self)
  local fo = fileobj(self)
  local sobject = object
  object = hook(object)
  if object == nil then
    check(write_int(fo, TYPE_NIL))
    return
  end
  local names = e.names
  names[#names + 1] = debugname or '<?>'
  local tp = writable_type(object)
  if not tp then
    raise(string.format('Unwritable object <%s> at %s', type(object), format_stack(names)))
  end
  if tp == TYPE_NUMBER then
    check(write_number(fo, object))
  elseif tp == TYPE_STRING then
    check(write_string(fo, object))
  elseif tp == TYPE_BOOLEAN then
    check(write_boolean(fo, object))
  else
    local key = refkey(sobject)
    local index = e.written[key]
    if index and not e.force then
      check(write_int(fo, tp))
      check(write_int(fo, index))
    else
      index = e.nwritten + 1
      e.nwritten = index
      if not e.force then
        e.written[key] = index
        e.keep[object] = index   -- keeps what was written alive, so keys stay unique
      end
      if tp == TYPE_TORCH then
        local version = torch.version(object)
        check(write_torch_head(fo, index, tostring(version), torch.typename(object)))
        local write = getmetamethod(object, 'write')
        if write then
          write(object, self)
        elseif type(object) == 'table' then
          local var = {}
          for k, v in pairs(object) do
            if writable_type(v) then
              var[k] = v
            else
              print(string.format('$ Warning: cannot write object field <%s> of <%s> %s',
                                  tostring(k), torch.typename(object), format_stack(names)))
            end
          end
          self:writeObject(var, torch.typename(object), hook)
        else
          raise(string.format('<%s> is a non-serializable Torch object %s',
                              torch.typename(object), format_stack(names)))
        end
      else
        check(write_int(fo, tp))
        check(write_int(fo, index))
        if tp == TYPE_RECUR_FUNCTION then
          local upvalues = {}
          local i = 1
          while true do
            local name, value = debug.getupvalue(object, i)
            if not name then break end
            if name == '_ENV' then value = nil end
            local id
            if debug.upvalueid then
              local ref = debug.upvalueid(object, i)
              id = e.upvalueRefToId[ref]
              if not id then
                e.nupvalues = e.nupvalues + 1
                id = e.nupvalues
                e.upvalueRefToId[ref] = id
              end
            end
            upvalues[#upvalues + 1] = {name = name, id = id, value = value}
            i = i + 1
          end
          check(write_chars(fo, string.dump(object)))
          self:writeObject(upvalues, UPVALUES_TOKEN, hook)
        else
          local size = 0
          for _ in pairs(object) do size = size + 1 end
          check(write_int(fo, size))
          local in_upvalues = names[#names - 1] == UPVALUES_TOKEN
          -- runs of plain keys and values go to Python in one call each
          local fast = hook == identity
          local buf, nb = {}, 0
          for k, v in pairs(object) do
            local tk = type(k)
            if fast and PLAIN[tk] and PLAIN[type(v)] then
              buf[nb + 1], buf[nb + 2] = k, v
              nb = nb + 2
              if nb >= 256 then
                check(write_prims(fo, unpack(buf, 1, nb)))
                nb = 0
              end
            else
              if nb > 0 then
                check(write_prims(fo, unpack(buf, 1, nb)))
                nb = 0
              end
              self:writeObject(k, nil, hook)
              local name = (tk == 'string' or tk == 'number') and tostring(k) or nil
              if in_upvalues and name == 'value' and type(object.name) == 'string' then
                name = object.name
              end
              self:writeObject(v, name, hook)
            end
          end
          if nb > 0 then check(write_prims(fo, unpack(buf, 1, nb))) end
        end
      end
    end
  end
  names[#names] = nil
end

-- ---------------------------------------------------------------------------- reading
local function load_function(self, fo, dumped)
  if not allowed(fo) then
    io.stderr:write('Warning: Failed to load function from bytecode: loading functions from '
      .. 'this file is disabled (trusted files: torch.load(name, nil, nil, {allowBytecode = true}) '
      .. 'or file:allowBytecode(true))\n')
    return nil, false
  end
  local func, err = loadstring(dumped)
  if not func then
    io.stderr:write(string.format('Warning: Failed to load function from bytecode: %s\n', tostring(err)))
  end
  return func, true
end

local function read_checked(fo, fn)
  local v, e = fn(fo)
  if v == nil then raise(e) end
  return v
end

local PRIM = {[TYPE_NIL] = true, [TYPE_NUMBER] = true, [TYPE_STRING] = true, [TYPE_BOOLEAN] = true}
local read_prims = fpy.read_prims
local read_body

local function set_entry(object, k, x)
  if k == nil or k ~= k then raise('invalid table key in file (nil or NaN)') end
  object[k] = x
end

-- the entries of a table: runs of plain keys and values come from Python in one call each
local function read_entries(self, e, fo, object, size)
  local left = size
  while left > 0 do
    local want = left < 256 and left or 256
    local r = {read_prims(fo, want)}
    local m = r[1]
    if m == nil then raise(r[2]) end
    for j = 1, m do set_entry(object, r[2 * j], r[2 * j + 1]) end
    left = left - m
    if m < want then   -- then the head(s) of an entry that is not plain
      local b = 2 * m + 2
      local kt, kv = r[b], r[b + 1]
      local k, x
      if PRIM[kt] then
        k = kv
        x = read_body(self, e, fo, r[b + 2], r[b + 3])
      else
        k = read_body(self, e, fo, kt, kv)
        x = self:readObject()
      end
      set_entry(object, k, x)
      left = left - 1
    end
  end
end

-- an object whose head (tag and value or index) has been read
function read_body(self, e, fo, tag, v)
  if PRIM[tag] then return v end
  if tag == TYPE_FUNCTION then
    local func, tried = load_function(self, fo, read_checked(fo, read_string))
    local upvalues = self:readObject()
    if tried and type(upvalues) == 'table' then
      for i, up in ipairs(upvalues) do debug.setupvalue(func, i, up) end
    end
    return func
  end
  local index = v
  local objects = e.read
  if not e.force then
    local o = objects[index]
    if o ~= nil then return o end
    if e.nilread[index] then return nil end
  end
  if tag == TYPE_RECUR_FUNCTION or tag == LEGACY_TYPE_RECUR_FUNCTION then
    local func, tried = load_function(self, fo, read_checked(fo, read_string))
    if not e.force then
      if func == nil then e.nilread[index] = true else objects[index] = func end
    end
    local upvalues = self:readObject()
    if not tried then return nil end
    if type(upvalues) ~= 'table' then raise('invalid function in file: upvalues table expected') end
    local closures = e.upvalueIdToClosure
    for i, up in ipairs(upvalues) do
      if tag == LEGACY_TYPE_RECUR_FUNCTION then
        debug.setupvalue(func, i, up)
      elseif type(up) ~= 'table' then
        raise('invalid function in file: upvalue table expected')
      elseif up.name == '_ENV' then
        debug.setupvalue(func, i, _ENV)
      else
        debug.setupvalue(func, i, up.value)
        if debug.upvaluejoin and up.id ~= nil then
          local other = closures[up.id]
          if other then
            debug.upvaluejoin(func, i, other.func, other.index)
          else
            closures[up.id] = {func = func, index = i}
          end
        end
      end
    end
    return func
  elseif tag == TYPE_TORCH then
    local version, className = read_class(fo)
    if version == nil then raise(className) end
    local factory = torch.factory(className)
    if not factory then raise(string.format('unknown Torch class <%s>', tostring(className))) end
    local object = factory(self)
    if not e.force then objects[index] = object end
    local read = getmetamethod(object, 'read')
    if read then
      read(object, self, version)
    elseif type(object) == 'table' then
      local var = self:readObject()
      if type(var) ~= 'table' then
        raise(string.format('invalid <%s> object in file: table of fields expected', className))
      end
      for k, x in pairs(var) do object[k] = x end
    else
      raise(string.format('Cannot load object class <%s>', tostring(className)))
    end
    return object
  else   -- a table
    local size = read_checked(fo, read_int)
    if size < 0 then raise('invalid table size in file') end
    local object = {}
    if not e.force then objects[index] = object end
    read_entries(self, e, fo, object, size)
    return object
  end
end

function File:readObject()
  local e = env(self)
  local fo = fileobj(self)
  local tag, v = head(fo)
  if tag == nil then raise(v) end
  return read_body(self, e, fo, tag, v)
end

-- ---------------------------------------------------------------------------- Torch objects
-- Tensors, storages and Generators: their write/read methods and factories (what luaT gave them)
do
  local tensor_write_header, tensor_read_header, tensor_set =
    fpy.tensor_write_header, fpy.tensor_read_header, fpy.tensor_set
  local storage_write, storage_read = fpy.storage_write, fpy.storage_read

  local function tensor_write(self, file)
    local has, err = tensor_write_header(fileobj(file, 'write'), P2O[self])
    if has == nil then raise(err) end
    if has then file:writeObject(self:storage()) else file:writeObject(nil) end
  end

  local function tensor_read(self, file)
    local hdr = read_checked(fileobj(file, 'read'), tensor_read_header)
    local st = file:readObject()
    local so = nil
    if st ~= nil then
      so = P2O[st]
      if so == nil then raise(string.format('invalid %s in file: storage expected', torch.typename(self))) end
    end
    local ok, err = tensor_set(P2O[self], hdr, so)
    if ok == nil then raise(err) end
  end

  local function storage_w(self, file) check(storage_write(fileobj(file, 'write'), P2O[self])) end
  local function storage_r(self, file) check(storage_read(fileobj(file, 'read'), P2O[self])) end

  -- the constructor torch.<Short> at the time of the call (e.g. CUDA types exist once loaded)
  local function factory(name)
    local short = name:match('^torch%.(.*)$')
    return function()
      local ctor = torch[short]
      if ctor == nil then raise(string.format('unknown Torch class <%s>', name)) end
      return ctor()
    end
  end
  for _, mt in ipairs(torch._tensor_mts) do
    mt.write, mt.read = tensor_write, tensor_read
    mt.__factory = factory(mt.__typename)
  end
  for _, mt in ipairs(torch._storage_mts) do
    mt.write, mt.read = storage_w, storage_r
    mt.__factory = factory(mt.__typename)
  end
  -- t:cdata(): in Torch7 an FFI pointer to the C struct; here an opaque FFI pointer identifying
  -- the object (a value that is not serializable, as in Torch7), when no one defined it.
  local ok, ffi = pcall(require, 'ffi')
  if ok then
    local function cdata(self) return ffi.cast('void *', objid(P2O[self])) end
    for _, mts in ipairs({torch._tensor_mts, torch._storage_mts}) do
      for _, mt in ipairs(mts) do
        if rawget(mt, 'cdata') == nil then mt.cdata = cdata end
      end
    end
  end
  local gmt = torch._metatables['torch.Generator']
  if gmt then
    local gw, gr = fpy.generator_write, fpy.generator_read
    gmt.write = function(self, file) check(gw(fileobj(file, 'write'), P2O[self])) end
    gmt.read = function(self, file) check(gr(fileobj(file, 'read'), P2O[self])) end
    gmt.__factory = function() return torch.Generator() end
  end
end

-- torch.version(obj): the __version of obj's own class (1 when it sets none, as luaT's default)
if not torch.version then
  function torch.version(obj)
    local mt = getmetatable(obj)
    if type(mt) == 'table' then return rawget(mt, '__version') or 1 end
  end
end

-- ---------------------------------------------------------------------------- helpers
local function options(...)
  for i = 1, select('#', ...) do
    local o = select(i, ...)
    if type(o) == 'table' then return o end
  end
  return {}
end

local function finish(file, ok, result)
  file:close()
  if not ok then error(result, 0) end
  return result
end

function torch.save(filename, object, mode, referenced)
  assert(mode == nil or mode == 'binary' or mode == 'ascii', '"binary" or "ascii" (or nil) expected for mode')
  assert(referenced == nil or referenced == true or referenced == false,
         'true or false (or nil) expected for referenced')
  mode = mode or 'binary'
  if referenced == nil then referenced = true end
  -- a new file replaces an existing one (luatorch/lib/file.py _replace): much faster than
  -- truncating a file whose pages are still being written back
  if type(filename) ~= 'string' then raise("bad argument #1 to 'save' (string expected)") end
  local file = ret(nil, fpy.new_disk(filename, 'w', false, true))
  file[mode](file)
  file:referenced(referenced)
  finish(file, pcall(file.writeObject, file, object))
end

-- torch.load(filename [, mode] [, referenced] [, {allowBytecode = true}])
function torch.load(filename, mode, referenced, ...)
  local opts = options(mode, referenced, ...)
  if type(mode) == 'table' then mode = nil end
  if type(referenced) == 'table' then referenced = nil end
  assert(mode == 'binary' or mode == 'b32' or mode == 'b64' or mode == nil or mode == 'ascii',
         '"binary", "b32", "b64" or "ascii" (or nil) expected for mode')
  assert(referenced == nil or referenced == true or referenced == false,
         'true or false (or nil) expected for referenced')
  local longSize
  if mode == 'b32' or mode == 'b64' then
    longSize = tonumber(mode:match('%d+')) / 8
    mode = 'binary'
  end
  mode = mode or 'binary'
  if referenced == nil then referenced = true end
  local file = torch.DiskFile(filename, 'r')
  file[mode](file)
  file:referenced(referenced)
  if longSize then file:longSize(longSize) end
  if opts.allowBytecode then file:allowBytecode(true) end
  return finish(file, pcall(file.readObject, file))
end

local function check_mode(mode)
  if mode ~= nil and mode ~= 'binary' and mode ~= 'ascii' then
    raise('"binary" or "ascii" (or nil) expected for mode')
  end
end

local function memory_writer(object, mode)
  check_mode(mode)
  mode = mode or 'binary'
  local f = torch.MemoryFile()
  f = f[mode](f)
  local ok, err = pcall(f.writeObject, f, object)
  if not ok then f:close(); error(err, 0) end
  return f
end

function torch.serialize(object, mode)
  local f = memory_writer(object, mode)
  local s = read_checked(P2O[f], fpy.memory_bytes)
  f:close()
  return s
end

function torch.serializeToStorage(object, mode)
  local f = memory_writer(object, mode)
  local storage = f:storage()
  storage:resize(storage:size() - 1)   -- without the NUL that ends a MemoryFile
  f:close()
  return storage
end

local function memory_reader(data, mode, opts)
  check_mode(mode)
  mode = mode or 'binary'
  local o, err = fpy.memory_from(P2O[data] or data)
  if o == nil then raise(err) end
  local f = wrap(o, 301)
  f = f[mode](f)
  if opts.allowBytecode then f:allowBytecode(true) end
  return finish(f, pcall(f.readObject, f))
end

-- torch.deserialize(str [, mode] [, {allowBytecode = true}])
function torch.deserialize(str, mode, ...)
  local opts = options(mode, ...)
  if type(mode) == 'table' then mode = nil end
  if type(str) ~= 'string' then raise('torch.deserialize: string expected') end
  return memory_reader(str, mode, opts)
end

function torch.deserializeFromStorage(storage, mode, ...)
  local opts = options(mode, ...)
  if type(mode) == 'table' then mode = nil end
  if P2O[storage] == nil then raise('torch.deserializeFromStorage: CharStorage expected') end
  return memory_reader(storage, mode, opts)
end

torch.saveobj = torch.save
torch.loadobj = torch.load

return File
