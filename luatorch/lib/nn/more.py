"""Kernels of smaller nn modules: MV, GatedLinearUnit, MaskedSelect, PixelShuffle, UpSampling
(volumetric nearest and trilinear), VolumetricDropout, WeightNorm and LinearWeightNorm.
"""
import numpy as np

from . import kernel
from ._util import out, like, check
from ..errors import TorchError
from .conv import _dev
from .transfer import feature_dropout, feature_dropout_grad
from .upsampling import _interp_matrix


# ----------------------------------------------------------------------------- MV

@kernel
def MV_updateOutput(M, v, output, trans):
    """output = M v (M 2D, v 1D) or per batch element (M 3D, v 2D); M transposed first if trans."""
    nd = M.dim()
    check(nd in (2, 3), 'input matrix must be 2D or 3D')
    check(v.dim() in (1, 2), 'input vector must be 1D or 2D')
    m = M.arr()
    if nd == 2:
        check(v.dim() == 1, 'vector must be 1D')
        if trans:
            m = m.T
        check(m.shape[1] == v.size[0], 'matrix row count and vector length do not match')
        np.matmul(m, v.arr(), out=out(output, m.shape[:1]))
    else:
        check(v.dim() == 2, 'vector must be 2D (batch dimension)')
        check(m.shape[0] == v.size[0], 'inputs must contain the same number of minibatches')
        if trans:
            m = m.transpose(0, 2, 1)
        check(m.shape[2] == v.size[1], 'matrix row count and vector length do not match')
        y = out(output, m.shape[:2])
        np.matmul(m, v.arr()[:, :, None], out=y[:, :, None])


@kernel
def MV_updateGradInput(M, v, gradOutput, gradM, gradV, trans):
    check(gradOutput.dim() in (1, 2), 'arguments must be a 1D or 2D Tensor')
    g = gradOutput.arr()
    m, x = M.arr(), v.arr()
    gm, gv = like(gradM, M), like(gradV, v)
    if gradOutput.dim() == 2:
        check(M.dim() == 3, 'matrix must must be 3D (batched)')
        check(v.dim() == 2, 'vector must be 2D (batched)')
        if trans:     # out = M^T v: dM = v g^T, dv = M g
            np.multiply(x[:, :, None], g[:, None, :], out=gm)
            np.matmul(m, g[:, :, None], out=gv[:, :, None])
        else:         # out = M v: dM = g v^T, dv = M^T g
            np.multiply(g[:, :, None], x[:, None, :], out=gm)
            np.matmul(g[:, None, :], m, out=gv[:, None, :])
    else:
        check(M.dim() == 2, 'matrix must be 2D')
        check(v.dim() == 1, 'vector must be 1D')
        if trans:
            np.multiply(x[:, None], g[None, :], out=gm)
            np.matmul(m, g, out=gv)
        else:
            np.multiply(g[:, None], x[None, :], out=gm)
            np.matmul(g, m, out=gv)


# ----------------------------------------------------------------------------- GatedLinearUnit

def _glu_halves(input, dim):
    nd = input.dim()
    check(1 <= dim <= nd, 'dimension out of range')
    n = input.size[dim - 1]
    check(n % 2 == 0, 'Halving dimension must be even. Dim %d is size %d' % (dim, n))
    x = input.arr()
    h = n // 2
    ax = dim - 1
    idx_a = (slice(None),) * ax + (slice(0, h),)
    idx_b = (slice(None),) * ax + (slice(h, n),)
    return x[idx_a], x[idx_b], idx_a, idx_b


def _sigmoid(b):
    s = np.negative(b)
    np.exp(s, out=s)
    s += 1
    np.reciprocal(s, out=s)
    return s


@kernel
def GatedLinearUnit_updateOutput(input, output, dim):
    """output = a * sigmoid(b), a and b the two halves of input along dim (1-based)."""
    a, b, _, _ = _glu_halves(input, dim)
    y = out(output, a.shape)
    np.multiply(a, _sigmoid(b), out=y)


@kernel
def GatedLinearUnit_updateGradInput(input, gradOutput, gradInput, dim):
    a, b, ia, ib = _glu_halves(input, dim)
    g = gradOutput.arr()
    check(g.shape == a.shape, 'gradOutput must have half the size of input along dimension %d'
          % dim)
    s = _sigmoid(b)
    gi = like(gradInput, input)
    np.multiply(g, s, out=gi[ia])
    t = gi[ib]
    np.subtract(1, s, out=t)
    t *= s
    t *= a
    t *= g


# ----------------------------------------------------------------------------- MaskedSelect

def _mask_array(input, mask):
    if mask.nelement() != input.nelement():
        raise TorchError('inconsistent tensor size, expected tensor [%s] and mask [%s] to have '
                         'the same number of elements' % (
                             ' x '.join(map(str, input.size)), ' x '.join(map(str, mask.size))))
    return mask.arr().reshape(input.size).astype(bool)


