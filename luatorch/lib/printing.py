"""Torch7-exact text for tensors and storages (what `tostring` / `print` show).

Pure Python + numpy.  The layout rules (all taken from Torch7's behaviour):

* Every value is first converted to double; the number format is chosen once
  from *all* values of the tensor or storage:
    - "integer mode" when every value v satisfies v == ceil(v) (so +-inf keep
      integer mode, NaN leaves it);
    - e_min / e_max = floor(log10(|x|)) + 1 for the smallest / largest absolute
      value (1 when that value is 0; any NaN makes both NaN);
    - integer mode: `%<e_max+1>d`, or `%11.4e` once e_max > 9;
    - otherwise `%11.4e` (`%12.4e` if |e_min| or |e_max| > 99) when the spread
      e_max - e_min exceeds 4, else `%<w>.4f` where a scale factor
      10^(e_max-1) is pulled out (width 7) when e_max > 5 or e_max < 0, the
      width being 7 for e_max == 0 and e_max + 6 otherwise;
    - a NaN width degrades the format to a plain `%f`.
* 1-D tensors and storages: one value per line, then `[<type> of size n]`.
* 2-D tensors: rows of space-separated fields, split in `Columns a to b`
  blocks of floor((80 - indent) / (width + 1)) columns, the scale line
  repeated in each block.
* Higher ranks: one `(i,j,.,.) = ` matrix per slice, the first index varying
  fastest, each matrix indented by one space.
* The returned text ends with a newline after the `[...]` footer (`print`
  adds one more).
"""
import math

import numpy as np

__all__ = ['tensor_tostring', 'storage_tostring', 'print_format']

_NAN = float('nan')


def _exponent(x):
    """floor(log10(x)) + 1 for x >= 0 (1 for 0), NaN/inf propagate."""
    if x != x:
        return _NAN
    if x == 0:
        return 1
    if math.isinf(x):
        return math.inf
    return math.floor(math.log10(x)) + 1


def _lua_num(x):
    """How Lua's tostring writes the numbers that can end up in a format."""
    if x != x:
        return 'nan'
    if math.isinf(x):
        return 'inf' if x > 0 else '-inf'
    return '%d' % x


def print_format(values, ttype=None):
    """(format, scale, width) Torch uses for these values (a float64 array).

    `scale` is None when no scale line is printed; `width` may be NaN (then
    the format is '%f' and there is no column splitting).  `ttype` lets
    integer types skip the integer-mode test (their values always pass it).
    """
    flat = values.reshape(-1)
    if flat.size == 0:
        return '', None, 0
    if ttype is not None and not ttype.is_float:
        int_mode = True
    else:
        with np.errstate(invalid='ignore'):
            int_mode = bool(np.all(flat == np.ceil(flat)))
    a = np.abs(flat)
    if np.isnan(a).any():
        amin = amax = _NAN
    else:
        amin = float(a.min())
        amax = float(a.max())
    e_min = _exponent(amin)
    e_max = _exponent(amax)

    scale = None
    if int_mode:
        if e_max > 9:
            spec, width = '.4e', 11
        else:
            spec, width = 'd', e_max + 1
    else:
        if e_max - e_min > 4:
            spec, width = '.4e', 11
            if abs(e_max) > 99 or abs(e_min) > 99:
                width += 1
        elif e_max > 5 or e_max < 0:
            spec, width = '.4f', 7
            scale = 10.0 ** (e_max - 1)
        else:
            spec = '.4f'
            width = 7 if e_max == 0 else e_max + 6
    fmt = '%' + _lua_num(width) + spec
    if fmt[1:4] == 'nan':
        fmt = '%f'
    if scale == 1:
        scale = None
    return fmt, scale, width


