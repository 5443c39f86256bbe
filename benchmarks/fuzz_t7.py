"""Fuzz the .t7 loaders with mutated files: only clean errors, no crash, no hang, bounded memory.

Seeds are files written by luatorch itself (binary and ascii: numbers, strings, nested and shared
tables, cycles, tensors and storages of every type, views, torch.class objects with and without
custom read/write and versions, functions, Generators) plus the small real Torch7 files of
../shared/t7. Each case mutates a seed (bit flips, interesting 32/64-bit values over sizes and
tags, truncation, deletion, insertion, splicing) and loads it

* through Lua: torch.deserialize (a MemoryFile), and every 8th case torch.load of a file on disk;
  loading must succeed or fail with a Lua error whose message is not a leaked Python exception;
* through Python without Lua (luatorch.lib.t7): success or TorchError.

Functions are never loaded from the mutated bytes (the default): loading LuaJIT bytecode from an
untrusted file can crash LuaJIT, which is why it is opt-in.

    python benchmarks/fuzz_t7.py [--count 100000] [--seed 1] [--hang 1.0]

Exit status 0 when every case was clean; the report lists error messages by frequency.
"""
import argparse
import collections
import os
import re
import resource
import struct
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import luatorch  # noqa: E402
from luatorch.lib import file as F  # noqa: E402
from luatorch.lib import t7  # noqa: E402
from luatorch.lib.errors import TorchError  # noqa: E402

SHARED_T7 = ROOT.parent / 'shared' / 't7' / 'torchfile'

SETUP = r"""
io.stderr = {write = function() end}   -- functions in mutated files warn on every load
local Plain = torch.class('FuzzPlain')
function Plain:__init() self.a = 1 end
local Custom = torch.class('FuzzCustom')
Custom.__version = 3
function Custom:__init() self.x, self.t = 5, torch.Tensor({1, 2}) end
function Custom:write(f) f:writeInt(self.x); f:writeObject(self.t) end
function Custom:read(f, version)
  self.version = version
  self.x = f:readInt()
  self.t = f:readObject()
end
torch.class('FuzzChild', 'FuzzPlain')

-- load one case: 'ok', a description of the result | 'err', the message
function fuzz_case(data, mode, path)
  local ok, r
  if path then ok, r = pcall(torch.load, path, mode) else ok, r = pcall(torch.deserialize, data, mode) end
  if not ok then return 'err', tostring(r) end
  -- use what came back: sum tensors, size storages, walk tables a little
  local function use(v, depth)
    if depth > 3 then return end
    if torch.isTensor(v) then
      if v:nElement() > 0 then v:sum() end
      if v:nElement() <= 10000 then tostring(v) end
    elseif torch.isStorage(v) then
      return v:size()
    elseif type(v) == 'table' then
      local n = 0
      for k, x in pairs(v) do
        use(k, depth + 1); use(x, depth + 1)
        n = n + 1
        if n > 50 then break end
      end
    end
  end
  local ok2, e2 = pcall(use, r, 0)
  if not ok2 then return 'use-err', tostring(e2) end
  return 'ok', torch.type(r)
end

function fuzz_seeds()
  local out = {}
  local function add(obj)
    out[#out + 1] = torch.serialize(obj, 'binary')
    out[#out + 1] = torch.serialize(obj, 'ascii')
  end
  add(nil); add(3.25); add(-7); add(true); add('a string\n with\0 bytes')
  add({1, 2, 'three', {4, {5}}, x = 'y', [2.5] = false})
  local shared = {n = 1}
  add({shared, shared, {shared}})
  local cyc = {}; cyc.self = cyc; cyc[cyc] = 'key'
  add(cyc)
  for _, T in ipairs({'Byte', 'Char', 'Short', 'Int', 'Long', 'Float', 'Double', 'Half'}) do
    local t = torch[T .. 'Tensor'](2, 3):copy(torch.range(1, 6):resize(2, 3))
    add(t)
    add(torch[T .. 'Storage'](3):fill(7))
  end
  local base = torch.range(1, 12):resize(3, 4)
  add({base, base:t(), base:narrow(2, 2, 2), base:select(1, 2)})
  add(torch.Tensor())
  add(torch.FloatTensor(1, 1, 2, 1):fill(0.5))
  add(FuzzPlain())
  add(FuzzCustom())
  add({FuzzChild(), FuzzCustom(), p = FuzzPlain()})
  local g = torch.Generator(); torch.manualSeed(g, 5)
  add(g)
  local up = 10
  add({f = function(x) return x + up end, g = function() return up end})
  if pcall(require, 'nn') then
    torch.manualSeed(1)
    add(nn.Sequential():add(nn.Linear(2, 2)):add(nn.Tanh()))
  end
  return out
end
"""

