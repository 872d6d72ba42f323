"""Work spread over the machine's cores, for sites with thousands of files.

Reading, checking and rendering one file is independent of every other, so
large sites do it in worker processes. What the workers need besides their
item (the settings, above all) reaches them through the executor's
initializer, never through module globals set before a ``fork``: the same
code runs under ``spawn``, the only start method on Windows, where clerks'
computers are.

To see where the workers spend their time, set ``GONGKAI_PROFILE_WORKERS``
to a folder: every worker then runs under :mod:`cProfile` and writes
``worker-<pid>.prof`` there when it ends (``bench/run.py`` merges them).
"""

from __future__ import annotations

import functools
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

PARALLEL_FROM = 1000  # items; below this, starting worker processes costs more than it saves
MAX_WORKERS = 4
PROFILE_ENV = "GONGKAI_PROFILE_WORKERS"


def workers() -> int:
    return min(os.cpu_count() or 1, MAX_WORKERS)


def pool_map(fn: Callable[[T], R], items: Sequence[T], *, initializer: Callable[..., Any] | None = None,
             initargs: tuple = (), parallel_from: int = PARALLEL_FROM) -> list[R]:
    """``[fn(item) for item in items]``, on every core when there are many items.

    ``fn`` and ``initializer`` must be module-level functions and ``initargs``
    picklable. In this process, the initializer runs once before the items.
    The start method is the fork server where there is one (Linux, macOS), unless the program chose
    one (``multiprocessing.set_start_method``); Windows spawns.
    """
    count = workers()
    if len(items) < parallel_from or count < 2:
        if initializer is not None:
            initializer(*initargs)
        return [fn(item) for item in items]
    context = _context()
    profile_dir = os.environ.get(PROFILE_ENV)
    if profile_dir:
        initializer, initargs = _profiled, (profile_dir, initializer, initargs)
    with ProcessPoolExecutor(count, mp_context=context, initializer=initializer, initargs=initargs) as pool:
        return list(pool.map(fn, items, chunksize=max(1, len(items) // (count * 4))))


# What the fork server imports once, so that each worker starts with it (workers fork from that small
# process, not from the build's: a forked copy of a 200 MB build counts 200 MB more in every worker's RSS).
PRELOAD = ["gongkai.pipeline", "gongkai.gate", "gongkai.printing"]


@functools.cache
def _context():
    """The fork server where the system has one and nobody chose a start method, else the interpreter's.

    Decided once per process: starting a pool fixes the interpreter's default ("fork"), which
    would otherwise look like a choice at the next pool.
    """
    if multiprocessing.get_start_method(allow_none=True) is None and "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        return context
    return multiprocessing.get_context()


def _profiled(folder: str, initializer: Callable[..., Any] | None, initargs: tuple) -> None:
    """A worker's initializer under ``GONGKAI_PROFILE_WORKERS``: profile the rest of its life, the
    initializer included, and write the profile when the worker ends."""
    import cProfile
    from multiprocessing import util

    profiler = cProfile.Profile()
    path = os.path.join(folder, f"worker-{os.getpid()}.prof")
    util.Finalize(None, profiler.dump_stats, args=(path,), exitpriority=100)
    util.Finalize(None, profiler.disable, exitpriority=101)  # higher priority: runs first
    profiler.enable()
    if initializer is not None:
        initializer(*initargs)