@kernel
def MaskedSelect_updateOutput(input, mask, output):
    """output = the elements of input where mask is 1, in row-major order (1D)."""
    sel = input.arr()[_mask_array(input, mask)]
    np.copyto(out(output, sel.shape), sel)


@kernel
def MaskedSelect_updateGradInput(input, mask, gradOutput, gradInput, gradMask):
    """gradInput: gradOutput put back where mask is 1, zeros elsewhere; gradMask: zeros."""
    m = _mask_array(input, mask)
    gi = like(gradInput, input)
    gi[...] = 0
    g = gradOutput.arr().reshape(-1)
    if g.size != int(m.sum()):
        raise TorchError('gradOutput has %d elements, the mask selects %d' % (g.size, int(m.sum())))
    gi[m] = g
    like(gradMask, mask)[...] = 0


# ----------------------------------------------------------------------------- PixelShuffle

def _shuffle_dims(input, r):
    check(input.dim() in (3, 4), 'PixelShuffle expects a 3D or 4D input')
    C, H, W = input.size[-3:]
    check(C % (r * r) == 0, 'the number of input planes (%d) must be divisible by the squared '
          'upscale factor (%d)' % (C, r * r))
    B = input.size[0] if input.dim() == 4 else 1
    return B, C // (r * r), H, W


@kernel
def PixelShuffle_updateOutput(input, output, r):
    """([N,] C*r*r, H, W) -> ([N,] C, H*r, W*r): output[c, h*r+i, w*r+j] = input[c*r*r+i*r+j, h, w]."""
    B, C, H, W = _shuffle_dims(input, r)
    x = input.arr().reshape(B, C, r, r, H, W)
    y = out(output, input.size[:-3] + (C, H * r, W * r))
    np.copyto(y.reshape(B, C, H, r, W, r), x.transpose(0, 1, 4, 2, 5, 3))


@kernel
def PixelShuffle_updateGradInput(input, gradOutput, gradInput, r):
    B, C, H, W = _shuffle_dims(input, r)
    check(gradOutput.nelement() == input.nelement(), 'gradOutput has the wrong number of elements')
    g = gradOutput.arr().reshape(B, C, H, r, W, r)
    gi = like(gradInput, input)
    np.copyto(gi.reshape(B, C, r, r, H, W), g.transpose(0, 1, 3, 5, 2, 4))


# ----------------------------------------------------------------------------- UpSampling (5D)

def _shape_str(size):
    return ' x '.join(map(str, size))


@kernel
def VolumetricUpSamplingNearest_updateOutput(input, output, scale_factor):
    s = int(scale_factor)
    check(s >= 1, 'scale_factor must be greater than 1, but got: %d' % s)
    check(input.dim() in (4, 5), '4D or 5D input tensor expected but got: [%s]'
          % _shape_str(input.size))
    T, H, W = input.size[-3:]
    y = out(output, input.size[:-3] + (T * s, H * s, W * s))
    y.reshape(-1, T, s, H, s, W, s)[...] = input.arr().reshape(-1, T, 1, H, 1, W, 1)


@kernel
def VolumetricUpSamplingNearest_updateGradInput(input, gradOutput, gradInput, scale_factor):
    s = int(scale_factor)
    T, H, W = input.size[-3:]
    want = tuple(input.size[:-3]) + (T * s, H * s, W * s)
    if tuple(gradOutput.size) != want:
        raise TorchError('Need gradOutput of size [%s] but got gradOutput to be of shape: [%s]'
                         % (_shape_str(want), _shape_str(gradOutput.size)))
    gi = like(gradInput, input)
    g = gradOutput.arr().reshape(-1, T, s, H, s, W, s)
    np.sum(g, axis=(2, 4, 6), out=gi.reshape(-1, T, H, W))


def _trilinear(x, mats):
    """Apply the (o_i, n_i) matrices along the last three axes of x (B, T, H, W)."""
    mt, mh, mw = mats
    y = np.matmul(x, mw.T)                                     # (B, T, H, oW)
    y = np.matmul(mh, y)                                       # (B, T, oH, oW)
    B, T, oH, oW = y.shape
    return np.matmul(mt, y.reshape(B, T, oH * oW)).reshape(B, mt.shape[0], oH, oW)


def _trilinear_check(sizes, osizes):
    if not (all(v > 0 for v in sizes) and all(v > 0 for v in osizes)):
        raise TorchError('input and output sizes should be greater than 0, but got input (D: %d, '
                         'H: %d, W: %d) output (D: %d, H: %d, W: %d)' % (tuple(sizes) + tuple(osizes)))


@kernel
def VolumetricUpSamplingTrilinear_updateOutput(input, output, oT, oH, oW):
    check(input.dim() == 5, '5D input tensor expected but got: [%s]' % _shape_str(input.size))
    T, H, W = input.size[-3:]
    _trilinear_check((T, H, W), (oT, oH, oW))
    x = input.arr()
    mats = [_dev(_interp_matrix(n, o, x.dtype), x) for n, o in ((T, oT), (H, oH), (W, oW))]
    y = out(output, input.size[:-3] + (oT, oH, oW))
    y.reshape(-1, oT, oH, oW)[...] = _trilinear(x.reshape(-1, T, H, W), mats)


