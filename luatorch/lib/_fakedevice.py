"""TEST HOOK, not a device: a stand-in for CuPy that keeps its arrays in host memory but behaves
like CuPy where luatorch could get it wrong. Selected with LUATORCH_CUDA=fake (xp.py); nothing
else imports it. It lets the Cuda test matrix check the device path on a machine without a GPU:

- `ndarray` wraps a numpy array (`_a`) in a class of its own: a Cuda storage that ends up holding
  a plain numpy array (a silent fallback to the host) shows as the wrong class;
- implicit conversion to numpy is refused (`__array__` raises TypeError with CuPy's message;
  there is no `__array_interface__`, buffer protocol, `.ctypes` or `__index__`), so np.asarray(x),
  np.array(x), numpy functions on a mix of host and device arrays and host arrays in a device
  ufunc all fail as they would on a GPU; `.get()` / `asnumpy` / `item` / `tolist` / `tobytes` /
  float() / int() / bool() are the explicit transfers CuPy has;
- numpy functions and ufuncs called on its arrays come back through `__array_ufunc__` /
  `__array_function__` and run on the wrapped arrays (as CuPy runs its own); reductions and
  integer indexing give 0-d arrays, not numpy scalars (as CuPy does); ufunc methods are limited
  as in CuPy (reduce/accumulate for add and multiply only, reduceat for add, at for the scatter
  ops);
- the module namespace has the array creation functions and anything numpy has (wrapping), a
  `MemoryPointer` for `ndarray(shape, dtype, memptr, strides)` views as luatorch builds them.
"""
import numpy as _np

_IMPLICIT = ('Implicit conversion to a NumPy array is not allowed. '
             'Please use `.get()` to construct a NumPy array explicitly.')
_SCALARS = (bool, int, float, complex, _np.generic)
# transfers of arrays (more than one element) from the 'device' to the host: a kernel that copies
# its data to the host to compute there shows here (tests reset and read it)
stats = {'to_host': 0}


def _downloaded(a):
    if a.size > 1:
        stats['to_host'] += 1


class _Interface:
    """Host memory at a pointer, as numpy's as_strided builds its views."""
    __slots__ = ('__array_interface__', 'base')

    def __init__(self, interface, base):
        self.__array_interface__ = interface
        self.base = base


class MemoryPointer:
    """cupy.cuda.MemoryPointer: an address in a buffer (here: a host array and a byte offset)."""
    __slots__ = ('arr', 'off')

    def __init__(self, arr, off=0):
        self.arr, self.off = arr, off

    def __add__(self, n):
        return MemoryPointer(self.arr, self.off + int(n))

    @property
    def ptr(self):
        return self.arr.__array_interface__['data'][0] + self.off


class Device:
    id = 0

    def use(self):
        pass

    def synchronize(self):
        pass


def _unwrap(x):
    """Device arrays -> their host array, recursively through lists/tuples/dicts; numpy arrays
    refused (a host array where a device one is needed is a TypeError on CuPy)."""
    t = type(x)
    if t is ndarray:
        return x._a
    if t is _np.ndarray:
        raise TypeError('Unsupported type %s' % t)
    if t is tuple or t is list:
        return t(_unwrap(v) for v in x)
    if t is dict:
        return {k: _unwrap(v) for k, v in x.items()}
    return x


def _unwrap_index(x):
    """Indices: device arrays unwrapped; host arrays and lists accepted (CuPy uploads them)."""
    t = type(x)
    if t is ndarray:
        return x._a
    if t is tuple:
        return tuple(_unwrap_index(v) for v in x)
    return x


def _wrap(r):
    t = type(r)
    if t is _np.ndarray:
        o = object.__new__(ndarray)
        o._a = r
        return o
    if isinstance(r, _np.generic):
        o = object.__new__(ndarray)
        o._a = _np.array(r)
        return o
    if t is tuple or t is list:
        return t(_wrap(v) for v in r)
    if hasattr(r, '_fields') and isinstance(r, tuple):   # named results (eigh, svd, qr)
        return type(r)(*(_wrap(v) for v in r))
    return r


def _method(name):
    def m(self, *args, **kwargs):
        return _wrap(getattr(self._a, name)(*_unwrap(args), **_unwrap(kwargs)))
    m.__name__ = name
    return m


_REDUCE_OK = {'add', 'multiply'}
_AT_OK = {'add', 'subtract', 'maximum', 'minimum', 'bitwise_and', 'bitwise_or', 'bitwise_xor'}
_COMPARE = {'greater', 'greater_equal', 'less', 'less_equal', 'equal', 'not_equal'}


