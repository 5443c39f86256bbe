"""Torch7's random number generator, bit-exact, in Python + numpy.

The generator is a Mersenne Twister (MT19937) with the bookkeeping Torch
keeps in its THGenerator struct (``left``/``next`` counters, the seed it was
started from, and a one-value Box-Muller cache for normal draws).  Every draw
here consumes the 32-bit stream in exactly the order Torch does, so a program
seeded with ``manual_seed`` sees the same numbers as under real Torch7.

Two ways to draw:

* scalar functions (``random32``, ``uniform``, ``normal``, ...) work on plain
  Python ints/floats and cost a few hundred nanoseconds;
* tensor fillers (``fill_uniform``, ``fill_normal``, ...) draw whole blocks
  with numpy and write them into an array in row-major (logical) order,
  whatever its strides, as Torch's element-wise apply loop does.

Both paths give identical numbers: a fill of n elements equals n scalar draws,
including the Box-Muller pairing carried across calls.

Facts about Torch7's behaviour that this module reproduces:

* seeding is the standard MT ``init_genrand`` on the low 32 bits of the seed
  (Torch keeps the full 64-bit value as the "initial seed");
* a uniform double is ``r / 2**32`` for one 32-bit output ``r`` (not the
  53-bit variant), then ``u * (b - a) + a``;
* normal draws use Box-Muller: two uniforms ``x, y``,
  ``rho = sqrt(-2 log(1 - y))``; the first call returns ``rho cos(2 pi x)``,
  the next one ``rho sin(2 pi x)`` from the cache;
* tensors of Float type are computed in double precision and rounded to
  float32 on store; the distribution parameters of the tensor methods
  (uniform, normal, cauchy, logNormal, exponential) are first rounded to the
  tensor's element type, as the Lua wrapper passes them as ``real``;
* integer results are stored with C conversion rules (wrap-around modulo
  the width of the element type).
"""
import math
import os
import struct

import numpy as np

from . import xp as _xp


__all__ = [
    'Generator', 'default_generator', 'STATE_SIZE',
    'manual_seed', 'seed', 'initial_seed', 'get_state', 'set_state',
    'random32', 'random', 'uniform', 'normal', 'exponential', 'cauchy',
    'log_normal', 'geometric', 'bernoulli',
    'fill_uniform', 'fill_normal', 'fill_exponential', 'fill_cauchy',
    'fill_log_normal', 'fill_geometric', 'fill_bernoulli', 'fill_random',
    'randperm', 'multinomial', 'draw_uint32', 'draw_uniform', 'to_long',
]

# --------------------------------------------------------------------------
# constants

_N = 624                     # words of MT state
_M = 397                     # MT shift offset
_MATRIX_A = 0x9908B0DF
_UPPER = 0x80000000
_LOWER = 0x7FFFFFFF
_MASK32 = 0xFFFFFFFF
_MASK64 = (1 << 64) - 1
_TWO_POW_M32 = 1.0 / 4294967296.0   # exact: 2**-32
_TWO_PI = 2.0 * math.pi             # exact doubling of the double pi
_INT64_MIN = -(1 << 63)
_INT32_MIN = -(1 << 31)

# numpy scalars for the vectorised twist / tempering
_U_UPPER = np.uint32(_UPPER)
_U_LOWER = np.uint32(_LOWER)
_U_MATRIX_A = np.uint32(_MATRIX_A)
_U_T1 = np.uint32(0x9D2C5680)
_U_T2 = np.uint32(0xEFC60000)

# Layout of the C struct THGenerator on LP64 little-endian (x86-64):
#   unsigned long the_initial_seed     @0     (8)
#   int left                           @8     (4)
#   int seeded                         @12    (4)
#   unsigned long next                 @16    (8)
#   unsigned long state[624]           @24    (4992)
#   double normal_x, normal_y, normal_rho  @5016 (24)
#   int normal_is_valid                @5040  (4) + 4 bytes tail padding
_HEAD = struct.Struct('<QiiQ')            # 24 bytes
_TAIL = struct.Struct('<dddi4x')          # 32 bytes
_STATE_OFF = _HEAD.size
_TAIL_OFF = _STATE_OFF + 8 * _N
STATE_SIZE = _TAIL_OFF + _TAIL.size       # 5048
assert STATE_SIZE == 5048

