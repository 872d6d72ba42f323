"""Work spread over the machine's cores, for sites with thousands of notices.

Reading, checking and rendering one notice is independent of every other,
so large sites do it in forked worker processes. ``fn`` must be a function
at module level; what it needs besides its argument it reads from module
globals set before the call, which the forked workers inherit.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

PARALLEL_FROM = 1000  # items; below this, starting worker processes costs more than it saves


def fork_map(fn: Callable[[T], R], items: Sequence[T], parallel_from: int = PARALLEL_FROM) -> list[R]:
    """``[fn(item) for item in items]``, on every core when there are many items."""
    workers = min(os.cpu_count() or 1, 4)
    if len(items) < parallel_from or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [fn(item) for item in items]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(fn, items, chunksize=max(1, len(items) // (workers * 4))))
