"""The one table of Torch tensor types: every per-type fact lives here.

Nothing else in luatorch branches on a type name; code asks this table.
"""
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TensorType:
    name: str            # 'Double'
    dtype: np.dtype      # numpy dtype of the storage
    acc: np.dtype        # accumulate type (TH's accreal)
    is_float: bool
    idx: int             # position in TYPES (1-based, also used by the Lua binding)
    cuda: bool = False

    @property
    def tensor_name(self):
        return ('torch.Cuda%sTensor' if self.cuda else 'torch.%sTensor') % (
            '' if (self.cuda and self.name == 'Float') else self.name)

    @property
    def storage_name(self):
        return ('torch.Cuda%sStorage' if self.cuda else 'torch.%sStorage') % (
            '' if (self.cuda and self.name == 'Float') else self.name)

    @property
    def itemsize(self):
        return self.dtype.itemsize

    @property
    def c_real(self):
        """The C type of an element, as Torch's argument errors name it ('double', 'long')."""
        return _C_REAL[self.name]

    @property
    def c_accreal(self):
        return 'double' if self.name in ('Float', 'Double') else ('float' if self.name == 'Half'
                                                                 else 'long')


_C_REAL = {'Byte': 'unsigned char', 'Char': 'char', 'Short': 'short', 'Int': 'int', 'Long': 'long',
           'Float': 'float', 'Double': 'double', 'Half': 'half'}


def _t(i, name, dtype, acc, is_float):
    return TensorType(name, np.dtype(dtype), np.dtype(acc), is_float, i)


# Order is Torch's: Byte, Char, Short, Int, Long, Float, Double (the types with maths), then
# Half (in torch7 a storage-and-copy type without maths methods). ALL_TYPES has every one.
ALL_TYPES = (
    _t(1, 'Byte', np.uint8, np.int64, False),
    _t(2, 'Char', np.int8, np.int64, False),
    _t(3, 'Short', np.int16, np.int64, False),
    _t(4, 'Int', np.int32, np.int64, False),
    _t(5, 'Long', np.int64, np.int64, False),
    _t(6, 'Float', np.float32, np.float64, True),
    _t(7, 'Double', np.float64, np.float64, True),
    _t(8, 'Half', np.float16, np.float32, True),
)

TYPES = ALL_TYPES[:7]

BY_NAME = {t.name: t for t in ALL_TYPES}
BY_TENSOR_NAME = {t.tensor_name: t for t in ALL_TYPES}
BY_STORAGE_NAME = {t.storage_name: t for t in ALL_TYPES}
BY_DTYPE = {t.dtype: t for t in ALL_TYPES}

Byte, Char, Short, Int, Long, Float, Double, Half = ALL_TYPES

# torch.setdefaulttensortype changes this (through set_default).
_default = [Double]


def default():
    return _default[0]


def set_default(ttype):
    _default[0] = ttype
