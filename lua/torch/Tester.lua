-- torch.Tester: Torch7's unit-test runner. Tests are added as functions or a TestSuite, run
-- with a progress line per test, and summarised as Torch prints it:
--   Running 3 tests
--   1/3 testA ..................................................................... [PASS]
--   Completed 3 asserts in 3 tests with 1 failure and 0 errors
-- followed by one section per failure (message, then the two stack lines above the test's
-- xpcall). Every assertion method reaches _failure through tail calls only, so that level 3
-- of the traceback taken in _addDebugInfo is the test code that made the assertion.
local Tester = torch.class('torch.Tester')

local NCOLS = 80
local unpack = unpack or table.unpack

local compare = {} -- equality checks (tables, tensors, storages), defined below

function Tester:__init()
  self.errors = {}
  self.tests = {}
  self.warnings = {}
  self._warningCount = {}
  self.disabledTests = {}
  self._currentTestName = ''
  -- assertTensorEq compares contents only ({{1}} equals {1}), with a warning; :eq does not
  self._assertTensorEqIgnoresDims = true
end

function Tester:setEarlyAbort(earlyAbort)
  self.earlyAbort = earlyAbort
end

function Tester:setRethrowErrors(rethrow)
  self.rethrow = rethrow
end

function Tester:setSummaryOnly(summaryOnly)
  self.summaryOnly = summaryOnly
end

------------------------------------------------------------------------ recording results

function Tester:_success()
  local name = self._currentTestName
  self.assertionPass[name] = self.assertionPass[name] + 1
  return true
end

-- the test name, the message and the two stack lines just above the test's xpcall
function Tester:_addDebugInfo(message)
  local trace = debug.traceback('tester', 3) or ''
  trace = trace:match('.-\n([^\n]+\n[^\n]+)\n[^\n]+xpcall') or ''
  local name = self._currentTestName
  local head = name ~= '' and name .. '\n' or ''
  return head .. message .. '\n' .. trace
end

