"""Full-text search: one Pagefind index per board, merged by the search page.

Pagefind writes an index split into small fragments; the browser fetches only
the fragments a query needs, so a phone on a slow network downloads a few
kilobytes, and nothing is asked of any other server.

Why one index per board (``pagefind/<board>/``) and not one for the site:
Pagefind holds everything it indexes in memory until it writes, about
0.15 MB a page on top of 60 MB for its Chinese dictionary, so one index of
5 000 notices peaked at 840 MB. Indexed a board at a time, in one Pagefind
process that frees each board's index once written, the peak is the largest
board's (about 120 MB at 5 000 notices over 40 boards) for the same CPU time. A build
re-indexes only the boards whose pages changed; the others keep their
files. The search page (theme/static/search.js) loads the first board's
bundle and merges the others with Pagefind's ``mergeIndex``, so one query
searches the whole township.

The binary comes from the ``pagefind[extended]`` wheel; the extended build
segments Chinese text into words, which the plain build does not. It runs as
``pagefind --service`` (what Pagefind's own Python and Node APIs drive): one
process, one index after another, spoken to with the service's messages
(base64 JSON, each followed by a comma). The official asyncio client waits
0.1 s before each reply, which at 40 boards is seconds of nothing.

Only notice pages are indexed: their ``<article>`` carries
``data-pagefind-body`` (theme/templates/notice.html), so board lists, status
tables and printable boards do not crowd the results with the same titles
again. A board without notices has no index (``BoardView.search_bundle``).
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path

from .outputs import copy_tree, prune

BUNDLE = "pagefind"
# What the search page needs of each board's bundle. Pagefind also writes its
# ready-made interfaces (pagefind-ui.js and friends, 0.4 MB a board); the
# site's own search page does not use them, so they are not published.
KEPT = ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json")
KEPT_SUFFIXES = (".pf_meta", ".pagefind")
KEPT_FOLDERS = ("index", "fragment", "filter")
TIMEOUT = 600  # seconds for the whole index; a build that hangs helps no one


class SearchError(Exception):
    """The index could not be written; the message says why, in Chinese."""


def binary() -> Path:
    """The Pagefind binary: ``PAGEFIND_BINARY_PATH``, else the one in the installed wheel."""
    if os.environ.get("PAGEFIND_BINARY_PATH"):
        return Path(os.environ["PAGEFIND_BINARY_PATH"])
    try:
        from pagefind.service import get_executable
    except ImportError:
        found = None
    else:
        found = get_executable()
    if found is None:
        raise SearchError("找不到 Pagefind（站内搜索工具）。请运行 pip install 'pagefind[extended]'，"
                          "或在设置中写 GONGKAI_SEARCH = False 关闭搜索。")
    return found


def start(output: Path | str, boards: Mapping[str, Collection[str]], changed: Collection[str] | None = None) -> Indexer:
    """Start indexing in the background; :func:`finish` waits for it.

    ``boards`` maps each board that has notices to its notice pages (paths in
    the output, relative, with ``/``), in the order the search page merges
    them. ``changed`` are the output files whose bytes this build changed, or
    None when that is not known: then every board is indexed. A board is
    indexed again when any file under ``<board>/`` changed (a removed notice
    changes its section's list), when its index is missing, or when it was
    written by another Pagefind version than the rest.

    The build starts it as soon as the notice pages are written, so the index
    is made on a second core while the rest of the site is written.
    """
    changed = None if changed is None else set(changed)  # the build goes on adding to its set
    indexer = Indexer(Path(output).resolve(), {slug: sorted(pages) for slug, pages in boards.items()}, changed)
    indexer.start()
    return indexer


def finish(indexer: Indexer, output: Path | str) -> None:
    """Wait for :func:`start`'s indexer; :class:`SearchError` if an index was not written."""
    indexer.join(TIMEOUT)
    if indexer.is_alive():
        indexer.kill()
        indexer.join()
        raise SearchError("站内搜索索引没有生成：Pagefind 运行超过 10 分钟。")
    if indexer.error:
        raise SearchError(f"站内搜索索引没有生成：{indexer.error}")


def stale_boards(output: Path, boards: Iterable[str] | Mapping[str, Collection[str]], changed: Collection[str] | None,
                 version: str | None) -> list[str]:
    """The boards whose index must be written again (see :func:`start`), in the given order.

    ``version`` is the running Pagefind's: bundles of another version are
    written again, since the search page merges them with the first board's script.
    Given each board's pages (a mapping), a bundle older than one of its pages or
    made from another number of them is written again too: a build killed after
    writing pages and before indexing them leaves pages the next build does not change.
    """
    pages = boards if isinstance(boards, Mapping) else None
    boards = list(boards)
    if changed is None:
        return boards
    if pages is not None:  # only the indexed pages count: a section page's daily status text is not indexed
        indexed = set(changed)
        return [slug for slug in boards if _version(output / BUNDLE / slug) != version
                or not indexed.isdisjoint(pages[slug]) or _behind(output, slug, pages[slug])]
    touched = {path.split("/", 1)[0] for path in changed}
    return [slug for slug in boards if slug in touched or _version(output / BUNDLE / slug) != version]


def _behind(output: Path, slug: str, pages: Collection[str]) -> bool:
    """Whether a board's bundle (its entry file, written last) is older than one of ``pages`` or counts others."""
    entry = output / BUNDLE / slug / "pagefind-entry.json"
    try:
        written = entry.stat().st_mtime_ns
        languages = json.loads(entry.read_text(encoding="utf-8")).get("languages") or {}
        if sum(int(language.get("page_count") or 0) for language in languages.values()) != len(pages):
            return True
        return any((output / page).stat().st_mtime_ns > written for page in pages)
    except (OSError, ValueError, TypeError, AttributeError):
        return True


def binary_version(path: Path) -> str | None:
    """The version the binary reports (``pagefind 1.5.2``), or None if it says nothing usable."""
    done = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=60)
    words = done.stdout.split()
    return words[-1] if done.returncode == 0 and words else None


