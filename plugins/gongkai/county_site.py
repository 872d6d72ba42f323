"""The county generator: the pages of a county site (``GONGKAI_TOWNSHIPS``), from county.py's model.

A county site is built by the same ``gongkai build``: the pipeline still
reads and checks its own pages (关于本站), and this generator, in place of
the board generator, reads every township's status (county.py) and writes
the county pages. Reading happens in ``generate_context``; writing in
``generate_output``, which only renders templates and writes files.
"""

from __future__ import annotations

import json
import logging
import subprocess
from pathlib import Path

from . import county as county_
from . import search
from .config import built_at
from .site import PRODUCED_KEY, BoardGenerator

logger = logging.getLogger(__name__)
CACHE_FOLDER = "gongkai-county"   # under CACHE_PATH: each township's last good status.json, and the history
HISTORY = "history.json"
FEED = "feeds/overdue.atom.xml"
# The county indexes its own township pages; the townships' indexes are merged in the browser.
COUNTY_PAGES = "townships/*.html"


class CountyGenerator(BoardGenerator):
    """Every page of a county site."""

    def generate_context(self) -> None:
        super().generate_context()
        now = built_at(self.config.timezone)
        cache_dir = Path(self.settings["CACHE_PATH"]) / CACHE_FOLDER
        readings = county_.read_all(self.config.townships, self.config.base_dir, cache_dir, now)
        history = _read_json(cache_dir / HISTORY)
        self.county, kept = county_.build_county(self.config.sitename, readings, self.config.scoring,
                                                 self.config.today, now, history)
        _write_json(cache_dir / HISTORY, kept)
        self.context.update(county=self.county, light_labels=county_.LIGHT_LABELS, county_feed=FEED)
        for problem in self.county.problems:
            logger.warning("%s", problem)

    def generate_output(self, writer) -> None:
        county = self.county
        relative = self.settings.get("RELATIVE_URLS", False)
        output = Path(self.output_path)
        produced: set[str] = set()  # what this build made: the rest of the output is pruned (plugin.finish)
        self.settings[PRODUCED_KEY] = produced

        def write(name: str, template: str, **values) -> None:
            produced.add(name)
            writer.write_file(name, self.get_template(template), self.context, relative_urls=relative, **values)

        produced |= self._copy_theme(output)

        for township in county.townships:
            write(township.page, "county_township", township=township, page_kind="county-township")
        indexer = self._start_county_search()
        write("index.html", "county", page_kind="home")
        write("overdue/index.html", "county_overdue", page_kind="county-overdue")
        write("404.html", "404", page_kind="404")
        if self.config.search:
            write("search/index.html", "county_search", page_kind="search")
        produced |= {"county.json", FEED}
        (output / "county.json").write_text(json.dumps(county_.county_json(county), ensure_ascii=False, indent=1),
                                            encoding="utf-8")
        (output / FEED).parent.mkdir(parents=True, exist_ok=True)
        (output / FEED).write_text(county_.feed(county, self.config.siteurl, FEED), encoding="utf-8")
        if indexer is not None:
            _finish_county_search(indexer, output)

    def _start_county_search(self) -> subprocess.Popen | None:
        """Pagefind over the county's own township pages: the bundle the county search page starts from."""
        if not self.config.search:
            return None
        try:
            command = [str(search.binary()), "--site", str(self.output_path), "--output-subdir", search.BUNDLE,
                       "--glob", COUNTY_PAGES, "--silent"]
            return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        except (OSError, search.SearchError) as exc:
            logger.error("%s", exc)
            return None


def _finish_county_search(process: subprocess.Popen, output: Path) -> None:
    """Wait for the county's indexer; an error (fatal for ``gongkai build``) if it wrote no search page script."""
    try:
        stdout, stderr = process.communicate(timeout=search.TIMEOUT if hasattr(search, "TIMEOUT") else 600)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        logger.error("县级搜索索引没有生成：Pagefind 运行超时。")
        return
    if process.returncode != 0 or not (output / search.BUNDLE / "pagefind-ui.js").is_file():
        detail = (stderr or stdout or "").strip() or f"退出码 {process.returncode}"
        logger.error("县级搜索索引没有生成：%s", detail)


def _read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_json(path: Path, data: dict) -> None:
    """The county's history for the next build; a failure to keep it costs only the feed's memory."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        temporary.replace(path)
    except OSError as exc:
        logger.warning("没能保存县级汇总的记录 %s（%s）：下次生成时，新增逾期的订阅会把现有逾期栏目当作新增。", path, exc.strerror)
