"""More convolutions: connection-table maps (SpatialConvolutionMap, SpatialFullConvolutionMap),
locally connected (SpatialConvolutionLocal), depth-wise (SpatialDepthWiseConvolution),
VolumetricDilatedConvolution and VolumetricFullConvolution.

All of them reuse conv.py's unfolding: `_im2col` gives the (N, C*K, P) columns of the input's
windows and `_col2im` adds columns back (its adjoint). A connection table becomes a dense weight
with zeros where planes are not connected, so the maps are ordinary (or transposed) convolutions
through one GEMM; the transposed convolutions are col2im of (W^T x) and their gradients im2col.
"""

import numpy as np

from . import kernel
from ._util import out, check
from .conv import (_im2col, _col2im, _shape_str, conv_forward, conv_grad_input, conv_acc_grad)
from .. import xp as _xp
from ..errors import TorchError
from ..tensor import from_array


def _acc(t, v):
    """t's values += v (v in any shape with t's number of elements)."""
    a = t.arr()
    a += v.reshape(a.shape)


def _batched(t, nd):
    """t's array with a batch dimension ((C, *S) -> (1, C, *S)); whether t had one."""
    a = t.arr()
    return (a[None], False) if a.ndim == nd + 1 else (a, True)


# ----------------------------------------------------------------------------- transposed conv

def _full_sizes(S, k, s, p, adj):
    return tuple((S[i] - 1) * s[i] - 2 * p[i] + k[i] + adj[i] for i in range(len(S)))


def _full_forward(x, w, bias, y, k, s, p):
    """y (N, Cout, *o) = the transposed convolution of x (N, Cin, *S) with w (Cin, Cout, *k)."""
    N, Cin = x.shape[:2]
    cols = np.matmul(w.reshape(Cin, -1).T, x.reshape(N, Cin, -1))      # (N, Cout*K, P)
    _col2im(cols, y.shape, k, s, p, (1,) * len(k), y)
    if bias is not None:
        y.reshape(y.shape[0], y.shape[1], -1).__iadd__(bias[:, None])


def _full_grad_input(g, w, gi, k, s, p):
    """gi (N, Cin, *S) = the convolution of g (N, Cout, *o) with w (Cin, Cout, *k)."""
    N, Cin = gi.shape[:2]
    cols = _im2col(g, k, s, p, (1,) * len(k))                           # (N, Cout*K, P)
    np.matmul(w.reshape(Cin, -1), cols, out=gi.reshape(N, Cin, -1))


def _full_acc_grad(x, g, k, s, p, scale):
    """(dW (Cin, Cout*K), db (Cout)) of the transposed convolution, times scale."""
    N, Cin = x.shape[:2]
    cols = _im2col(g, k, s, p, (1,) * len(k))
    dw = np.matmul(x.reshape(N, Cin, -1), cols.transpose(0, 2, 1)).sum(0)
    if scale != 1:
        dw *= scale
    return dw, scale * g.reshape(N, g.shape[1], -1).sum((0, 2))


# ----------------------------------------------------------------------------- connection maps

def _map_pairs(connTable, nconn):
    c = connTable.arr()
    check(connTable.dim() == 2 and c.shape[0] == nconn and c.shape[1] == 2,
          'connTable must be a (nWeights x 2) tensor matching the weight')
    return c[:, 0].astype(np.int64) - 1, c[:, 1].astype(np.int64) - 1


def _dense(weight, connTable, nrows, ncols, row_is_input):
    """The connection weights (nconn, kH, kW) placed in a dense (nrows, ncols, kH, kW) array at
    [output, input] (or [input, output] when row_is_input)."""
    w = weight.arr()
    check(weight.dim() == 3, 'weight must be a 3D tensor')
    i, o = _map_pairs(connTable, w.shape[0])
    i, o = _xp.on_side(i, w), _xp.on_side(o, w)
    d = _xp.module_of(w).zeros((nrows, ncols) + w.shape[1:], w.dtype)
    r, c = (i, o) if row_is_input else (o, i)
    np.add.at(d, (r, c), w)
    return d, i, o


def _map_check(input, nInputPlane, kW, kH):
    check(input.dim() in (3, 4), '3D or 4D(batch mode) tensor expected')
    C, H, W = input.size[-3:]
    check(C >= nInputPlane, 'invalid number of input planes')
    check(W >= kW and H >= kH, 'input image smaller than kernel size')
    return C


