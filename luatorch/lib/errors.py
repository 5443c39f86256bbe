"""Errors raised by luatorch/lib; the binding turns them into Lua errors with the same text."""


class TorchError(Exception):
    """An error whose message is what Torch7 would say."""


def argcheck(cond, argn, fname, msg):
    if not cond:
        raise TorchError("bad argument #%d to '%s' (%s)" % (argn, fname, msg))


def check(cond, msg):
    if not cond:
        raise TorchError(msg)


def typename(a):
    """How Torch's argument errors name a value: DoubleTensor, LongStorage, Generator, number,
    string, boolean, table, nil (cwrap: luaT's type name without 'torch.', else Lua's)."""
    t = type(a)
    if t is bool:
        return 'boolean'
    if t is int or t is float:
        return 'number'
    if t is str:
        return 'string'
    if a is None:
        return 'nil'
    if t is list or t is dict:
        return 'table'
    tt = getattr(a, 'ttype', None)
    if tt is not None:
        from .tensor import Tensor
        name = tt.tensor_name if t is Tensor else tt.storage_name
        return name[len('torch.'):]
    if t.__name__ == 'Generator':
        return 'Generator'
    return 'userdata'


def invalid_args(args, expected):
    """cwrap's error for arguments matching none of a function's declared forms:
    'invalid arguments: DoubleTensor number \\nexpected arguments: ...' (each type followed by a
    space, the forms separated by ' | ')."""
    got = ''.join(typename(a) + ' ' for a in args)
    return TorchError('invalid arguments: %s\nexpected arguments: %s' % (got, expected))
