-- autograd.auto: the classes made by autograd.nn.AutoModule / AutoCriterion, by name.
return {}