@kernel
def SpatialConvolutionMap_updateOutput(input, output, weight, bias, connTable, nInputPlane,
                                       nOutputPlane, dW, dH):
    """output[o] = bias[o] + sum over connections (i, o) of input[i] cross-correlated with the
    connection's kernel (stride dW x dH, no padding)."""
    kH, kW = weight.size[1:]
    C = _map_check(input, nInputPlane, kW, kH)
    d, _, _ = _dense(weight, connTable, nOutputPlane, C, False)
    conv_forward(input, output, from_array(d, weight.ttype, copy=False), bias, None, (kH, kW),
                 (dH, dW), (0, 0), (1, 1))


@kernel
def SpatialConvolutionMap_updateGradInput(input, gradOutput, gradInput, weight, bias, connTable,
                                          nInputPlane, nOutputPlane, dW, dH):
    kH, kW = weight.size[1:]
    C = _map_check(input, nInputPlane, kW, kH)
    d, _, _ = _dense(weight, connTable, nOutputPlane, C, False)
    conv_grad_input(input, gradOutput, gradInput, from_array(d, weight.ttype, copy=False), None,
                    (kH, kW), (dH, dW), (0, 0), (1, 1))


@kernel
def SpatialConvolutionMap_accGradParameters(input, gradOutput, gradWeight, gradBias, connTable,
                                            nInputPlane, nOutputPlane, dW, dH, scale):
    kH, kW = gradWeight.size[1:]
    C = _map_check(input, nInputPlane, kW, kH)
    i, o = _map_pairs(connTable, gradWeight.size[0])
    dense = from_array(np.zeros((nOutputPlane, C, kH, kW), gradWeight.arr().dtype),
                       gradWeight.ttype, copy=False)
    conv_acc_grad(input, gradOutput, dense, gradBias, None, (kH, kW), (dH, dW), (0, 0), (1, 1),
                  scale)
    _acc(gradWeight, dense.arr()[o, i])


def _fullmap_check(input, nInputPlane):
    check(input.dim() == 3, '3D tensor expected')
    check(input.size[0] >= nInputPlane, 'invalid number of input planes')


@kernel
def SpatialFullConvolutionMap_updateOutput(input, output, weight, bias, connTable, nInputPlane,
                                           nOutputPlane, dW, dH):
    """output[o] = bias[o] + sum over connections (i, o) of the full (transposed) convolution of
    input[i] with the connection's kernel; output (nOutputPlane, (H-1)*dH+kH, (W-1)*dW+kW)."""
    _fullmap_check(input, nInputPlane)
    kH, kW = weight.size[1:]
    C, H, W = input.size
    d, _, _ = _dense(weight, connTable, C, nOutputPlane, True)
    y = out(output, (nOutputPlane, (H - 1) * dH + kH, (W - 1) * dW + kW))
    _full_forward(input.arr()[None], d, bias.arr(), y[None], (kH, kW), (dH, dW), (0, 0))


@kernel
def SpatialFullConvolutionMap_updateGradInput(input, gradOutput, gradInput, weight, bias,
                                              connTable, nInputPlane, nOutputPlane, dW, dH):
    _fullmap_check(input, nInputPlane)
    kH, kW = weight.size[1:]
    C, H, W = input.size
    want = (nOutputPlane, (H - 1) * dH + kH, (W - 1) * dW + kW)
    check(tuple(gradOutput.size) == want, 'gradOutput has the wrong size: expected %s, got %s'
          % (_shape_str(want), _shape_str(gradOutput.size)))
    d, _, _ = _dense(weight, connTable, C, nOutputPlane, True)
    gi = out(gradInput, input.size)
    _full_grad_input(gradOutput.arr()[None], d, gi[None], (kH, kW), (dH, dW), (0, 0))


@kernel
def SpatialFullConvolutionMap_accGradParameters(input, gradOutput, gradWeight, gradBias,
                                                connTable, nInputPlane, nOutputPlane, dW, dH,
                                                scale):
    _fullmap_check(input, nInputPlane)
    kH, kW = gradWeight.size[1:]
    C = input.size[0]
    i, o = _map_pairs(connTable, gradWeight.size[0])
    dw, db = _full_acc_grad(input.arr()[None], gradOutput.arr()[None], (kH, kW), (dH, dW),
                            (0, 0), scale)
    _acc(gradWeight, dw.reshape(C, nOutputPlane, kH, kW)[i, o])
    _acc(gradBias, db)


# ----------------------------------------------------------------------------- local

