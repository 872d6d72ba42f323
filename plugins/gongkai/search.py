"""Full-text search: a Pagefind index of the built site.

Pagefind runs once over the finished output and writes ``pagefind/``: an
index split into small fragments plus its own search UI (JS and CSS). The
browser fetches only the fragments a query needs, so a phone on a slow
network downloads a few kilobytes, and nothing is asked of any other server.

The binary comes from the ``pagefind[extended]`` wheel; the extended build
segments Chinese text into words, which the plain build does not. Only
notice pages are indexed: their ``<article>`` carries ``data-pagefind-body``
(theme/templates/notice.html), so board lists, status tables and printable
boards do not crowd the results with the same titles again.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

BUNDLE = "pagefind"


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


# Notice and section pages live at <board>/<category>/*.html; nothing else is indexed.
NOTICE_PAGES = "*/*/*.html"


def start(output: Path | str) -> subprocess.Popen:
    """Start indexing ``output`` in the background; :func:`finish` waits for it.

    The build starts it as soon as the notice pages are written, so the index
    is made on a second core while the rest of the site is written.
    """
    output = Path(output)
    command = [str(binary()), "--site", str(output), "--output-subdir", BUNDLE, "--glob", NOTICE_PAGES, "--silent"]
    try:
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as exc:
        raise SearchError(f"无法运行 Pagefind（站内搜索工具）：{exc}") from None


def finish(process: subprocess.Popen, output: Path | str) -> None:
    """Wait for :func:`start`'s indexer; :class:`SearchError` if it wrote no index."""
    try:
        stdout, stderr = process.communicate(timeout=600)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise SearchError("站内搜索索引没有生成：Pagefind 运行超过 10 分钟。") from None
    if process.returncode != 0:
        detail = (stderr or stdout).strip() or _signal_words(process.returncode) or f"退出码 {process.returncode}"
        raise SearchError(f"站内搜索索引没有生成：{detail}")
    if not (Path(output) / BUNDLE / "pagefind-ui.js").is_file():
        raise SearchError(f"站内搜索索引没有生成：Pagefind 没有写出 {BUNDLE}/pagefind-ui.js。")


def _signal_words(returncode: int) -> str:
    """What stopped the indexer, when the system did (a negative return code is the signal)."""
    import signal

    words = {signal.SIGXFSZ: "文件超过了允许的大小（ulimit -f）", signal.SIGKILL: "被系统终止（可能是内存不足）"}
    return words.get(-returncode, "") if returncode < 0 else ""
