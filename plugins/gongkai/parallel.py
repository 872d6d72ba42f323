"""Work spread over the machine's cores, for sites with thousands of files.

Reading, checking and rendering one file is independent of every other, so
large sites do it in worker processes. What the workers need besides their
item (the settings, above all) reaches them through the executor's
initializer, never through module globals set before a ``fork``: the same
code runs under ``spawn``, the only start method on Windows, where clerks'
computers are.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

PARALLEL_FROM = 1000  # items; below this, starting worker processes costs more than it saves
MAX_WORKERS = 4


def workers() -> int:
    return min(os.cpu_count() or 1, MAX_WORKERS)


def pool_map(fn: Callable[[T], R], items: Sequence[T], *, initializer: Callable[..., Any] | None = None,
             initargs: tuple = (), parallel_from: int = PARALLEL_FROM) -> list[R]:
    """``[fn(item) for item in items]``, on every core when there are many items.

    ``fn`` and ``initializer`` must be module-level functions and ``initargs``
    picklable. In this process, the initializer runs once before the items.
    The start method is the interpreter's (``multiprocessing.set_start_method``).
    """
    count = workers()
    if len(items) < parallel_from or count < 2:
        if initializer is not None:
            initializer(*initargs)
        return [fn(item) for item in items]
    context = multiprocessing.get_context()
    with ProcessPoolExecutor(count, mp_context=context, initializer=initializer, initargs=initargs) as pool:
        return list(pool.map(fn, items, chunksize=max(1, len(items) // (count * 4))))