def _local_geom(input, kW, kH, dW, dH, padW, padH, oW, oH):
    x, batched = _batched(input, 2)
    N, C = x.shape[:2]
    cols = _im2col(x, (kH, kW), (dH, dW), (padH, padW), (1, 1))        # (N, C*K, P)
    check(cols.shape[2] == oH * oW, 'SpatialConvolutionLocal: unexpected output size')
    return x, batched, N, cols


@kernel
def SpatialConvolutionLocal_updateOutput(input, output, weight, bias, kW, kH, dW, dH, padW, padH,
                                         iW, iH, oW, oH):
    """A convolution whose kernel differs at every output position: weight (oH*oW, nOut,
    nIn*kH*kW) in memory order, bias (nOut, oH, oW)."""
    x, batched, N, cols = _local_geom(input, kW, kH, dW, dH, padW, padH, oW, oH)
    P = oH * oW
    w = weight.arr().reshape(P, -1, cols.shape[1])                      # (P, O, CK)
    O = w.shape[1]
    y = out(output, ((N,) if batched else ()) + (O, oH, oW))
    r = np.matmul(w, cols.transpose(2, 1, 0))                           # (P, O, N)
    np.add(r.transpose(2, 1, 0), bias.arr().reshape(O, P), out=y.reshape(N, O, P))


@kernel
def SpatialConvolutionLocal_updateGradInput(input, gradOutput, gradInput, weight, kW, kH, dW, dH,
                                            padW, padH, iW, iH, oW, oH):
    x, batched = _batched(input, 2)
    N, C = x.shape[:2]
    P = oH * oW
    CK = C * kH * kW
    w = weight.arr().reshape(P, -1, CK)
    g = gradOutput.arr().reshape(N, w.shape[1], P)
    gcols = np.matmul(w.transpose(0, 2, 1), g.transpose(2, 1, 0))      # (P, CK, N)
    gi = out(gradInput, input.size)
    _col2im(_xp.ascontiguous(gcols.transpose(2, 1, 0)), x.shape, (kH, kW), (dH, dW),
            (padH, padW), (1, 1), gi.reshape(x.shape))


@kernel
def SpatialConvolutionLocal_accGradParameters(input, gradOutput, gradWeight, gradBias, kW, kH,
                                              dW, dH, padW, padH, iW, iH, oW, oH, scale):
    x, batched, N, cols = _local_geom(input, kW, kH, dW, dH, padW, padH, oW, oH)
    P = oH * oW
    O = gradWeight.nelement() // (P * cols.shape[1])
    g = gradOutput.arr().reshape(N, O, P)
    dw = np.matmul(g.transpose(2, 1, 0), cols.transpose(2, 0, 1))       # (P, O, CK)
    _acc(gradWeight, scale * dw if scale != 1 else dw)
    _acc(gradBias, scale * g.sum(0))


# ----------------------------------------------------------------------------- depth-wise

def _dw_geom(input, weight, kW, kH, dW, dH, padW, padH):
    if kW <= 0 or kH <= 0:
        raise TorchError('kernel size should be greater than zero, but got kH: %d kW: %d'
                         % (kH, kW))
    if dW <= 0 or dH <= 0:
        raise TorchError('stride should be greater than zero, but got dH: %d dW: %d' % (dH, dW))
    if input.dim() not in (3, 4):
        raise TorchError('3D or 4D input tensor expected but got: %s' % _shape_str(input.size))
    O = weight.size[0]
    Cw = weight.nelement() // (O * kH * kW)
    x, batched = _batched(input, 2)
    N, C, H, W = x.shape
    oH, oW = (H + 2 * padH - kH) // dH + 1, (W + 2 * padW - kW) // dW + 1
    if oH < 1 or oW < 1:
        raise TorchError('Given input size: (%d x %d x %d). Calculated output size: (%d x %d x '
                         '%d). Output size is too small' % (Cw, H, W, O * Cw, oH, oW))
    if C != Cw:
        raise TorchError('Need input of dimension %d and input.size[%d] == %d but got input to be '
                         'of shape: %s' % (input.dim(), input.dim() - 3, Cw, _shape_str(input.size)))
    return x, batched, N, C, O, oH, oW


def _dw_cols(x, kW, kH, dW, dH, padW, padH):
    N, C = x.shape[:2]
    cols = _im2col(x, (kH, kW), (dH, dW), (padH, padW), (1, 1))
    return cols.reshape(N, C, kH * kW, -1)                              # (N, C, K, P)


