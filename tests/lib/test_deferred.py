"""Deferred results (luatorch/lib/deferred.py): a gradInput nobody reads is never computed, and
whatever reads it sees exactly what the eager kernel writes."""
import numpy as np
import pytest

from luatorch.lib import deferred, tensor as T, types
from luatorch.lib.nn import load_all
from luatorch.lib.nn.linear import _grad_input as linear_gi

K = load_all()
D = types.Double


def arr(a):
    return T.from_array(np.array(a, dtype=np.float64))


def linear_case(seed=0, batch=16, nin=5, nout=3):
    r = np.random.RandomState(seed)
    return arr(r.randn(batch, nin)), arr(r.randn(batch, nout)), arr(r.randn(nout, nin))


def eager_linear(go, w, size):
    gi = T.empty(D, (0,))
    linear_gi(size, go, gi, w)
    return gi.arr().copy()


def test_linear_batch_gradinput_waits_and_uses_the_values_of_the_call():
    x, go, w = linear_case()
    want = eager_linear(go, w, x.size)
    gi = T.empty(D, (0,))
    K['Linear_updateGradInput'](x, go, gi, w)
    assert deferred.pending(gi.storage)
    assert gi.size == x.size                      # sized at once
    assert gi.storage.size() == 80 and deferred.pending(gi.storage)   # size asks nothing
    w.arr()[...] = 0                              # as updateParameters would, before any read
    go.arr()[...] = 7
    assert np.array_equal(gi.arr(), want)         # the product of the call's values, bit for bit
    assert not deferred.pending(gi.storage)


def test_a_second_call_replaces_the_pending_result():
    x, go, w = linear_case()
    _, go2, _ = linear_case(seed=1)
    gi = T.empty(D, (0,))
    K['Linear_updateGradInput'](x, go, gi, w)
    K['Linear_updateGradInput'](x, go2, gi, w)
    assert deferred.pending(gi.storage)
    assert np.array_equal(gi.arr(), eager_linear(go2, w, x.size))


def test_a_storage_read_once_is_computed_at_once_afterwards():
    x, go, w = linear_case()
    gi = T.empty(D, (0,))
    K['Linear_updateGradInput'](x, go, gi, w)
    gi.arr()
    assert gi.storage._job is deferred.OFF
    _, go2, _ = linear_case(seed=2)
    K['Linear_updateGradInput'](x, go2, gi, w)
    assert not deferred.pending(gi.storage)
    assert np.array_equal(gi.arr(), eager_linear(go2, w, x.size))


@pytest.mark.parametrize('read', [
    lambda gi: gi.storage.data.copy(),                             # the storage's buffer
    lambda gi: T.narrow(gi, 1, 2, 3).arr().copy(),                 # a view made while pending
    lambda gi: np.asarray(gi).copy(),
])
def test_every_way_of_reading_runs_the_job(read):
    x, go, w = linear_case()
    want = eager_linear(go, w, x.size)
    gi = T.empty(D, (16, 5))
    early = T.narrow(gi, 1, 1, 16)    # a view (and its array cache) from before the call
    early.arr()
    K['Linear_updateGradInput'](x, go, gi, w)
    assert deferred.pending(gi.storage)
    early_view = T.narrow(gi, 1, 1, 16)
    w.arr()[...] = 0
    got = read(gi)
    assert np.array_equal(gi.arr(), want)
    assert np.array_equal(early.arr(), want) and np.array_equal(early_view.arr(), want)
    assert got.size in (want.size, 3 * 5)


def test_writing_a_pending_tensor_first_computes_it():
    x, go, w = linear_case()
    want = eager_linear(go, w, x.size)
    gi = T.empty(D, (0,))
    K['Linear_updateGradInput'](x, go, gi, w)
    row = T.select(gi, 1, 2)
    row.arr()[...] = 5                    # writes the second row: the rest keeps the product
    want[1] = 5
    assert np.array_equal(gi.arr(), want)


def test_growing_the_storage_keeps_the_result():
    x, go, w = linear_case()
    want = eager_linear(go, w, x.size)
    gi = T.empty(D, (0,))
    K['Linear_updateGradInput'](x, go, gi, w)
    gi.storage.resize(200)
    assert np.array_equal(gi.storage.data[:80].reshape(16, 5), want)


def test_another_geometry_computes_the_old_result_then_the_new_one_at_once():
    x, go, w = linear_case()
    gi = T.empty(D, (0,))
    K['Linear_updateGradInput'](x, go, gi, w)
    old = T.view_of(gi, 0, (16, 5), (5, 1))   # keeps the old geometry
    want_old = eager_linear(go, w, x.size)
    x8, go8, _ = linear_case(seed=3, batch=8)
    K['Linear_updateGradInput'](x8, go8, gi, w)
    assert not deferred.pending(gi.storage)
    assert np.array_equal(gi.arr(), eager_linear(go8, w, x8.size))
    assert np.array_equal(old.arr()[8:], want_old[8:])   # the rows the new result left alone


