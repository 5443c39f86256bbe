"""Everything the Lua `torch` package needs from Python, as one table of adapters.

The tensor methods and torch.* functions come from the declarations in luatorch/lib
(`registry.OPS`); lua/torch/Tensor.lua installs them on every tensor type.
"""
from ..lib import registry, types
from ..lib.errors import TorchError
from . import export
from .export import lua_function


def _method_adapter(op):
    fn = op.fn
    if not op.res:
        return fn
    resolve, bad = registry.resolve_method, registry.bad_args

    def method(self, *args):
        res, srcs = resolve(op, self, args)
        if srcs is None:
            raise bad(op, (self,) + args)
        return fn(res, *srcs)
    return method


def _function_adapter(op):
    fn = op.fn
    if not op.res:
        return fn
    resolve, bad = registry.resolve_function, registry.bad_args

    def function(*args):
        res, srcs = resolve(op, args)
        if srcs is None:
            raise bad(op, args)
        return fn(res, *srcs)
    return function


def ops_table(lua):
    """[(name, method adapter or None, function adapter or None, type names or None)] for every op."""
    _load_lib()
    out = []
    for name, op in sorted(registry.OPS.items()):
        m = lua_function(_method_adapter(op), lua) if op.method else None
        f = lua_function(_function_adapter(op), lua) if op.function else None
        out.append((name, m, f, _shorts(op.types)))
    return out


def _short(t):
    """A type's name in Lua: torch.<short>Tensor ('Double', 'Cuda', 'CudaDouble')."""
    return t.tensor_name[len('torch.'):-len('Tensor')]


def _shorts(names):
    """Type names an op is declared for -> the short names of every type of those names
    (CPU and Cuda: a Cuda type has its CPU twin's methods)."""
    if not names:
        return names
    return [_short(t) for t in types.ALL_TYPES if t.name in names]


def kinds_table():
    """[(kind, Torch class name, 'tensor'|'storage', type short name, is_float)]"""
    out = []
    for t in types.ALL_TYPES:
        out.append((t.idx, t.tensor_name, 'tensor', _short(t), t.is_float))
        out.append((100 + t.idx, t.storage_name, 'storage', _short(t), t.is_float))
    return out


LIB_MODULES = (
    'construct', 'indexing', 'pointwise', 'reduce', 'blas', 'linalg', 'sorting', 'shape_ops',
    'conv', 'random_ops', 'storage_ops', 'tostring_ops', 'misc_ops',
)


def _load_lib():
    import importlib
    for m in LIB_MODULES:
        try:
            importlib.import_module('luatorch.lib.' + m)
        except ModuleNotFoundError as e:
            if e.name != 'luatorch.lib.' + m:
                raise


__all__ = ['ops_table', 'kinds_table', 'export', 'TorchError']
