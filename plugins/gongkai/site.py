"""The board generator: runs the pipeline for the build, writes every gongkai page.

The site is read and checked once, by :func:`.pipeline.read_site`, when
Pelican makes its generators; ``generate_context`` logs every problem and
``generate_output`` only writes. Parsed sources and rendered bodies are
kept in the cache folder by content (:class:`.outputs.Store`); the checks
and statuses are computed afresh at every build, because the calendar moves
even when no file does. A page is rendered only when what it is made from
changed (:class:`.outputs.PageKeys`), and written only when its bytes did
(:class:`KeepingWriter`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import logging
import os
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from pelican.generators import Generator
from pelican.writers import Writer

from . import attachments, search
from .annual import report_url as annual_url
from .annual import report_years as annual_years
from .annual import write_pages as write_annual
from .config import Config, built_at
from .cycles import LABELS as STATUS_LABELS
from .feeds import atom
from .feeds import plans as feed_plans
from .finance import yuan
from .history import write_pages as write_versions
from .model import Township, report
from .notices import Notice
from .outputs import PageKeys, Store, code_stamp, copy_tree, digest, write_if_changed
from .parallel import pool_map
from .pipeline import Site, read_site
from .printing import qr_svg
from .problems import Problem
from .records import manifest
from .reports import catalog_rows, yearly_report
from .verify import earlier

logger = logging.getLogger(__name__)
SITE_KEY = "gongkai_site"  # this build's checked site, for the page and static generators (plugin.py)
PREVIOUS_KEY = "gongkai_previous"  # a published manifest to check records against (gongkai publish)
PROGRESS_KEY = "gongkai_progress"  # a callback (done, total) while the files are read (a progress display)
WRITER_KEY = "gongkai_writer"  # this build's KeepingWriter: which files it wrote (plugin.finish prunes the rest)
PRODUCED_KEY = "gongkai_produced"  # output files this generator made or kept, relative, with /
STORE_KEY = "gongkai_store"  # an outputs.Store of parsed notices to use instead of the cache file (serve)
QR_KEY = "gongkai_qr"  # the same for QR codes
# Context values the templates read per notice (notice path → what the page shows of it): a page
# that shows a notice is made again when its entry changes (see BoardGenerator._page_key).
NOTICE_CONTEXT = ("histories", "attachments_of")
THEME_STATIC_KEY = "gongkai_theme_static"  # the theme's THEME_STATIC_PATHS: this generator copies them


class KeepingWriter(Writer):
    """Pelican's writer, but a file whose bytes did not change is left as it is (same mtime).

    Pelican renders the template and writes into what ``_open_w`` returns;
    here that is a buffer, handed to :func:`.outputs.write_if_changed` when
    closed. ``written`` are the files this build wrote or kept, ``changed``
    those whose bytes are new.
    """

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self.root = Path(output_path)
        self.written: set[str] = set()
        self.changed: set[str] = set()
        if settings is not None:
            settings[WRITER_KEY] = self

    def _open_w(self, filename, encoding, override=False):
        from pelican.writers import FileOverwriteFailedError

        if filename in self._overridden_files:  # Pelican's rules for writing a name twice, unchanged
            if override:
                raise FileOverwriteFailedError(f'Failed to overwrite "{filename}" a second time (was previously overwritten)')
            return open(os.devnull, "w", encoding=encoding)
        if filename in self._written_files and not override:
            raise FileOverwriteFailedError(f'Failed to overwrite "{filename}" as Pelican has already written to it previously '
                                           "(set `override=True` if intended)")
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        return _Buffer(self, Path(filename))

    def keep(self, path: Path, data: bytes | str) -> None:
        rel = path.resolve().relative_to(self.root.resolve()).as_posix()
        self.written.add(rel)
        if write_if_changed(path, data):
            self.changed.add(rel)


class _Buffer(io.StringIO):
    def __init__(self, writer: KeepingWriter, path: Path):
        super().__init__()
        self._writer, self._path = writer, path

    def close(self) -> None:
        if self.closed:
            return
        text = self.getvalue()
        super().close()  # closed before writing: a failed write (a full disk) is never tried again at collection
        self._writer.keep(self._path, text)


def notice_store(cache_path: Path) -> Store:
    """Parsed and rendered notices from the cache folder, for this version of gongkai and Python."""
    return Store(cache_path / "gongkai-notices.pickle", digest(sys.version, code_stamp(Path(__file__).parent)))


def qr_store(cache_path: Path) -> Store:
    """QR codes (inline SVG) by the address they encode, for this version of segno."""
    import segno

    return Store(cache_path / "gongkai-qr.pickle", f"segno {segno.__version__}")


class BoardGenerator(Generator):
    """Everything under the township's URLs except Pelican's own pages."""

    def __init__(self, *args, **kwargs):
        Generator.__init__(self, *args, **kwargs)
        self.config: Config = self.settings["GONGKAI"]
        # Parsed and rendered notices, by content: always on, whatever CACHE_CONTENT says
        # (notices never pass through Pelican's readers). `serve` keeps one in memory.
        store = self.settings.get(STORE_KEY)
        own_store = not isinstance(store, Store)
        if own_store:
            store = notice_store(Path(self.settings["CACHE_PATH"]))
        # The pipeline runs here, when Pelican makes its generators, because the page
        # and static generators read their files before this one's generate_context
        # and must know which of them may be published (plugin.py consults SITE_KEY).
        self.site: Site = read_site(self.config, previous=self.settings.get(PREVIOUS_KEY), render=True, cache=store,
                                     progress=self.settings.get(PROGRESS_KEY))
        if own_store:
            store.save()
        else:
            store.save(to_disk=False)  # its owner (serve) writes it when it stops
        self.settings[SITE_KEY] = self.site
        self.township: Township | None = None
        self.problems: list[Problem] = []
        self.bodies: dict[str, str] = {}
        self.notice_count = 0
        # QR codes depend on nothing but the address they encode: they are kept from build
        # to build in the cache folder (segno takes ~4 ms each; 5 000 notices, 20 s of CPU).
        self.qr_codes: dict[str, str] = {}
        self._qr_cache = self.settings.get(QR_KEY)
        if not isinstance(self._qr_cache, Store):
            self._qr_cache = qr_store(Path(self.settings["CACHE_PATH"]))

    def generate_context(self) -> None:
        site = self.site
        self.township = site.township
        self.problems = site.problems
        self.bodies = site.bodies
        self.notice_count = site.notice_count
        # Shared with Pelican's page generator, so that pages (关于本站) have them too.
        self.context.update(gk=self.township, today=self.config.today,
                            built_at=built_at(self.config.timezone).date(),
                            status_words=STATUS_LABELS, yuan=yuan)
        if self.config.search:  # the notice page's index-only words (components/search_terms.html)
            self.context["search_terms"] = search.index_terms
        self.context["histories"] = site.history.histories  # every version of corrected notices (history.html)
        self.context["attachments_of"] = site.attachments.by_notice  # notice path → its files (attachments.html)
        log_problems(self.problems)

    def generate_output(self, writer) -> None:
        township = self.township
        relative = self.settings.get("RELATIVE_URLS", False)
        output = Path(self.output_path)
        keys = PageKeys(Path(self.settings["CACHE_PATH"]) / "gongkai-pages.json")
        frame = self._frame()
        memo: dict[int, tuple[object, str]] = {}  # a section's notices hashed once for all its notice pages
        produced: set[str] = set()
        self.settings[PRODUCED_KEY] = produced

        def write(name: str, template: str, **values) -> None:
            produced.add(name)
            key = self._page_key(frame, template, values, memo)
            if key is not None and keys.fresh(name, key, output):
                return  # made from the same inputs last time, and still there
            writer.write_file(name, self.get_template(template), self.context, relative_urls=relative, **values)

        def keep(path: Path, data: bytes | str) -> None:
            """A file made here, not from a template: written only if its bytes changed (and counted)."""
            if isinstance(writer, KeepingWriter):
                writer.keep(path, data)
            else:
                write_if_changed(path, data)

        def write_feeds() -> None:
            newest = township.notices[0].date if township.notices else township.today  # what an empty feed is dated
            for path, (title, notices) in feed_plans(township).items():
                produced.add(path)
                key = digest(frame, path, title, notices, [self.bodies.get(n.path, "") for n in notices], newest)
                if not keys.fresh(path, key, output):
                    keep(output / path, atom(township, title, path, notices, self.bodies))

        produced |= self._copy_theme(output)
        self._make_qr_codes()
        # Each board's notices, sections and own page first: the search indexer reads the notice pages
        # and runs on another core while the rest is written, and a preview shows an edit on the
        # notice, section and board pages before the township-wide ones.
        for board in township.boards:
            for section in board.sections:
                for notice in section.notices:
                    write(notice.url, "notice", board=board, section=section, notice=notice,
                          body=self.bodies.get(notice.path, ""), window=township.window(notice),
                          qr=self.qr(notice), page_kind="notice")
                write(section.url, "section", board=board, section=section, page_kind="section")
            write(board.url, "board", board=board, page_kind="board")
            write(board.print_url, "print", board=board, page_kind="print", paper=self._paper(),
                  print_contacts={**self.config.contacts, **board.board.contacts},
                  sheets=[(s, [self._printed(n) for n in s.current_notices(township.today)]) for s in board.sections])
        write_versions(write, township, self.site.history, self.config)  # older versions' pages, history.json
        indexer = self._start_search(getattr(writer, "changed", None))
        try:
            self._write_the_rest(write, write_feeds, keep, produced)
            keys.save()
            produced.update(attachments.publish(output, self.site))  # attachments, and images without EXIF/GPS
        except BaseException:  # a failed build (a full disk) must not leave the indexer writing into the output
            if indexer is not None:
                indexer.kill()
                indexer.wait()
            raise
        if indexer is not None:
            try:
                search.finish(indexer, output)
            except search.SearchError as exc:
                logger.error("%s", exc)  # fatal for `gongkai build`: a site without its index is not published

    def _copy_theme(self, output: Path) -> set[str]:
        """The theme's static files into ``THEME_STATIC_DIR``, as Pelican's static generator would."""
        target = self.settings.get("THEME_STATIC_DIR", "theme")
        ignores = self.settings.get("IGNORE_FILES") or ()
        copied: set[str] = set()
        for path in self.settings.get(THEME_STATIC_KEY, ()):
            source = Path(self.theme, path)
            if source.exists():
                copied |= {f"{target}/{name}" for name in copy_tree(source, output / target, ignores)}
        return copied

    def _frame(self) -> str:
        """What every page is made from besides its own values: the code and theme, the settings
        (but today), the boards, the report years and Pelican's pages (nav and footer)."""
        config = self.config
        settings = {k: v for k, v in self.settings.items() if k.isupper() and _plain(v)}
        return digest(code_stamp(Path(__file__).parent, Path(self.settings["THEME"])),
                      [(f.name, getattr(config, f.name)) for f in dataclasses.fields(config) if f.name != "today"],
                      settings, [(b.slug, b.url, b.board, b.status) for b in self.township.boards],
                      self.township.report_years,
                      [(p.url, p.title, p.slug, p.save_as) for p in self.context.get("pages", ())])

    def _page_key(self, frame: str, template: str, values: dict, memo: dict[int, tuple[object, str]]) -> str | None:
        """The digest of everything a page is made from, or None for a page rendered at every build.

        A notice page shows its section's notices only as links and correction
        notes, never their statuses: it stays the same from day to day. Section,
        board and print pages and the yearly reports show statuses: they depend
        on today. The few pages made from the whole township (home, status,
        catalog) are always rendered; unchanged bytes still leave their files alone.
        What the templates read from the context per notice (``NOTICE_CONTEXT``)
        is part of the key of every page that shows the notice.
        """
        kind = values.get("page_kind")
        if kind == "notice":
            rest = {k: v for k, v in values.items() if k not in ("board", "section")}
            board, section = values["board"], values["section"]
            if id(section.notices) not in memo:  # kept with the list, so that its id stays its own
                memo[id(section.notices)] = (section.notices, digest(section.notices))
            return digest(frame, template, rest, board.board, board.slug, section.category, section.key,
                          memo[id(section.notices)][1], self._notice_context([values["notice"]]))
        if kind in ("section", "board", "print", "report"):
            rest = {k: v for k, v in values.items() if k != "board"} if kind == "section" else values
            extra = values["board"].board if kind == "section" else None
            shown = [n for s in values["board"].sections for n in s.notices] if "board" in values else []
            return digest(frame, template, rest, extra, self.config.today, self.context.get("built_at"),
                          self._notice_context(shown))
        return None

    def _notice_context(self, notices: list[Notice]) -> list:
        """The entries of the context's per-notice maps (versions, attachments) for these notices."""
        return [[(self.context.get(name) or {}).get(n.path) for n in notices] for name in NOTICE_CONTEXT]

    def _write_the_rest(self, write, write_feeds, keep, produced: set[str]) -> None:
        """Every page but the sections and notices, and the JSON files, feeds and sitemap."""
        township = self.township
        write("index.html", "index", page_kind="home")
        write("status/index.html", "status", page_kind="status")
        write("404.html", "404", page_kind="404")
        write("catalog/index.html", "catalog", catalog=catalog_rows(self.config), page_kind="catalog")
        if self.config.search:
            write("search/index.html", "search", page_kind="search")
        years = township.report_years
        for year in years:
            report_ = yearly_report(township, year)
            write(f"reports/{year}.html", "report", report=report_, years=years, page_kind="report",
                  chart_items=[(b.board.name, b.rate) for b in report_.boards])
        write_annual(write, township.notices, self.config)  # 政府信息公开工作年度报告, one a year
        write("verify/index.html", "verify", page_kind="verify")  # 核对纸质公告: reads manifest.json in the browser
        output = Path(self.output_path)
        data = report(township, [p.published() for p in self.problems], self.notice_count, self.context["built_at"])
        # One line each: json's C encoder writes 5 000 notices' records ten times faster than with indent.
        files = {"status.json": json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                 "manifest.json": json.dumps(manifest(township.notices, township.today, earlier(self.site.history.histories)),
                                             ensure_ascii=False,
                                             separators=(",", ":"))}
        write_feeds()
        sitemap = self._sitemap()
        if sitemap is not None:
            files["sitemap.xml"] = sitemap
        for path, text in files.items():
            keep(output / path, text)
            produced.add(path)
        self._save_qr_codes()

    def _start_search(self, changed: set[str] | None):
        """Index the boards whose notice pages changed (``changed``: None for all), beside the rest of the build."""
        if not self.config.search:
            return None
        boards = {b.slug: [n.url for s in b.sections for n in s.notices] for b in self.township.boards if b.search_bundle}
        try:
            return search.start(self.output_path, boards, changed)
        except search.SearchError as exc:
            logger.error("%s", exc)
            return None

    def _make_qr_codes(self) -> None:
        """Every notice's QR code up front: last build's from the cache, new ones on every core."""
        if not self.config.siteurl:
            return
        missing = []
        for notice in self.township.notices:
            url = f"{self.config.siteurl}/{notice.url}"
            cached = self._qr_cache.get_cached_data(url)
            if cached:
                self.qr_codes[url] = cached
            else:
                missing.append(url)
        self.qr_codes.update(zip(missing, pool_map(qr_svg, missing), strict=True))

    def qr(self, notice: Notice) -> str | None:
        """The notice's QR code (inline SVG) pointing at its public address; None without SITEURL."""
        if not self.config.siteurl:
            return None
        url = f"{self.config.siteurl}/{notice.url}"
        if url not in self.qr_codes:
            self.qr_codes[url] = self._qr_cache.get_cached_data(url) or qr_svg(url)
        return self.qr_codes[url]

    def _save_qr_codes(self) -> None:
        """Keep this build's codes only, so that renamed notices do not pile up in the cache."""
        for url, svg in self.qr_codes.items():
            self._qr_cache.cache_data(url, svg)
        self._qr_cache.save(to_disk=QR_KEY not in self.settings)

    def _printed(self, notice: Notice) -> dict:
        """What the printed board shows of one notice: all of it, and the way back online."""
        body = attachments.for_print(self.bodies.get(notice.path, ""), notice.url)  # its links, from print/
        return {"notice": notice, "body": body, "window": self.township.window(notice),
                "qr": self.qr(notice), "address": f"{self.config.siteurl}/{notice.url}" if self.config.siteurl else None}

    def _paper(self) -> str:
        """The CSS page size of the printed boards: GONGKAI_PAPER."""
        return f"{self.config.paper} {'landscape' if self.config.landscape else 'portrait'}"

    def _sitemap(self) -> bytes | None:
        """sitemap.xml: every published page, gongkai's and Pelican's, by its absolute address.

        A sitemap holds full addresses only: without SITEURL there is none to give,
        so the file is left out and the build says how to have it.
        """
        if not self.config.siteurl:
            logger.warning("没有生成站点地图 sitemap.xml：它要写网站的完整网址，而设置中没有 SITEURL。"
                           "正式发布的网站请在 publishconf.py 中写明 SITEURL，例如 SITEURL = \"https://gongkai.example.gov.cn\"。")
            return None
        urlset = ET.Element("urlset", xmlns="http://www.sitemaps.org/schemas/sitemap/0.9")
        for url, day in self.sitemap_urls():
            item = ET.SubElement(urlset, "url")
            ET.SubElement(item, "loc").text = f"{self.config.siteurl}/{url}"
            ET.SubElement(item, "lastmod").text = day.isoformat()
        return ET.tostring(urlset, encoding="utf-8", xml_declaration=True)

    def sitemap_urls(self) -> list[tuple[str, dt.date]]:
        """(path, last change) of every page this build publishes: the pages this generator
        writes (but 404.html) and Pelican's pages, which its page generator has read by now."""
        township = self.township
        today = township.today
        urls = [("", today), ("status/index.html", today), ("catalog/index.html", today)]
        if self.config.search:
            urls.append(("search/index.html", today))
        urls += [(f"reports/{year}.html", today) for year in township.report_years]
        urls += [(annual_url(year), today) for year in annual_years(self.config, township.notices)] + [("verify/index.html", today)]
        for board in township.boards:
            urls.append((board.url, board.latest_date or today))
            urls.append((board.print_url, board.latest_date or today))
            for section in board.sections:
                urls.append((section.url, section.status.latest_date or today))
                urls.extend((n.url, n.last_corrected or n.date) for n in section.notices)
        for page in self.context.get("pages", ()):
            changed = getattr(page, "modified", None) or getattr(page, "date", None)
            urls.append((page.url, changed.date() if isinstance(changed, dt.datetime) else changed or today))
        return urls

def log_problems(problems: list[Problem]) -> None:
    """Warnings one by one; all errors in one message.

    With ``--fatal errors`` Pelican stops at the first logged error, so the
    errors go out together: the clerk sees every one of them, as from
    ``gongkai check``.
    """
    for problem in problems:
        if not problem.is_error:
            logger.warning("%s", problem)
    errors = [str(p) for p in problems if p.is_error]
    if errors:
        logger.error("检查发现 %d 个错误，有错误的文件不会发布（其余照常生成）：\n%s", len(errors), "\n".join(errors),
                     extra={"gongkai_pipeline": True})


def _plain(value: object) -> bool:
    """Whether a setting is plain data (a digest of it means the same in every process)."""
    if value is None or isinstance(value, str | int | float | bool):
        return True
    if isinstance(value, list | tuple):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False
