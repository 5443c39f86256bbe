"""Transfer (activation) functions: elementwise kernels."""
import numpy as np

from . import kernel
from ._util import like


@kernel
def Tanh_updateOutput(input, output):
    np.tanh(input.arr(), out=like(output, input))


@kernel
def Tanh_updateGradInput(gradOutput, gradInput, output):
    # gradInput = gradOutput * (1 - output^2)
    y = output.arr()
    gi = like(gradInput, output)
    np.multiply(y, y, out=gi)
    np.subtract(1, gi, out=gi)
    np.multiply(gradOutput.arr(), gi, out=gi)
