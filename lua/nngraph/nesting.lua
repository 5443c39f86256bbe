-- nngraph.nesting: helpers over a tensor or a (nested) table of tensors, as nngraph provides
-- them to its users (totem's gradient checker among them)
local nesting = {}

-- a deep copy: tensors cloned, tables rebuilt with the same keys
function nesting.cloneNested(obj)
  if torch.isTensor(obj) then return obj:clone() end
  local copy = {}
  for k, v in pairs(obj) do copy[k] = nesting.cloneNested(v) end
  return copy
end

-- every tensor filled with value
function nesting.fillNested(obj, value)
  if torch.isTensor(obj) then
    obj:fill(value)
  else
    for _, v in pairs(obj) do nesting.fillNested(v, value) end
  end
end

-- output reshaped to input's structure: tensors resized, missing entries cloned from input,
-- entries input lacks dropped
function nesting.resizeNestedAs(output, input)
  if torch.isTensor(output) then
    output:resizeAs(input)
    return
  end
  for k, v in pairs(input) do
    if output[k] == nil then
      output[k] = nesting.cloneNested(v)
    else
      nesting.resizeNestedAs(output[k], v)
    end
  end
  local extra = {}
  for k in pairs(output) do
    if input[k] == nil then extra[#extra + 1] = k end
  end
  for _, k in ipairs(extra) do output[k] = nil end
end

-- input's values copied into output (same structure; an entry only output has is an error)
function nesting.copyNested(output, input)
  if torch.isTensor(output) then
    output:copy(input)
    return
  end
  for k, v in pairs(input) do nesting.copyNested(output[k], v) end
  for k in pairs(output) do
    if input[k] == nil then
      error('key ' .. tostring(k) .. ' present in output but not in input')
    end
  end
end

-- output += input, entry by entry
function nesting.addNestedTo(output, input)
  if torch.isTensor(output) then
    output:add(input)
    return
  end
  for k, v in pairs(input) do
    assert(output[k] ~= nil, 'missing key')
    nesting.addNestedTo(output[k], v)
  end
end

return nesting
