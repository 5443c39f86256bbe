"""The one table of Torch tensor types: every per-type fact lives here.

Nothing else in luatorch branches on a type name; code asks this table.
"""
from dataclasses import dataclass

import numpy as np

from . import xp as _xp


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
    def xp(self):
        """The array module holding this type's storages: numpy, or for a Cuda type the device's
        (CuPy when a GPU is there, else numpy: see xp.py)."""
        return _xp.device_module() if self.cuda else np

    @property
    def host(self):
        """The CPU type of the same element type (itself for a CPU type)."""
        return BY_NAME[self.name]

    @property
    def device(self):
        """The Cuda type of the same element type (itself for a Cuda type)."""
        return CUDA_BY_NAME[self.name]

    def twin(self, other):
        """Type `other`'s element type on this type's side: e.g. the index type of a CudaTensor's
        max is torch.CudaLongTensor (as in cutorch), of a DoubleTensor's torch.LongTensor."""
        return other.device if self.cuda else other.host

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


def _t(i, name, dtype, acc, is_float, cuda=False):
    return TensorType(name, np.dtype(dtype), np.dtype(acc), is_float, i, cuda)


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
    # cutorch's types (torch.CudaTensor is Float): the same element types, their storages
    # allocated by the device's array module (xp.py). They follow their CPU twin in everything
    # else (maths, accumulate type, printing); TYPES and BY_NAME/BY_DTYPE stay the CPU types.
    _t(9, 'Byte', np.uint8, np.int64, False, True),
    _t(10, 'Char', np.int8, np.int64, False, True),
    _t(11, 'Short', np.int16, np.int64, False, True),
    _t(12, 'Int', np.int32, np.int64, False, True),
    _t(13, 'Long', np.int64, np.int64, False, True),
    _t(14, 'Float', np.float32, np.float64, True, True),
    _t(15, 'Double', np.float64, np.float64, True, True),
    _t(16, 'Half', np.float16, np.float32, True, True),
)

TYPES = ALL_TYPES[:7]
CUDA_TYPES = ALL_TYPES[8:]

BY_NAME = {t.name: t for t in ALL_TYPES[:8]}
CUDA_BY_NAME = {t.name: t for t in CUDA_TYPES}
BY_TENSOR_NAME = {t.tensor_name: t for t in ALL_TYPES}
BY_STORAGE_NAME = {t.storage_name: t for t in ALL_TYPES}
BY_DTYPE = {t.dtype: t for t in ALL_TYPES[:8]}

Byte, Char, Short, Int, Long, Float, Double, Half = ALL_TYPES[:8]

# torch.setdefaulttensortype changes this (through set_default).
_default = [Double]


def default():
    return _default[0]


def set_default(ttype):
    _default[0] = ttype
