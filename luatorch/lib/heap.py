"""Heap tracking: tensor memory counted for Lua's garbage collector (torch.setheaptracking).

Lua's collector only sees a tensor's small userdata, not the buffer behind it, so a loop making
100 MB temporaries would allocate gigabytes before Lua felt any pressure. Every storage buffer
is counted here when it is allocated (or adopted) and uncounted when it is freed; when the
count passes a soft limit, the registered collectors (one per Lua state: a full
`collectgarbage()`) run, dropping unreachable tensors, and the soft limit is moved to a
multiple of what is still alive. Pure Python: the binding registers the collectors.
"""
import weakref

MIN_SOFT_LIMIT = 256 << 20       # never collect while less than this is allocated
GROWTH = 1.5                     # after a collection: limit = max(MIN, GROWTH * live bytes)

_state = {'bytes': 0, 'peak': 0, 'limit': MIN_SOFT_LIMIT, 'tracking': True, 'collections': 0,
          'busy': False}
_collectors = weakref.WeakValueDictionary()   # key -> object with a .collect() method


def register(key, owner):
    """owner.collect() is called when tracked memory passes the soft limit."""
    _collectors[key] = owner


def unregister(key):
    _collectors.pop(key, None)


def allocated(n):
    """Count n more bytes; may run the Lua collectors."""
    s = _state
    b = s['bytes'] + n
    s['bytes'] = b
    if b > s['peak']:
        s['peak'] = b
    if b > s['limit'] and s['tracking'] and not s['busy']:
        collect()


def freed(n):
    _state['bytes'] -= n


def collect():
    """Run every registered collector, then move the soft limit."""
    s = _state
    s['busy'] = True
    try:
        for owner in list(_collectors.values()):
            owner.collect()
        s['collections'] += 1
    finally:
        s['busy'] = False
        s['limit'] = max(MIN_SOFT_LIMIT, int(s['bytes'] * GROWTH))


def set_tracking(on):
    _state['tracking'] = bool(on)


def tracking():
    return _state['tracking']


def info():
    """{'bytes': tracked now, 'peak': most ever, 'limit': soft limit, 'collections': count}"""
    return {k: _state[k] for k in ('bytes', 'peak', 'limit', 'collections', 'tracking')}
