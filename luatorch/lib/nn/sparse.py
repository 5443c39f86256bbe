"""Sparse-input linear layers: SparseLinear and IndexLinear.

SparseLinear reads its input as coordinates: a (nnz, 3) tensor of {batch row, column, value}
rows (1-based, built from the Lua table of (nnz_i, 2) {column, value} tensors) or, in legacy
mode, a (batch, nnz, 2) tensor. IndexLinear reads a flat list of 1-based keys with their values
and per-sample sizes. Sums over entries sharing a row (or a column / key) go through one sort
and `np.add.reduceat`, never a loop over entries.
"""
from itertools import accumulate

import numpy as np

from . import kernel
from ._util import out, check
from .. import xp as _xp
from ..errors import TorchError


def _seq(x):
    """A Lua table handed over as a list or a {1: ..., 2: ...} dict, as a list."""
    if x is None:
        return []
    if isinstance(x, dict):
        return [x[k] for k in sorted(x)]
    return list(x)


def _group_sum(keys, vals, presorted=False):
    """(unique keys, sums of the rows of vals (m, d) sharing each key)."""
    if not presorted:
        order = np.argsort(keys, kind='stable')
        keys, vals = keys[order], vals[order]
    first = np.empty_like(keys, dtype=bool)
    first[:1] = True
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    return keys[starts], np.add.reduceat(vals, starts, axis=0)


# ----------------------------------------------------------------------------- SparseLinear

def _coo(input, inDim, what):
    """(rows, cols, vals) 0-based of a (nnz, 3) coordinate tensor or a legacy (B, nnz, 2) one;
    checks the columns."""
    a = input.arr()
    if input.dim() == 3:
        check(input.size[2] == 2, 'input size must be batchsize x nnz x 2')
        B, n = a.shape[:2]
        rows = np.repeat(_xp.module_of(a).arange(B), n)
        cols = a[:, :, 0].reshape(-1).astype(np.int64) - 1
        vals = a[:, :, 1].reshape(-1)
    else:
        check(input.dim() == 2 and input.size[1] == 3, 'input must be in coo format, nnz x 3')
        rows = a[:, 0].astype(np.int64) - 1
        cols = a[:, 1].astype(np.int64) - 1
        vals = a[:, 2]
    bad = (cols < 0) | (cols >= inDim)
    if bad.any():
        raise TorchError('index out of bound. %s: %d not between 1 and %d'
                         % (what, int(cols[bad][0]) + 1, inDim))
    return rows, cols, vals


@kernel
def SparseLinear_format(inputs, formatted):
    """The Lua table of (nnz_i, 2) {column, value} tensors as one (nnz, 3) tensor of {i, column,
    value} rows; returns the batch size."""
    ts = _seq(inputs)
    for t in ts:
        check(t.dim() == 2 and t.size[1] == 2, 'SparseLinear expects (nnz x 2) tensors of '
              '{index, value} pairs')
    n = sum(t.size[0] for t in ts)
    f = out(formatted, (n, 3))
    if n:
        f[:, 0] = np.repeat(_xp.module_of(f).arange(1, len(ts) + 1), [t.size[0] for t in ts])
        f[:, 1:] = np.concatenate([t.arr() for t in ts], 0)
    return len(ts)


@kernel
def SparseLinear_updateOutput(input, output, weight, bias, batchSize, batched):
    """output (batchSize, out) (or (out) if not batched) = bias + the weight's columns weighted
    by the values of each row's entries."""
    outDim, inDim = weight.size
    check(bias.dim() == 1 and bias.size[0] == outDim, 'bias size wrong')
    rows, cols, vals = _coo(input, inDim, 'updateOutput')
    if input.dim() == 3:
        batchSize = input.size[0]
    w = weight.arr()
    y = out(output, ((batchSize,) if batched else ()) + (outDim,))
    y2 = y.reshape(-1, outDim)
    y2[...] = bias.arr()
    if rows.size:
        r, s = _group_sum(rows, vals[:, None] * w[:, cols].T, presorted=True)
        check(r[-1] < y2.shape[0], 'SparseLinear: row index out of range')
        y2[r] += s