def _version(bundle: Path) -> str | None:
    """The Pagefind version that wrote a board's bundle, or None if it is missing or incomplete."""
    if not all((bundle / name).is_file() for name in KEPT):
        return None
    try:
        return json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8")).get("version") or None
    except (OSError, ValueError):
        return None


class Indexer(threading.Thread):
    """Index the stale boards one after another in one ``pagefind --service`` process.

    ``error`` is set (in Chinese) when a board could not be indexed. Offers
    ``kill`` and ``wait`` like a process, so that a failed build can stop it.
    """

    def __init__(self, output: Path, boards: dict[str, list[str]], changed: Collection[str] | None):
        super().__init__(name="gongkai-search", daemon=True)
        self.output = output
        self.boards = boards
        self.changed = changed
        self.error = ""
        self.indexed: list[str] = []  # the boards this run wrote, for tests and the log
        self._service_process: subprocess.Popen | None = None
        self._halted = False
        self._guard = threading.Lock()

    def run(self) -> None:
        try:
            self._remove_other_bundles()
            program = binary()
            todo = stale_boards(self.output, self.boards, self.changed, binary_version(program))
            if todo:
                self._index(program, todo)
        except SearchError as exc:
            self.error = str(exc)
        except OSError as exc:
            self.error = f"无法运行 Pagefind（站内搜索工具）：{exc}"
        finally:
            self._end_service()

    def kill(self) -> None:
        """Stop the indexer at once (the build failed): no further board is indexed."""
        self._halted = True
        self._end_service()

    def wait(self) -> None:
        self.join()

    def _index(self, program: Path, todo: list[str]) -> None:
        with tempfile.TemporaryFile() as log:
            with self._guard:
                if self._halted:
                    return
                self._service_process = subprocess.Popen([str(program), "--service"], stdin=subprocess.PIPE,
                                                 stdout=subprocess.PIPE, stderr=log, cwd=self.output)
            service = _Service(self._service_process, log)
            # Each board's bundle is written aside, and copied over the old one file by file: a fragment
            # with the same bytes keeps its file and modification time, so publish sends only what changed;
            # files no longer made go.
            with tempfile.TemporaryDirectory(prefix="gongkai-search-") as aside:
                for slug in todo:
                    if self._halted:
                        return
                    self._index_board(service, slug, Path(aside) / slug)
                for slug in todo:
                    _drop_interfaces(Path(aside) / slug)
                    target, fresh = self.output / BUNDLE / slug, Path(aside) / slug
                    kept = copy_tree(fresh, target, ignores=("pagefind-entry.json",))
                    kept |= copy_tree(fresh / "pagefind-entry.json", target)  # last: it dates the bundle (_behind),
                    os.utime(target / "pagefind-entry.json")  # even when its bytes are the same as before
                    prune(target, kept)
                    self.indexed.append(slug)

    def _index_board(self, service: _Service, slug: str, aside: Path) -> None:
        """Write ``slug``'s bundle into ``aside`` from this build's notice pages of the board, and nothing else."""
        pages = self.boards[slug]
        index = service.send({"type": "NewIndex", "config": {}})["index_id"]
        # The pages one by one, always: Pagefind's AddDir numbers the same pages otherwise than AddFile, and
        # pages of removed notices are still on disk until the build ends (AddDir would index them), so a
        # board indexed after a rename would not be the bytes a clean build writes.
        for page in sorted(pages):
            service.send({"type": "AddFile", "index_id": index, "file_path": page,
                          "file_contents": (self.output / page).read_text(encoding="utf-8")})
        service.send({"type": "WriteFiles", "index_id": index, "output_path": str(aside)})
        service.send({"type": "DeleteIndex", "index_id": index})
        _written(aside)

    def _remove_other_bundles(self) -> None:
        """Bundles of boards that are gone (or have no notice left), and the single index of older versions."""
        root = self.output / BUNDLE
        if not root.is_dir():
            return
        for entry in root.iterdir():
            if entry.name in self.boards and entry.is_dir():
                continue
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)

    def _end_service(self) -> None:
        with self._guard:
            process, self._service_process = self._service_process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()


