import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / 'lua' / 'nn'))

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _thread_count_kept():
    """A test that calls torch.setnumthreads leaves the next one the count it found (nn's
    splits follow the count asked for last)."""
    from luatorch.lib import cblas, threads
    requested = threads._requested
    calls = cblas._THREAD_CALLS
    count = calls[0]() if calls is not None else None
    yield
    threads._requested = requested
    if calls is not None and calls[0]() != count:
        calls[1](count)
