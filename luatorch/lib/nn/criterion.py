"""Loss functions (criteria): each returns the loss as a Python number."""
import numpy as np

from . import kernel
from ._util import like
from ..errors import TorchError


def _same_size(input, target):
    if input.nelement() != target.nelement():
        raise TorchError('input and target size mismatch')


@kernel
def MSECriterion_updateOutput(input, target, sizeAverage):
    _same_size(input, target)
    d = input.arr() - target.arr().reshape(input.size)
    s = float(np.dot(d.ravel(), d.ravel()))
    if sizeAverage:
        s /= input.nelement()
    return s


@kernel
def MSECriterion_updateGradInput(input, target, gradInput, sizeAverage):
    _same_size(input, target)
    norm = 2.0 / input.nelement() if sizeAverage else 2.0
    gi = like(gradInput, input)
    np.subtract(input.arr(), target.arr().reshape(input.size), out=gi)
    gi *= norm
