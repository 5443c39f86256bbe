"""Kernels of nn's miscellaneous modules: Kmeans (online hard k-means)."""
import numpy as np

from . import kernel
from ._util import out, check
from .. import xp as _xp


def _sqdist(x, w):
    """(k, n) squared Euclidean distances of the rows of x (n, d) to the centres w (k, d),
    computed as Torch does (2-norm over the feature dimension, then squared)."""
    diff = x[None, :, :] - w[:, None, :]
    return np.sqrt(np.einsum('knd,knd->kn', diff, diff)) ** 2


@kernel
def Kmeans_updateOutput(input, weight, output, minIndex):
    """Index (1-based, into output as numbers and minIndex as longs) of the nearest centre of each
    row of input; returns the loss, the sum of the squared distances to those centres."""
    check(input.dim() == 2, 'Incorrect input dimensionality. Expecting 2D.')
    check(input.size[1] == weight.size[1], "Dimensionality of input and weight don't match.")
    check(input.is_contiguous(), 'Input is not contiguous.')
    d = _sqdist(input.arr(), weight.arr())
    idx = np.argmin(d, axis=0)
    n = input.size[0]
    _xp.put(out(minIndex, (n,)), idx + 1)      # minIndex: a LongTensor, also for a Cuda input
    out(output, (n,))[...] = idx + 1
    return float(np.take_along_axis(d, idx[None], 0).sum())


@kernel
def Kmeans_accGradParameters(input, weight, gradWeight, minIndex, clusterSampleCount, scale):
    """gradWeight[c] -= scale * mean over the rows x assigned to centre c of (x - c);
    clusterSampleCount[c] = how many rows went to c."""
    k = weight.size[0]
    x, w = input.arr(), weight.arr()
    idx = _xp.on_side(minIndex.arr(), x).astype(np.int64) - 1
    count = np.bincount(idx, minlength=k).astype(x.dtype)
    clusterSampleCount.arr()[...] = count
    rows = (x - w[idx]) * (-scale)
    acc = np.zeros_like(w, dtype=rows.dtype)
    np.add.at(acc, idx, rows)
    acc /= (count + 1e-7)[:, None]
    gradWeight.arr()[...] += acc


@kernel
def Kmeans_minDistances(input, centre, distances):
    """distances[i] = min(distances[i], squared distance of row i of input to centre) (Kmeans++)."""
    x, c = input.arr(), centre.arr().reshape(1, -1)
    diff = x - c
    dd = np.sqrt(np.einsum('nd,nd->n', diff, diff)) ** 2
    dist = distances.arr()
    np.minimum(dist, dd, out=dist)
