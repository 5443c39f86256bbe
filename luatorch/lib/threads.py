"""torch.getnumthreads / torch.setnumthreads: the thread count of the BLAS behind numpy, which
nn's own splits of big element-wise work (nn/conv.parallel) follow too.

Torch7 sets OpenMP's thread count. Here the maths run in numpy, whose BLAS keeps its own thread
pool: with threadpoolctl installed its size is read and limited through it, else through
OpenBLAS's own calls (lib/cblas.py, numpy's bundled OpenBLAS); without either the count asked
for is recorded (and reported back) but the pool is left as it is.
"""
import os

from . import cblas

_requested = None
_limiter = None


def _threadpoolctl():
    try:
        import threadpoolctl
    except ImportError:
        return None
    return threadpoolctl


def _default():
    for var in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'):
        v = os.environ.get(var, '')
        if v.strip().isdigit() and int(v) > 0:
            return int(v)
    return os.cpu_count() or 1


def get_num_threads():
    """The BLAS thread count (threadpoolctl's report, else OpenBLAS's), else the recorded or
    default count."""
    tpc = _threadpoolctl()
    if tpc is not None:
        counts = [p.get('num_threads', 0) for p in tpc.threadpool_info()
                  if p.get('user_api') == 'blas']
        if counts:
            return max(counts)
    if cblas._THREAD_CALLS is not None:
        return cblas._THREAD_CALLS[0]()
    return _requested if _requested is not None else _default()


def requested():
    """The count torch.setnumthreads last asked for, or None."""
    return _requested


def set_num_threads(n):
    """Limit the BLAS pool to n threads (n < 1 counts as 1); recorded when it can't be set."""
    global _requested, _limiter
    n = max(1, int(n))
    _requested = n
    tpc = _threadpoolctl()
    if tpc is not None:
        _limiter = tpc.threadpool_limits(limits=n, user_api='blas')
    elif cblas._THREAD_CALLS is not None:
        cblas._THREAD_CALLS[1](n)
    return None
