"""The profiler of direct mode (grad(f, {profile = 'summary' | 'detailed'})).

A direct-mode trace given a Profiler times each primitive it applies (the forward computation)
and, in the reverse pass, each primitive's gradient functions; entries are kept per operation
name and per line of the user's code that called it (`site()`, asked of Lua when an operation is
first seen from a line). `report(kind)` gives torch-autograd's text: average forward, backward
and overall time per call, and for 'detailed' the ten operations taking the most time with their
share of the forward, backward and overall time.
"""
from time import perf_counter


class Entry:
    __slots__ = ('name', 'line', 'forward', 'backward')

    def __init__(self, name, line):
        self.name = name
        self.line = line
        self.forward = 0.0
        self.backward = 0.0


class Profiler:
    clock = staticmethod(perf_counter)

    def __init__(self, site=None):
        self.site = site          # () -> 'file:line' of the user's call, or None
        self.entries = []
        self.by_key = {}
        self.times = 0            # completed calls
        self.of_box = {}          # id(box) -> entry, during a call

    def _entry(self, name):
        line = self.site() if self.site is not None else None
        if isinstance(line, bytes):
            line = line.decode('utf-8', 'replace')
        key = (line, name)
        e = self.by_key.get(key)
        if e is None:
            e = Entry(name, line or '?')
            self.by_key[key] = e
            self.entries.append(e)
        return e

    def forward(self, prim, box, elapsed):
        e = self._entry(prim.qualname)
        e.forward += elapsed
        if box is not None:
            self.of_box[id(box)] = e

    def backward(self, box, elapsed):
        e = self.of_box.get(id(box))
        if e is not None:
            e.backward += elapsed

    def cycle(self):
        """One call done."""
        self.times += 1
        self.of_box = {}

    def report(self, kind='summary'):
        fwd = sum(e.forward for e in self.entries)
        bwd = sum(e.backward for e in self.entries)
        n = self.times + 1
        lines = ['',
                 '[autograd] average forward time: %.2fms' % (fwd / n * 1000.0),
                 '[autograd] average backward time: %.2fms' % (bwd / n * 1000.0),
                 '[autograd] average overall time: %.2fms' % ((fwd + bwd) / n * 1000.0),
                 '[autograd] top operations:']
        if kind == 'detailed':
            rule = '[autograd] ' + '=' * 80
            lines += [rule, '\t'.join(['[autograd] ' + 'name'.ljust(20), 'fwd', 'bwd', 'ovr',
                                       'line']), rule]
            top = sorted(self.entries, key=lambda e: -(e.forward + e.backward))[:10]
            for e in top:
                lines.append('\t'.join(['[autograd] ' + e.name.ljust(20), pct(e.forward, fwd),
                                        pct(e.backward, bwd),
                                        pct(e.forward + e.backward, fwd + bwd), e.line]))
        lines.append('')
        return '\n'.join(lines)


def pct(n, total):
    if total <= 0:
        return '0%'
    return '%d%%' % int(n / total * 100.0)


def summary(stats):
    """Optimized mode's report, from its counters (calls, cacheHits, cacheMisses, and seconds
    spent capturing, replaying, and outside df between calls)."""
    calls = stats.get('calls', 0) or 1
    hits = stats.get('cacheHits', 0)
    misses = stats.get('cacheMisses', 0)
    gen = stats.get('codegenTime', 0.0)
    ex = stats.get('executionTime', 0.0)
    ext = stats.get('externalTime', 0.0)
    avg_exec = ex / hits if hits else 0.0
    avg_gen = gen / misses if misses else 0.0
    # a capture also computes the call once: count that as execution
    gen_only = max(gen - avg_exec * misses, 0.0)
    total = gen + ex + ext
    return '\n'.join([
        ' ',
        '[autograd] code cache hit rate: %d%%' % int(hits / calls * 100.0),
        '[autograd] generated code paths: %d' % misses,
        '[autograd] code gen time: average=%.2fms total=%.2fs pct=%s'
        % ((avg_gen - avg_exec) * 1000.0, gen_only, pct(gen_only, total)),
        '[autograd] exec time:     average=%.2fms total=%.2fs pct=%s'
        % (avg_exec * 1000.0, ex, pct(ex, total)),
        '[autograd] external time: average=%.2fms total=%.2fs pct=%s'
        % (ext / calls * 1000.0, ext, pct(ext, total)),
        ' '])
