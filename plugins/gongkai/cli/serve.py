"""``gongkai serve``: build, preview on this computer, update the preview when a file changes.

Files are watched with :mod:`watchfiles` (the content folder, the settings
file, the theme in use and ``archetypes/``) and the site is rebuilt in this
process, incrementally: the parsed notices stay in memory, so an edit
re-reads one file, and only the pages that show it are rendered and written
(see :mod:`..outputs`). Every page the preview serves carries a small
script that listens for the end of a build (Server-Sent Events on
``/_gongkai/events``) and reloads the tab, so the clerk sees the change
without touching the browser; the files in ``output/`` never carry it.

Pages are served by Pelican's own request handler, which answers ``/x``
with ``x.html`` as the real site does. While the last build has an error,
every page request gets a problems page instead, which updates itself in
the same way until the build is clean again: the clerk never looks at a
site that is not what the files say without being told.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import logging
import posixpath
import threading
import time
from pathlib import Path

from ..config import SettingsError, load
from .common import EXIT_OK, UsageError, add_site_options, describe, load_site

HTML_SUFFIXES = ("", ".html", ".htm")


def add(commands) -> None:
    serve = commands.add_parser("serve", help="生成网站并在本机预览，文件改动后自动重新生成",
                                description="生成网站，在 http://127.0.0.1:8000/ 预览；公告、模板或设置改动后自动重新生成，"
                                            "并显示检查结果。生成有错误时，浏览器显示错误清单。按 Ctrl+C 停止。")
    add_site_options(serve)
    serve.add_argument("-p", "--port", type=int, default=8000, help="端口（默认 8000）")
    serve.set_defaults(run=run)


EVENTS = "/_gongkai/events"
# Put into every page the preview serves: reload when a build ends. EventSource reconnects by itself
# when the server restarts; a page opened from disk or from the real site never has it.
RELOAD_SCRIPT = (b'<script>(function(){if(!window.EventSource)return;var s=new EventSource("' + EVENTS.encode() +
                 b'"),n=null;s.onmessage=function(e){if(n!==null&&e.data!==n){location.reload()}n=e.data}})()</script>')


class Preview:
    """What the last build came to: ``None`` when clean, else the lines the problems page lists.

    ``generation`` counts the builds; a page's script reloads when it changes.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._problems: list[str] | None = None
        self.generation = 0
        self.built_at = ""

    @property
    def problems(self) -> list[str] | None:
        with self._changed:
            return self._problems

    def record(self, problems: list[str] | None) -> None:
        with self._changed:
            self._problems = problems
            self.built_at = time.strftime("%H:%M:%S")
            self.generation += 1
            self._changed.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        """The generation after ``seen``, or ``seen`` again when ``timeout`` seconds passed without a build."""
        with self._changed:
            self._changed.wait_for(lambda: self.generation != seen, timeout=timeout)
            return self.generation


def problems_page(problems: list[str], built_at: str) -> bytes:
    """The page every request for a page gets while the last build had errors."""
    items = "\n".join(f"<li><code>{html.escape(line)}</code></li>" for line in problems)
    return f"""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="5">
<title>网站有错误，预览暂停</title>
<style>
body {{ font-family: sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; line-height: 1.6; }}
h1 {{ color: #a40000; }}
li {{ margin: .5em 0; }}
code {{ white-space: pre-wrap; word-break: break-all; }}
</style>
</head>
<body>
<h1>网站有错误，预览暂停</h1>
<p>{built_at} 生成网站时发现下面的问题（文件:行号: 代码: 说明）。在预览中看不到有错误的公告。
请改正并保存文件，网站会自动重新生成，本页会自动更新。</p>
<ol>
{items}
</ol>
</body>
</html>
""".encode()


def _handler(output: Path, preview: Preview) -> type:
    from pelican.server import ComplexHTTPRequestHandler

    class Handler(ComplexHTTPRequestHandler):
        base_path = str(output)

        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            if self.path.split("?", 1)[0] == EVENTS:
                self._events()
                return
            problems = preview.problems
            if problems is not None and self._wants_page():
                self._send(problems_page(problems, preview.built_at))
                return
            found = self.get_path_that_exists(self.path.split("?", 1)[0])
            if not found:
                self.send_error(404, "Not Found", "没有这个网页")  # the status line is Latin-1 only
                return
            self.path = found
            target = Path(self.translate_path(found))
            if found.endswith("/") or found == "":
                target = target / "index.html"
            if target.suffix in (".html", ".htm") and target.is_file():
                self._page(target)
                return
            super(ComplexHTTPRequestHandler, self).do_GET()  # the file, as SimpleHTTPRequestHandler serves it

        def _page(self, path: Path) -> None:
            """A page with the reload script, never from a cache: the preview must show the last build."""
            try:
                body = path.read_bytes()
            except OSError:
                self.send_error(404, "Not Found", "没有这个网页")  # the status line is Latin-1 only
                return
            at = body.rfind(b"</body>")
            self._send(body[:at] + RELOAD_SCRIPT + body[at:] if at >= 0 else body + RELOAD_SCRIPT)

        def _events(self) -> None:
            """Server-Sent Events: the build generation now, and again after every build, until the tab goes."""
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            seen = preview.generation
            try:
                self.wfile.write(f"retry: 500\ndata: {seen}\n\n".encode())
                self.wfile.flush()
                while True:
                    now = preview.wait(seen, timeout=15)
                    # A comment line every 15 s finds out when the tab was closed.
                    self.wfile.write(f"data: {now}\n\n".encode() if now != seen else b": waiting\n\n")
                    self.wfile.flush()
                    seen = now
            except OSError:
                return  # the tab was closed or reloaded

        def _wants_page(self) -> bool:
            path = self.path.split("?", 1)[0].split("#", 1)[0]
            return "text/html" in self.headers.get("Accept", "") or posixpath.splitext(path)[1] in HTML_SUFFIXES

        def _send(self, body: bytes) -> None:
            if self._wants_page() or self.path.endswith((".html", ".htm")):
                body = body if RELOAD_SCRIPT in body else body.replace(b"</body>", RELOAD_SCRIPT + b"</body>", 1)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args) -> None:
            pass

    return Handler