class ndarray:
    """A 'device' array: a wrapped numpy array that does not turn into one implicitly."""
    __slots__ = ('_a',)
    __array_priority__ = 100

    def __init__(self, shape, dtype=float, memptr=None, strides=None):
        dtype = _np.dtype(dtype)
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        if memptr is None:
            self._a = _np.empty(shape, dtype)
            return
        if strides is None:
            strides = []
            acc = dtype.itemsize
            for s in reversed(shape):
                strides.insert(0, acc)
                acc *= s
        base = memptr.arr
        iface = {'data': (memptr.ptr, False), 'shape': shape, 'strides': tuple(strides),
                 'typestr': dtype.str, 'descr': [('', dtype.str)], 'version': 3}
        self._a = _np.asarray(_Interface(iface, base))

    # ------------------------------------------------------------------ transfers (explicit)
    def __array__(self, dtype=None, copy=None):
        raise TypeError(_IMPLICIT)

    def get(self, stream=None, order='C', out=None):
        _downloaded(self._a)
        if out is not None:
            out[...] = self._a
            return out
        return _np.array(self._a, order=order, copy=True)

    def set(self, arr):
        if type(arr) is not _np.ndarray:
            raise TypeError('Only numpy.ndarray can be set to cupy.ndarray')
        self._a[...] = arr

    def item(self, *args):
        return self._a.item(*args)

    def tolist(self):
        _downloaded(self._a)
        return self._a.tolist()

    def tobytes(self, order='C'):
        _downloaded(self._a)
        return self._a.tobytes(order)

    def __float__(self):
        return float(self._a)

    def __int__(self):
        return int(self._a)

    def __complex__(self):
        return complex(self._a)

    def __bool__(self):
        if self._a.size != 1:
            return bool(self._a)      # numpy's errors/warnings
        return bool(self._a.reshape(()))

    def __repr__(self):
        return repr(self._a)

    def __str__(self):
        return str(self._a)

    def __format__(self, spec):
        return format(self._a, spec)

    def __reduce__(self):
        return (_from_host, (self.get(),))

    def __copy__(self):
        return _wrap(self._a.copy())

    def __deepcopy__(self, memo):
        return _wrap(self._a.copy())

    # ------------------------------------------------------------------ attributes
    shape = property(lambda self: self._a.shape)
    dtype = property(lambda self: self._a.dtype)
    ndim = property(lambda self: self._a.ndim)
    size = property(lambda self: self._a.size)
    itemsize = property(lambda self: self._a.itemsize)
    nbytes = property(lambda self: self._a.nbytes)
    strides = property(lambda self: self._a.strides)
    flags = property(lambda self: self._a.flags)
    T = property(lambda self: _wrap(self._a.T))
    real = property(lambda self: _wrap(self._a.real))
    imag = property(lambda self: _wrap(self._a.imag))
    device = property(lambda self: Device())

    @property
    def base(self):
        return None if self._a.base is None else _wrap(_np.asarray(self._a.base)
                                                       if isinstance(self._a.base, _np.ndarray)
                                                       else self._a)

    @property
    def data(self):
        return MemoryPointer(self._a, 0)

    @shape.setter
    def shape(self, v):
        self._a.shape = v

    # ------------------------------------------------------------------ containers
    def __len__(self):
        return len(self._a)

    def __iter__(self):
        if self._a.ndim == 0:
            raise TypeError('iteration over a 0-d array')
        return (self[i] for i in range(self._a.shape[0]))

    def __getitem__(self, key):
        r = self._a[_unwrap_index(key)]
        if type(r) is not _np.ndarray:       # an element: a 0-d array, as in CuPy
            r = _np.array(r)
        return _wrap(r)

    def __setitem__(self, key, value):
        v = value._a if type(value) is ndarray else (
            _unwrap(value) if type(value) in (list, tuple) and _has_device(value) else value)
        self._a[_unwrap_index(key)] = v

    # ------------------------------------------------------------------ numpy dispatch
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        name = ufunc.__name__
        if method in ('reduce', 'accumulate') and name not in _REDUCE_OK:
            raise NotImplementedError('`cupy_%s.%s` is not supported yet' % (name, method))
        if method == 'reduceat' and name != 'add':
            raise NotImplementedError('`cupy_%s.reduceat` is not supported yet' % name)
        if method == 'at' and name not in _AT_OK:
            raise NotImplementedError('`cupy_%s.at` is not supported yet' % name)
        if method not in ('__call__', 'outer', 'at', 'reduce', 'accumulate', 'reduceat'):
            return NotImplemented
        out = kwargs.get('out')
        # (ufunc.at: the index, argument 2, may be a tuple, host arrays or lists: CuPy uploads it)
        for x in (inputs if method != 'at' else inputs[:1] + inputs[2:]) + (out or ()):
            if type(x) is not ndarray and not isinstance(x, (_np.ndarray,) + _SCALARS):
                return NotImplemented
        if name in _COMPARE:
            inputs = tuple(x.item() if type(x) is _np.ndarray and x.ndim == 0 else x for x in inputs)
        if method == 'at':   # indices are uploaded, values may be host
            a, idx = inputs[0], inputs[1]
            rest = tuple(v._a if type(v) is ndarray else v for v in inputs[2:])
            ufunc.at(_unwrap(a), _unwrap_index(idx), *rest)
            return None
        args = _unwrap(inputs)
        kw = dict(kwargs)
        if out is not None:
            kw['out'] = _unwrap(out)
        if 'where' in kw:
            kw['where'] = _unwrap(kw['where'])
        r = getattr(ufunc, method)(*args, **kw)
        if out is not None:
            return out[0] if len(out) == 1 else out
        return _wrap(r)

    def __array_function__(self, func, types, args, kwargs):
        for t in types:
            if not issubclass(t, (ndarray, _np.ndarray)):
                return NotImplemented
        f = _namespace_function(func)
        if f is None:
            return NotImplemented
        return f(*args, **kwargs)

    # operators go through the ufuncs (so mixing with host arrays fails as in CuPy)
    def __neg__(self): return _np.negative(self)
    def __pos__(self): return _np.positive(self)
    def __abs__(self): return _np.absolute(self)
    def __invert__(self): return _np.invert(self)
    def __add__(self, o): return _np.add(self, o)
    def __radd__(self, o): return _np.add(o, self)
    def __sub__(self, o): return _np.subtract(self, o)
    def __rsub__(self, o): return _np.subtract(o, self)
    def __mul__(self, o): return _np.multiply(self, o)
    def __rmul__(self, o): return _np.multiply(o, self)
    def __matmul__(self, o): return _np.matmul(self, o)
    def __rmatmul__(self, o): return _np.matmul(o, self)
    def __truediv__(self, o): return _np.true_divide(self, o)
    def __rtruediv__(self, o): return _np.true_divide(o, self)
    def __floordiv__(self, o): return _np.floor_divide(self, o)
    def __rfloordiv__(self, o): return _np.floor_divide(o, self)
    def __mod__(self, o): return _np.remainder(self, o)
    def __rmod__(self, o): return _np.remainder(o, self)
    def __pow__(self, o): return _np.power(self, o)
    def __rpow__(self, o): return _np.power(o, self)
    def __and__(self, o): return _np.bitwise_and(self, o)
    def __rand__(self, o): return _np.bitwise_and(o, self)
    def __or__(self, o): return _np.bitwise_or(self, o)
    def __ror__(self, o): return _np.bitwise_or(o, self)
    def __xor__(self, o): return _np.bitwise_xor(self, o)
    def __rxor__(self, o): return _np.bitwise_xor(o, self)
    def __lshift__(self, o): return _np.left_shift(self, o)
    def __rshift__(self, o): return _np.right_shift(self, o)
    def __lt__(self, o): return _np.less(self, o)
    def __le__(self, o): return _np.less_equal(self, o)
    def __gt__(self, o): return _np.greater(self, o)
    def __ge__(self, o): return _np.greater_equal(self, o)
    def __eq__(self, o): return _np.equal(self, o)
    def __ne__(self, o): return _np.not_equal(self, o)
    __hash__ = None

    def _inplace(ufunc):
        def f(self, o):
            ufunc(self, o, out=(self,))
            return self
        return f
    __iadd__ = _inplace(_np.add)
    __isub__ = _inplace(_np.subtract)
    __imul__ = _inplace(_np.multiply)
    __itruediv__ = _inplace(_np.true_divide)
    __ifloordiv__ = _inplace(_np.floor_divide)
    __imod__ = _inplace(_np.remainder)
    __ipow__ = _inplace(_np.power)
    __iand__ = _inplace(_np.bitwise_and)
    __ior__ = _inplace(_np.bitwise_or)
    __ixor__ = _inplace(_np.bitwise_xor)
    del _inplace