@kernel
def SpatialDepthWiseConvolution_updateOutput(input, output, weight, bias, finput, fgradInput,
                                             kW, kH, dW, dH, padW, padH):
    """Each input plane c convolved with its own nOutputPlane kernels weight[:, c]: output
    ([N,] nInputPlane*nOutputPlane, oH, oW), plane c*nOutputPlane + o; bias (nOut, nIn)."""
    x, batched, N, C, O, oH, oW = _dw_geom(input, weight, kW, kH, dW, dH, padW, padH)
    if weight.dim() == 2:
        out(weight, (O, C, kH, kW))
    w = weight.arr().reshape(O, C, kH * kW).transpose(1, 0, 2)          # (C, O, K)
    cols = _dw_cols(x, kW, kH, dW, dH, padW, padH)
    y = out(output, ((N,) if batched else ()) + (C * O, oH, oW))
    y4 = y.reshape(N, C, O, oH * oW)
    np.matmul(w, cols, out=y4)
    if bias is not None:
        y4 += bias.arr().T[:, :, None]


@kernel
def SpatialDepthWiseConvolution_updateGradInput(input, gradOutput, gradInput, weight, finput,
                                                fgradInput, kW, kH, dW, dH, padW, padH):
    x, batched, N, C, O, oH, oW = _dw_geom(input, weight, kW, kH, dW, dH, padW, padH)
    check(gradOutput.nelement() == N * C * O * oH * oW, 'gradOutput has the wrong size: %s'
          % _shape_str(gradOutput.size))
    if weight.dim() == 2:
        out(weight, (O, C, kH, kW))
    w = weight.arr().reshape(O, C, kH * kW).transpose(1, 2, 0)          # (C, K, O)
    g = gradOutput.arr().reshape(N, C, O, oH * oW)
    gcols = np.matmul(w, g)                                             # (N, C, K, P)
    gi = out(gradInput, input.size)
    _col2im(gcols.reshape(N, C * kH * kW, -1), x.shape, (kH, kW), (dH, dW), (padH, padW), (1, 1),
            gi.reshape(x.shape))


@kernel
def SpatialDepthWiseConvolution_accGradParameters(input, gradOutput, gradWeight, gradBias,
                                                  finput, fgradInput, kW, kH, dW, dH, padW, padH,
                                                  scale):
    x, batched, N, C, O, oH, oW = _dw_geom(input, gradWeight, kW, kH, dW, dH, padW, padH)
    check(gradOutput.nelement() == N * C * O * oH * oW, 'gradOutput has the wrong size: %s'
          % _shape_str(gradOutput.size))
    if gradWeight.dim() == 2:
        out(gradWeight, (O, C, kH, kW))
    cols = _dw_cols(x, kW, kH, dW, dH, padW, padH)
    g = gradOutput.arr().reshape(N, C, O, oH * oW)
    dw = np.matmul(g, cols.transpose(0, 1, 3, 2)).sum(0)               # (C, O, K)
    _acc(gradWeight, scale * dw.transpose(1, 0, 2))
    if gradBias is not None:
        _acc(gradBias, scale * g.sum((0, 3)).T)


# ----------------------------------------------------------------------------- volumetric

@kernel
def VolumetricDilatedConvolution_updateOutput(input, output, weight, bias, finput, fgradInput,
                                              kT, kW, kH, dT, dW, dH, padT, padW, padH,
                                              dilationT, dilationW, dilationH):
    conv_forward(input, output, weight, bias, finput, (kT, kH, kW), (dT, dH, dW),
                 (padT, padH, padW), (dilationT, dilationH, dilationW))


@kernel
def VolumetricDilatedConvolution_updateGradInput(input, gradOutput, gradInput, weight, finput,
                                                 kT, kW, kH, dT, dW, dH, padT, padW, padH,
                                                 dilationT, dilationW, dilationH):
    conv_grad_input(input, gradOutput, gradInput, weight, None, (kT, kH, kW), (dT, dH, dW),
                    (padT, padH, padW), (dilationT, dilationH, dilationW))


@kernel
def VolumetricDilatedConvolution_accGradParameters(input, gradOutput, gradWeight, gradBias,
                                                   finput, fgradInput, kT, kW, kH, dT, dW, dH,
                                                   padT, padW, padH, dilationT, dilationW,
                                                   dilationH, scale):
    conv_acc_grad(input, gradOutput, gradWeight, gradBias, finput, (kT, kH, kW), (dT, dH, dW),
                  (padT, padH, padW), (dilationT, dilationH, dilationW), scale)