# How many twists (624-word blocks) make the bulk path hand the job to
# numpy's own MT19937 engine (same algorithm, C speed).  Below it the twist
# is done here with numpy vector operations.
_NP_ENGINE_MIN_BLOCKS = 8


# --------------------------------------------------------------------------
# libm agreement: the vectorised paths may only use numpy's transcendental
# functions where they give exactly what the C library gives (Python's math
# module calls the C library, as Torch's C code does).  Some numpy builds use
# their own SIMD routines that can differ in the last bit; there the
# vectorised path falls back to the C library one element at a time.

def _math_vec(fn):
    def apply(x):
        x = np.asarray(x, dtype=np.float64)
        return np.fromiter(map(fn, x.ravel().tolist()), dtype=np.float64,
                           count=x.size).reshape(x.shape)
    return apply


def _safe_exp(v):
    try:
        return math.exp(v)
    except OverflowError:
        return math.inf


def _pick(npfn, mathfn, samples):
    try:
        with np.errstate(all='ignore'):
            got = npfn(samples)
        want = np.array([mathfn(v) for v in samples.tolist()])
        if np.array_equal(got, want):
            return npfn
    except Exception:                                  # pragma: no cover
        pass
    return _math_vec(mathfn)                           # pragma: no cover


def _libm_checks():
    st = np.random.MT19937(20240531)
    u = st.random_raw(4096).astype(np.float64) * _TWO_POW_M32
    one_minus = 1.0 - u
    return {
        'log': _pick(np.log, math.log, np.concatenate([one_minus, u[u > 0]])),
        'cos': _pick(np.cos, math.cos, _TWO_PI * u),
        'sin': _pick(np.sin, math.sin, _TWO_PI * u),
        'tan': _pick(np.tan, math.tan, math.pi * (u - 0.5)),
        'exp': _pick(np.exp, _safe_exp, (u - 0.5) * 40.0),
    }


_V = {}   # filled on first use (the checks take a while; start-up need not pay for them)


def _libm(name):
    if not _V:
        _V.update(_libm_checks())
    return _V[name]


def _vlog(x):
    return _libm('log')(x)


def _vcos(x):
    return _libm('cos')(x)


def _vsin(x):
    return _libm('sin')(x)


def _vtan(x):
    return _libm('tan')(x)


def _vexp(x):
    return _libm('exp')(x)


# --------------------------------------------------------------------------
# Mersenne Twister core

def _init_state(seed32):
    """Standard MT init_genrand: the 624 words for a 32-bit seed."""
    st = [0] * _N
    x = seed32 & _MASK32
    st[0] = x
    for j in range(1, _N):
        x = (1812433253 * (x ^ (x >> 30)) + j) & _MASK32
        st[j] = x
    return np.array(st, dtype=np.uint32)


def _twist(old):
    """One MT regeneration of the 624-word state (returns a new array)."""
    y = (old[:-1] & _U_UPPER) | (old[1:] & _U_LOWER)          # 623 words
    t = (y >> 1) ^ ((y & 1) * _U_MATRIX_A)
    new = np.empty_like(old)
    k = _N - _M                                                 # 227
    new[:k] = old[_M:] ^ t[:k]
    new[k:2 * k] = new[:k] ^ t[k:2 * k]
    new[2 * k:_N - 1] = new[k:_N - 1 - k] ^ t[2 * k:]
    yl = (int(old[_N - 1]) & _UPPER) | (int(new[0]) & _LOWER)
    new[_N - 1] = int(new[_M - 1]) ^ (yl >> 1) ^ (_MATRIX_A if yl & 1 else 0)
    return new


