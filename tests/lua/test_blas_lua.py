"""BLAS, LAPACK, convolutions and cat/diag/tril/triu/repeatTensor as Lua code sees them, via `th`."""
import subprocess
import sys

import pytest

from tests.helpers import SHARED, th

GOLDEN = SHARED / 'golden' / 'tensor_ops'


def lines(code):
    return th(code).split('\n')[:-1]


def test_calling_forms_of_addmm():
    out = lines("""
      local A = torch.Tensor({{1, 2}, {3, 4}})
      local B = torch.Tensor({{1, 0}, {0, 1}})
      local M = torch.ones(2, 2)
      local r = torch.addmm(M, A, B)                 -- new
      print(r[1][1], r[2][2], M[1][1])
      local r2 = torch.Tensor()
      print(torch.addmm(r2, 2, M, 3, A, B) == r2, r2[2][1])
      M:addmm(A, B)                                  -- M = M + A B
      print(M[1][2], M[2][2])
      local q = torch.ones(2, 2)
      q:addmm(0.5, 2, A, B)                          -- q = 0.5 q + 2 A B
      print(q[1][1], q[2][2])
      local p = torch.zeros(2, 2)
      p:addmm(3, A, B)                               -- p = p + 3 A B
      print(p[2][1])
    """)
    assert out == ['2\t5\t1\t', 'true\t11\t', '3\t5\t', '2.5\t8.5\t', '9\t']


def test_mm_mv_ger_bmm_methods_fill_self():
    out = lines("""
      local A = torch.Tensor({{1, 2}, {3, 4}})
      local M = torch.Tensor()
      M:mm(A, A) print(M[2][2], M:dim())
      local v = torch.Tensor()
      v:mv(A, torch.Tensor({1, 1})) print(v[1], v[2])
      local g = torch.Tensor()
      g:ger(torch.Tensor({1, 2}), torch.Tensor({3, 4, 5})) print(g:size(1), g:size(2), g[2][3])
      local b = torch.range(1, 8):resize(2, 2, 2)
      print(b:bmm(b, b) == b and 'self' or 'other', torch.bmm(b, b):size(1))
      print(torch.dot(torch.Tensor({1, 2}), torch.Tensor({3, 4})), torch.IntTensor({2}):dot(torch.IntTensor({5})))
    """)
    assert out == ['22\t2\t', '3\t7\t', '2\t3\t10\t', 'self\t2\t', '11\t10\t']


def test_integer_and_float_types():
    out = lines("""
      local a = torch.IntTensor({{1, 2}, {3, 4}})
      print(torch.mm(a, a):type(), torch.mm(a, a)[2][2])
      local f = torch.FloatTensor({{1, 2}, {3, 4}})
      print(torch.mm(f, f):type(), torch.addr(torch.FloatTensor(2, 2):zero(), torch.FloatTensor({1, 2}), torch.FloatTensor({1, 1}))[2][1])
      print(torch.ByteTensor({{200}}):mm(torch.ByteTensor({{2}}), torch.ByteTensor({{200}}))[1][1])
    """)
    assert out == ['torch.IntTensor\t22\t', 'torch.FloatTensor\t2\t', '144\t']


def test_errors_are_lua_errors():
    out = lines("""
      local ok, e = pcall(torch.mm, torch.ones(2, 3), torch.ones(2, 3))
      print(ok, e:find('size mismatch, m1: %[2 x 3%], m2: %[2 x 3%]') ~= nil)
      ok, e = pcall(torch.mm, torch.ones(2, 2), torch.FloatTensor(2, 2))
      print(ok, e:find('invalid arguments') ~= nil)
      ok, e = pcall(torch.gesv, torch.ones(2, 1), torch.Tensor({{1, 2}, {2, 4}}))
      print(ok, e:find('singular U') ~= nil)
      ok, e = pcall(torch.inverse, torch.IntTensor(2, 2))
      print(ok, e:find('torch.IntTensor does not implement the torch.inverse') ~= nil)
      ok, e = pcall(torch.potrf, torch.Tensor({{1, 0}, {0, -1}}))
      print(ok, e:find('leading minor of order 2') ~= nil)
    """)
    assert out == ['false\ttrue\t'] * 5