INT32 = [0, 1, -1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 18, 19, 63, 64, 65, 0x7f, 0x80, 0xff, 0x100,
         0x7fff, 0x8000, 0xffff, 0x10000, 1 << 20, 1 << 24, 0x7ffffffe, 0x7fffffff, -0x80000000,
         -2, -1000]
INT64 = [0, 1, -1, 2, 1 << 31, 1 << 32, 1 << 40, 1 << 62, (1 << 63) - 1, -(1 << 63), 1000000]


def mutate(rng, data, corpus):
    """A few random edits of data (bytes) -> bytes."""
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(10)
        if not b:
            b += bytes([rng.randrange(256)])
            continue
        i = rng.randrange(len(b))
        if op == 0:
            b[i] ^= 1 << rng.randrange(8)
        elif op == 1:
            b[i] = rng.randrange(256)
        elif op in (2, 3):
            j = i - i % 4 if rng.random() < 0.8 else i
            v = struct.pack('<i', rng.choice(INT32))
            b[j:j + 4] = v[:max(0, len(b) - j)] if j + 4 > len(b) else v
        elif op == 4:
            j = i - i % 4 if rng.random() < 0.8 else i
            v = struct.pack('<q', rng.choice(INT64))
            b[j:j + 8] = v[:max(0, len(b) - j)] if j + 8 > len(b) else v
        elif op == 5:
            del b[i:]
        elif op == 6:
            del b[i:i + rng.randint(1, 16)]
        elif op == 7:
            b[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif op == 8:
            k = rng.randint(1, 32)
            b[i:i] = b[max(0, i - k):i]
        else:
            other = rng.choice(corpus)[0]
            if other:
                j = rng.randrange(len(other))
                b[i:] = other[j:]
        if rng.random() < 0.05 and b:   # ascii files: a number that is far too big
            m = re.search(rb'\d+', bytes(b[i:]))
            if m:
                s = i + m.start()
                b[s:s + len(m.group())] = rng.choice([b'99999999999999999999', b'4294967296', b'-5', b'1e999'])
    return bytes(b)


_PY_EXC = re.compile(r'\bTraceback \(most recent call|\b[A-Z][A-Za-z]*(Error|Exception|Exit|Interrupt): ')


def clean_message(msg):
    """A Lua error message we accept: not a leaked Python exception, not an internal failure."""
    return not _PY_EXC.search(msg)


def normalize(msg):
    msg = re.sub(r'^[^:]*:\d+: ', '', msg)
    msg = re.sub(r'\d+', 'N', msg)
    return msg[:100]


class Fuzzer:
    def __init__(self):
        self.rt = luatorch.Runtime()
        self.rt.execute(SETUP)
        self.case = self.rt.eval('fuzz_case')
        seeds = self.rt.eval('fuzz_seeds()')
        self.corpus = []
        for i in range(1, len(seeds) + 1):
            data = seeds[i]
            self.corpus.append((data, 'binary' if i % 2 else 'ascii'))
        if SHARED_T7.is_dir():
            for p in sorted(SHARED_T7.glob('*.t7')):
                if p.stat().st_size < 20000:
                    self.corpus.append((p.read_bytes(), 'binary'))
        self.tmp = tempfile.mkdtemp(prefix='fuzz_t7_')
        self.path = os.path.join(self.tmp, 'case.t7')

    def run_one(self, data, mode, via_file=False):
        """-> list of problems (empty when clean), and the Lua outcome."""
        problems = []
        path = None
        if via_file:
            with open(self.path, 'wb') as fh:
                fh.write(data)
            path = self.path.encode()
        try:
            kind, what = self.case(data, mode.encode(), path)
        except Exception as e:  # noqa: BLE001 - an error escaped Lua's pcall
            return ['lua raised into Python: %s: %s' % (type(e).__name__, e)], ('crash', '')
        what = what.decode('utf-8', 'replace') if isinstance(what, bytes) else str(what)
        kind = kind.decode() if isinstance(kind, bytes) else kind
        if kind != 'ok' and not clean_message(what):
            problems.append('unclean Lua error: %s' % what)
        try:
            t7.load(F.memory_file_from_bytes(data), mode)
        except TorchError:
            pass
        except Exception as e:  # noqa: BLE001
            problems.append('Python loader: %s: %s' % (type(e).__name__, e))
        return problems, (kind, what)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--count', type=int, default=100000)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--hang', type=float, default=1.0, help='seconds a case may take')
    ap.add_argument('--save', default=None, help='folder to keep failing inputs in')
    args = ap.parse_args(argv)
    import random
    rng = random.Random(args.seed)
    fz = Fuzzer()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    current = {'t': None, 'data': None}

    def watchdog():   # a case stuck far beyond the limit: keep it and stop
        while True:
            time.sleep(1)
            t = current['t']
            if t is not None and time.perf_counter() - t > max(30, 30 * args.hang):
                bad = os.path.join(fz.tmp, 'hang.t7')
                with open(bad, 'wb') as fh:
                    fh.write(current['data'])
                print('HANG: input kept in %s' % bad, flush=True)
                os._exit(3)
    threading.Thread(target=watchdog, daemon=True).start()

    outcomes = collections.Counter()
    messages = collections.Counter()
    failures = []
    slow = []
    tmax = 0.0
    t_start = time.perf_counter()
    for n in range(1, args.count + 1):
        data, mode = rng.choice(fz.corpus)
        data = mutate(rng, data, fz.corpus)
        current['data'] = data
        current['t'] = t0 = time.perf_counter()
        problems, (kind, what) = fz.run_one(data, mode, via_file=n % 8 == 0)
        dt = time.perf_counter() - t0
        current['t'] = None
        tmax = max(tmax, dt)
        outcomes[kind] += 1
        if kind != 'ok':
            messages[normalize(what)] += 1
        if dt > args.hang:
            slow.append((dt, data))
        if problems:
            failures.append((problems, data, mode))
            if args.save:
                os.makedirs(args.save, exist_ok=True)
                with open(os.path.join(args.save, 'fail_%d.%s' % (n, mode)), 'wb') as fh:
                    fh.write(data)
        if n % 10000 == 0:
            print('%d cases, %d failures, %.0f s' % (n, len(failures), time.perf_counter() - t_start), flush=True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print('cases: %d (%s) in %.0f s; slowest %.3f s; cases over %.1f s: %d' % (
        args.count, ', '.join('%s %d' % kv for kv in outcomes.most_common()),
        time.perf_counter() - t_start, tmax, args.hang, len(slow)))
    print('peak RSS: %.0f MB (%.0f MB after setting up)' % (rss / 1024, rss0 / 1024))
    print('most frequent errors:')
    for msg, c in messages.most_common(25):
        print('  %7d  %s' % (c, msg))
    for problems, data, mode in failures[:20]:
        print('FAIL (%s, %d bytes): %s' % (mode, len(data), '; '.join(problems)[:300]))
    print('%d unclean, %d slow' % (len(failures), len(slow)))
    return 0 if not failures and not slow else 1


if __name__ == '__main__':
    sys.exit(main())