def _temper(y):
    """MT output tempering of a uint32 array (returns a new array)."""
    y = y ^ (y >> 11)
    y ^= (y << 7) & _U_T1
    y ^= (y << 15) & _U_T2
    y ^= y >> 18
    return y


def _blocks(mt, k):
    """Tempered outputs of k successive twists starting from state ``mt``.

    Returns (outputs: uint32[k*624], raw state after the k-th twist)."""
    if k >= _NP_ENGINE_MIN_BLOCKS:
        eng = np.random.MT19937(0)
        eng.state = {'bit_generator': 'MT19937',
                     'state': {'key': mt, 'pos': _N}}
        out = eng.random_raw(k * _N).astype(np.uint32)
        last = np.asarray(eng.state['state']['key'], dtype=np.uint32).copy()
        return out, last
    raw = np.empty((k, _N), dtype=np.uint32)
    cur = mt
    for i in range(k):
        cur = _twist(cur)
        raw[i] = cur
    return _temper(raw.reshape(-1)), cur


# --------------------------------------------------------------------------
# the generator

class Generator:
    """Torch7's THGenerator: MT19937 state plus Torch's extra fields.

    ``mt`` holds the 624 state words (uint32).  ``left``/``next`` follow the
    C code: a draw first decrements ``left`` and regenerates the state when
    it reaches 0 (then ``left = 624``, ``next = 0``); it returns the tempered
    word ``mt[next]`` and increments ``next``.  ``manual_seed`` leaves
    ``left = 1`` so that the first draw regenerates.

    Built with no seed, it seeds itself from the OS (like THGenerator_new).
    """

    __slots__ = ('the_initial_seed', 'left', 'seeded', 'next', 'mt',
                 'normal_x', 'normal_y', 'normal_rho', 'normal_is_valid',
                 '_tnp', '_tlist')

    def __init__(self, seed_value=None):
        self._blank()
        if seed_value is None:
            seed(self)
        else:
            manual_seed(self, seed_value)

    def _blank(self):
        # the zeroed, unseeded struct of THGenerator_newUnseeded
        self.the_initial_seed = 0
        self.left = 1
        self.seeded = 0
        self.next = 0
        self.mt = np.zeros(_N, dtype=np.uint32)
        self.normal_x = 0.0
        self.normal_y = 0.0
        self.normal_rho = 0.0
        self.normal_is_valid = 0
        self._tnp = None     # tempered outputs of self.mt (numpy), lazily
        self._tlist = None   # same as a Python list (scalar path)

    def copy(self):
        """An independent generator in the same state (THGenerator_copy)."""
        g = Generator.__new__(Generator)
        g.the_initial_seed = self.the_initial_seed
        g.left = self.left
        g.seeded = self.seeded
        g.next = self.next
        g.mt = self.mt.copy()
        g.normal_x = self.normal_x
        g.normal_y = self.normal_y
        g.normal_rho = self.normal_rho
        g.normal_is_valid = self.normal_is_valid
        g._tnp = self._tnp
        g._tlist = self._tlist
        return g

    def copy_from(self, other):
        """Overwrite this generator's state with ``other``'s."""
        for name in Generator.__slots__:
            setattr(self, name, getattr(other, name))
        self.mt = other.mt.copy()
        return self

    # tempered view of the current state
    def _tempered_np(self):
        if self._tnp is None:
            self._tnp = _temper(self.mt)
        return self._tnp

    def _tempered_list(self):
        if self._tlist is None:
            self._tlist = self._tempered_np().tolist()
        return self._tlist

    def _regenerate(self):
        self.mt = _twist(self.mt)
        self._tnp = None
        self._tlist = None
        self.left = _N
        self.next = 0

    def __repr__(self):
        return '<luatorch Generator initial_seed=%d>' % initial_seed(self)


# --------------------------------------------------------------------------
# Lua-number conversions (what the C wrapper's casts do on x86-64)