@kernel
def SparseLinear_accGradParameters(input, gradOutput, gradWeight, gradBias, weight, weightDecay,
                                   scale):
    """gradWeight[:, col] += scale * value * gradOutput[row] for each entry; gradBias += scale
    * sum of gradOutput's rows; weight decay adds weightDecay * weight."""
    outDim, inDim = weight.size
    check(gradWeight.size == (outDim, inDim), 'gradWeight size wrong')
    check(gradBias.size == (outDim,), 'gradBias size wrong')
    rows, cols, vals = _coo(input, inDim, 'accGradParameters')
    g = gradOutput.arr().reshape(-1, outDim)
    gw = gradWeight.arr()
    if rows.size:
        c, s = _group_sum(cols, (scale * vals)[:, None] * g[rows])
        gw[:, c] += s.T
    gradBias.arr().__iadd__(scale * g.sum(0))
    if weightDecay != 0:
        gw += weightDecay * weight.arr()


def _touched(lastInput, inDim, what):
    """Unique 0-based columns with a non-zero value in lastInput."""
    _, cols, vals = _coo(lastInput, inDim, what)
    return np.unique(cols[vals != 0])


@kernel
def SparseLinear_updateParameters(weight, bias, gradWeight, gradBias, lastInput, learningRate):
    """The update restricted to the columns used by the last input."""
    c = _touched(lastInput, weight.size[1], 'updateParameters')
    if c.size == 0:
        return
    bias.arr().__isub__(learningRate * gradBias.arr())
    w = weight.arr()
    w[:, c] -= learningRate * gradWeight.arr()[:, c]


@kernel
def SparseLinear_zeroGradParameters(gradWeight, gradBias, lastInput):
    c = _touched(lastInput, gradWeight.size[1], 'zeroGradParameters')
    gradBias.arr()[...] = 0
    gradWeight.arr()[:, c] = 0


@kernel
def SparseLinear_updateGradInput(gradOutput, weight, gradInput, legacy):
    """The dense gradient gradOutput * weight as {index, value} pairs for every input column: a
    list of (inDim, 2) tensors (one per sample) or, legacy, one (batch, inDim, 2) tensor."""
    g = gradOutput.arr()
    w = weight.arr()
    inDim = w.shape[1]
    gi = (g.reshape(-1, w.shape[0]) @ w)
    idx = _xp.module_of(gi).arange(1, inDim + 1, dtype=gi.dtype)
    if legacy:
        r = out(gradInput, (gi.shape[0], inDim, 2))
        r[:, :, 0] = idx
        r[:, :, 1] = gi
        return
    for i, t in enumerate(_seq(gradInput)):
        r = out(t, (inDim, 2))
        r[:, 0] = idx
        r[:, 1] = gi[i]


# ----------------------------------------------------------------------------- IndexLinear

@kernel
def IndexLinear_flatten(lkeys, lvalues, keys, values, sizes, cumSumSizes):
    """Concatenate the batch's key and value tensors; sizes and their cumulative sums."""
    ks, vs = _seq(lkeys), _seq(lvalues)
    check(len(ks) == len(vs), 'IndexLinear: as many key tensors as value tensors expected')
    for k, v in zip(ks, vs):
        check(k.dim() == 1 and v.dim() == 1, 'keys and values should be 1D')
        check(k.size[0] == v.size[0], 'Keys and values should be of same size')
    n = [k.size[0] for k in ks]
    tot = sum(n)
    ka = out(keys, (tot,))
    va = out(values, (tot,))
    if tot:
        ka[...] = np.concatenate([k.arr() for k in ks])
        va[...] = np.concatenate([v.arr() for v in vs])
    out(sizes, (len(ks),))[...] = n
    out(cumSumSizes, (len(ks),))[...] = list(accumulate(n))


