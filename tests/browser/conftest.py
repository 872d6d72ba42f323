"""Browser fixtures: the built demo township served on 127.0.0.1, one shared chromium.

Playwright drives Debian's chromium (``apt-get install chromium``); Playwright's
own browser download is never used. Without chromium (or another at
$GONGKAI_CHROMIUM), or without the ``playwright`` package, every test here is
skipped with the reason.

Fixtures:
- ``site_url``: the demo (built by the ``demo`` fixture of tests/conftest.py)
  served by a quiet threaded HTTP server on a free port of 127.0.0.1.
- ``browser``: one chromium for the whole session.
- ``new_tab``: opens a :class:`Tab` (own context) that the caller closes.
- ``page``: the same factory for one test, closed after it:
  ``tab = page(360)`` or ``page(1280, java_script_enabled=False)``.
Screenshots go to tests/artifacts/screenshots/<page>-<width>.png (gitignored).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path(os.environ.get("GONGKAI_CHROMIUM", "/usr/bin/chromium"))
try:
    from playwright import sync_api
except ImportError:  # pragma: no cover - depends on the machine
    sync_api = None

if sync_api is None:
    MISSING = "browser tests need the playwright Python package (pip install -e '.[test]')"
elif not CHROMIUM.exists():
    MISSING = f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)"
else:
    MISSING = None
    # Statuses are settled once a page has loaded: a failing check need not wait long.
    sync_api.expect.set_options(timeout=2_000)

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"
HOST = "127.0.0.1"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# A cheap Android phone and an ordinary desktop window.
HEIGHTS = {360: 740, 1280: 900}
# Where the demo township is, and where most of its readers' phones are set.
READER_TIMEZONE = "Asia/Shanghai"


@pytest.fixture(scope="session", autouse=True)
def _browser_available() -> None:
    """Skip every browser test, with the reason, on a machine without chromium or playwright."""
    if MISSING:
        pytest.skip(MISSING)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # the browser closing a connection early is not a test failure


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """``folder`` served by a quiet threaded HTTP server on a free port; its base URL (no trailing slash)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = _QuietServer((HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, name=f"serve-{folder.name}", daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def site_url(demo) -> Iterator[str]:
    """Base URL (no trailing slash) of the built demo township."""
    with serving(demo.output) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Tab:
    """One browser window on the demo site, with what it logged and fetched."""

    page: sync_api.Page
    base: str
    width: int
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path

    def goto(self, path: str, wait_until: str = "load") -> sync_api.Response:
        response = self.page.goto(self.url(path), wait_until=wait_until)
        assert response is not None, f"no response for {path}"
        return response

    def foreign_requests(self) -> list[str]:
        """Requests to any host but the local test server."""
        return [u for u in self.requests if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                and urlsplit(u).hostname != HOST]

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}-{self.width}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def forget(self) -> None:
        """Clear what was logged and fetched, before the next page."""
        self.console_errors.clear()
        self.requests.clear()
        self.bad_responses.clear()

    def close(self) -> None:
        self.page.context.close()


def _open_tab(browser, base: str, width: int, *, java_script_enabled: bool = True,
              timezone_id: str = READER_TIMEZONE, now: str | None = None) -> Tab:
    context = browser.new_context(
        viewport={"width": width, "height": HEIGHTS.get(width, 900)},
        java_script_enabled=java_script_enabled,
        locale="zh-CN",
        timezone_id=timezone_id,
        service_workers="block",
    )
    page = context.new_page()
    tab = Tab(page=page, base=base, width=width)
    context.on("request", lambda request: tab.requests.append(request.url))
    context.on("response", lambda response: response.status >= 400
               and tab.bad_responses.append(f"{response.status} {response.url}"))
    context.on("requestfailed", lambda request: tab.bad_responses.append(
        f"failed ({request.failure}) {request.url}"))
    page.on("console", lambda message: message.type == "error" and tab.console_errors.append(
        f"{message.text} [{message.location.get('url', '')}]"))
    page.on("pageerror", lambda error: tab.console_errors.append(f"uncaught: {error}"))

    # Nothing may leave the machine: record every request, but never wait on the network.
    def only_local(route: sync_api.Route) -> None:
        if urlsplit(route.request.url).hostname == HOST:
            route.continue_()
        else:
            route.abort("blockedbyclient")

    context.route("**/*", only_local)
    if now is not None:
        # Date.now() and new Date() report this instant; timers keep running.
        page.clock.set_fixed_time(now)
    return tab


@pytest.fixture(scope="session")
def new_tab(browser, site_url) -> Callable[..., Tab]:
    """Open a Tab the caller closes: ``new_tab(width, java_script_enabled=..., timezone_id=..., now=...)``."""
    return functools.partial(_open_tab, browser, site_url)


@pytest.fixture
def page(new_tab) -> Iterator[Callable[..., Tab]]:
    """Factory for this test's Tabs, all closed afterwards: ``tab = page(360)``."""
    tabs: list[Tab] = []

    def open_page(width: int = 360, **options) -> Tab:
        tab = new_tab(width, **options)
        tabs.append(tab)
        return tab

    yield open_page
    for tab in tabs:
        tab.close()