def _format_all(flat, fmt):
    """Format every value of a 1-D float64 array with `fmt` (list of str)."""
    n = flat.size
    if n == 0:
        return []
    vals = flat.tolist()
    # One big % call is much faster than n small ones; '\x00' never occurs
    # in a formatted number.
    chunk = 65536
    out = []
    for i in range(0, n, chunk):
        part = vals[i:i + chunk]
        out.extend(('\x00'.join([fmt] * len(part)) % tuple(part)).split('\x00'))
    return out


# ------------------------------------------------------------ fast fields
# For big tensors the fields are built with numpy as a (n, width) byte array.
# This is only used when it is provably identical to printf: every field must
# fit its width, and any value whose rounding is not certain from the double
# arithmetic (too close to a rounding tie) is formatted by Python instead.

_SP, _MINUS, _DOT, _ZERO = ord(' '), ord('-'), ord('.'), ord('0')
_FAST_MIN = 256         # below this many values the plain path is as fast
_POW10 = 10 ** np.arange(19, dtype=np.int64)


def _ndigits(q):
    """Number of decimal digits of the non-negative int64 array q (>= 1)."""
    nd = np.ones(q.shape, np.int64)
    for k in range(1, 19):
        nd += q >= _POW10[k]
    return nd


def _put_int(out, end, q, neg):
    """Write q (with a '-' where neg) right-aligned ending before column
    `end`; False when some value does not fit."""
    nd = _ndigits(q)
    if int((nd + neg).max()) > end:
        return False
    for k in range(int(nd.max())):
        col = end - 1 - k
        digit = (q // _POW10[k]) % 10 + _ZERO
        if k == 0:
            out[:, col] = digit
        else:
            m = k < nd
            out[m, col] = digit[m]
    rows = np.flatnonzero(neg)
    out[rows, end - 1 - nd[rows]] = _MINUS
    return True


def _put_fixed_digits(out, end, q, count):
    """Write exactly `count` zero-padded digits of q ending before `end`."""
    for k in range(count):
        out[:, end - 1 - k] = (q // _POW10[k]) % 10 + _ZERO


def _near_tie(y, tol):
    frac = y - np.floor(y)
    return np.abs(frac - 0.5) < tol


def _fields_d(flat, width):
    out = np.full((flat.size, width), _SP, np.uint8)
    q = np.abs(flat).astype(np.int64)
    if not _put_int(out, width, q, flat < 0):
        return None, None
    return out, np.zeros(flat.size, bool)


def _fields_f(flat, width):
    a = np.abs(flat)
    if not (a.max() < 1e9):
        return None, None
    y = a * 1e4                     # < 1e13: error far below 1e-6
    slow = _near_tie(y, 1e-6)
    q = np.rint(y).astype(np.int64)
    out = np.full((flat.size, width), _SP, np.uint8)
    if width < 6:
        return None, None
    _put_fixed_digits(out, width, q % 10000, 4)
    out[:, width - 5] = _DOT
    if not _put_int(out, width - 5, q // 10000, np.signbit(flat)):
        return None, None
    return out, slow


def _fields_e(flat, width):
    a = np.abs(flat)
    n = flat.size
    finite = np.isfinite(a)
    zero = a == 0
    with np.errstate(divide='ignore', invalid='ignore'):
        e = np.where(finite & ~zero, np.floor(np.log10(a)), 0.0)
    slow = ~finite | (np.abs(e) > 290)
    e = np.where(slow, 0.0, e)
    a = np.where(slow | zero, 1.0, a)
    for _ in range(4):
        y = a * np.power(10.0, 4.0 - e)
        lo = y < 10000
        hi = y >= 100000
        if not (lo.any() or hi.any()):
            break
        e = e - lo + hi
    else:
        slow |= lo | hi
    slow |= _near_tie(y, 1e-7)
    q = np.rint(y).astype(np.int64)
    bump = q >= 100000
    q[bump] = 10000
    e = (e + bump).astype(np.int64)
    q[zero] = 0
    e[zero] = 0
    neg = np.signbit(flat)
    big = np.abs(e) >= 100
    length = 10 + big + neg
    if int(length[~slow].max(initial=0)) > width:
        return None, None
    out = np.full((n, width), _SP, np.uint8)
    ae = np.abs(e)
    for ed, rows in ((2, np.flatnonzero(~big)), (3, np.flatnonzero(big))):
        if rows.size == 0:
            continue
        sub = np.full((rows.size, width), _SP, np.uint8)
        _put_fixed_digits(sub, width, ae[rows], ed)
        c = width - ed
        sub[:, c - 1] = np.where(e[rows] < 0, _MINUS, ord('+'))
        sub[:, c - 2] = ord('e')
        _put_fixed_digits(sub, c - 2, q[rows] % 10000, 4)
        sub[:, c - 7] = _DOT
        sub[:, c - 8] = q[rows] // 10000 + _ZERO
        nr = rows[neg[rows]]
        if nr.size:
            sub[neg[rows], c - 9] = _MINUS
        out[rows] = sub
    return out, slow


def _fast_fields(flat, fmt, width):
    """(n, width) uint8 array of the fields, exactly as `fmt % v` writes
    them, or None when that is not possible with fixed-width fields."""
    if (flat.size == 0 or flat.size < _FAST_MIN or fmt == '%f'
            or width != width):
        return None
    kind = fmt[-1]
    with np.errstate(invalid='ignore', over='ignore'):
        if kind == 'd':
            out, slow = _fields_d(flat, width)
        elif fmt.endswith('.4f'):
            out, slow = _fields_f(flat, width)
        elif fmt.endswith('.4e'):
            out, slow = _fields_e(flat, width)
        else:
            return None
    if out is None:
        return None
    for i in np.flatnonzero(slow).tolist():
        text = fmt % float(flat[i])
        if len(text) != width:
            return None
        out[i] = np.frombuffer(text.encode('ascii'), np.uint8)
    return out


def _fields(flat, fmt, width):
    """The formatted fields of `flat`: a uint8 (n, width) array when they
    all have that width, else a list of str."""
    fast = _fast_fields(flat, fmt, width)
    return fast if fast is not None else _format_all(flat, fmt)


def _scaled(values, scale):
    return values if scale is None else values / scale


def _column_lines(flat, fmt, scale, width):
    """The lines of a 1-D tensor or a storage (without the footer)."""
    parts = []
    if scale is not None:
        parts.append('%g *\n' % scale)
    fields = _fields(_scaled(flat, scale), fmt, width)
    if isinstance(fields, np.ndarray):
        lines = np.empty((fields.shape[0], width + 1), np.uint8)
        lines[:, :width] = fields
        lines[:, width] = ord('\n')
        parts.append(lines.tobytes().decode('ascii'))
    elif fields:
        parts.append('\n'.join(fields))
        parts.append('\n')
    return ''.join(parts)


def _block_texts(fields, nslices, nrows, ncols, first, last, width, prefix):
    """For every slice (C order), the rows of columns first..last: fields
    separated by ' ', rows ended by '\n' and, from the second row on,
    preceded by `prefix`."""
    k = last - first + 1
    if isinstance(fields, np.ndarray):
        plen = len(prefix)
        linelen = plen + k * (width + 1)
        arr = np.empty((nslices, nrows, linelen), np.uint8)
        if plen:
            arr[:, :, :plen] = np.frombuffer(prefix.encode('ascii'), np.uint8)
        body = arr[:, :, plen:].reshape(nslices, nrows, k, width + 1)
        f = fields.reshape(nslices, nrows, ncols, width)
        body[:, :, :, :width] = f[:, :, first - 1:last]
        body[:, :, :, width] = _SP
        body[:, :, k - 1, width] = ord('\n')
        data = arr.tobytes().decode('ascii')
        chunk = nrows * linelen
        return [data[i * chunk + plen:(i + 1) * chunk] for i in range(nslices)]
    sep = '\n' + prefix
    texts = []
    per = nrows * ncols
    for s in range(nslices):
        base = s * per
        rows = [' '.join(fields[base + r * ncols + first - 1:
                                base + r * ncols + last])
                for r in range(nrows)]
        texts.append(sep.join(rows) + '\n')
    return texts


def _matrices(values, fmt, scale, width, indent):
    """Texts of the matrices values[i, :, :] (values is 3-D, C order)."""
    nslices, nrows, ncols = values.shape
    fields = _fields(_scaled(values, scale).reshape(-1), fmt, width)
    if width != width:          # NaN width: everything in one block
        per_line = math.inf
    else:
        per_line = (80 - len(indent)) // (width + 1)
    scale_line = None if scale is None else '%g *\n ' % scale + indent
    prefix = indent + ' ' if scale is not None else indent
    texts = [[indent] for _ in range(nslices)]
    first = 1
    while first <= ncols:
        if first + per_line - 1 <= ncols:
            last = first + per_line - 1
        else:
            last = ncols
        head = ''
        if per_line < ncols:
            if first != 1:
                head = '\n'
            head += 'Columns %d to %d\n%s' % (first, last, indent)
        if scale_line is not None:
            head += scale_line
        blocks = _block_texts(fields, nslices, nrows, ncols, first, last,
                              width, prefix)
        for t, b in zip(texts, blocks):
            t.append(head)
            t.append(b)
        first = last + 1
    return [''.join(t) for t in texts]


def _slice_order(outer):
    """Index tuples over the leading dims, the first index varying fastest."""
    total = 1
    for s in outer:
        total *= s
    idx = [0] * len(outer)
    for _ in range(total):
        yield tuple(idx)
        for d in range(len(outer)):
            idx[d] += 1
            if idx[d] < outer[d]:
                break
            idx[d] = 0


def tensor_tostring(arr, ttype):
    """Exactly Torch7's tostring(t) for a tensor of type `ttype` whose values
    are the numpy array `arr` (any rank, any strides).

    A 0-dim or zero-element array is Torch's tensor with no dimension.
    """
    arr = np.asarray(arr)
    name = ttype.tensor_name
    if arr.ndim == 0 or arr.size == 0:
        return '[%s with no dimension]\n' % name
    values = np.ascontiguousarray(arr, dtype=np.float64)
    fmt, scale, width = print_format(values, ttype)
    shape = values.shape
    footer = '[%s of size %s]\n' % (name, 'x'.join(str(s) for s in shape))

    if values.ndim == 1:
        return _column_lines(values, fmt, scale, width) + footer
    if values.ndim == 2:
        return _matrices(values[None], fmt, scale, width, '')[0] + footer

    outer = shape[:-2]
    mats = _matrices(values.reshape((-1,) + shape[-2:]), fmt, scale, width,
                     ' ')
    # C-order position of each slice
    strides = [0] * len(outer)
    acc = 1
    for d in range(len(outer) - 1, -1, -1):
        strides[d] = acc
        acc *= outer[d]
    parts = []
    for k, idx in enumerate(_slice_order(outer)):
        if k:
            parts.append('\n')
        parts.append('(' + ''.join('%d,' % (i + 1) for i in idx)
                     + '.,.) = \n')
        parts.append(mats[sum(i * s for i, s in zip(idx, strides))])
    parts.append(footer)
    return ''.join(parts)


def storage_tostring(arr1d, ttype):
    """Exactly Torch7's tostring(s) for a storage of type `ttype` holding the
    values of the 1-D numpy array `arr1d` (a LongStorage for sizes, too)."""
    values = np.ascontiguousarray(arr1d, dtype=np.float64).reshape(-1)
    fmt, scale, width = print_format(values, ttype)
    return (_column_lines(values, fmt, scale, width)
            + '[%s of size %d]\n' % (ttype.storage_name, values.size))
