"""torch-autograd's engine: traces and boxes (core), the differentiable primitives (prims),
optimized-mode programs (program), nn modules as primitives (nnprims), and the functions the
Lua half calls (engine). Plain Python on the op layer of luatorch/lib; no Lua here."""
