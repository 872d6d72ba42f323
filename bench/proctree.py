"""Memory of a whole process tree, and one command measured on its own.

A build is several processes: gongkai's parent, its worker pool, the search
indexer it starts. ``ru_maxrss`` gives the peak of the largest one only; what
a small server must have free is the sum. :class:`TreeSampler` adds up the
memory of every process in one session (the command is started as a session
leader) every ``interval`` seconds and keeps the largest sum. It adds the
proportional set size (PSS, from ``/proc/<pid>/smaps_rollup``): a page that
forked workers still share with their parent counts once, split among them,
where adding their RSS would count it in every process. A sampler can miss a
peak shorter than its interval; ``ru_maxrss`` of the largest process is
reported beside it.

Run as a script, this module measures one command in a fresh process (so
that ``RUSAGE_CHILDREN`` covers exactly that command)::

    python bench/proctree.py '{"cmd": [...], "cwd": "...", "log": "...", "env": {...}}'

and prints ``{"rc", "wall", "cpu", "maxrss_kb", "tree_kb"}`` as JSON.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def pss_kb(pid: str) -> int | None:
    """The proportional set size of a process in KB; None when the kernel does not say."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def session_rss_kb(sid: int) -> int:
    """Memory of every process in session ``sid``, in KB: PSS where /proc gives it, else RSS."""
    total = 0
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:  # the process ended meanwhile
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        # after the command name: state ppid pgrp session ... ; rss is field 24 of stat
        if int(fields[3]) == sid:
            pss = pss_kb(name)
            total += int(fields[21]) * PAGE_KB if pss is None else pss
    return total


class TreeSampler(threading.Thread):
    """Samples the summed RSS of a session until stopped; ``peak_kb`` is the largest sum seen."""

    def __init__(self, sid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.sid, self.interval = sid, interval
        self.peak_kb = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak_kb = max(self.peak_kb, session_rss_kb(self.sid))
            self._stop_event.wait(self.interval)

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak_kb


def measure(cmd: list[str], cwd: str, log: str, env: dict[str, str] | None = None) -> dict:
    """Run ``cmd`` to the end; wall, CPU of it and its children, peak RSS of the largest process and of the tree."""
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env={**os.environ, **(env or {})}, start_new_session=True)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        rc = proc.wait()
        wall = time.perf_counter() - start
        tree = sampler.stop()
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"rc": rc, "wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "maxrss_kb": ru.ru_maxrss,
            "tree_kb": max(tree, ru.ru_maxrss)}


if __name__ == "__main__":
    a = json.loads(sys.argv[1])
    print(json.dumps(measure(a["cmd"], a["cwd"], a["log"], a.get("env"))))
