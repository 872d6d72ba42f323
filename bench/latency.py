"""Edit → preview latency through a real preview server, over plain HTTP.

A clerk saves a notice and looks at the browser. This starts the server as a
user does (``gongkai serve``, ``hugo server``), waits until it serves the
site, then edits notices one at a time, the way an editor saves: the title
of a notice that its board page lists gets a new marker. Right after the
file is closed, it polls the notice page and the board page (every
``POLL_S``, ``Cache-Control: no-store``) until each shows the marker, and
records both times. Nothing here knows how the server works inside: full
rebuild, incremental update in memory, or anything else.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from proctree import TreeSampler

POLL_S = 0.02
MARK = re.compile(r"（核对\d+）$")
TITLE = re.compile(r"^title:[ \t]*(.*?)[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class Server:
    """How to start one preview server and where it shows a content file."""

    label: str
    cmd: Callable[[int], list[str]]  # the command for a port
    cwd: Path
    content: Path
    notice_url: Callable[[str], str]  # content-relative path with / → URL path of its page
    board_url: Callable[[str], str]   # content-relative path → URL path of its board's page
    env: dict[str, str] | None = None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, timeout: float = 10.0) -> tuple[int, str]:
    """Status and text of ``url``; 0 when nothing answers."""
    request = urllib.request.Request(url, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except (OSError, ValueError):
        return 0, ""


def title_of(path: Path) -> str:
    head = path.read_text(encoding="utf-8").split("\n---", 1)[0]
    match = TITLE.search(head)
    if match is None:
        raise ValueError(f"{path}: no title line")
    return MARK.sub("", match.group(1).strip("'\""))


def retitle(path: Path, marker: str) -> str:
    """Give the notice's title ``marker`` (replacing an earlier one); the new title."""
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition("\n---")
    title = title_of(path) + marker
    head = TITLE.sub(lambda _: f"title: {title}", head, count=1)
    with path.open("w", encoding="utf-8") as handle:  # one write and close, as an editor saves
        handle.write(head + sep + rest)
    return title


def candidates(content: Path) -> list[str]:
    """The latest notice of each section (their board pages list them), spread over the boards."""
    latest = []
    for board in sorted(p for p in content.iterdir() if p.is_dir()):
        for section in sorted(p for p in board.iterdir() if p.is_dir()):
            files = sorted(section.glob("*.md"))
            files = [f for f in files if not f.name.startswith("_")]
            if files:
                latest.append(files[-1].relative_to(content).as_posix())
    # alternate boards: the township's first, then one section of each village in turn
    return sorted(latest, key=lambda rel: (rel.split("/")[1], rel))


def wait_ready(base: str, path: str, proc: subprocess.Popen, timeout: float) -> float:
    """Seconds until the server answers ``path`` with 200; raises when it ends or takes too long."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"the server ended (exit {proc.returncode}) before it served {path}")
        if fetch(base + path, timeout=5)[0] == 200:
            return time.perf_counter() - start
        time.sleep(0.1)
    raise RuntimeError(f"the server did not serve {path} within {timeout:.0f} s")


def until_both(base: str, notice: str, board: str, marker: str, timeout: float) -> tuple[float | None, float | None]:
    """Poll both pages from now on; seconds until each first shows ``marker`` (None: not within ``timeout``)."""
    start = time.perf_counter()
    seen: dict[str, float | None] = {notice: None, board: None}
    while time.perf_counter() - start < timeout and None in seen.values():
        for path, when in seen.items():
            if when is None and marker in fetch(base + path)[1]:
                seen[path] = time.perf_counter() - start
        time.sleep(POLL_S)
    return seen[notice], seen[board]


def listed(server: Server, base: str, picks: list[str], start: int) -> tuple[str, str, str]:
    """The first candidate from ``start`` on whose board page lists its title: (file, notice URL, board URL)."""
    for k in range(len(picks)):
        rel = picks[(start + k) % len(picks)]
        notice, board = server.notice_url(rel), server.board_url(rel)
        status, page = fetch(base + board)
        if status == 200 and title_of(server.content / rel) in page and fetch(base + notice)[0] == 200:
            return rel, notice, board
    raise RuntimeError(f"{server.label}: no board page lists the newest notice of any of its sections")


def stop(proc: subprocess.Popen) -> None:
    """End the server and everything it started (its own session), politely first."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def session(server: Server, edits: int, counter: Path, log: Path, *, ready_timeout: float = 900.0,
            edit_timeout: float = 180.0, settle_s: float = 1.0) -> dict:
    """Start the server, make ``edits`` edits one after another, stop it.

    Returns the seconds to the first page, for every edit the seconds until the
    notice page and the board page showed it, and the peak RSS of the server's
    process tree over the whole session.
    """
    picks = candidates(server.content)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        proc = subprocess.Popen(server.cmd(port), cwd=server.cwd, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, env={**os.environ, **(server.env or {})},
                                start_new_session=True)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        try:
            ready = wait_ready(base, server.notice_url(picks[0]), proc, ready_timeout)
            results = []
            done = int(counter.read_text()) if counter.exists() else 0
            for i in range(edits):
                rel, notice, board = listed(server, base, picks, (done + i) * 7)
                marker = f"（核对{done + i + 1}）"
                retitle(server.content / rel, marker)
                counter.write_text(str(done + i + 1))
                t_notice, t_board = until_both(base, notice, board, marker, edit_timeout)
                results.append({"file": rel, "notice": t_notice, "board": t_board})
                time.sleep(settle_s)
        finally:
            stop(proc)
            peak = sampler.stop()
    return {"ready": ready, "edits": results, "tree_kb": peak}
