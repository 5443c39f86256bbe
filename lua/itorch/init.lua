-- The `itorch` global of notebooks: rich outputs (images, HTML, SVG, audio, video) shown by the
-- notebook host, which is the Python side of `th --notebook` or of the Jupyter kernel
-- (luatorch/notebook.py). Outside a notebook every display function is an error.
local itorch = {}

local function host()
  local h = rawget(itorch, '_host')
  if not h then error('itorch: no notebook to display in (run the code with th --notebook or in Jupyter)', 3) end
  return h
end

-- call a host function: it returns true, results... or false, message
local function call(public, name, ...)
  io.stdout:flush()
  local res = {host()[name](...)}
  if not res[1] then error('itorch.' .. public .. ': ' .. tostring(res[2]), 3) end
  return unpack(res, 2)
end

local function unwrap(t)
  return __luatorch_unwrap(t)
end

local function ends_with(s, suffix)
  return s:sub(-#suffix):lower() == suffix
end

-- itorch.image(tensor | table of tensors | file name [, opts]): shows the images as one PNG,
-- laid out and scaled as image.toDisplayTensor does (opts: padding = 2, nrow = 6, scaleeach,
-- min, max, symmetric, saturate).
function itorch.image(img, opts)
  host()
  if type(img) == 'string' then
    if ends_with(img, '.svg') then return itorch.svg(img) end
    return call('image', 'image_file', img)
  end
  opts = opts or {padding = 2}
  if type(opts) ~= 'table' then error('itorch.image: options must be a table', 2) end
  local list = {}
  if torch.isTensor(img) then
    list[1] = unwrap(img)
  elseif type(img) == 'table' then
    for i, t in ipairs(img) do
      if not torch.isTensor(t) then error('itorch.image: element ' .. i .. ' of the table is not a tensor', 2) end
      list[i] = unwrap(t)
    end
    if #list == 0 then error('itorch.image: empty table of images', 2) end
  else
    error('unhandled type in itorch.image:' .. torch.type(img), 2)
  end
  local o = {}
  for _, k in ipairs({'padding', 'nrow', 'scaleeach', 'min', 'max', 'symmetric', 'saturate'}) do
    if opts[k] ~= nil then o[k] = opts[k] end
  end
  return call('image', 'image', list, torch.isTensor(img), o)
end

-- itorch.html(html [, window_id]): shows HTML; returns the window id
function itorch.html(html, window_id)
  host()
  if type(html) ~= 'string' then error('itorch.html: expects a string of HTML', 2) end
  return call('html', 'html', html, window_id)
end

-- itorch.svg(file name or SVG text)
function itorch.svg(svg)
  host()
  if type(svg) ~= 'string' then error('itorch.svg: expects a file name or SVG text', 2) end
  if paths and paths.filep(svg) then
    local f = assert(io.open(svg, 'rb'))
    svg = f:read('*a')
    f:close()
  end
  return call('svg', 'svg', svg)
end

-- itorch.audio(file): mp3, wav, ogg or aac, shown as an HTML5 audio player
function itorch.audio(fname)
  host()
  return call('audio', 'media', 'audio', fname)
end

-- itorch.video(file): mp4, ogg/ogv or webm, shown as an HTML5 video player
function itorch.video(fname)
  host()
  return call('video', 'media', 'video', fname)
end

function itorch.lena()
  local ok, image = pcall(require, 'image')
  if not (ok and type(image) == 'table' and image.lena) then
    error('itorch.lena: not supported (needs image.lena from the image package, which luatorch does not have)', 2)
  end
  return itorch.image(image.lena())
end

local function unsupported(name)
  return function()
    error('itorch.' .. name .. ': not supported in luatorch (it needs the Bokeh plotting of iTorch)', 2)
  end
end
itorch.Plot = setmetatable({}, {__call = unsupported('Plot'), __index = function(_, k)
  return unsupported('Plot.' .. tostring(k))
end})

-- In a notebook a cell defining a class may run again: as in iTorch, torch.class then
-- redefines the class instead of failing with "has already been defined".
function itorch._notebook_mode()
  if itorch._class then return end
  local class = torch.class
  itorch._class = class
  torch.class = function(name, ...)
    if type(name) == 'string' and torch._metatables then torch._metatables[name] = nil end
    return class(name, ...)
  end
end

return itorch
