"""conv.parallel: nn's split of big work between its threads."""
import threading

import pytest

from luatorch.lib.nn import conv


@pytest.fixture
def three(monkeypatch):
    from luatorch.lib import threads
    monkeypatch.setattr(conv, '_THREADS', 3)
    monkeypatch.setattr(threads, '_requested', None)     # (no torch.setnumthreads limit)


def test_parts_cover_the_range_once_on_distinct_threads(three):
    seen = []
    conv.parallel(lambda lo, hi: seen.append((lo, hi, threading.get_ident())), 10, 1 << 30)
    assert sorted(p[:2] for p in seen) == [(0, 3), (3, 6), (6, 10)]
    assert len({p[2] for p in seen}) == 3
    assert threading.get_ident() in {p[2] for p in seen}      # the caller does a part itself


def test_small_work_is_not_split(three):
    seen = []
    conv.parallel(lambda lo, hi: seen.append((lo, hi)), 10, 100)
    assert seen == [(0, 10)]


def test_a_parts_error_reaches_the_caller_and_the_workers_go_on(three):
    def fn(lo, hi):
        if lo == 3:
            raise ValueError('part 2')
    with pytest.raises(ValueError, match='part 2'):
        conv.parallel(fn, 10, 1 << 30)
    seen = []
    conv.parallel(lambda lo, hi: seen.append(lo), 10, 1 << 30)
    assert sorted(seen) == [0, 3, 6]


def test_the_callers_own_error_waits_for_the_workers(three):
    done = []

    def fn(lo, hi):
        if lo == 0:
            raise KeyError('mine')
        done.append(lo)
    with pytest.raises(KeyError):
        conv.parallel(fn, 10, 1 << 30)
    assert sorted(done) == [3, 6]


def test_a_split_inside_a_part_runs_unsplit(three):
    inner = []

    def fn(lo, hi):
        conv.parallel(lambda a, b: inner.append((lo, a, b)), 4, 1 << 30)
    conv.parallel(fn, 9, 1 << 30)
    assert sorted(inner) == [(0, 0, 4), (3, 0, 4), (6, 0, 4)]


def test_splits_from_two_threads_at_once(three):
    results = {}

    def caller(k):
        out = []
        for _ in range(50):
            parts = []
            conv.parallel(lambda lo, hi: parts.append((lo, hi)), 30, 1 << 30)
            out.append(sorted(parts))
        results[k] = out
    ts = [threading.Thread(target=caller, args=(k,)) for k in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    for k in range(2):
        assert len(results[k]) == 50
        for parts in results[k]:      # split or not, the whole range exactly once
            assert parts[0][0] == 0 and parts[-1][1] == 30
            assert all(a[1] == b[0] for a, b in zip(parts, parts[1:]))


def test_setnumthreads_limits_the_splits_and_the_blas(monkeypatch):
    from luatorch.lib import cblas, threads
    monkeypatch.setattr(conv, '_THREADS', 2)
    monkeypatch.setattr(threads, '_requested', threads._requested)
    before = threads.get_num_threads()
    try:
        threads.set_num_threads(1)
        assert threads.get_num_threads() == 1
        if cblas._THREAD_CALLS is not None:
            assert cblas._THREAD_CALLS[0]() == 1        # OpenBLAS's own count
        seen = []
        conv.parallel(lambda lo, hi: seen.append((lo, hi)), 10, 1 << 30)
        assert seen == [(0, 10)]
        threads.set_num_threads(2)
        assert threads.get_num_threads() == 2
        seen = []
        conv.parallel(lambda lo, hi: seen.append((lo, hi)), 10, 1 << 30)
        assert sorted(seen) == [(0, 5), (5, 10)]
    finally:
        threads.set_num_threads(before)
