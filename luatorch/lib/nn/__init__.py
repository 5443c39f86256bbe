"""nn's maths: stateless kernels in the spirit of THNN.

A kernel is a plain function of tensors (and numbers/strings/booleans). It reads its inputs and
writes its results into the tensors it is given (resizing them as TH does), so the Lua module
that calls it keeps all state in its own fields (`self.output`, `self.gradInput`, buffers).
Register a kernel with `@kernel`; its Python name is the name Lua sees in `nn._K`
(`Linear_updateOutput`), so names are unique across the package. Kernels may return a number
(a criterion's loss) or nothing.

Every module file of this package is imported by `load_all()`; nothing needs listing.
"""
import importlib
import pkgutil

KERNELS = {}


def kernel(fn):
    name = fn.__name__
    if name in KERNELS and KERNELS[name] is not fn:
        raise RuntimeError('nn kernel %s defined twice' % name)
    KERNELS[name] = fn
    return fn


def load_all():
    """Import every kernel module of this package; returns KERNELS."""
    for m in pkgutil.iter_modules(__path__):
        if not m.name.startswith('_'):
            importlib.import_module(__name__ + '.' + m.name)
    return KERNELS
