-- ANSI terminal colours, as named in trepl: lower case = normal, capitalised = bold,
-- leading underscore = background. `colorize` holds functions wrapping text in a colour;
-- all of them return the text unchanged while colours are off (not a terminal).
local codes = {
  none = 0, bright = 1, dim = 2, underline = 4, blink = 5, reverse = 7, hidden = 8,
}
local names = {'black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'}
local M = {codes = {}, colorize = {}, enabled = false}
for name, n in pairs(codes) do M.codes[name] = '\27[' .. n .. 'm' end
for i, name in ipairs(names) do
  M.codes[name] = '\27[0;' .. (29 + i) .. 'm'
  M.codes[name:sub(1, 1):upper() .. name:sub(2)] = '\27[1;' .. (29 + i) .. 'm'
  M.codes['_' .. name] = '\27[' .. (39 + i) .. 'm'
end
for name, code in pairs(M.codes) do
  M.colorize[name] = function(txt)
    txt = tostring(txt)
    if not M.enabled then return txt end
    return code .. txt .. M.codes.none
  end
end

function M.enable(on)
  M.enabled = on and true or false
end

return M