def to_long(x):
    """C's ``(long)`` of a Lua number: truncation toward zero; NaN and values
    outside the 64-bit range give LONG_MIN (the x86-64 behaviour)."""
    if isinstance(x, (int, np.integer)):
        x = int(x)
        return x if _INT64_MIN <= x < (1 << 63) else _INT64_MIN
    x = float(x)
    if x != x or not (-9.223372036854775808e18 <= x < 9.223372036854775808e18):
        return _INT64_MIN
    return int(x)


def _signed64(u):
    u &= _MASK64
    return u - (1 << 64) if u >> 63 else u


def _to_int32(x):
    """C's ``(int)`` of a double, x86-64 flavour (out of range -> INT_MIN)."""
    if x != x or not (-2147483649.0 < x < 2147483648.0):
        return _INT32_MIN
    return int(x)


def _neg_inv(x):
    """IEEE ``-1.0 / x`` (no Python ZeroDivisionError for x == 0)."""
    x = float(x)
    if x == 0.0:
        return -math.copysign(math.inf, x)
    return -1.0 / x


def _real_param(ttype, v):
    """A number as the Lua wrapper hands it to a tensor method as ``real``."""
    v = float(v)
    if ttype.dtype == np.float32:
        return float(np.float32(v))
    return v


# --------------------------------------------------------------------------
# seeding and state

def manual_seed(gen, seed_value):
    """THRandom_manualSeed: reset ``gen`` completely and seed it.

    ``seed_value`` is a Lua number (converted as C's ``(long)``); the full
    64-bit value is kept as the initial seed, its low 32 bits seed MT."""
    s = to_long(seed_value) & _MASK64
    gen._blank()
    gen.the_initial_seed = s
    gen.mt = _init_state(s & _MASK32)
    gen.left = 1
    gen.seeded = 1
    return gen


def seed(gen):
    """THRandom_seed: seed from the OS random source (/dev/urandom), as
    Torch7 does at startup and in torch.seed().  Returns the seed as the Lua
    wrapper sees it (a signed 64-bit value)."""
    s = int.from_bytes(os.urandom(8), 'little')
    manual_seed(gen, _signed64(s))
    return _signed64(s)


def initial_seed(gen):
    """The seed ``gen`` was started from, as a signed 64-bit int (the Lua
    wrapper returns it through a C ``long``)."""
    return _signed64(gen.the_initial_seed)


def get_state(gen):
    """The raw bytes of Torch's THGenerator struct for ``gen`` (5048 bytes,
    x86-64 layout), as torch.getRNGState puts them in a ByteTensor."""
    head = _HEAD.pack(gen.the_initial_seed & _MASK64, gen.left, gen.seeded,
                      gen.next)
    words = gen.mt.astype('<u8').tobytes()
    tail = _TAIL.pack(gen.normal_x, gen.normal_y, gen.normal_rho,
                      gen.normal_is_valid)
    return head + words + tail


def set_state(gen, data):
    """Load a state produced by ``get_state`` (or by real Torch7's
    getRNGState) into ``gen``.  Accepts bytes, bytearray, memoryview or a
    uint8 numpy array.  Raises ValueError like Torch's argument checks."""
    if isinstance(data, np.ndarray):
        data = np.ascontiguousarray(data, dtype=np.uint8).tobytes()
    else:
        data = bytes(data)
    if len(data) != STATE_SIZE:
        raise ValueError('RNG state is wrong size')
    initial, left, seeded, nxt = _HEAD.unpack_from(data, 0)
    nx, ny, nrho, valid = _TAIL.unpack_from(data, _TAIL_OFF)
    if not (seeded == 1 and 0 < left <= _N and nxt <= _N):
        raise ValueError('Invalid RNG state')
    if left > 1 and left + nxt > _N + 1:
        # C Torch would read past the state array here
        raise ValueError('Invalid RNG state (left/next out of step)')
    words = np.frombuffer(data, dtype='<u8', count=_N, offset=_STATE_OFF)
    gen.the_initial_seed = initial
    gen.left = left
    gen.seeded = seeded
    gen.next = nxt
    gen.mt = (words & _MASK32).astype(np.uint32)
    gen.normal_x = nx
    gen.normal_y = ny
    gen.normal_rho = nrho
    gen.normal_is_valid = valid
    gen._tnp = None
    gen._tlist = None
    return gen


