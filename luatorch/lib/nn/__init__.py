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
import inspect
import pkgutil
import re

KERNELS = {}


def kernel(fn):
    name = fn.__name__
    if name in KERNELS and KERNELS[name] is not fn:
        raise RuntimeError('nn kernel %s defined twice' % name)
    KERNELS[name] = fn
    fn.misuse = misuse
    return fn


# ----------------------------------------------------------------------------- misuse

# the kernels' parameters that take a tensor (or, for the table modules, a table of tensors)
TENSOR_PARAMS = frozenset((
    'input', 'output', 'gradOutput', 'gradInput', 'weight', 'bias', 'gradWeight', 'gradBias',
    'target', 'indices', 'finput', 'fgradInput', 'weights', 'input1', 'input2', 'gradInput1',
    'gradInput2', 'buffer', 'noise', 'mask', 'running_mean', 'running_var', 'save_mean',
    'save_std', 'total_weight', 'inputs', 'gradInputs', 'a', 'b', 'gradA', 'gradB', 'M', 'v',
    'gradM', 'gradV', 'g', 'gradG', 'X', 'Y', 'dX', 'dY', 'y', 'keys', 'values', 'sizes',
    'centre', 'distances', 'buf', 'gs'))
# Python's words for an object of the wrong kind ("'int' object has no attribute 'dim'")
_NAMED = re.compile(r"'(\w+)' object")
# numpy's words for an integer tensor where a floating one goes
_CAST = re.compile(r'[Cc]annot cast|out of bounds for|ufunc .* not supported for the input types')


def misuse(fn, args, e):
    """The Torch error to raise for kernel fn(*args) having failed with Python's exception e
    because an argument was of the wrong kind (a number, string, table or nil where a tensor
    goes, a table holding one, or a tensor of another type), in luaT's words: "bad argument #2
    to 'Linear_updateOutput' (torch.DoubleTensor expected, got number)". None when e is not
    explained so. Only called once a kernel has failed: it costs nothing on a good call."""
    from ..errors import TorchError, typename
    from ..tensor import Tensor
    try:
        names = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return None
    slots = [(i, a) for i, (n, a) in enumerate(zip(names, args)) if n in TENSOR_PARAMS]
    tensors = [a for _, a in slots if type(a) is Tensor]
    for a in tensors:
        if a.ttype.is_float:
            want = a.ttype.tensor_name      # the module's own type (its output, its weight)
            break
    else:
        want = tensors[0].ttype.tensor_name if tensors else 'torch.*Tensor'

    def bad(i, msg):
        return TorchError("bad argument #%d to '%s' (%s)" % (i + 1, fn.__name__, msg))

    def got(a):
        return a.ttype.tensor_name if type(a) is Tensor else typename(a)

    text = str(e)
    m = _NAMED.search(text)
    culprit = m.group(1) if m else None

    def named(x):       # whether x is the value of the wrong kind e names (any, if it names none)
        n = type(x).__name__
        return (culprit is None or n == culprit
                or n in ('str', 'bytes') and culprit in ('str', 'bytes'))

    for i, a in slots:
        if type(a) is Tensor:
            continue
        if a is None:
            if culprit == 'NoneType':
                return bad(i, '%s expected, got nil' % want)
            continue
        if type(a) in (list, tuple):
            if culprit in ('list', 'tuple'):
                return bad(i, '%s expected, got table' % want)
            for j, x in enumerate(a):
                if type(x) is not Tensor and named(x):
                    return bad(i, 'table of tensors expected, got %s at index %d' % (got(x), j + 1))
            continue
        if named(a):
            return bad(i, '%s expected, got %s' % (want, typename(a)))
    if culprit == 'Tensor':     # a tensor where a table goes
        for i, a in slots:
            if type(a) is Tensor:
                return bad(i, 'table expected, got %s' % a.ttype.tensor_name)
    if isinstance(e, (TypeError, OverflowError, ValueError)) and _CAST.search(text):
        for i, a in slots:
            if type(a) is Tensor and not a.ttype.is_float and a.ttype.tensor_name != want:
                return bad(i, '%s expected, got %s' % (want, a.ttype.tensor_name))
    return None


def load_all():
    """Import every kernel module of this package; returns KERNELS."""
    for m in pkgutil.iter_modules(__path__):
        if not m.name.startswith('_'):
            importlib.import_module(__name__ + '.' + m.name)
    return KERNELS
