-- t:apply(f), t:map(t2, f), t:map2(t2, t3, f): Lua functions called once per element, in
-- row-major order; a function returning a number sets the element.
local function flat_values(t)
  return t:contiguous():view(t:nElement())
end

local function each(self, sources, f)
  local n = self:nElement()
  if n == 0 then return self end
  local out = self:clone():view(n)
  local srcs = {}
  for i, s in ipairs(sources) do
    if s:nElement() ~= n then error('inconsistent tensor size', 3) end
    srcs[i] = flat_values(s)
  end
  local ns = #srcs
  for i = 1, n do
    local v
    if ns == 0 then v = f(out[i])
    elseif ns == 1 then v = f(out[i], srcs[1][i])
    else v = f(out[i], srcs[1][i], srcs[2][i]) end
    if v ~= nil then out[i] = v end
  end
  self:copy(out)
  return self
end

for _, mt in ipairs(torch._tensor_mts) do
  mt.apply = function(self, f) return each(self, {}, f) end
  mt.map = function(self, t, f) return each(self, {t}, f) end
  mt.map2 = function(self, t1, t2, f) return each(self, {t1, t2}, f) end
end
