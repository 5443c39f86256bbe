"""Errors raised by luatorch/lib; the binding turns them into Lua errors with the same text."""


class TorchError(Exception):
    """An error whose message is what Torch7 would say."""


def argcheck(cond, argn, fname, msg):
    if not cond:
        raise TorchError("bad argument #%d to '%s' (%s)" % (argn, fname, msg))


def check(cond, msg):
    if not cond:
        raise TorchError(msg)