def _il_geom(keys, keysOffset, values, sizes, weight, bias):
    check(keys.dim() == 1 and values.dim() == 1 and keys.size[0] == values.size[0],
          'Keys and values should have the same number of elements')
    outDim = bias.size[0]
    norm = weight.size[1] - outDim
    w = weight.arr()     # keys and sizes may be LongTensors for a Cuda module: moved to its side
    idx = _xp.on_side(keys.arr(), w).astype(np.int64) + keysOffset
    bad = (idx < 0) | (idx >= weight.size[0])
    if bad.any():
        raise TorchError('IndexLinear: key %d out of range (1 to %d)'
                         % (int(idx[bad][0]) - keysOffset, weight.size[0]))
    s = _xp.on_side(sizes.arr(), w).astype(np.int64)
    check(int(s.sum()) == idx.size, 'IndexLinear: sizes do not add up to the number of keys')
    rows = np.repeat(_xp.module_of(s).arange(s.size), s)
    return outDim, norm, idx, rows, s.size


def _rounds(idx):
    """Positions of idx split in rounds where no key repeats, each key's occurrences in order
    (for sequential per-entry updates of the same weight row)."""
    n = idx.size
    if n == 0:
        return []
    order = np.argsort(idx, kind='stable')
    k = idx[order]
    first = np.empty_like(k, dtype=bool)
    first[0] = True
    np.not_equal(k[1:], k[:-1], out=first[1:])
    # the rank of each occurrence among its key's: position - its group's first position
    pos = _xp.module_of(k).arange(n)
    rank = pos - np.flatnonzero(first)[np.cumsum(first) - 1]
    last = int(rank.max())
    if last == 0:
        return [order]
    return [order[rank == i] for i in range(last + 1)]


@kernel
def IndexLinear_updateOutput(keys, keysOffset, values, sizes, output, weight, bias,
                             normalizedValues, train):
    """output (batch, out) = bias + sum over each sample's keys of value * weight[key]; with
    max-normalisation (4 extra leading weight columns: max |value|, its inverse, update scale,
    feature bias) the values are normalised first (and the maxima updated while training)."""
    outDim, norm, idx, rows, B = _il_geom(keys, keysOffset, values, sizes, weight, bias)
    v = values.arr()
    w = weight.arr()
    if norm:
        nv = out(normalizedValues, (idx.size,))
        av = np.abs(v)
        if train:
            for r in _rounds(idx):
                ir = idx[r]
                up = av[r] > w[ir, 0]
                w[ir[up], 0] = av[r][up]
                w[ir[up], 1] = 1 / av[r][up]
                w[ir, 2] = 1
                nv[r] = np.where(av[r] > w[ir, 0], np.sign(v[r]), v[r] * w[ir, 1]) + w[ir, 3]
        else:
            nv[...] = np.where(av > w[idx, 0], np.sign(v), v * w[idx, 1]) + w[idx, 3]
        v = nv
    y = out(output, (B, outDim))
    y[...] = bias.arr()
    if idx.size:
        r, s = _group_sum(rows, v[:, None] * w[idx, norm:norm + outDim], presorted=True)
        y[r] += s


@kernel
def IndexLinear_accGradParameters(keys, keysOffset, values, sizes, gradOutput, gradWeight,
                                  gradBias, weight, bias, weightDecay, scale):
    """gradWeight (one row per key occurrence) = scale * value * gradOutput[sample] (preceded by
    scale * gradOutput[sample] with max-normalisation); gradBias += scale * sum(gradOutput)."""
    outDim, norm, idx, rows, B = _il_geom(keys, keysOffset, values, sizes, weight, bias)
    g = gradOutput.arr().reshape(B, outDim)
    v = values.arr()
    gw = out(gradWeight, (idx.size, outDim * (2 if norm else 1)))
    if norm:
        np.multiply(g[rows], scale, out=gw[:, :outDim])
        np.multiply(gw[:, :outDim], v[:, None], out=gw[:, outDim:])
    else:
        np.multiply(g[rows], (scale * v)[:, None], out=gw)
    gradBias.arr().__iadd__(scale * g.sum(0))