def test_lapack_results_are_column_major():
    out = lines("""
      local A = torch.Tensor({{4, 1}, {1, 3}})
      local B = torch.Tensor({{1, 2}, {3, 4}, {5, 6}}):t()
      local X, LU = torch.gesv(B, A)
      print(X:size(1), X:size(2), X:stride(1), X:stride(2), X:isContiguous(), LU:stride(2))
      local rb, ra = torch.Tensor(3, 2), torch.Tensor(2, 2)
      local x2, lu2 = torch.gesv(rb, ra, B, A)
      print(rb:stride(1), rb:stride(2), ra:stride(1), math.abs(x2[1][1] - X[1][1]) < 1e-12)
      print(torch.inverse(A):stride(1), torch.potrf(A):isContiguous())
      local e, V = torch.symeig(A, 'V')
      print(e:dim(), V:stride(1), V:stride(2))
      local U, S, W = torch.svd(torch.Tensor({{3, 0}, {4, 5}, {0, 1}}))
      print(U:stride(1), U:stride(2), W:isContiguous())
      local Q, R = torch.qr(torch.Tensor({{3, 0}, {4, 5}, {0, 1}}))
      print(Q:size(1), Q:size(2), Q:stride(2), R:size(1), R:size(2))
    """)
    assert out == ['2\t3\t1\t2\tfalse\t2\t', '1\t2\t1\ttrue\t', '1\tfalse\t',
                   '1\t1\t2\t', '1\t3\ttrue\t', '3\t2\t3\t2\t2\t']


def test_lapack_options_and_returns():
    out = lines("""
      local A = torch.Tensor({{2, 1}, {1, 3}})
      local L = torch.potrf(A, 'L')
      print(L[1][2], string.format('%.4f', L[2][1]))
      local x = torch.potrs(torch.Tensor({{1}, {2}}), torch.potrf(A))
      print(string.format('%.4f %.4f', x[1][1], x[2][1]))
      local inv = torch.potri(torch.potrf(A))
      print(string.format('%.4f %.4f', inv[1][2], inv[2][1]))
      local U, piv = torch.pstrf(A)
      print(piv:type(), piv[1], piv[2])
      local m, tau = torch.geqrf(A)
      local Q = torch.orgqr(m, tau)
      local QR = torch.ormqr(m, tau, torch.triu(m:narrow(1, 1, 2)))
      print(string.format('%.6f', (QR - A):abs():max()), tau:dim())
      local e = torch.eig(torch.Tensor({{0, -1}, {1, 0}}))
      print(e[1][1], e[1][2], e[2][2])
      local X, Af = torch.gels(torch.Tensor({{1}, {2}, {2}}), torch.Tensor({{1, 0}, {0, 1}, {0, 1}}))
      print(X:size(1), X:size(2), string.format('%.4f', X[2][1]), Af:size(1))
      local t = torch.trtrs(torch.Tensor({{1}, {1}}), torch.Tensor({{2, 5}, {3, 4}}), 'L')
      print(t[1][1], string.format('%.4f', t[2][1]))
    """)
    assert out == ['0\t0.7071\t', '0.2000 0.6000\t', '-0.2000 -0.2000\t', 'torch.IntTensor\t2\t1\t',
                   '0.000000\t1\t', '0\t1\t-1\t', '2\t1\t2.0000\t3\t', '0.5\t-0.1250\t']


def test_conv_and_shape_ops():
    out = lines("""
      local x = torch.range(1, 9):resize(3, 3)
      print(torch.conv2(x, torch.ones(2, 2))[1][1], x:xcorr2(torch.ones(1, 1), 'F'):size(1))
      local r = torch.Tensor()
      torch.conv3(r, torch.ones(2, 2, 2), torch.ones(2, 2, 2), 'F') print(r:size(1), r[2][2][2])
      print(torch.cat({torch.ones(2), torch.zeros(3)}):size(1), torch.ones(2, 2):cat(torch.zeros(2, 1)):size(2))
      print(torch.diag(torch.Tensor({1, 2}), -1)[3][2], x:diag(1)[2], x:tril(-1)[3][2], x:triu()[2][1])
      local t = torch.Tensor({1, 2}):repeatTensor(2, 2)
      print(t:size(1), t:size(2), t[2][3])
      local res = torch.Tensor()
      torch.repeatTensor(res, torch.Tensor({{1}, {2}}), 1, 3) print(res:size(1), res:size(2))
      print(torch.cross(torch.Tensor({1, 0, 0}), torch.Tensor({0, 0, 1}))[2])
    """)
    assert out == ['12\t3\t', '3\t8\t', '5\t3\t', '2\t6\t8\t0\t', '2\t4\t1\t', '2\t3\t', '-1\t']


GOLDEN_CASES = ['blas', 'linalg', 'linalg_decomp', 'conv2', 'cat_reshape', 'eye_diag_tril',
                'cross_trace']


@pytest.mark.parametrize('name', GOLDEN_CASES)
def test_golden(name):
    if not (GOLDEN / (name + '.lua')).is_file():
        pytest.skip('golden corpus not available')
    p = subprocess.run([sys.executable, '-m', 'luatorch.cli', name + '.lua'], capture_output=True,
                       text=True, cwd=GOLDEN, timeout=300)
    assert p.returncode == 0, p.stderr
    assert p.stdout == (GOLDEN / (name + '.out')).read_text()