def test_what_is_not_worth_deferring_is_computed_at_once():
    x, go, w = linear_case(batch=4)                 # a small batch
    gi = T.empty(D, (0,))
    K['Linear_updateGradInput'](x, go, gi, w)
    assert not deferred.pending(gi.storage)
    x, go, w = linear_case()
    got = T.transpose(arr(go.arr().T.copy()), 1, 2)   # a non-contiguous gradOutput
    gi = T.empty(D, (0,))
    K['Linear_updateGradInput'](x, got, gi, w)
    assert not deferred.pending(gi.storage)
    assert np.array_equal(gi.arr(), eager_linear(go, w, x.size))


def test_off_switch(monkeypatch):
    monkeypatch.setattr(deferred, 'ENABLED', False)
    x, go, w = linear_case()
    gi = T.empty(D, (0,))
    K['Linear_updateGradInput'](x, go, gi, w)
    assert not deferred.pending(gi.storage)


@pytest.mark.parametrize('shape', [(3, 12, 12), (4, 3, 12, 12)])
def test_convolution_gradinput_waits_and_matches(shape, monkeypatch):
    r = np.random.RandomState(5)
    x = arr(r.randn(*shape))
    w, b = arr(r.randn(6, 3 * 5 * 5)), arr(r.randn(6))
    out, finput, fgi = T.empty(D, (0,)), T.empty(D, (0,)), T.empty(D, (0,))
    args = (5, 5, 1, 1, 0, 0)
    K['SpatialConvolutionMM_updateOutput'](x, out, w, b, finput, fgi, *args)
    go = arr(r.randn(*out.size))
    results = {}
    for enabled in (False, True):
        monkeypatch.setattr(deferred, 'ENABLED', enabled)
        gi = T.empty(D, (0,))
        K['SpatialConvolutionMM_updateGradInput'](x, go, gi, w, finput, fgi, *args)
        assert deferred.pending(gi.storage) == enabled
        assert gi.size == x.size
        results[enabled] = gi
    saved_go, w0 = go.arr().copy(), w.arr().copy()
    go.arr()[...] = 0
    w.arr()[...] = 0
    assert np.array_equal(results[True].arr(), results[False].arr())
    assert results[True].arr().any() and saved_go.any()
    # read once: computed at once from then on
    gi, want = results[True], results[False].arr().copy()
    go.arr()[...] = saved_go
    w.arr()[...] = w0
    K['SpatialConvolutionMM_updateGradInput'](x, go, gi, w, finput, fgi, *args)
    assert not deferred.pending(gi.storage)
    assert np.array_equal(gi.arr(), want)


def test_a_job_holds_no_reference_to_its_storage():
    import gc
    import weakref
    x, go, w = linear_case()
    gi = T.empty(D, (0,))
    K['Linear_updateGradInput'](x, go, gi, w)
    ref = weakref.ref(gi.storage)
    gc.disable()
    try:
        del gi
        assert ref() is None        # freed by reference counting alone
    finally:
        gc.enable()


def test_copies_held_by_pending_results_are_bounded(monkeypatch):
    """Clones of an unrolled network each keep their own pending result: past MAX_HELD bytes
    of copies the next ones are computed at once."""
    x, go, w = linear_case()
    per = (go.nelement() + w.nelement()) * 8
    monkeypatch.setattr(deferred, 'MAX_HELD', deferred.held() + 2 * per)
    gis = [T.empty(D, (0,)) for _ in range(3)]
    for gi in gis:
        K['Linear_updateGradInput'](x, go, gi, w)
    assert [deferred.pending(gi.storage) for gi in gis] == [True, True, False]
    gis[0].arr()                                   # read: its copies are given back
    gi = T.empty(D, (0,))
    K['Linear_updateGradInput'](x, go, gi, w)
    assert deferred.pending(gi.storage)
    want = eager_linear(go, w, x.size)
    assert all(np.array_equal(g.arr(), want) for g in gis + [gi])


def test_an_operand_sharing_the_pending_storage_gets_the_eager_result():
    """gradOutput a view of gradInput's own (pending) storage: copying it computes the old
    result first; the new one is then computed at once from those values, as eagerly."""
    x, go, w = linear_case()
    gi = T.empty(D, (0,))
    K['Linear_updateGradInput'](x, go, gi, w)
    old = eager_linear(go, w, x.size)
    go2 = T.view_of(gi, 0, (16, 3), (3, 1))         # the first 48 elements of gi's storage
    K['Linear_updateGradInput'](x, go2, gi, w)
    assert not deferred.pending(gi.storage)
    want = old.reshape(-1)[:48].reshape(16, 3) @ w.arr()
    assert np.array_equal(gi.arr(), want)


# ----------------------------------------------------------------------------- shared weight copies

@pytest.fixture
def share_small(monkeypatch):
    monkeypatch.setattr(deferred, 'SHARE_MIN', 1)     # these tests' weights are small


def _defer_linear(x, go, w):
    gi = T.empty(D, (0,))
    K['Linear_updateGradInput'](x, go, gi, w)
    assert deferred.pending(gi.storage)
    return gi


