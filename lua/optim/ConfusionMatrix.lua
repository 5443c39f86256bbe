--[[ A confusion matrix for classifiers.

cm = optim.ConfusionMatrix(nclasses [, classes])   or   optim.ConfusionMatrix(classes)
cm:add(prediction, target)      prediction: a class index or a score vector (its argmax);
                                target: a class index or a one-hot/score vector
cm:batchAdd(predictions, targets)  predictions: vector of indices or N x nclasses scores;
                                targets: vector of indices or N x nclasses one-hot rows
                                (N x 1 matrices are flattened); targets <= 0 are ignored
cm:zero(), cm:updateValids(), cm:farFrr(), print(cm)
Fields: mat (LongTensor, rows = targets, columns = predictions), valids (per-class recall,
FloatTensor), unionvalids (per-class intersection over union), totalValid, averageValid,
averageUnionValid, nclasses, classes.
]]
local ConfusionMatrix = torch.class('optim.ConfusionMatrix')

function ConfusionMatrix:__init(nclasses, classes)
  if type(nclasses) == 'table' then
    classes = nclasses
    nclasses = #classes
  end
  if type(nclasses) ~= 'number' or nclasses < 1 then
    error('optim.ConfusionMatrix: expected a number of classes or a table of class names', 2)
  end
  self.mat = torch.LongTensor(nclasses, nclasses):zero()
  self.valids = torch.FloatTensor(nclasses):zero()
  self.unionvalids = torch.FloatTensor(nclasses):zero()
  self.nclasses = nclasses
  self.totalValid = 0
  self.averageValid = 0
  self.classes = classes or {}
  self._mat_flat = self.mat:view(-1)
  self._target = torch.FloatTensor()
  self._prediction = torch.FloatTensor()
  self._max = torch.FloatTensor()
  self._pred_idx = torch.LongTensor()
  self._targ_idx = torch.LongTensor()
end

-- one (prediction, target) pair of class indices; a target <= 0 is a missing label
function ConfusionMatrix:_add(p, t)
  if type(p) ~= 'number' or type(t) ~= 'number' then
    error('optim.ConfusionMatrix: prediction and target must be class indices or tensors', 3)
  end
  if t > 0 then
    if t > self.nclasses or p < 1 or p > self.nclasses then
      error(('optim.ConfusionMatrix: class index out of range (prediction %s, target %s, %d classes)')
        :format(tostring(p), tostring(t), self.nclasses), 3)
    end
    self.mat[t][p] = self.mat[t][p] + 1
  end
end

-- the index of the largest entry of a score vector
function ConfusionMatrix:_argmax(v, idx)
  if v:dim() ~= 1 then
    error('optim.ConfusionMatrix:add: score tensors must be vectors', 3)
  end
  self._max:max(idx, v, 1)
  return idx[1]
end

function ConfusionMatrix:add(prediction, target)
  if type(prediction) == 'number' then
    self:_add(prediction, target)
    return
  end
  if not torch.isTensor(prediction) then
    error('optim.ConfusionMatrix:add: prediction must be a class index or a tensor of scores', 2)
  end
  self._prediction:resize(prediction:size()):copy(prediction)
  local p = self:_argmax(self._prediction, self._pred_idx)
  if type(target) == 'number' then
    self:_add(p, target)
  elseif torch.isTensor(target) then
    self._target:resize(target:size()):copy(target)
    self:_add(p, self:_argmax(self._target, self._targ_idx))
  else
    error('optim.ConfusionMatrix:add: target must be a class index or a tensor', 2)
  end
end

function ConfusionMatrix:batchAdd(predictions, targets)
  if not torch.isTensor(predictions) or not torch.isTensor(targets) then
    error('optim.ConfusionMatrix:batchAdd: predictions and targets must be tensors', 2)
  end
  -- class indices of the predictions
  local preds
  self._prediction:resize(predictions:size()):copy(predictions)
  if predictions:dim() == 1 then
    preds = self._prediction
  elseif predictions:dim() == 2 then
    if predictions:size(2) == 1 then
      preds = self._prediction:select(2, 1)
    else
      self._max:max(self._pred_idx, self._prediction, 2)
      preds = self._pred_idx:select(2, 1)
    end
  else
    error('predictions has invalid number of dimensions', 2)
  end

  -- class indices of the targets
  local targs
  self._target:resize(targets:size()):copy(targets)
  if targets:dim() == 1 then
    targs = self._target
  elseif targets:dim() == 2 then
    if targets:size(2) == 1 then
      targs = self._target:select(2, 1)
    else
      self._max:max(self._targ_idx, self._target, 2)
      targs = self._targ_idx:select(2, 1)
    end
  else
    error('targets has invalid number of dimensions', 2)
  end
  if preds:nElement() ~= targs:nElement() then
    error(('optim.ConfusionMatrix:batchAdd: %d predictions for %d targets')
      :format(preds:nElement(), targs:nElement()), 2)
  end

  -- drop missing labels (<= 0), then count each (target, prediction) cell
  local keep = targs:ge(1)
  if keep:sum() == 0 then return end
  targs = targs[keep]:long()
  preds = preds[keep]:long()
  if targs:max() > self.nclasses or preds:min() < 1 or preds:max() > self.nclasses then
    error('optim.ConfusionMatrix:batchAdd: class index out of range', 2)
  end
  self._mat_flat = self._mat_flat or self.mat:view(-1)
  local cells = targs:add(-1):mul(self.mat:stride(1)):add(preds)
  self._mat_flat:indexAdd(1, cells, torch.LongTensor(1):fill(1):expand(cells:size(1)))
