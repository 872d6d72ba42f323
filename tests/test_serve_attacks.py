"""``gongkai serve`` under abuse: the real command on a free port, files edited as editors and clerks do.

It must never crash, never serve a stale page once it said it rebuilt (the
build generation it sends the open tab over ``/_gongkai/events``), never
serve a personal number, show the problems page while a build has errors
and drop it once they are fixed, and never put its reload script into the
files of ``output/``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import GONGKAI, TODAY, copy_site, free_port

ID_NUMBER = "11010519491231002X"


class Serve:
    """A running ``gongkai serve``, its console, and the build generations it announced."""

    def __init__(self, root: Path):
        self.root = root
        self.port = free_port()
        env = {**os.environ, "GONGKAI_TODAY": TODAY}
        self.process = subprocess.Popen([GONGKAI, "serve", "--port", str(self.port)], cwd=root, env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        threading.Thread(target=lambda: self.lines.extend(self.process.stdout), daemon=True).start()
        self.generation = -1
        self.announced: list[tuple[int, float]] = []  # (generation, when it arrived)
        self._changed = threading.Condition()
        self._wait(lambda: self._answers(), 120, "serve did not answer")
        threading.Thread(target=self._listen, daemon=True).start()
        self._wait(lambda: self.generation >= 1, 30, "no build generation announced")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def get(self, path: str, page: bool = True) -> tuple[int, str]:
        """(status, body) of a request as a browser tab makes it."""
        request = urllib.request.Request(self.url(path), headers={"Accept": "text/html"} if page else {})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    def _answers(self) -> bool:
        assert self.process.poll() is None, "serve stopped:\n" + "".join(self.lines)
        try:
            self.get("")
        except OSError:
            return False
        return True

    def _listen(self) -> None:
        """The open tab's event stream: every build generation the server announces."""
        with contextlib.suppress(OSError), urllib.request.urlopen(self.url("_gongkai/events"), timeout=600) as stream:
            for raw in stream:
                line = raw.decode().strip()
                if line.startswith("data: "):
                    with self._changed:
                        self.generation = int(line[6:])
                        self.announced.append((self.generation, time.monotonic()))
                        self._changed.notify_all()

    def next_build(self, after: int, seconds: float = 60) -> int:
        """The generation of the first build announced after ``after``."""
        with self._changed:
            assert self._changed.wait_for(lambda: self.generation > after, timeout=seconds), \
                "no rebuild announced:\n" + "".join(self.lines[-20:])
            self.alive()
            return self.generation

    def settled(self, quiet: float = 2.0, seconds: float = 90) -> int:
        """The generation once no build was announced for ``quiet`` seconds (the server is idle)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self._changed:
                last = self.generation
                self._changed.wait_for(lambda last=last: self.generation != last, timeout=quiet)
                if self.generation == last:
                    self.alive()
                    return last
        raise AssertionError("serve never stopped rebuilding:\n" + "".join(self.lines[-20:]))

    def alive(self) -> None:
        assert self.process.poll() is None, "serve stopped:\n" + "".join(self.lines)
        assert not any("Traceback" in line for line in self.lines), "".join(self.lines)

    def _wait(self, predicate, seconds: float, why: str) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.1)
        raise AssertionError(why + "\n" + "".join(self.lines))

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _save(path: Path, text: str) -> None:
    """Save as most editors do: a new file beside it, renamed over the old one (one change, whole)."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _no_reload_script(output: Path) -> None:
    carrying = [p for p in output.rglob("*") if p.is_file() and b"_gongkai/events" in p.read_bytes()]
    assert not carrying, carrying