@kernel
def VolumetricUpSamplingTrilinear_updateGradInput(gradOutput, gradInput, N, C, T, H, W,
                                                  oT, oH, oW):
    want = (N, C, oT, oH, oW)
    if tuple(gradOutput.size) != want:
        raise TorchError('Need gradOutput of size [%s] but got gradOutput to be of shape: [%s]'
                         % (_shape_str(want), _shape_str(gradOutput.size)))
    g = gradOutput.arr()
    mats = [_dev(_interp_matrix(n, o, g.dtype), g).T for n, o in ((T, oT), (H, oH), (W, oW))]
    gi = out(gradInput, (N, C, T, H, W))
    gi.reshape(-1, T, H, W)[...] = _trilinear(g.reshape(-1, oT, oH, oW), mats)


# ----------------------------------------------------------------------------- VolumetricDropout

@kernel
def VolumetricDropout_updateOutput(input, output, noise, p, train):
    """nn.VolumetricDropout: one bernoulli(1-p) draw per feature volume while training."""
    feature_dropout(input, output, noise, p, train, 3,
                    '5D (nbatch, nfeat, t, h, w) or 4D (nfeat, t, h, w)')


@kernel
def VolumetricDropout_updateGradInput(input, gradOutput, gradInput, noise):
    feature_dropout_grad(gradOutput, gradInput, noise)


# ----------------------------------------------------------------------------- WeightNorm

def _to_rows(a, outputDim):
    """The weight-shaped array a as (n, rest) with dimension outputDim (1-based) first (a view
    when possible)."""
    a = np.moveaxis(a, outputDim - 1, 0)
    return a.reshape(a.shape[0], -1)


@kernel
def WeightNorm_updateWeight(v, g, weight, norm, scale, outputDim):
    """weight = g * v / ||v|| (row norms of v (n, m), with 1e-4 added to their square), laid out
    back in weight's shape with the rows along dimension outputDim."""
    va = v.arr()
    nrm = out(norm, (va.shape[0],))
    np.sqrt(np.einsum('ij,ij->i', va, va) + 1e-4, out=nrm)
    sc = out(scale, (va.shape[0],))
    np.divide(g.arr().reshape(-1), nrm, out=sc)
    w = weight.arr()
    wm = np.moveaxis(w, outputDim - 1, 0)
    wm[...] = (va * sc[:, None]).reshape(wm.shape)


@kernel
def WeightNorm_accGradParameters(v, gradWeight, gradV, gradG, norm, scale, outputDim):
    """From the wrapped module's gradWeight (dL/dw): gradG = sum_j dL/dw * v / ||v||,
    gradV = g/||v|| * (dL/dw - v/||v|| * gradG); gradWeight is then overwritten with gradV (in
    the weight's layout), as Torch does."""
    va = v.arr()
    gw = _to_rows(gradWeight.arr(), outputDim)
    nrm = norm.arr()[:, None]
    sc = scale.arr()[:, None]
    gg = out(gradG, (va.shape[0],))
    gg[...] = np.einsum('ij,ij->i', gw, va / nrm)     # (CuPy's einsum has no out=)
    gv = gradV.arr().reshape(va.shape)
    gv[...] = gw * sc - va * (sc / nrm) * gg[:, None]
    gwm = np.moveaxis(gradWeight.arr(), outputDim - 1, 0)
    gwm[...] = gv.reshape(gwm.shape)


@kernel
def LinearWeightNorm_updateWeight(v, g, weight, norm, scale, eps):
    """weight = v * g / max(||v||, eps), row by row."""
    va = v.arr()
    n = va.shape[0]
    nrm = out(norm, (n, 1))
    np.sqrt(np.einsum('ij,ij->i', va, va), out=nrm[:, 0])
    np.maximum(nrm, eps, out=nrm)
    sc = out(scale, (n, 1))
    np.divide(g.arr().reshape(n, 1), nrm, out=sc)
    np.multiply(va, sc, out=out(weight, va.shape))


@kernel
def LinearWeightNorm_accGradParameters(input, gradOutput, v, gradV, gradG, gradBias, norm, scale,
                                       s):
    """gradV += s * gradOutput^T input (and gradBias), then the weight-norm chain rule turns it
    into gradG and gradV in place."""
    x, go = input.arr(), gradOutput.arr()
    gv = gradV.arr()
    if input.dim() == 1:
        gv += s * np.multiply.outer(go, x)
        if gradBias is not None:
            gradBias.arr().__iadd__(s * go)
    elif input.dim() == 2:
        gv += s * (go.T @ x)
        if gradBias is not None:
            gradBias.arr().__iadd__(s * go.sum(0))
    va = v.arr()
    nrm, sc = norm.arr(), scale.arr()
    gg = gradG.arr()
    gg[...] = np.einsum('ij,ij->i', gv, va / nrm).reshape(gg.shape)
    gv *= sc
    gv -= va * (sc / nrm) * gg.reshape(-1, 1)