# the methods CuPy's ndarray has (numpy's others, e.g. ctypes, resize, itemset, are absent)
for _n in ('all', 'any', 'argmax', 'argmin', 'argpartition', 'argsort', 'astype', 'choose', 'clip',
           'compress', 'conj', 'conjugate', 'copy', 'cumprod', 'cumsum', 'diagonal', 'dot', 'fill',
           'flatten', 'max', 'mean', 'min', 'nonzero', 'partition', 'prod', 'ptp', 'put', 'ravel',
           'repeat', 'reshape', 'round', 'searchsorted', 'sort', 'squeeze', 'std', 'sum',
           'swapaxes', 'take', 'trace', 'transpose', 'var', 'view'):
    setattr(ndarray, _n, _method(_n))


def _from_host(a):
    """A device array holding a copy of the host array a (what a pickled device array loads as)."""
    return _wrap(_np.array(a))


def _has_device(x):
    if type(x) is ndarray:
        return True
    if type(x) in (list, tuple):
        return any(_has_device(v) for v in x)
    return False


# ----------------------------------------------------------------------------- the namespace

_CONVERT = {'array', 'asarray', 'asanyarray', 'ascontiguousarray', 'asfortranarray'}
_NOT_IN_CUPY = {'errstate', 'little_endian'}
_cache = {}