def _copy_of_weight(gi):
    return gi.storage._job.snaps[3]


def test_jobs_share_the_copy_of_a_weight_nothing_touched(share_small):
    x, go, w = linear_case()
    _, go2, _ = linear_case(seed=4)
    want1, want2 = eager_linear(go, w, x.size), eager_linear(go2, w, x.size)
    gi1 = _defer_linear(x, go, w)
    assert type(w.storage) is deferred.Watched
    gi2 = _defer_linear(x, go2, w)
    assert _copy_of_weight(gi2) is _copy_of_weight(gi1)     # one copy for both
    w.arr()[...] = 0                                        # touching it ends the watch
    assert type(w.storage) is not deferred.Watched
    assert np.array_equal(gi2.arr(), want2) and np.array_equal(gi1.arr(), want1)


def test_a_weight_touched_between_two_jobs_is_copied_again(share_small):
    x, go, w = linear_case()
    gi1 = _defer_linear(x, go, w)
    want1 = eager_linear(go, w, x.size)
    w.arr()[0, 0] += 1.0
    want2 = eager_linear(go, w, x.size)
    gi2 = _defer_linear(x, go, w)
    assert _copy_of_weight(gi2) is not _copy_of_weight(gi1)
    w.arr()[...] = 0
    assert np.array_equal(gi1.arr(), want1) and np.array_equal(gi2.arr(), want2)


def test_a_shared_copy_is_never_overwritten(share_small):
    # gi1 takes the copy, gi2 shares it; the weight changes and gi1 is deferred again: gi2 must
    # still get the product with the weight of its own call
    x, go, w = linear_case()
    want2 = eager_linear(go, w, x.size)
    gi1 = _defer_linear(x, go, w)
    gi2 = _defer_linear(x, go, w)
    w.arr()[...] += 0.5
    want1 = eager_linear(go, w, x.size)
    K['Linear_updateGradInput'](x, go, gi1, w)
    assert np.array_equal(gi2.arr(), want2) and np.array_equal(gi1.arr(), want1)


def test_a_copy_reused_for_another_weight_is_no_longer_offered_for_the_first(share_small):
    x, go, wa = linear_case()
    wb = arr(np.random.RandomState(9).randn(3, 5))
    gi1 = _defer_linear(x, go, wa)                 # the copy holds wa, offered by wa's storage
    K['Linear_updateGradInput'](x, go, gi1, wb)    # the same copy now holds wb
    assert type(wa.storage) is not deferred.Watched
    want = eager_linear(go, wa, x.size)
    gi2 = _defer_linear(x, go, wa)
    wa.arr()[...] = 0
    wb.arr()[...] = 0
    assert np.array_equal(gi2.arr(), want)


def test_a_computed_job_lets_its_copy_be_reused(share_small):
    x, go, w = linear_case()
    gi1 = _defer_linear(x, go, w)
    gi2 = _defer_linear(x, go, w)
    c = _copy_of_weight(gi1)
    assert c.users == 2
    gi2.arr()
    assert c.users == 1


def test_watching_a_part_of_a_flat_parameter_storage(share_small):
    # weights flattened into one storage (getParameters): touching another weight keeps the
    # copy on offer, touching the elements copied (through any view) ends it
    x, go, _ = linear_case()
    flat = arr(np.random.RandomState(7).randn(40))
    wa = T.view_of(flat, 0, (3, 5), (5, 1))
    wb = T.view_of(flat, 15, (3, 5), (5, 1))
    gi1 = _defer_linear(x, go, wa)
    wb.arr()[...] += 1.0                            # another weight of the same storage
    gi2 = _defer_linear(x, go, wa)
    assert _copy_of_weight(gi2) is _copy_of_weight(gi1)
    want = eager_linear(go, wa, x.size)
    T.view_of(flat, 14, (2,), (1,)).arr()[0] = 5.0  # the last element of wa
    assert type(flat.storage) is not deferred.Watched
    want3 = eager_linear(go, wa, x.size)
    gi3 = _defer_linear(x, go, wa)
    assert _copy_of_weight(gi3) is not _copy_of_weight(gi1)
    flat.arr()[...] = 0
    assert np.array_equal(gi1.arr(), want) and np.array_equal(gi2.arr(), want)
    assert np.array_equal(gi3.arr(), want3)


def test_the_storage_itself_ends_every_watch(share_small):
    x, go, w = linear_case()
    _defer_linear(x, go, w)
    w.storage.data
    assert type(w.storage) is not deferred.Watched and w.storage._watch is None


def test_a_small_weight_is_copied_for_each_job():
    # offering a copy bumps EPOCH (Lua asks again for every tensor it cached): not for a small one
    x, go, w = linear_case()
    assert w.nelement() < deferred.SHARE_MIN
    gi1 = _defer_linear(x, go, w)
    assert type(w.storage) is not deferred.Watched
    gi2 = _defer_linear(x, go, w)
    assert _copy_of_weight(gi2) is not _copy_of_weight(gi1)
