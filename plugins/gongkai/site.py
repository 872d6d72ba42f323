"""The board generator: runs the pipeline for the build, writes every gongkai page.

The site is read and checked once, by :func:`.pipeline.read_site`, when
Pelican makes its generators; ``generate_context`` logs every problem and
``generate_output`` only writes. Parsed sources and rendered bodies are
cached with Pelican's content cache; the checks and statuses are computed
afresh at every build, because the calendar moves even when no file does.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import xml.etree.ElementTree as ET
from pathlib import Path

from pelican.cache import FileDataCacher, FileStampDataCacher
from pelican.generators import Generator

from . import search
from .config import Config, built_at
from .cycles import LABELS as STATUS_LABELS
from .feeds import all_feeds
from .finance import yuan
from .model import Township, report
from .notices import Notice
from .parallel import pool_map
from .pipeline import Site, read_site
from .printing import qr_svg
from .problems import Problem
from .records import manifest
from .reports import catalog_rows, yearly_report

logger = logging.getLogger(__name__)
SITE_KEY = "gongkai_site"  # this build's checked site, for the page and static generators (plugin.py)
PREVIOUS_KEY = "gongkai_previous"  # a published manifest to check records against (gongkai publish)
PROGRESS_KEY = "gongkai_progress"  # a callback (done, total) while the files are read (a progress display)


class BoardGenerator(Generator, FileStampDataCacher):
    """Everything under the township's URLs except Pelican's own pages."""

    def __init__(self, *args, **kwargs):
        Generator.__init__(self, *args, **kwargs)
        # Cache at this level whatever CONTENT_CACHING_LAYER says: notices
        # never pass through Pelican's readers.
        FileStampDataCacher.__init__(self, self.settings, "gongkai-notices",
                                     self.settings["CACHE_CONTENT"], self.settings["LOAD_CONTENT_CACHE"])
        self.config: Config = self.settings["GONGKAI"]
        # The pipeline runs here, when Pelican makes its generators, because the page
        # and static generators read their files before this one's generate_context
        # and must know which of them may be published (plugin.py consults SITE_KEY).
        self.site: Site = read_site(self.config, previous=self.settings.get(PREVIOUS_KEY), render=True, cache=self,
                                     progress=self.settings.get(PROGRESS_KEY))
        self.save_cache()
        self.settings[SITE_KEY] = self.site
        self.township: Township | None = None
        self.problems: list[Problem] = []
        self.bodies: dict[str, str] = {}
        self.notice_count = 0
        # QR codes depend on nothing but the address they encode: with the
        # content cache on they are kept from build to build (segno takes ~4 ms each).
        self.qr_codes: dict[str, str] = {}
        self._qr_cache = FileDataCacher(self.settings, "gongkai-qr", self.settings["CACHE_CONTENT"],
                                        self.settings["LOAD_CONTENT_CACHE"])

    def _get_file_stamp(self, filename: str) -> bytes | float | str:
        return super()._get_file_stamp(str(self.config.content_dir / filename))

    def generate_context(self) -> None:
        site = self.site
        self.township = site.township
        self.problems = site.problems
        self.bodies = site.bodies
        self.notice_count = site.notice_count
        # Shared with Pelican's page generator, so that pages (关于本站) have them too.
        self.context.update(gk=self.township, today=self.config.today,
                            built_at=built_at(self.config.timezone),
                            status_words=STATUS_LABELS, yuan=yuan)
        log_problems(self.problems)

    def generate_output(self, writer) -> None:
        township = self.township
        relative = self.settings.get("RELATIVE_URLS", False)

        def write(name: str, template: str, **values) -> None:
            writer.write_file(name, self.get_template(template), self.context, relative_urls=relative, **values)

        self._make_qr_codes()
        # Sections and their notices first: the search indexer reads only these
        # (<board>/<category>/*.html) and runs on another core while the rest is written.
        for board in township.boards:
            for section in board.sections:
                write(section.url, "section", board=board, section=section, page_kind="section")
                for notice in section.notices:
                    write(notice.url, "notice", board=board, section=section, notice=notice,
                          body=self.bodies.get(notice.path, ""), window=township.window(notice),
                          qr=self.qr(notice), page_kind="notice")
        indexer = self._start_search()
        try:
            self._write_the_rest(write)
        except BaseException:  # a failed build must not leave the indexer writing into the output
            if indexer is not None:
                indexer.kill()
                indexer.wait()
            raise
        output = Path(self.output_path)
        if indexer is not None:
            try:
                search.finish(indexer, output)
            except search.SearchError as exc:
                logger.error("%s", exc)  # fatal for `gongkai build`: a site without its index is not published

    def _write_the_rest(self, write) -> None:
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
        for board in township.boards:
            write(board.url, "board", board=board, page_kind="board")
            write(board.print_url, "print", board=board, page_kind="print", paper=self._paper(),
                  print_contacts={**self.config.contacts, **board.board.contacts},
                  sheets=[(s, [self._printed(n) for n in s.current_notices(township.today)]) for s in board.sections])
        output = Path(self.output_path)
        data = report(township, [p.published() for p in self.problems], self.notice_count, self.context["built_at"])
        (output / "status.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        (output / "manifest.json").write_text(json.dumps(manifest(township.notices, township.today),
                                                         ensure_ascii=False, indent=1), encoding="utf-8")
        for path, text in all_feeds(township, self.bodies).items():
            target = output / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        self._write_sitemap(output)
        self._save_qr_codes()

    def _start_search(self):
        if not self.config.search:
            return None
        try:
            return search.start(self.output_path)
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
        cache = FileDataCacher(self.settings, "gongkai-qr", self.settings["CACHE_CONTENT"], False)
        for url, svg in self.qr_codes.items():
            cache.cache_data(url, svg)
        cache.save_cache()

    def _printed(self, notice: Notice) -> dict:
        """What the printed board shows of one notice: all of it, and the way back online."""
        return {"notice": notice, "body": self.bodies.get(notice.path, ""), "window": self.township.window(notice),
                "qr": self.qr(notice), "address": f"{self.config.siteurl}/{notice.url}" if self.config.siteurl else None}

    def _paper(self) -> str:
        """The CSS page size of the printed boards: GONGKAI_PAPER."""
        return f"{self.config.paper} {'landscape' if self.config.landscape else 'portrait'}"

    def _write_sitemap(self, output: Path) -> None:
        """sitemap.xml: every published page, gongkai's and Pelican's, by its absolute address.

        A sitemap holds full addresses only: without SITEURL there is none to give,
        so the file is left out and the build says how to have it.
        """
        if not self.config.siteurl:
            logger.warning("没有生成站点地图 sitemap.xml：它要写网站的完整网址，而设置中没有 SITEURL。"
                           "正式发布的网站请在 publishconf.py 中写明 SITEURL，例如 SITEURL = \"https://gongkai.example.gov.cn\"。")
            return
        urlset = ET.Element("urlset", xmlns="http://www.sitemaps.org/schemas/sitemap/0.9")
        for url, day in self.sitemap_urls():
            item = ET.SubElement(urlset, "url")
            ET.SubElement(item, "loc").text = f"{self.config.siteurl}/{url}"
            ET.SubElement(item, "lastmod").text = day.isoformat()
        ET.ElementTree(urlset).write(output / "sitemap.xml", encoding="utf-8", xml_declaration=True)

    def sitemap_urls(self) -> list[tuple[str, dt.date]]:
        """(path, last change) of every page this build publishes: the pages this generator
        writes (but 404.html) and Pelican's pages, which its page generator has read by now."""
        township = self.township
        today = township.today
        urls = [("", today), ("status/index.html", today), ("catalog/index.html", today)]
        if self.config.search:
            urls.append(("search/index.html", today))
        urls += [(f"reports/{year}.html", today) for year in township.report_years]
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