def _problem_lines(built) -> list[str] | None:
    """``file:line: code: message`` for each error of a build that found any (warnings after them)."""
    if not built.failed:
        return None
    problems = sorted(built.site.problems, key=lambda p: not p.is_error)
    lines = [f"{p.file}:{p.line}: {p.code}: {p.message}" for p in problems]
    return lines + list(built.others)


def watched(settings_path: Path, sources: list[Path]):
    """The folders to watch and the filter of changes that call for a rebuild.

    The site's folder is watched as a whole, so that a file an editor saves by
    replacing it is seen; of what changes there, only the settings files (any
    ``*.py`` beside the settings: ``publishconf.py`` imports ``pelicanconf.py``)
    and files under ``sources`` count, never the output or the cache.
    """
    import watchfiles

    site = settings_path.parent.resolve()
    sources = [p.resolve() for p in sources if p.exists()]
    roots = [site, *(p for p in sources if not p.is_relative_to(site))]
    default = watchfiles.DefaultFilter()

    def accept(change, path: str) -> bool:
        if not default(change, path):
            return False
        where = Path(path)
        if where.parent == site and where.suffix == ".py":
            return True
        return any(where == p or where.is_relative_to(p) for p in sources)

    return roots, accept


def run(args: argparse.Namespace) -> int:
    from http.server import ThreadingHTTPServer

    import watchfiles

    from .. import build as adapter
    from ..site import QR_KEY, STORE_KEY, notice_store, qr_store
    from .build import build_once

    settings_path, settings, config = load_site(args)
    output = Path(settings.get("OUTPUT_PATH") or "output")
    output = output if output.is_absolute() else settings_path.parent / output
    output.mkdir(parents=True, exist_ok=True)
    logging.getLogger("pelican.server").setLevel(logging.ERROR)  # it warns of every missing file
    preview = Preview()
    try:
        server = ThreadingHTTPServer(("127.0.0.1", args.port), _handler(output, preview))
    except OSError as exc:
        raise UsageError(f"无法使用端口 {args.port}（{exc.strerror}）。请用 --port 换一个，例如 --port 8001。") from None
    address = f"http://127.0.0.1:{args.port}/"

    # The parsed notices, kept between builds (an edit re-reads one file), and saved to the cache folder at the end.
    cache = settings_path.parent / (settings.get("CACHE_PATH") or "cache")
    store, codes = notice_store(cache), qr_store(cache)
    memory = {STORE_KEY: store, QR_KEY: codes}

    def rebuild() -> None:
        print(f"[{time.strftime('%H:%M:%S')}] 正在生成……", flush=True)
        try:  # the settings may have changed: read them again, in this process
            own, fresh = load(settings_path, today=args.today)
            preview.record(_problem_lines(build_once(settings_path, own, fresh, memory=memory)))
        except (SettingsError, adapter.BuildFailed) as exc:
            message = describe(exc) if isinstance(exc, SettingsError) else f"网站没有生成：{exc}"
            print(message, flush=True)
            preview.record([message])
        if preview.problems:
            print("有错误：浏览器中的预览会显示错误清单，改正后自动恢复。", flush=True)
        print(f"预览地址：{address} （按 Ctrl+C 停止）", flush=True)

    theme = settings.get("THEME")
    sources = [config.content_dir, settings_path.parent / "archetypes",
               (settings_path.parent / theme) if theme else adapter.THEME_DIR]
    roots, accept = watched(settings_path, sources)
    stop = threading.Event()

    def watch() -> None:
        # step: a change is acted on 30 ms after the editor stops writing (watchfiles' default waits 50 ms).
        for _changes in watchfiles.watch(*roots, watch_filter=accept, stop_event=stop, raise_interrupt=False, step=30):
            rebuild()

    rebuild()
    threading.Thread(target=watch, daemon=True).start()
    with server, contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    stop.set()
    store.save()
    codes.save()
    return EXIT_OK