# --------------------------------------------------------------------------
# scalar draws

def random32(gen):
    """THRandom_random: the next 32-bit output (0 <= r < 2**32)."""
    gen.left -= 1
    if gen.left == 0:
        gen._regenerate()
    i = gen.next
    gen.next = i + 1
    t = gen._tlist
    if t is None:
        t = gen._tempered_list()
    return t[i]


def _u01(gen):
    return random32(gen) * _TWO_POW_M32


def random(gen, *args):
    """torch.random([a], [b]) on Lua numbers.

    no argument: THRandom_random, in [0, 2**32);
    ``random(gen, b)``: in [1, b] (b > 0);
    ``random(gen, a, b)``: in [a, b] (b >= a)."""
    if not args:
        return random32(gen)
    if len(args) == 1:
        b = to_long(args[0])
        if not b > 0:
            raise ValueError('upper bound must be strictly positive')
        return random32(gen) % b + 1
    if len(args) == 2:
        a, b = to_long(args[0]), to_long(args[1])
        if not b >= a:
            raise ValueError('upper bound must be larger than lower bound')
        m = (b + 1 - a) & _MASK64
        if m == 0:
            raise ZeroDivisionError('random: range covers all 2^64 values')
        return _signed64(random32(gen) % m + a)
    raise TypeError('random takes at most 2 bounds')


def uniform(gen, a=0.0, b=1.0):
    """THRandom_uniform: a float in [a, b)."""
    return random32(gen) * _TWO_POW_M32 * (b - a) + a


def normal(gen, mean=0.0, std=1.0):
    """THRandom_normal (Box-Muller with Torch's one-value cache)."""
    if not std > 0:
        raise ValueError('standard deviation must be strictly positive')
    if not gen.normal_is_valid:
        x = gen.normal_x = _u01(gen)
        y = gen.normal_y = _u01(gen)
        rho = gen.normal_rho = math.sqrt(-2.0 * math.log(1.0 - y))
        gen.normal_is_valid = 1
        return rho * math.cos(_TWO_PI * x) * std + mean
    gen.normal_is_valid = 0
    return gen.normal_rho * math.sin(_TWO_PI * gen.normal_x) * std + mean


def exponential(gen, lambd):
    """THRandom_exponential: density lambd * exp(-lambd * x)."""
    return _neg_inv(lambd) * math.log(1.0 - _u01(gen))


def cauchy(gen, median=0.0, sigma=1.0):
    """THRandom_cauchy."""
    return median + sigma * math.tan(math.pi * (_u01(gen) - 0.5))


def log_normal(gen, mean=1.0, std=2.0):
    """THRandom_logNormal: exp of a normal draw (defaults of the Lua
    wrapper: mean 1, std 2)."""
    if not std > 0:
        raise ValueError('standard deviation must be strictly positive')
    return _safe_exp(normal(gen, mean, std))


def geometric(gen, p):
    """THRandom_geometric: an int >= 1 (0 < p < 1)."""
    if not (p > 0 and p < 1):
        raise ValueError('must be > 0 and < 1')
    v = _to_int32(math.log(1.0 - _u01(gen)) / math.log(p))
    return ((v + 1 + (1 << 31)) & _MASK32) - (1 << 31)   # C int wrap


def bernoulli(gen, p=0.5):
    """THRandom_bernoulli: 1 with probability p, else 0 (0 <= p <= 1)."""
    if not (p >= 0 and p <= 1):
        raise ValueError('must be >= 0 and <= 1')
    return 1 if _u01(gen) <= p else 0


# --------------------------------------------------------------------------
# bulk draws