function Tester:_failure(message)
  if self.rethrow then error(message, 2) end
  local name = self._currentTestName
  self.assertionFail[name] = self.assertionFail[name] + 1
  local info = self:_addDebugInfo(message)
  self.errors[#self.errors + 1] = info
  return false
end

function Tester:_warning(message)
  local name = self._currentTestName
  self._warningCount[name] = (self._warningCount[name] or 0) + 1
  local info = self:_addDebugInfo(message)
  self.warnings[#self.warnings + 1] = info
end

function Tester:_assert_sub(condition, message)
  if condition then
    return self:_success()
  end
  return self:_failure(message)
end

------------------------------------------------------------------------ argument helpers

-- the optional message argument, with a newline appended when not empty
local function messageOf(message, ...)
  assert(select('#', ...) == 0 or next({...}) == nil, 'Unexpected arguments passed to test function')
  if message == nil then return '' end
  assert(type(message) == 'string', 'message parameter must be a string')
  if message == '' then return '' end
  return message .. '\n'
end

-- an optional tolerance and an optional message, in either order
local function toleranceAndMessage(defaultTolerance, ...)
  local message, tolerance
  for _, a in ipairs({...}) do
    if type(a) == 'string' then
      if message then error('Unexpected string argument; already have message', 3) end
      message = a .. '\n'
    elseif type(a) == 'number' then
      if tolerance then error('Unexpected number argument; already have tolerance', 3) end
      assert(a >= 0, 'tolerance cannot be negative')
      tolerance = a
    else
      error('Unrecognized argument; should be a tolerance or message', 3)
    end
  end
  return tolerance or defaultTolerance, message or ''
end

------------------------------------------------------------------------ assertions

function Tester:assert(condition, ...)
  local message = messageOf(...)
  if type(condition) ~= 'boolean' then
    self:_warning(' :assert should only be used for boolean conditions. '
                  .. 'To check for non-nil variables, do this explicitly: '
                  .. 'Tester:assert(var ~= nil).')
  end
  return self:_assert_sub(condition,
    string.format('%sBOOL violation condition=%s', message, tostring(condition)))
end

function Tester:assertTrue(condition, ...)
  return self:assert(condition == true, ...)
end

function Tester:assertFalse(condition, ...)
  return self:assert(condition == false, ...)
end

function Tester:_eqOrNeq(got, expected, negate, ...)
  local tolerance, message = toleranceAndMessage(0, ...)
  local ok, detail = compare.values(got, expected, tolerance, negate)
  return self:_assert_sub(ok, message .. (detail or ''))
end

function Tester:assertGeneralEq(got, expected, ...)
  return self:_eqOrNeq(got, expected, false, ...)
end

function Tester:eq(got, expected, ...)
  return self:_eqOrNeq(got, expected, false, ...)
end

function Tester:assertGeneralNe(got, unexpected, ...)
  return self:_eqOrNeq(got, unexpected, true, ...)
end

function Tester:ne(got, unexpected, ...)
  return self:_eqOrNeq(got, unexpected, true, ...)
end

function Tester:assertlt(a, b, ...)
  local message = messageOf(...)
  return self:_assert_sub(a < b,
    string.format('%sLT failed: %s >= %s', message, tostring(a), tostring(b)))
end

function Tester:assertgt(a, b, ...)
  local message = messageOf(...)
  return self:_assert_sub(a > b,
    string.format('%sGT failed: %s <= %s', message, tostring(a), tostring(b)))
end

function Tester:assertle(a, b, ...)
  local message = messageOf(...)
  return self:_assert_sub(a <= b,
    string.format('%sLE failed: %s > %s', message, tostring(a), tostring(b)))
end

function Tester:assertge(a, b, ...)
  local message = messageOf(...)
  return self:_assert_sub(a >= b,
    string.format('%sGE failed: %s < %s', message, tostring(a), tostring(b)))
end

function Tester:assertalmosteq(a, b, ...)
  local tolerance, message = toleranceAndMessage(1e-16, ...)
  return self:_assert_sub(math.abs(a - b) <= tolerance,
    string.format('%sALMOST_EQ failed: %s ~= %s with tolerance=%s',
                  message, tostring(a), tostring(b), tostring(tolerance)))
end

function Tester:asserteq(a, b, ...)
  local message = messageOf(...)
  return self:_assert_sub(a == b,
    string.format('%sEQ failed: %s ~= %s', message, tostring(a), tostring(b)))
end

function Tester:assertne(a, b, ...)
  local message = messageOf(...)
  if type(a) == type(b) and type(a) == 'table' or type(a) == 'userdata' then
    self:_warning(' :assertne should only be used to compare basic lua '
                  .. 'objects (numbers, booleans, etc). Consider using '
                  .. 'either :assertGeneralNe or :assert(a ~= b).')
  end
  return self:_assert_sub(a ~= b,
    string.format('%sNE failed: %s == %s', message, tostring(a), tostring(b)))
end

-- camel-case spellings used by some projects
Tester.assertEq = Tester.asserteq
Tester.assertNe = Tester.assertne
Tester.assertLt = Tester.assertlt
Tester.assertGt = Tester.assertgt
Tester.assertLe = Tester.assertle
Tester.assertGe = Tester.assertge
Tester.assertAlmostEq = Tester.assertalmosteq

function Tester:_assertTensorEqOrNeq(ta, tb, negate, ...)
  assert(torch.isTensor(ta), 'First argument should be a Tensor')
  assert(torch.isTensor(tb), 'Second argument should be a Tensor')
  local tolerance, message = toleranceAndMessage(0, ...)
  local ignoreDims = self._assertTensorEqIgnoresDims
  local ok, detail = compare.tensors(ta, tb, tolerance, negate, ignoreDims)
  if ignoreDims and not negate and ok and not ta:isSameSizeAs(tb) then
    self:_warning('Tensors have the same content but different dimensions. '
                  .. 'For backwards compatibility, they are considered equal, '
                  .. 'but this may change in the future. Consider using :eq '
                  .. 'to check for equality instead.')
  end
  return self:_assert_sub(ok, message .. (detail or ''))
end

function Tester:assertTensorEq(ta, tb, ...)
  return self:_assertTensorEqOrNeq(ta, tb, false, ...)
end

function Tester:assertTensorNe(ta, tb, ...)
  return self:_assertTensorEqOrNeq(ta, tb, true, ...)
end

function Tester:_assertTableEqOrNeq(ta, tb, negate, ...)
  assert(type(ta) == 'table', 'First argument should be a Table')
  assert(type(tb) == 'table', 'Second argument should be a Table')
  return self:_eqOrNeq(ta, tb, negate, ...)
end

function Tester:assertTableEq(ta, tb, ...)
  return self:_assertTableEqOrNeq(ta, tb, false, ...)
end

function Tester:assertTableNe(ta, tb, ...)
  return self:_assertTableEqOrNeq(ta, tb, true, ...)
end

-- f must raise an error for which errcomp(err) is true
function Tester:assertErrorObj(f, errcomp, ...)
  local message = messageOf(...)
  local ok, err = pcall(f)
  return self:_assert_sub(not ok and errcomp(err),
    string.format('%sERROR violation: err=%s', message, tostring(err)))
end

function Tester:assertError(f, ...)
  return self:assertErrorObj(f, function() return true end, ...)
end

function Tester:assertErrorMsg(f, errmsg, ...)
  return self:assertErrorObj(f, function(err) return err == errmsg end, ...)
end

function Tester:assertErrorPattern(f, pattern, ...)
  return self:assertErrorObj(f, function(err) return string.find(err, pattern) ~= nil end, ...)
end

function Tester:assertNoError(f, ...)
  local message = messageOf(...)
  local ok, err = pcall(f)
  return self:_assert_sub(ok,
    string.format('%sERROR violation: err=%s', message, tostring(err)))
end

------------------------------------------------------------------------ adding and running

-- add(fn, name) or add(suite): tests by name; '_setUp'/'_tearDown' run around each test
function Tester:add(f, name)
  if type(f) == 'table' then
    assert(name == nil, 'Name parameter is forbidden for a table of tests, '
                        .. 'since its use is ambiguous')
    if f.__isTestSuite then
      f = f.__tests
    else
      self:_warning('Should use TestSuite rather than plain lua table')
    end
    for k, v in pairs(f) do
      assert(type(v) ~= 'table', 'Nested sets of tests are not supported')
      self:add(v, k)
    end
    return self
  end
  assert(type(f) == 'function', 'Only tables of functions and functions supported')
  if name == '_setUp' then
    assert(not self._setUp, 'Only one set-up function allowed')
    self._setUp = f
  elseif name == '_tearDown' then
    assert(not self._tearDown, 'Only one tear-down function allowed')
    self._tearDown = f
  else
    name = name or 'unknown'
    if self.tests[name] ~= nil then
      error('Test with name ' .. name .. ' already exists!')
    end
    self.tests[name] = f
  end
  return self
end

-- skip these tests (they are reported as SKIP)
function Tester:disable(testNames)
  if type(testNames) == 'string' then testNames = {testNames} end
  assert(type(testNames) == 'table', 'Expecting name or list for disable')
  for _, name in ipairs(testNames) do
    assert(self.tests[name], "Unrecognized test '" .. name .. "'")
    self.disabledTests[name] = true
  end
  return self
end

-- run all tests, or those whose names match the given pattern(s); errors when any failed
function Tester:run(testNames)
  local tests = self:_getTests(testNames)
  self.assertionPass = {}
  self.assertionFail = {}
  self.haveWarning = {}
  self.testError = {}
  for name in pairs(tests) do
    self.assertionPass[name] = 0
    self.assertionFail[name] = 0
    self.testError[name] = 0
    self._warningCount[name] = 0
  end
  self:_run(tests)
  self:_report(tests)
  for name in pairs(tests) do
    assert(self.assertionFail[name] == 0, 'An error was found while running tests!')
    assert(self.testError[name] == 0, 'An error was found while running tests!')
  end
  return 0
end

local function plural(n, word)
  if n == 1 then return n .. ' ' .. word end
  return n .. ' ' .. word .. 's'
end

-- colours when run from the command line (`arg` set), as Torch
local function palette()
  local ok, colors = pcall(require, 'sys.colors')
  if rawget(_G, 'arg') and ok then
    return colors, function(s, colour) return colour .. s .. colors.none end
  end
  return {}, function(s) return s end
end

function Tester:_run(tests)
  local c, coloured = palette()
  local ntests = 0
  for _ in pairs(tests) do ntests = ntests + 1 end
  local total = string.format('%d', ntests)
  local counter = '%' .. #total .. 'd/' .. total .. ' '
  local counterWidth = #total * 2 + 2

  io.write('Running ' .. plural(ntests, 'test') .. '\n')
  local i = 1
  for name, fn in pairs(tests) do
    self._currentTestName = name
    local head = coloured(string.format(counter, i), c.cyan) .. name .. ' '
                 .. string.rep('.', NCOLS - 6 - 2 - counterWidth - #name) .. ' '
    io.write(head .. '[' .. coloured('WAIT', c.cyan) .. ']')
    io.flush()

    local status, pass
    local skip = self.disabledTests[name] and true or false
    if not skip then
      if self._setUp then self._setUp(name) end
      if self.rethrow then
        local nerr = #self.errors
        fn()
        status, pass = true, nerr == #self.errors
      else
        local _
        status, _, pass = self:_pcall(fn)
      end
      if self._tearDown then self._tearDown(name) end
    end

    io.write('\r')
    io.write(head)
    if skip then
      io.write('[' .. coloured('SKIP', c.yellow) .. ']')
    elseif not status then
      self.testError[name] = 1
      io.write('[' .. coloured('ERROR', c.magenta) .. ']')
    elseif not pass then
      io.write('[' .. coloured('FAIL', c.red) .. ']')
    else
      io.write('[' .. coloured('PASS', c.green) .. ']')
      if self._warningCount[name] > 0 then
        io.write('\n' .. string.rep(' ', NCOLS - 10))
        io.write('[' .. coloured('+warning', c.yellow) .. ']')
      end
    end
    io.write('\n')
    io.flush()

    if self.earlyAbort and i < ntests and (not status or not pass) and not skip then
      io.write('Aborting on first error, not all tests have been executed\n')
      break
    end
    i = i + 1
    collectgarbage()
  end
end

-- run f; a Lua error is recorded with its traceback. Returns status, result, passed
function Tester:_pcall(f)
  local nerr = #self.errors
  local ok, result = xpcall(f, debug.traceback)
  if not ok then
    self.errors[#self.errors + 1] =
      self._currentTestName .. '\n Function call failed\n' .. result .. '\n'
  end
  return ok, result, ok and nerr == #self.errors
end

function Tester:_getTests(testNames)
  if testNames == nil then return self.tests end
  if type(testNames) == 'string' then testNames = {testNames} end
  assert(type(testNames) == 'table',
         'Only accept a name or table of test names (or nil for all tests)')
  local selected = {}
  for _, pattern in ipairs(testNames) do
    local found = false
    for name, fn in pairs(self.tests) do
      if string.match(name, pattern) then
        selected[name] = fn
        found = true
      end
    end
    assert(found, "Couldn't find test '" .. pattern .. "'")
  end
  return selected
end

function Tester:_report(tests)
  local c, coloured = palette()
  local ntests, nfailures, nerrors, nskipped, nwarnings = 0, 0, 0, 0, 0
  self.countasserts = 0
  for name in pairs(tests) do
    ntests = ntests + 1
    self.countasserts = self.countasserts + self.assertionFail[name] + self.assertionPass[name]
    if self.assertionFail[name] > 0 then nfailures = nfailures + 1 end
    if self.testError[name] > 0 then nerrors = nerrors + 1 end
    if self._warningCount[name] > 0 then nwarnings = nwarnings + 1 end
    if self.disabledTests[name] then nskipped = nskipped + 1 end
  end
  if self._warningCount[''] then nwarnings = nwarnings + self._warningCount[''] end

  io.write('Completed ' .. plural(self.countasserts, 'assert'))
  io.write(' in ' .. plural(ntests, 'test') .. ' with ')
  io.write(coloured(plural(nfailures, 'failure'), nfailures == 0 and c.green or c.red))
  io.write(' and ')
  io.write(coloured(plural(nerrors, 'error'), nerrors == 0 and c.green or c.magenta))
  if nwarnings > 0 then
    io.write(' and ')
    io.write(coloured(plural(nwarnings, 'warning'), c.yellow))
  end
  if nskipped > 0 then
    io.write(' and ')
    io.write(coloured(nskipped .. ' disabled', c.yellow))
  end
  io.write('\n')

  if self.summaryOnly then return end
  local dashes = string.rep('-', NCOLS) .. '\n'
  local first = true
  local function section(text)
    if first then io.write(dashes); first = false end
    io.write(text .. '\n')
    io.write(dashes)
  end
  for _, v in ipairs(self.errors) do section(v) end
  for _, v in ipairs(self.warnings) do section(v) end
end

------------------------------------------------------------------------ equality checks

-- tensors of a type without abs (Byte, Char, Short, Half) are compared as doubles
local function with_abs(t)
  if t.abs then return t end
  return t:double()
end

-- same type and size: max |ta - tb| <= tolerance
function compare.sameFormatTensors(ta, tb, tolerance, negate, storage)
  ta, tb = with_abs(ta), with_abs(tb)
  local err = ta:clone():add(-1, tb):abs():max()
  local ok = err <= tolerance
  if negate then ok = not ok end
  if ok then return true end
  return false, string.format('%s%s violation: max diff=%s, tolerance=%s',
                              storage and 'Storage' or 'Tensor',
                              negate and 'NE(==)' or 'EQ(==)',
                              tostring(err), tostring(tolerance))
end

function compare.tensors(ta, tb, tolerance, negate, ignoreDims)
  if not ignoreDims and ta:dim() ~= tb:dim() then
    return negate, 'The tensors have different dimensions'
  end
  if ta:type() ~= tb:type() then
    return negate, 'The tensors have different types'
  end
  if ta:dim() == 0 and tb:dim() == 0 then
    return not negate, 'Both tensors are empty'
  end
  local sameSize
  if ignoreDims then
    sameSize = ta:nElement() == tb:nElement()
  else
    sameSize = ta:isSameSizeAs(tb)
  end
  if not sameSize then
    return negate, 'The tensors have different sizes'
  end
  return compare.sameFormatTensors(ta, tb, tolerance, negate, false)
end

function compare.storages(sa, sb, tolerance, negate)
  if sa:size() ~= sb:size() then
    return negate, 'The storages have different sizes'
  end
  local ta, tb = torch.type(sa), torch.type(sb)
  if ta ~= tb then
    return negate, 'The storages have different types'
  end
  local tensorType = torch[ta:match('^torch%.(%a+)Storage$') .. 'Tensor']
  return compare.sameFormatTensors(tensorType(sa), tensorType(sb), tolerance, negate, true)
end

-- deep equality: same types; numbers within tolerance; tables key by key; tensors and
-- storages elementwise; anything else with ==
function compare.values(got, expected, tolerance, negate)
  local tg, te = type(got), type(expected)
  if tg ~= te then
    if negate then return true end
    return false, 'EQ failed: values have different types (first: ' .. tg
                  .. ', second: ' .. te .. ')'
  end
  if tg == 'number' then
    local ok = math.abs(got - expected) <= tolerance
    if negate then ok = not ok end
    if ok then return true end
    local msg
    if negate then
      msg = string.format('NE failed: %s == %s', tostring(got), tostring(expected))
    else
      msg = string.format('EQ failed: %s ~= %s', tostring(got), tostring(expected))
    end
    if tolerance > 0 then msg = msg .. ' with tolerance=' .. tostring(tolerance) end
    return false, msg
  end
  if te == 'table' then
    return compare.tables(got, expected, tolerance, negate)
  end
  if torch.isTensor(got) then
    return compare.tensors(got, expected, tolerance, negate)
  end
  if torch.isStorage(got) then
    return compare.storages(got, expected, tolerance, negate)
  end
  local ok = got == expected
  if negate then ok = not ok end
  if ok then return true end
  return false, string.format('%s failed: %s (%s) %s %s (%s)',
                              negate and 'NE' or 'EQ', tostring(got), tg,
                              negate and '==' or '~=', tostring(expected), te)
end

-- tables compared breadth first, so that the reported difference is the shallowest one
function compare.tables(t1, t2, tolerance, negate)
  local queue, head = {{t1, t2}}, 1
  while queue[head] do
    local a, b, where = unpack(queue[head])
    head = head + 1
    local function at(key)
      local k = tostring(key)
      return where and where .. '.' .. k or k
    end
    for key, va in pairs(a) do
      local vb = b[key]
      if vb == nil then
        return negate, string.format('Entry %s missing in second table (is %s in first)',
                                     at(key), tostring(va))
      end
      if type(va) == 'table' and type(vb) == 'table' then
        queue[#queue + 1] = {va, vb, at(key)}
      else
        local ok, msg = compare.values(va, vb, tolerance, false)
        if not ok then
          return negate, 'At table location ' .. at(key) .. ': ' .. msg
        end
      end
    end
    for key, vb in pairs(b) do
      if a[key] == nil then
        return negate, string.format('Entry %s missing in first table (is %s in second)',
                                     at(key), tostring(vb))
      end
    end
  end
  return not negate, 'The tables are equal'
end

return Tester
