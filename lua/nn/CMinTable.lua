-- nn.CMinTable: the element-wise minimum of the tensors of the input table; the gradient goes
-- to the (first) input holding each minimum.
-- A class of its own (as in nn), with CMaxTable's methods but its own comparison and fields
-- (minIdx, minVals).
require 'nn.CMaxTable'
local CMinTable = torch.class('nn.CMinTable', 'nn.Module')
local M = nn.CMaxTable

CMinTable._compare = 'lt'
CMinTable._idxName = 'minIdx'
CMinTable._valsName = 'minVals'

CMinTable.__init = M.__init
CMinTable.updateOutput = M.updateOutput
CMinTable.updateGradInput = M.updateGradInput

return CMinTable
