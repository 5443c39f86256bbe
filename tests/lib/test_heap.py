"""Heap tracking (luatorch/lib/heap.py): storage bytes are counted and collectors run."""
import gc

from luatorch.lib import heap, types
from luatorch.lib.storage import Storage


class Counter:
    def __init__(self):
        self.calls = 0

    def collect(self):
        self.calls += 1


def test_storages_are_counted_while_alive():
    gc.collect()
    gc.disable()
    try:
        _counted()
    finally:
        gc.enable()


def _counted():
    before = heap.info()['bytes']
    s = Storage(types.Double, 1000)
    assert heap.info()['bytes'] == before + 8000
    s.resize(10)
    assert heap.info()['bytes'] == before + 80
    view = Storage(types.Double, data=s.data[2:5], view=True)
    assert heap.info()['bytes'] == before + 80
    del s, view
    assert heap.info()['bytes'] == before


def test_collector_runs_past_the_soft_limit_and_limit_moves():
    c = Counter()
    heap.register('test-counter', c)
    old = heap._state['limit']
    try:
        heap._state['limit'] = heap.info()['bytes'] + 1000
        s = Storage(types.Byte, 2000)
        assert c.calls == 1
        assert heap.info()['limit'] >= heap.MIN_SOFT_LIMIT
        heap.set_tracking(False)
        heap._state['limit'] = 0
        t = Storage(types.Byte, 10)
        assert c.calls == 1
        del s, t
    finally:
        heap.set_tracking(True)
        heap.unregister('test-counter')
        heap._state['limit'] = max(old, heap.MIN_SOFT_LIMIT)
