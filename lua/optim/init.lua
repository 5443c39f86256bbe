-- optim: Torch7's optimisation package. Every algorithm has the signature
--   x*, {f, ...}, ... = optim.NAME(opfunc, x [, config] [, state])
-- where opfunc(x) returns f(x) and df/dx. The state table (the config table when no state is
-- given) keeps the algorithm's bookkeeping under Torch's field names, so a saved optimState
-- keeps working. The vector work is done by tensor methods (numpy in Python).
require 'torch'

optim = optim or {}
package.loaded.optim = optim

-- first-order methods
require 'optim.sgd'
require 'optim.asgd'
require 'optim.nag'
require 'optim.adagrad'
require 'optim.adadelta'
require 'optim.adam'
require 'optim.adamax'
require 'optim.rmsprop'
require 'optim.rprop'
-- batch methods, line search and interpolation
require 'optim.cg'
require 'optim.lbfgs'
require 'optim.lswolfe'
require 'optim.polyinterp'
require 'optim.fista'
-- derivative-free methods
require 'optim.cmaes'
require 'optim.de'
-- helpers and tools
require 'optim.checkgrad'
require 'optim.ConfusionMatrix'
require 'optim.Logger'

return optim