def _delegate(name, f):
    """The module function `name`: numpy's `f` on unwrapped arguments, results wrapped."""
    if name in _CONVERT:
        def g(a, *args, **kwargs):
            if type(a) is ndarray:
                return _wrap(f(a._a, *args, **kwargs))
            if _has_device(a):
                a = _unwrap(a)
            return _wrap(_np.array(f(a, *args, **kwargs), copy=True)
                         if type(a) is _np.ndarray else f(a, *args, **kwargs))
    elif name == 'copyto':
        def g(dst, src, *args, **kwargs):
            if type(src) is _np.ndarray:
                if src.size != 1:
                    raise ValueError('non-scalar numpy.ndarray cannot be used for copyto')
                src = src.reshape(())[()]
            f(_unwrap(dst), _unwrap(src), *args, **_unwrap(kwargs))
    else:
        def g(*args, **kwargs):
            return _wrap(f(*_unwrap(args), **_unwrap(kwargs)))
    g.__name__ = name
    return g


def _namespace_function(func):
    """The fake module's counterpart of numpy function `func` (None when CuPy has none)."""
    g = _cache.get(func)
    if g is None:
        mod = getattr(func, '__module__', '') or ''
        name = getattr(func, '__name__', '')
        if name in _NOT_IN_CUPY or not (mod == 'numpy' or mod.startswith('numpy.linalg')
                                        or mod.startswith('numpy.fft')
                                        or mod.startswith('numpy.random')):
            return None
        g = _cache[func] = _delegate(name, func)
    return g


def asnumpy(a, stream=None, order='C', out=None):
    if type(a) is ndarray:
        return a.get(order=order, out=out)
    return _np.asarray(a, order=order)


def get_array_module(*args):
    import sys
    return sys.modules[__name__] if any(type(a) is ndarray for a in args) else _np


class _Sub:
    """numpy.linalg / numpy.fft on device arrays."""

    def __init__(self, mod):
        self._m = mod

    def __getattr__(self, name):
        f = getattr(self._m, name)
        if callable(f):
            g = _delegate(name, f)
            setattr(self, name, g)
            return g
        return f


linalg = _Sub(_np.linalg)
fft = _Sub(_np.fft)


def __getattr__(name):
    """Everything else numpy has (functions wrap; dtypes, constants, ufuncs as they are: a ufunc
    called on device arrays comes back through ndarray.__array_ufunc__)."""
    if name.startswith('__') or name in _NOT_IN_CUPY:
        raise AttributeError(name)
    f = getattr(_np, name)
    if isinstance(f, _np.ufunc) or isinstance(f, type) or not callable(f):
        return f
    g = _delegate(name, f)
    globals()[name] = g
    return g


# array creation: new device arrays
def _creator(name):
    f = getattr(_np, name)

    def g(*args, **kwargs):
        return _wrap(f(*args, **kwargs))
    g.__name__ = name
    return g


for _n in ('zeros', 'ones', 'empty', 'full', 'arange', 'eye', 'identity', 'linspace', 'tri'):
    globals()[_n] = _creator(_n)
del _n