end

function ConfusionMatrix:zero()
  self.mat:zero()
  self.valids:zero()
  self.unionvalids:zero()
  self.totalValid = 0
  self.averageValid = 0
end

local function isNaN(v) return v ~= v end

function ConfusionMatrix:updateValids()
  local correct = 0
  for t = 1, self.nclasses do
    local hit = self.mat[t][t]
    local rowSum = self.mat:select(1, t):sum()
    local colSum = self.mat:select(2, t):sum()
    self.valids[t] = hit / rowSum
    self.unionvalids[t] = hit / (rowSum + colSum - hit)
    correct = correct + hit
  end
  self.totalValid = correct / self.mat:sum()
  -- averages over the classes that have samples
  local sumValid, nValid, sumUnion, nUnion = 0, 0, 0, 0
  for t = 1, self.nclasses do
    local v, u = self.valids[t], self.unionvalids[t]
    if not isNaN(v) then
      sumValid = sumValid + v
      nValid = nValid + 1
      if not isNaN(u) then
        sumUnion = sumUnion + u
        nUnion = nUnion + 1
      end
    end
  end
  self.averageValid = sumValid / nValid
  self.averageUnionValid = sumUnion / nUnion
end

-- false rejection and false acceptance rates per class (classes without samples get -1)
function ConfusionMatrix:farFrr()
  local mat = self.mat
  local n = mat:size(1)
  -- buffers kept between calls (resized: mat may have been replaced by another size)
  self._frrs = (self._frrs or torch.Tensor()):resize(n):zero()
  self._classFrrs = (self._classFrrs or torch.Tensor()):resize(n):fill(-1)
  self._fars = (self._fars or torch.Tensor()):resize(n):zero()
  self._classFars = (self._classFars or torch.Tensor()):resize(n):fill(-1)
  local samples = mat:sum(2)
  local k = 0
  for i = 1, n do
    if samples[i][1] ~= 0 then
      k = k + 1
      self._frrs[k] = 1 - mat[i][i] / samples[i][1]
      self._classFrrs[i] = self._frrs[k]
      local num, den = 0, 0
      for j = 1, n do
        if i ~= j and samples[j][1] ~= 0 then
          num = num + mat[j][i] / samples[j][1]
          den = den + 1
        end
      end
      self._fars[k] = num / den
      self._classFars[i] = self._fars[k]
    end
  end
  local frrs, fars
  if k > 0 then
    frrs, fars = self._frrs:narrow(1, 1, k), self._fars:narrow(1, 1, k)
  else
    frrs, fars = torch.Tensor(), torch.Tensor()
  end
  return self._classFrrs, self._classFars, frrs, fars
end

local function log10(v) return math.log(v) / math.log(10) end
log10 = math.log10 or log10

function ConfusionMatrix:__tostring__()
  self:updateValids()
  local n = self.nclasses
  local named = self.classes and self.classes[1]
  local width = math.max(8, 1 + math.ceil(log10(self.mat:max())))
  local cell = '%' .. width .. 'd'
  local out = {'ConfusionMatrix:\n', '['}
  for t = 1, n do
    out[#out + 1] = t == 1 and '[' or ' ['
    for p = 1, n do
      out[#out + 1] = string.format(cell, self.mat[t][p])
    end
    local close = t == n and ']]  ' or ']   '
    local pct = string.format('%2.3f', self.valids[t] * 100)
    if named then
      out[#out + 1] = close .. pct .. '% \t[class: ' .. (self.classes[t] or '') .. ']\n'
    else
      out[#out + 1] = close .. pct .. '% \n'
    end
  end
  out[#out + 1] = ' + average row correct: ' .. (self.averageValid * 100) .. '% \n'
  out[#out + 1] = ' + average rowUcol correct (VOC measure): ' .. (self.averageUnionValid * 100) .. '% \n'
  out[#out + 1] = ' + global correct: ' .. (self.totalValid * 100) .. '%'
  return table.concat(out)
end

function ConfusionMatrix:render()
  error('optim.ConfusionMatrix:render needs the image and qtwidget packages, which luatorch does not provide', 2)
end
