"""The bit-level tests' one comparison unit: an array's elements as unsigned integers of their
width (equal bits, so -0 differs from +0 and a NaN equals only its own bits)."""
import numpy as np


def bits(a):
    a = np.ascontiguousarray(a)
    return a.view('u%d' % a.dtype.itemsize)
