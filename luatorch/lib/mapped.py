"""Storages mapped from files: torch.XStorage(filename [, shared [, size [, sharedMem]]]).

As in Torch7 (TH's map allocator): the storage's elements are the file's bytes. shared=false maps
the file privately (writes stay in this process); shared=true maps it read-write, creating the
file or growing it to `size` elements; size 0 or absent takes the whole file. sharedMem=true
names a POSIX shared-memory object (on Linux the file /dev/shm/NAME), created if needed and
removed when the storage is freed.
"""
import mmap
import os
import weakref

import numpy as np

from .errors import TorchError
from .storage import Storage


def _shm_path(name):
    return '/dev/shm/' + name.lstrip('/')


def map_storage(ttype, filename, shared=False, size=0, shared_mem=False):
    if ttype.cuda:
        raise TorchError('cannot map a file into a %s' % ttype.storage_name)
    shared = bool(shared)
    size = int(size or 0)
    if size < 0:
        raise TorchError('invalid size')
    path = _shm_path(filename) if shared_mem else filename
    item = ttype.itemsize
    flags = os.O_RDWR | os.O_CREAT if (shared or shared_mem) else os.O_RDONLY
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as e:
        raise TorchError('unable to open file <%s> in %s mode (%s)'
                         % (filename, 'read-write' if shared else 'read-only', e.strerror)) from None
    try:
        length = os.fstat(fd).st_size
        if size:
            need = size * item
            if length < need:
                if not (shared or shared_mem):
                    raise TorchError('file <%s> size is smaller than the required mapping size <%d>'
                                     % (filename, need))
                os.ftruncate(fd, need)
                length = need
        else:
            size = length // item
        if size == 0:
            st = Storage(ttype, 0)
        else:
            if shared or shared_mem:
                mm = mmap.mmap(fd, size * item, flags=mmap.MAP_SHARED,
                               prot=mmap.PROT_READ | mmap.PROT_WRITE)
            else:
                mm = mmap.mmap(fd, size * item, flags=mmap.MAP_PRIVATE,
                               prot=mmap.PROT_READ | mmap.PROT_WRITE)
            st = Storage(ttype, data=np.frombuffer(mm, dtype=ttype.dtype, count=size), view=True)
    finally:
        os.close(fd)
    if shared_mem:
        weakref.finalize(st, _unlink, path)
    return st


def _unlink(path):
    try:
        os.unlink(path)
    except OSError:
        pass