@pytest.fixture
def serve(tmp_path):
    from gongkai.theme import THEME_DIR

    site = copy_site("minimal", tmp_path)
    shutil.copytree(THEME_DIR, site.root / "mytheme", ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    with (site.root / "pelicanconf.py").open("a", encoding="utf-8") as conf:
        conf.write('\nTHEME = "mytheme"\nGONGKAI_SEARCH = False\n')
    server = Serve(site.root)
    try:
        yield server
    finally:
        server.stop()
    _no_reload_script(site.root / "output")
    assert not any("Traceback" in line for line in server.lines), "".join(server.lines)


NOTICE = "content/nanwan/finance/2026-q1.md"
PAGE = "nanwan/finance/2026-q1.html"
SECTION = "nanwan/finance/"


def test_every_build_it_announces_shows_the_last_save(serve):
    """One save, then the next announced build: the notice and its section already show it."""
    notice = serve.root / NOTICE
    good = notice.read_text(encoding="utf-8")
    generation = serve.settled()
    for n in range(4):
        _save(notice, good.replace("title: ", f"title: 第{n}版", 1))
        generation = serve.next_build(generation)
        assert f"第{n}版" in serve.get(PAGE)[1], n
        assert f"第{n}版" in serve.get(SECTION)[1], n
        assert f"第{n}版" in serve.get("nanwan/")[1], n


def test_rapid_saves_end_on_the_last_one(serve):
    notice = serve.root / NOTICE
    good = notice.read_text(encoding="utf-8")
    serve.settled()
    for n in range(25):  # a clerk holding Ctrl+S, half of them written in place, not renamed
        text = good.replace("title: ", f"title: 连续保存{n}次", 1)
        if n % 2:
            notice.write_text(text, encoding="utf-8")
        else:
            _save(notice, text)
        time.sleep(0.02)
    serve.settled()
    assert "连续保存24次" in serve.get(PAGE)[1]
    assert "连续保存24次" in serve.get(SECTION)[1]


def test_an_editor_that_saves_by_renaming_the_old_file_away(serve):
    """vim's way: the file renamed to a backup, a new one written, the backup deleted."""
    notice = serve.root / NOTICE
    good = notice.read_text(encoding="utf-8")
    serve.settled()
    for n in range(3):
        backup = notice.with_name(notice.name + "~")
        notice.rename(backup)
        time.sleep(0.05)
        notice.write_text(good.replace("title: ", f"title: 改名保存{n}", 1), encoding="utf-8")
        backup.unlink()
    serve.settled()
    status, page = serve.get(PAGE)
    assert status == 200 and "改名保存2" in page and "预览暂停" not in page


def test_deleting_the_page_being_viewed_leaves_no_stale_page(serve):
    notice = serve.root / NOTICE
    good = notice.read_text(encoding="utf-8")
    generation = serve.settled()
    assert serve.get(PAGE)[0] == 200
    notice.unlink()
    generation = serve.next_build(generation)
    assert serve.get(PAGE)[0] == 404
    assert "2026-q1" not in serve.get(SECTION)[1]
    _save(notice, good)
    serve.next_build(generation)
    assert serve.get(PAGE)[0] == 200


def test_a_personal_number_is_never_served_and_the_problems_page_comes_and_goes(serve):
    notice = serve.root / NOTICE
    good = notice.read_text(encoding="utf-8")
    generation = serve.settled()
    seen: list[str] = []
    stop = threading.Event()

    def poll() -> None:  # a tab reloading as fast as it can, on every page that could show the notice
        while not stop.is_set():
            for path in (PAGE, SECTION, "nanwan/", "", "feeds/nanwan/finance.atom.xml", "status.json", "manifest.json"):
                with contextlib.suppress(OSError):
                    body = serve.get(path, page=path.endswith(("/", ".html")) or path == "")[1]
                    if ID_NUMBER in body:
                        seen.append(path)

    pollers = [threading.Thread(target=poll, daemon=True) for _ in range(2)]
    for poller in pollers:
        poller.start()
    try:
        for form in (ID_NUMBER, "110105 1949 1231 002X", "１１０１０５１９４９１２３１００２Ｘ"):
            _save(notice, good + f"\n身份证号 {form}\n")
            generation = serve.next_build(generation)
            status, page = serve.get(PAGE)
            assert "预览暂停" in page and "privacy" in page, page[:500]
            _save(notice, good)
            generation = serve.next_build(generation)
            status, page = serve.get(PAGE)
            assert status == 200 and "预览暂停" not in page
    finally:
        stop.set()
        for poller in pollers:
            poller.join()
    assert not seen, seen
    output = serve.root / "output"
    assert not any(ID_NUMBER in p.read_text("utf-8", "replace") for p in output.rglob("*") if p.is_file())


def test_a_broken_settings_file_then_fixed(serve):
    conf = serve.root / "pelicanconf.py"
    good = conf.read_text(encoding="utf-8")
    generation = serve.settled()
    for broken in (good + "\nGONGKAI_BOARDS = [\n", good + "\nGONGKAI_LATEST = 0\n", good.replace("GONGKAI_BOARDS", "GONGKAI_BORADS")):
        _save(conf, broken)
        generation = serve.next_build(generation)
        assert "预览暂停" in serve.get("")[1]
        assert "预览暂停" in serve.get(PAGE)[1]
        _save(conf, good)
        generation = serve.next_build(generation)
        status, page = serve.get(PAGE)
        assert status == 200 and "预览暂停" not in page and "第一季度" in page


def test_a_broken_template_then_fixed(serve):
    base = serve.root / "mytheme/templates/base.html"
    good = base.read_text(encoding="utf-8")
    generation = serve.settled()
    for broken in (good.replace("<body", "{% if %}<body", 1), good.replace("<body", "{{ no_such.thing.at_all }}<body", 1)):
        _save(base, broken)
        generation = serve.next_build(generation)
        assert "预览暂停" in serve.get(PAGE)[1]
        _save(base, good.replace("<body ", "<body data-fixed ", 1))
        generation = serve.next_build(generation)
        status, page = serve.get(PAGE)
        assert status == 200 and "预览暂停" not in page and "data-fixed" in page
        _save(base, good)
        generation = serve.next_build(generation)


def test_a_huge_file_does_not_stop_the_preview(serve):
    notice = serve.root / NOTICE
    good = notice.read_text(encoding="utf-8")
    generation = serve.settled()
    huge = serve.root / "content/nanwan/finance/2026-huge.md"
    _save(huge, good.replace("第一季度", "巨大文件", 1) + "\n" + ("很长的一段文字。" * 40 + "\n\n") * 6000)
    generation = serve.next_build(generation, seconds=180)
    serve.settled(seconds=180)
    assert serve.get(PAGE)[0] in (200,)
    one_line = serve.root / "content/nanwan/finance/2026-line.md"
    _save(one_line, good + "\n" + "数" * 3_000_000 + "\n")
    generation = serve.next_build(generation, seconds=180)
    assert "file.too-large" in serve.get(PAGE)[1]
    one_line.unlink()
    huge.unlink()
    serve.next_build(generation, seconds=180)
    serve.settled(seconds=180)
    status, page = serve.get(PAGE)
    assert status == 200 and "预览暂停" not in page
