-- torch.Timer: real, user and system time accumulated while running, as Torch's Timer.
local osapi = require 'luatorch.os'

local Timer = torch.class('torch.Timer')

local function start(self)
  self._real0, self._user0, self._sys0 = osapi.times()
end

function Timer:__init()
  self._running = true
  self._real, self._user, self._sys = 0, 0, 0
  start(self)
end

-- accumulated times to 0; a running timer restarts counting now, a stopped one stays stopped
function Timer:reset()
  self._real, self._user, self._sys = 0, 0, 0
  start(self)
  return self
end

function Timer:stop()
  if self._running then
    local r, u, s = osapi.times()
    self._real = self._real + (r - self._real0)
    self._user = self._user + (u - self._user0)
    self._sys = self._sys + (s - self._sys0)
    self._running = false
  end
  return self
end

function Timer:resume()
  if not self._running then
    self._running = true
    start(self)
  end
  return self
end

-- {real=, user=, sys=} seconds accumulated so far
function Timer:time()
  if not self._running then
    return {real = self._real, user = self._user, sys = self._sys}
  end
  local r, u, s = osapi.times()
  return {real = self._real + (r - self._real0), user = self._user + (u - self._user0),
          sys = self._sys + (s - self._sys0)}
end

function Timer:__tostring__()
  return 'torch.Timer [status: ' .. (self._running and 'running' or 'stopped') .. ']'
end

return Timer