def _vfull_geom(input, weight, dT, dW, dH, padT, padW, padH, adjT, adjW, adjH):
    if input.dim() not in (4, 5):
        raise TorchError('4D or 5D (batch mode) tensor expected for input, but got: %s'
                         % _shape_str(input.size))
    if weight.ttype is not input.ttype:
        raise TorchError('expected input and weight of the same type, but got %s and %s' % (
            input.ttype.tensor_name, weight.ttype.tensor_name))
    nin, nout = weight.size[:2]
    k = tuple(weight.size[2:])
    s, p, adj = (dT, dH, dW), (padT, padH, padW), (adjT, adjH, adjW)
    if any(v <= 0 for v in s):
        raise TorchError('stride should be greater than zero, but got dT: %d dH: %d dW: %d'
                         % (dT, dH, dW))
    if any(adj[i] >= s[i] for i in range(3)):
        raise TorchError('output padding must be smaller than stride, but got adjT: %d adjH: %d '
                         'adjW: %d dT: %d dH: %d dW: %d' % (adjT, adjH, adjW, dT, dH, dW))
    x, batched = _batched(input, 3)
    if x.shape[1] != nin:
        raise TorchError('Need input of dimension %d and input.size[%d] == %d but got input to be '
                         'of shape: %s' % (input.dim(), input.dim() - 4, nin,
                                           _shape_str(input.size)))
    o = _full_sizes(x.shape[2:], k, s, p, adj)
    if any(v < 1 for v in o):
        raise TorchError('Given input size: (%s). Calculated output size: (%s). Output size is too '
                         'small' % (' x '.join(map(str, x.shape[1:])),
                                    ' x '.join(map(str, (nout,) + o))))
    return x, batched, nout, k, s, p, o


@kernel
def VolumetricFullConvolution_updateOutput(input, output, weight, bias, finput, fgradInput,
                                           dT, dW, dH, padT, padW, padH, adjT, adjW, adjH):
    """The transposed 3D convolution: weight (nIn, nOut, kT, kH, kW); output sizes
    (in - 1) * stride - 2 * pad + kernel + adj."""
    x, batched, nout, k, s, p, o = _vfull_geom(input, weight, dT, dW, dH, padT, padW, padH,
                                               adjT, adjW, adjH)
    if bias is not None and bias.nelement() != nout:
        raise TorchError('Need bias of dimension 1 and bias.size[0] == %d but got bias to be of '
                         'shape: %s' % (nout, _shape_str(bias.size)))
    N = x.shape[0]
    y = out(output, ((N,) if batched else ()) + (nout,) + o)
    _full_forward(x, weight.arr(), None if bias is None else bias.arr(),
                  y if batched else y[None], k, s, p)


def _vfull_go(gradOutput, N, nout, o, batched):
    want = ((N,) if batched else ()) + (nout,) + o
    if tuple(gradOutput.size) != want:
        raise TorchError('Need gradOutput of size %s but got gradOutput to be of shape: %s'
                         % (_shape_str(want), _shape_str(gradOutput.size)))
    g = gradOutput.arr()
    return g if batched else g[None]


@kernel
def VolumetricFullConvolution_updateGradInput(input, gradOutput, gradInput, weight, finput,
                                              fgradInput, dT, dW, dH, padT, padW, padH,
                                              adjT, adjW, adjH):
    x, batched, nout, k, s, p, o = _vfull_geom(input, weight, dT, dW, dH, padT, padW, padH,
                                               adjT, adjW, adjH)
    g = _vfull_go(gradOutput, x.shape[0], nout, o, batched)
    gi = out(gradInput, input.size)
    _full_grad_input(g, weight.arr(), gi.reshape(x.shape), k, s, p)


@kernel
def VolumetricFullConvolution_accGradParameters(input, gradOutput, gradWeight, gradBias, finput,
                                                fgradInput, dT, dW, dH, padT, padW, padH,
                                                adjT, adjW, adjH, scale):
    x, batched, nout, k, s, p, o = _vfull_geom(input, gradWeight, dT, dW, dH, padT, padW, padH,
                                               adjT, adjW, adjH)
    g = _vfull_go(gradOutput, x.shape[0], nout, o, batched)
    dw, db = _full_acc_grad(x, g, k, s, p, scale)
    _acc(gradWeight, dw)
    if gradBias is not None:
        _acc(gradBias, db)
