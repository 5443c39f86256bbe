-- xlua.Profiler: named real/cpu stopwatches with a printed report.
--   p = xlua.Profiler(); p:start('load'); ...; p:lap('load'); p:printAll()
local Profiler = {}

function xlua.Profiler(mode, verbose)
  local self = {events = {}, list = {}, off = (mode == 'off') or false, verbose = verbose or false}
  for k, v in pairs(Profiler) do self[k] = v end
  return self
end

function Profiler:start(name, fps)
  local e = self.events[name]
  if e then
    e.cpu, e.real = os.clock(), sys.clock()
  else
    e = {cpu = os.clock(), real = sys.clock(), name = name}
    self.events[name] = e
    self.list[#self.list + 1] = e
  end
  if fps == 'fps' then e.fps = true end
  if self.verbose then io.write('<' .. name .. '>') io.flush() end
end

function Profiler:setColor(name, color)
  if not self.events[name] then
    error('# ERROR: There is no such profiler - ' .. name .. ', create it first')
  end
  self.events[name].color = color
end

function Profiler:cpu(name, divider)
  local d = os.clock() - self.events[name].cpu
  if divider then d = d / divider end
  self.events[name].cpud = d
  return d
end

function Profiler:real(name, divider)
  local d = sys.clock() - self.events[name].real
  if divider then d = d / divider end
  self.events[name].reald = d
  return d
end

function Profiler:lap(name, divider)
  local r = self:real(name, divider)
  local c = self:cpu(name, divider)
  if self.verbose then io.write('\r') self:print(name) end
  return r, c
end

function Profiler:format(name)
  local e = self.events[name]
  return string.format('$ real | cpu: %f | %f <%s>', e.reald or -1, e.cpud or -1, name)
end

function Profiler:print(name)
  if not self.off then print(self:format(name)) end
end

local function line(e)
  local s = string.format('$ real %f | cpu %f <%s>', e.reald or -1, e.cpud or -1, e.name)
  if e.fps then s = s .. string.format(' = %f fps', 1 / e.reald) end
  return s
end

function Profiler:formatAll()
  local s = '$ profiler report:'
  for _, e in ipairs(self.list) do s = s .. '\n' .. line(e) end
  return s
end

function Profiler:printAll()
  if not self.off then print(self:formatAll()) end
end

function Profiler:displayAll(args)
  local painter = args.painter or args.win
  if not painter then error('# ERROR: Profiler.displayAll() needs a painter') end
  local x, y, zoom = args.x or 0, args.y or 0, args.zoom or 1
  local font = args.font or 24 * zoom
  painter:setfont(qt.QFont{serif = false, italic = false, size = font})
  if self.off then return end
  for _, e in ipairs(self.list) do
    painter:setcolor(e.color or 'black')
    painter:moveto(x, y)
    y = y + font * 1.5
    painter:show(line(e))
  end
end
