"""``gongkai serve`` in a real browser: the open tab follows the clerk's edits by itself.

The preview is started as a clerk starts it, on a copy of the minimal site;
the test edits files on disk and only waits: it never reloads the page.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import _open_tab

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from conftest import GONGKAI, TODAY, copy_site, free_port  # noqa: E402


@pytest.fixture
def preview(tmp_path):
    site = copy_site("minimal", tmp_path)
    port = free_port()
    env = {**os.environ, "GONGKAI_TODAY": TODAY}
    server = subprocess.Popen([GONGKAI, "serve", "--port", str(port)], cwd=site.root, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    for line in server.stdout:
        if "预览地址" in line or time.monotonic() > deadline:
            break
    try:
        yield site, base
    finally:
        server.terminate()
        server.wait(timeout=30)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edit_appears_in_the_open_tab_without_touching_it(browser, preview):
    site, base = preview
    tab = _open_tab(browser, base, 360)
    try:
        tab.goto("nanwan/finance/2026-q1.html")
        board = _open_tab(browser, base, 360)
        board.goto("nanwan/index.html")
        notice = site.root / "content/nanwan/finance/2026-q1.md"
        _edit(notice, "第一季度。", "第一季度，已核对。")
        tab.page.get_by_text("已核对").wait_for(timeout=60_000)

        # The title is shown on the board page too: that tab follows as well.
        title = next(line for line in notice.read_text(encoding="utf-8").splitlines() if line.startswith("title:"))
        _edit(notice, title, title + "（复核）")
        board.page.get_by_text("（复核）").first.wait_for(timeout=60_000)
        tab.page.get_by_text("（复核）").first.wait_for(timeout=60_000)

        # An error: the tab turns into the list of problems, and back when it is fixed.
        good = notice.read_text(encoding="utf-8")
        notice.write_text(good.replace("board: nanwan", "board: nanwn", 1), encoding="utf-8")
        tab.page.get_by_text("预览暂停").wait_for(timeout=60_000)
        assert "board.unknown" in tab.page.content()
        notice.write_text(good, encoding="utf-8")
        tab.page.get_by_text("已核对").wait_for(timeout=60_000)
        assert not tab.console_errors, tab.console_errors
        board.close()
    finally:
        tab.close()


def test_the_output_files_never_carry_the_preview_script(preview):
    site, _base = preview
    for page in (site.root / "output").rglob("*.html"):
        assert "/_gongkai/events" not in page.read_text(encoding="utf-8"), page