@kernel
def IndexLinear_updateParameters(gradWeight, gradBias, weight, bias, runningKeys, keysOffset,
                                 weightDecay, learningRate):
    """bias -= lr * gradBias; each key's weight row takes its gradient rows in turn (with the
    sparse weight decay and, max-normalised, the update scale and the feature-bias update)."""
    outDim = bias.size[0]
    norm = weight.size[1] - outDim
    w = weight.arr()
    lr, wd = learningRate, weightDecay
    bias.arr().__isub__(lr * gradBias.arr())
    idx = _xp.on_side(runningKeys.arr(), w).astype(np.int64) + keysOffset
    gw = gradWeight.arr().reshape(idx.size, -1)
    if not norm and not wd:
        if idx.size:
            k, s = _group_sum(idx, gw)
            w[k, :outDim] -= lr * s
        return
    for r in _rounds(idx):
        ir = idx[r]
        if not norm:
            wr = w[ir, :outDim]
            w[ir, :outDim] = wr - wr * wd - gw[r] * lr
            continue
        lrs = lr * w[ir, norm - 2][:, None]
        wr = w[ir, norm:norm + outDim]
        if outDim == 1:
            w[ir, norm - 1] -= (wr * gw[r, :1] * lrs)[:, 0]
            w[ir, norm:norm + 1] = wr - (gw[r, 1:2] * lrs - wd * w[ir, norm - 2][:, None] * wr)
        else:
            w[ir, norm - 1] -= (gw[r, :outDim] * wr * lrs).sum(1)
            if wd:
                wr = wr - wr * (wd * w[ir, norm - 2][:, None])
            w[ir, norm:norm + outDim] = wr - gw[r, outDim:] * lrs


@kernel
def IndexLinear_accUpdateGradParameters(keys, keysOffset, values, sizes, gradOutput, weight,
                                        bias, weightDecay, scale):
    """The update done directly: bias -= scale * sum(gradOutput); weight[key] -= scale * value
    * gradOutput[sample] for each entry in turn (plus weight decay / normalisation terms)."""
    outDim, norm, idx, rows, B = _il_geom(keys, keysOffset, values, sizes, weight, bias)
    g = gradOutput.arr().reshape(B, outDim)
    v = values.arr()
    w = weight.arr()
    wd = weightDecay
    bias.arr().__isub__(scale * g.sum(0))
    if not norm and not wd:
        if idx.size:
            k, s = _group_sum(idx, (scale * v)[:, None] * g[rows])
            w[k, :outDim] -= s
        return
    for r in _rounds(idx):
        ir = idx[r]
        gr = g[rows[r]]
        if not norm:
            wr = w[ir, :outDim]
            w[ir, :outDim] = wr - wr * wd - (scale * v[r])[:, None] * gr
            continue
        us = w[ir, norm - 2][:, None]
        wr = w[ir, norm:norm + outDim]
        if outDim == 1:
            val = gr * scale
            w[ir, norm - 1] -= (wr * val * us)[:, 0]
            w[ir, norm:norm + 1] = wr - (val * v[r][:, None] - wd * wr) * us
        else:
            w[ir, norm - 1] -= (wr * scale * gr * us).sum(1)
            if wd:
                wr = wr - wr * (wd * us)
            w[ir, norm:norm + outDim] = wr - (v[r][:, None] * scale * us) * gr
    if norm and outDim == 1:
        w[idx, norm - 2] = 0


@kernel
def IndexLinear_updateGradInput(gradOutput, weight, gradInput):
    """The dense gradient gradOutput * weight^T into gradInput, (batch, inputSize)."""
    g = gradOutput.arr().reshape(-1, weight.size[1])
    np.matmul(g, weight.arr().T, out=out(gradInput, (g.shape[0], weight.size[0])))
