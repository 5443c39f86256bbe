"""A few thousand mutated .t7 files through both loaders (benchmarks/fuzz_t7.py runs 100k+):
every one loads or fails with a clean error, quickly."""
import importlib.util
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location('fuzz_t7', ROOT / 'benchmarks' / 'fuzz_t7.py')
fuzz_t7 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fuzz_t7)

_FUZZER = []


def fuzzer():
    if not _FUZZER:
        _FUZZER.append(fuzz_t7.Fuzzer())
    return _FUZZER[0]


def test_seeds_load_cleanly():
    fz = fuzzer()
    assert len(fz.corpus) > 60
    for data, mode in fz.corpus:
        problems, (kind, what) = fz.run_one(data, mode)
        assert not problems
    # the seeds written by luatorch itself all load
    n_own = len(fz.corpus) - len(list(fuzz_t7.SHARED_T7.glob('*.t7')))
    for data, mode in fz.corpus[:n_own]:
        assert fz.run_one(data, mode)[1][0] == 'ok'


@settings(max_examples=2000, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.randoms(use_true_random=False), st.integers(0, 7))
def test_mutated_files(rnd, via_file):
    fz = fuzzer()
    data, mode = rnd.choice(fz.corpus)
    data = fuzz_t7.mutate(rnd, data, fz.corpus)
    t = time.perf_counter()
    problems, _ = fz.run_one(data, mode, via_file=via_file == 0)
    assert time.perf_counter() - t < 10.0   # a hang guard (cases take ~0.01 s), not a speed test
    assert not problems, (problems, data)


@pytest.mark.parametrize('message, clean', [
    ('x.lua:3: read error: read 0 blocks instead of 1', True),
    ('unknown Torch class <A>', True),
    ('ValueError: array is too big', False),
    ('Traceback (most recent call last): ...', False),
])
def test_clean_message_classifier(message, clean):
    assert fuzz_t7.clean_message(message) is clean