def draw_uint32(gen, n):
    """The next ``n`` outputs of THRandom_random as a uint32 array (same
    numbers as n calls of ``random32``)."""
    n = int(n)
    out = np.empty(n, dtype=np.uint32)
    if n <= 0:
        return out
    done = 0
    avail = gen.left - 1
    if avail > 0:
        take = min(n, avail)
        i = gen.next
        out[:take] = gen._tempered_np()[i:i + take]
        gen.next = i + take
        gen.left -= take
        done = take
    rest = n - done
    if rest:
        k = -(-rest // _N)
        vals, last = _blocks(gen.mt, k)
        out[done:] = vals[:rest]
        gen.mt = last
        gen._tnp = vals[(k - 1) * _N:].copy()
        gen._tlist = None
        used = rest - (k - 1) * _N          # draws taken from the last block
        gen.left = _N + 1 - used
        gen.next = used
    return out


def draw_uniform(gen, n):
    """``n`` uniform doubles in [0, 1) (r / 2**32), as float64 array."""
    return draw_uint32(gen, n).astype(np.float64) * _TWO_POW_M32


def _normal_values(gen, n, mean, std):
    """n successive THRandom_normal(mean, std) values as float64 array."""
    out = np.empty(n, dtype=np.float64)
    if n <= 0:
        return out
    if not std > 0:
        raise ValueError('standard deviation must be strictly positive')
    i = 0
    if gen.normal_is_valid:
        out[0] = normal(gen, mean, std)     # uses the cached pair
        i = 1
    m = n - i
    if m:
        pairs = (m + 1) // 2
        u = draw_uniform(gen, 2 * pairs)
        x = u[0::2]
        y = u[1::2]
        with np.errstate(all='ignore'):
            rho = np.sqrt(-2.0 * _vlog(1.0 - y))
            ang = _TWO_PI * x
            out[i::2] = rho * _vcos(ang) * std + mean
            full = m // 2
            if full:
                out[i + 1::2] = rho[:full] * _vsin(ang[:full]) * std + mean
        # the last pair stays in the struct; with an odd count its sine
        # half is still owed to the next normal draw
        gen.normal_x = float(x[-1])
        gen.normal_y = float(y[-1])
        gen.normal_rho = float(rho[-1])
        gen.normal_is_valid = m & 1
    return out


# --------------------------------------------------------------------------
# tensor fillers

def _store(arr, values):
    """Write ``values`` (1-D, row-major order) into ``arr`` in place with C
    conversion to the element type.  Returns arr."""
    if arr.ndim == 0:
        arr[()] = values.astype(arr.dtype)[0]
    else:   # (a Cuda tensor's device array gets the host values copied over: xp.put)
        _xp.put(arr, values.astype(arr.dtype, copy=False).reshape(arr.shape))
    return arr


def _need_float(ttype, what):
    if not ttype.is_float:
        raise TypeError('%s is only defined for Float and Double tensors, '
                        'not %s' % (what, ttype.tensor_name))


def fill_uniform(gen, arr, ttype, a=0.0, b=1.0):
    """Tensor:uniform(a, b): each element THRandom_uniform(a, b)."""
    _need_float(ttype, 'uniform')
    a = _real_param(ttype, a)
    b = _real_param(ttype, b)
    u = draw_uniform(gen, arr.size)
    return _store(arr, u * (b - a) + a)


def fill_normal(gen, arr, ttype, mean=0.0, std=1.0):
    """Tensor:normal(mean, std)."""
    _need_float(ttype, 'normal')
    mean = _real_param(ttype, mean)
    std = _real_param(ttype, std)
    return _store(arr, _normal_values(gen, arr.size, mean, std))


def fill_exponential(gen, arr, ttype, lambd):
    """Tensor:exponential(lambda)."""
    _need_float(ttype, 'exponential')
    lambd = _real_param(ttype, lambd)
    u = draw_uniform(gen, arr.size)
    with np.errstate(all='ignore'):
        v = _neg_inv(lambd) * _vlog(1.0 - u)
    return _store(arr, v)


def fill_cauchy(gen, arr, ttype, median=0.0, sigma=1.0):
    """Tensor:cauchy(median, sigma)."""
    _need_float(ttype, 'cauchy')
    median = _real_param(ttype, median)
    sigma = _real_param(ttype, sigma)
    u = draw_uniform(gen, arr.size)
    with np.errstate(all='ignore'):
        v = median + sigma * _vtan(math.pi * (u - 0.5))
    return _store(arr, v)


def fill_log_normal(gen, arr, ttype, mean=1.0, std=2.0):
    """Tensor:logNormal(mean, std) (Lua defaults 1, 2)."""
    _need_float(ttype, 'logNormal')
    mean = _real_param(ttype, mean)
    std = _real_param(ttype, std)
    v = _normal_values(gen, arr.size, mean, std)
    with np.errstate(all='ignore'):
        v = _vexp(v)
    return _store(arr, v)


def fill_geometric(gen, arr, ttype, p):
    """Tensor:geometric(p): THRandom_geometric per element (any type)."""
    n = arr.size
    if n == 0:
        return arr
    p = float(p)
    if not (p > 0 and p < 1):
        raise ValueError('must be > 0 and < 1')
    u = draw_uniform(gen, n)
    with np.errstate(all='ignore'):
        q = _vlog(1.0 - u) / math.log(p)
    q = np.trunc(q)
    bad = ~((q > -2147483649.0) & (q < 2147483648.0))
    q[bad] = _INT32_MIN
    v = (q.astype(np.int64) + 1).astype(np.int32)       # C int arithmetic
    return _store(arr, v)


def fill_bernoulli(gen, arr, ttype, p=0.5):
    """Tensor:bernoulli(p); ``p`` a number or an array of probabilities
    with as many elements as ``arr`` (read in row-major order, like Torch's
    bernoulli with a Float/DoubleTensor)."""
    n = arr.size
    if hasattr(p, 'shape'):     # an array (a device one read to the host: the draws are made here)
        probs = _xp.to_host(p).astype(np.float64).reshape(-1)
        if probs.size != n:
            raise ValueError('inconsistent tensor size')
        if n == 0:
            return arr
        if not np.all((probs >= 0) & (probs <= 1)):
            raise ValueError('must be >= 0 and <= 1')
    else:
        probs = float(p)
        if n == 0:
            return arr
        if not (probs >= 0 and probs <= 1):
            raise ValueError('must be >= 0 and <= 1')
    u = draw_uniform(gen, n)
    return _store(arr, (u <= probs).astype(np.int32))


# no-argument Tensor:random(): per-type modulus
_RANDOM_MOD = {
    'Byte': 256,                 # UCHAR_MAX + 1
    'Char': 128,                 # CHAR_MAX + 1
    'Short': 32768,              # SHRT_MAX + 1
    'Int': 1 << 31,              # INT_MAX + 1
    'Long': 1 << 63,             # LONG_MAX + 1
    'Float': (1 << 24) + 1,      # 2^FLT_MANT_DIG + 1
    'Double': (1 << 53) + 1,     # 2^DBL_MANT_DIG + 1
}


def fill_random(gen, arr, ttype, *args):
    """Tensor:random([a], [b]).

    no argument: ``r % (max + 1)`` with the per-type max of Torch (UCHAR_MAX,
    CHAR_MAX, SHRT_MAX, INT_MAX, LONG_MAX, 2^24 for Float, 2^53 for Double);
    one argument b: ``r % b + 1``; two arguments: ``r % (b + 1 - a) + a``.
    The arithmetic is C's unsigned 64-bit one, then converted to the element
    type (so e.g. a DoubleTensor with a negative lower bound gets Torch7's
    wrapped-around values, as the real library does)."""
    n = arr.size
    if len(args) == 0:
        mod = np.uint64(_RANDOM_MOD[ttype.name])
        r = draw_uint32(gen, n).astype(np.uint64)
        v = r % mod
    elif len(args) == 1:
        b = to_long(args[0])
        if not b > 0:
            raise ValueError('upper bound must be strictly positive')
        r = draw_uint32(gen, n).astype(np.uint64)
        v = r % np.uint64(b) + np.uint64(1)
    elif len(args) == 2:
        a, b = to_long(args[0]), to_long(args[1])
        if not b >= a:
            raise ValueError('upper bound must be larger than lower bound')
        m = (b + 1 - a) & _MASK64
        if m == 0:
            raise ZeroDivisionError('random: range covers all 2^64 values')
        r = draw_uint32(gen, n).astype(np.uint64)
        v = r % np.uint64(m) + np.uint64(a & _MASK64)   # wraps modulo 2^64
    else:
        raise TypeError('random takes at most 2 bounds')
    if arr.dtype.kind in 'iu':
        # C conversion to a narrower integer: keep the low bits
        v = v.astype(arr.dtype)
    return _store(arr, v)


# --------------------------------------------------------------------------
# randperm and multinomial

def randperm(gen, n):
    """torch.randperm(n): a permutation of 1..n (int64 array), drawn as
    THTensor_(randperm) does (n - 1 swaps, each with ``r % (n - i)``)."""
    n = to_long(n)
    if not n > 0:
        raise ValueError('must be strictly positive')
    perm = list(range(n))
    if n > 1:
        r = draw_uint32(gen, n - 1).astype(np.int64)
        z = (r % np.arange(n, 1, -1, dtype=np.int64)).tolist()
        for i, zi in enumerate(z):
            j = zi + i
            perm[i], perm[j] = perm[j], perm[i]
    return np.array(perm, dtype=np.int64) + 1


def _search(cum, u):
    """Torch's binary search: first slot whose cumulative value is not < u."""
    lo, hi = 0, len(cum)
    while hi - lo > 0:
        mid = lo + (hi - lo) // 2
        if cum[mid] < u:
            lo = mid + 1
        else:
            hi = mid
    return lo


def multinomial(gen, probs, n_sample, with_replacement=False):
    """torch.multinomial: 1-based category indices (int64 array of shape
    (n_sample,) for 1-D ``probs``, (rows, n_sample) for 2-D). The draws come from the host
    generator: a device array of probabilities is read to the host."""
    probs = _xp.to_host(probs)
    if probs.ndim not in (1, 2):
        raise ValueError('prob_dist must be 1 or 2 dim')
    one_d = probs.ndim == 1
    p2 = probs.reshape(1, -1) if one_d else probs
    n_dist, n_cat = p2.shape
    n_sample = int(n_sample)
    if not n_sample > 0:
        raise ValueError('cannot sample n_sample < 0 samples')
    if not with_replacement and not n_sample <= n_cat:
        raise ValueError('cannot sample n_sample > prob_dist:size(1) samples '
                         'without replacement')
    out = np.zeros((n_dist, n_sample), dtype=np.int64)
    for i in range(n_dist):
        row = p2[i].astype(np.float64)
        cum = np.add.accumulate(row) if n_cat else row
        total = float(cum[-1]) if n_cat else 0.0
        if not total > 0:
            raise ValueError('invalid multinomial distribution '
                             '(sum of probabilities <= 0)')
        with np.errstate(all='ignore'):
            cum = cum / total
        if with_replacement:
            cum[-1] = 1.0
            u = draw_uniform(gen, n_sample)
            if np.all(cum[1:] >= cum[:-1]):
                idx = np.searchsorted(cum, u, side='left')
            else:
                cl = cum.tolist()
                idx = [_search(cl, v) for v in u.tolist()]
            out[i] = idx
            continue
        for j in range(n_sample):
            u = _u01(gen)
            cum[-1] = 1.0
            s = _search(cum.tolist(), u)
            out[i, j] = s
            prev = float(cum[s - 1]) if s != 0 else 0.0
            diff = float(cum[s]) - prev
            total2 = 1.0 - diff
            with np.errstate(all='ignore'):
                cum[s:] -= diff
                cum /= total2
    out += 1
    return out[0] if one_d else out


# --------------------------------------------------------------------------
# the default generator (torch._gen): seeded from the OS at startup, like
# Torch7's torch_random_init -> THGenerator_new.

default_generator = Generator()