class _Service:
    """Pagefind's service messages over the process's pipes: one request, then its reply."""

    def __init__(self, process: subprocess.Popen, log):
        self.process = process
        self.log = log
        self.last_id = 0
        self.pending = b""

    def send(self, payload: dict) -> dict:
        self.last_id += 1
        message = json.dumps({"message_id": self.last_id, "payload": payload}, ensure_ascii=False)
        try:
            self.process.stdin.write(base64.b64encode(message.encode("utf-8")) + b",")
            self.process.stdin.flush()
            reply = self._read()
        except (BrokenPipeError, EOFError):
            raise SearchError(self._died()) from None
        if reply.get("type") == "Error":
            raise SearchError(f"Pagefind 报告：{reply.get('message', '')}".strip())
        return reply

    def _read(self) -> dict:
        while b"," not in self.pending:
            chunk = os.read(self.process.stdout.fileno(), 1 << 16)
            if not chunk:
                raise EOFError
            self.pending += chunk
        raw, self.pending = self.pending.split(b",", 1)
        reply = json.loads(base64.b64decode(raw))
        return reply.get("payload") or {}

    def _died(self) -> str:
        """Why the service stopped: its own words, else what the system did to it."""
        returncode = self.process.wait()
        self.log.seek(0)
        detail = self.log.read().decode("utf-8", "replace").strip()[-500:]
        return detail or _signal_words(returncode) or f"Pagefind 意外退出（退出码 {returncode}）"


def _written(bundle: Path, seconds: float = 30) -> None:
    """Wait until every file Pagefind made in ``bundle`` holds its bytes: it replies once each file is
    created, and writes each one (in one piece) just after, without waiting for the write to end."""
    import time

    deadline = time.monotonic() + seconds
    while any(path.stat().st_size == 0 for path in bundle.rglob("*") if path.is_file()):
        if time.monotonic() > deadline:
            raise SearchError("Pagefind 没有写完索引文件。")
        time.sleep(0.005)


def _drop_interfaces(bundle: Path) -> None:
    """Remove what Pagefind writes beside the index that the search page does not load."""
    for entry in bundle.iterdir():
        kept = entry.name in KEPT_FOLDERS if entry.is_dir() else (entry.name in KEPT or entry.name.endswith(KEPT_SUFFIXES))
        if not kept:
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def _signal_words(returncode: int) -> str:
    """What stopped the indexer, when the system did (a negative return code is the signal)."""
    import signal

    words = {signal.SIGXFSZ: "文件超过了允许的大小（ulimit -f）", signal.SIGKILL: "被系统终止（可能是内存不足）"}
    return words.get(-returncode, "") if returncode < 0 else ""


# Han characters: the unified block, extension A, compatibility ideographs, and the supplementary planes.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CELL = re.compile(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", re.S | re.I)
_TAG = re.compile(r"<[^>]*>")
_HAN_CHAR = re.compile(f"[{HAN}]")
MARKER = "⁂"  # starts the index-only text; the search page's script cuts the page's text there
SEPARATOR = "丨"  # between cells: a character, so a word of its own that no phrase of a name crosses (never kept in a cell)


def index_terms(body: str) -> str:
    """The Chinese words of a notice's table cells, one character at a time, for the index only.

    Pagefind cuts Chinese into words with a dictionary when it indexes
    (jieba) and with the browser's segmenter when it searches, and the two
    disagree on names: 王长顺 is indexed as one word or as 王 + 长顺, searched
    as 王 + 长 + 顺, and found nowhere. Names and places sit in table cells
    (低保 lists, subsidy lists, duty rosters). Written here with a space
    between characters, every character is a word of its own, and the search
    page asks for the characters of a Chinese query as an exact phrase
    (``"王 长 顺"``): that finds every notice whose cells contain the name,
    whatever its length, also when it is the start of a longer one. ``丨``
    (itself a character) between cells keeps a phrase from running from one
    cell into the next. Within a cell the characters follow each other across
    anything else, so that 阿卜杜·热合曼 is found typed with or without its
    dot (search.js drops it). Cells with fewer than two characters add
    nothing. Empty when the body has no Chinese in its tables.
    """
    cells: dict[str, None] = {}
    for cell in _CELL.findall(body):
        characters = [c for c in _HAN_CHAR.findall(html.unescape(_TAG.sub("", cell))) if c != SEPARATOR]
        if len(characters) >= 2:
            cells.setdefault(" ".join(characters))
    return f" {SEPARATOR} ".join(cells)
