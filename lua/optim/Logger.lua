--[=[ Logger: log named values to a text file during training, and plot them.

logger = optim.Logger([filename [, timestamp]])   -- no filename: log to stdout
logger:setNames{'train error', 'test error'}      -- then logger:add{0.5, 0.6}
logger:add{['train error'] = 0.5, ['test error'] = 0.6}   -- or named values
logger:style{'-', '+-'}   (or {['train error'] = '-'})    -- plot styles (gnuplot's: '+', '-', '+-', '.', '|')
logger:setlogscale(true); logger:display(false)
logger:plot([name, ...])

File format (as Torch's): a first line with the names, each followed by a tab; then one line
per add, each number written as %11.4e (strings as they are), each followed by a tab.
Plotting writes <filename>.png with matplotlib when it is installed (Torch used gnuplot and
wrote <filename>.eps); without matplotlib, plot says so once and the log file is unaffected.
]=]
require 'xlua'
local Logger = torch.class('optim.Logger')

function Logger:__init(filename, timestamp)
  if filename then
    if type(filename) ~= 'string' then
      error('optim.Logger: the file name must be a string', 2)
    end
    self.name = filename
    os.execute('mkdir -p "' .. paths.dirname(filename) .. '"')
    if timestamp then
      filename = filename .. '-' .. os.date('%Y_%m_%d_%X')
    end
    local f, err = io.open(filename, 'w')
    if not f then
      error('optim.Logger: cannot open ' .. filename .. ' for writing: ' .. tostring(err), 2)
    end
    self.file = f
    self.epsfile = self.name .. '.eps'
    self.pngfile = self.name .. '.png'
  else
    self.file = io.stdout
    self.name = 'stdout'
    print('<Logger> warning: no path provided, logging to std out')
  end
  self.empty = true
  self.symbols = {}
  self.styles = {}
  self.names = {}
  self.idx = {}
  self.figure = nil
  self.showPlot = true
  self.plotRawCmd = nil
  self.defaultStyle = '+'
  self.logscale = false
end

function Logger:setNames(names)
  if type(names) ~= 'table' then
    error('optim.Logger:setNames: expected a table of names', 2)
  end
  self.names = names
  self.empty = false
  self.nsymbols = #names
  for k, name in pairs(names) do
    self.file:write(name .. '\t')
    self.symbols[k] = {}
    self.styles[k] = {self.defaultStyle}
    self.idx[name] = k
  end
  self.file:write('\n')
  self.file:flush()
  return self
end

function Logger:add(symbols)
  if type(symbols) ~= 'table' then
    error('optim.Logger:add: expected a table of values', 2)
  end
  -- the first add without setNames writes the header
  if self.empty then
    self.empty = false
    self.nsymbols = #symbols
    for k in pairs(symbols) do
      self.file:write(k .. '\t')
      self.symbols[k] = {}
      self.styles[k] = {self.defaultStyle}
      self.names[k] = k
    end
    self.idx = self.names
    self.file:write('\n')
  end
  for _, v in pairs(symbols) do
    local tv = type(v)
    if tv == 'number' then
      self.file:write(string.format('%11.4e', v) .. '\t')
    elseif tv == 'string' then
      self.file:write(v .. '\t')
    else
      xlua.error('can only log numbers and strings', 'Logger')
    end
  end
  self.file:write('\n')
  self.file:flush()
  for k, v in pairs(symbols) do
    if self.symbols[k] == nil then
      error('optim.Logger:add: unknown symbol ' .. tostring(k) .. ' (not in the first add or setNames)', 2)
    end
    table.insert(self.symbols[k], v)
  end
end

function Logger:style(symbols)
  for name, style in pairs(symbols) do
    if type(style) == 'string' then
      self.styles[name] = {style}
    elseif type(style) == 'table' then
      self.styles[name] = style
    else
      xlua.error('style should be a string or a table of strings', 'Logger')
    end
  end
  return self
end

function Logger:setlogscale(state)
  self.logscale = state
end

function Logger:display(state)
  self.showPlot = state
end

-- matplotlib, reached through lupa's `python` object; nil and a reason when unavailable
local PLOT_SOURCE = [[
def plot(path, title, series, logscale):
    import importlib
    mpl = importlib.import_module('matplotlib')
    mpl.use('Agg')
    plt = importlib.import_module('matplotlib.pyplot')
    text = lambda v: v.decode('utf-8', 'replace') if isinstance(v, bytes) else str(v)
    styles = {'+': '+', '-': '-', '+-': '+-', '-+': '+-', '.': '.', '|': '|', '~': '-'}
    fig = plt.figure()
    ax = fig.add_subplot(1, 1, 1)
    for i in range(1, len(series) + 1):
        name, values, style = series[i][1], series[i][2], text(series[i][3])
        ys = [float(values[j]) for j in range(1, len(values) + 1)]
        ax.plot(range(1, len(ys) + 1), ys, styles.get(style, style), label=text(name))
    if logscale:
        ax.set_yscale('log')
    ax.grid(True)
    ax.set_title(text(title))
    ax.legend()
    fig.savefig(text(path), format='png')
    plt.close(fig)
    return True
]]

local plotter, plotterError
local function getPlotter()
  if plotter or plotterError then return plotter, plotterError end
  local python = rawget(_G, 'python')
  if type(python) ~= 'table' or not python.eval then
    plotterError = 'Python is not reachable from this Lua state'
    return nil, plotterError
  end
  local ok, found = pcall(python.eval,
    "__import__('importlib.util').util.find_spec('matplotlib') is not None")
  if not ok or not found then
    plotterError = 'matplotlib is not installed (pip install matplotlib)'
    return nil, plotterError
  end
  local compiled
  ok, compiled = pcall(function()
    local define = python.eval('lambda src: (lambda ns: (exec(src, ns), ns["plot"])[1])({})')
    return define(PLOT_SOURCE)
  end)
  if not ok then
    plotterError = 'cannot set up matplotlib plotting: ' .. tostring(compiled)
    return nil, plotterError
  end
  plotter = compiled
  return plotter
end
Logger._getPlotter = getPlotter

function Logger:plot(...)
  -- gather the series: {name, values, style} for each style of each symbol with 2+ values
  local series = {}
  local function collect(key, list)
    if list and #list > 1 then
      for _, style in ipairs(self.styles[key] or {self.defaultStyle}) do
        series[#series + 1] = {tostring(self.names[key]), list, style}
      end
    end
  end
  local wanted = {...}
  if wanted[1] == nil then
    -- every symbol, in a stable order
    local keys = {}
    for k in pairs(self.symbols) do keys[#keys + 1] = k end
    table.sort(keys, function(a, b)
      if type(a) == type(b) then return a < b end
      return type(a) == 'number'
    end)
    for _, k in ipairs(keys) do collect(k, self.symbols[k]) end
  else
    for _, name in ipairs(wanted) do
      local key = self.idx[name]
      if key == nil then
        error('optim.Logger:plot: unknown symbol ' .. tostring(name), 2)
      end
      collect(key, self.symbols[key])
    end
  end
  if #series == 0 then return end

  local plot, why = getPlotter()
  if not plot then
    if not self.warned then
      print('<Logger> warning: plotting needs matplotlib: ' .. why ..
        '; the log file is still written (' .. self.name .. ')')
      self.warned = true
    end
    return
  end
  if not self.pngfile then
    if not self.warned then
      print('<Logger> warning: a Logger writing to stdout has no file to plot to')
      self.warned = true
    end
    return
  end
  local ok, err = pcall(plot, self.pngfile, '<Logger::' .. self.name .. '>', series, self.logscale and true or false)
  if not ok then
    error('optim.Logger:plot: matplotlib failed: ' .. tostring(err), 2)
  end
  return self.pngfile
end
