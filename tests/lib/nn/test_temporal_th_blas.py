"""TemporalConvolution makes THNN's BLAS calls (TemporalConvolution.c): per sample, the output
frames start as the bias, then one GEMM per group of frames whose input windows do not overlap
(frames k, k + ofs, ...); the gradients the same way; gradBias frame by frame (axpy). The
references call the BLAS through ctypes with those calls' arguments (column-major, as THBlas)."""
import numpy as np
import pytest

from luatorch import from_numpy
from luatorch.lib import cblas, nn
from bitlevel import bits

K = nn.load_all()
needs_blas = pytest.mark.skipif(not cblas.has_gemm(np.dtype(np.float64)),
                                reason="numpy's OpenBLAS not found")


def groups(T, kW, dW):
    ofs = (kW - 1) // dW + 1
    ifs = ofs * dW
    left, k = (T - kW) // dW + 1, 0
    while left > 0:
        nf = (T - k * dW - kW) // ifs + 1
        left -= nf
        yield k, nf, ofs, ifs
        k += 1


def ref(x, w, b, g, kW, dW, scale):
    """THNN's calls for one sequence x (T, F): output, gradInput, gradWeight, gradBias (the last
    two accumulated onto copies of w-shaped / b-shaped start values 0.5)."""
    T, F = x.shape
    O = w.shape[0]
    nout = (T - kW) // dW + 1
    y = np.empty((nout, O), x.dtype)
    y[...] = b
    gi = np.zeros_like(x)
    gw = np.full_like(w, 0.5)
    gb = np.full_like(b, 0.5)
    for k in range(nout):
        cblas._AXPY[gb.dtype](O, scale, g[k].ctypes.data, 1, gb.ctypes.data, 1)
    for k, nf, ofs, ifs in groups(T, kW, dW):
        xo, yo, go = k * dW * F, k * O, k * O
        # output window (nf x O, ld ofs*O) += input window (nf x kW*F, ld ifs*F) @ w^T
        cblas.gemm('t', 'n', O, nf, kW * F, 1.0, w, kW * F, x.reshape(-1)[xo:], ifs * F, 1.0,
                   y.reshape(-1)[yo:], ofs * O)
        # gradInput window (nf x kW*F) += gradOutput window (nf x O) @ w
        cblas.gemm('n', 'n', kW * F, nf, O, 1.0, w, kW * F, g.reshape(-1)[go:], ofs * O, 1.0,
                   gi.reshape(-1)[xo:], ifs * F)
        # gradWeight (O x kW*F) += scale * gradOutput window^T @ input window
        cblas.gemm('n', 't', kW * F, O, nf, scale, x.reshape(-1)[xo:], ifs * F,
                   g.reshape(-1)[go:], ofs * O, 1.0, gw, kW * F)
    return y, gi, gw, gb


@needs_blas
@pytest.mark.parametrize('dt', [np.float64, np.float32])
@pytest.mark.parametrize('kW,dW', [(3, 1), (2, 2), (5, 2), (1, 1), (4, 3)])
@pytest.mark.parametrize('scale', [1.0, -0.01])
@pytest.mark.parametrize('batch', [False, True])
@pytest.mark.parametrize('O', [9, 1])
def test_temporal_convolution_is_thnns_calls(dt, kW, dW, scale, batch, O):
    rng = np.random.default_rng(kW * 10 + dW)
    T, F = 23, 70
    N = 3 if batch else 1
    xs = rng.standard_normal((N, T, F)).astype(dt)
    w = rng.standard_normal((O, kW * F)).astype(dt)
    b = rng.standard_normal(O).astype(dt)
    nout = (T - kW) // dW + 1
    gs = rng.standard_normal((N, nout, O)).astype(dt)
    want = [ref(xs[n], w, b, gs[n], kW, dW, scale) for n in range(N)]
    x, g = (xs, gs) if batch else (xs[0], gs[0])
    y, gi = from_numpy(np.empty(0, dt)), from_numpy(np.empty(0, dt))
    gw, gb = from_numpy(np.full_like(w, 0.5)), from_numpy(np.full_like(b, 0.5))
    K['TemporalConvolution_updateOutput'](from_numpy(x), y, from_numpy(w), from_numpy(b), kW, dW, F, O)
    K['TemporalConvolution_updateGradInput'](from_numpy(x), from_numpy(g), gi, from_numpy(w), kW, dW)
    K['TemporalConvolution_accGradParameters'](from_numpy(x), from_numpy(g), gw, gb, kW, dW, scale)
    yy = y.arr().reshape(N, nout, O)
    gii = gi.arr().reshape(N, T, F)
    for n in range(N):
        assert np.array_equal(bits(yy[n]), bits(want[n][0]))
        assert np.array_equal(bits(gii[n]), bits(want[n][1]))
    if not batch:
        assert np.array_equal(bits(gw.arr()), bits(want[0][2]))
        assert np.array_equal(bits(gb.arr()), bits(want[0][3]))
