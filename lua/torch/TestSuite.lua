-- torch.TestSuite(): a table of test functions for torch.Tester:add that refuses to define
-- the same test twice and accepts only functions.
function torch.TestSuite()
  local tests = {}
  local suite = {__tests = tests, __isTestSuite = true}
  return setmetatable(suite, {
    __index = function(_, key)
      return tests[key]
    end,
    __newindex = function(_, key, value)
      if tests[key] ~= nil then
        error('Test ' .. tostring(key) .. ' is already defined.', 2)
      end
      if type(value) ~= 'function' then
        if type(value) == 'table' then
          error('Nested tables of tests are not supported', 2)
        end
        error('Only functions are supported as members of a TestSuite', 2)
      end
      tests[key] = value
    end,
  })
end
