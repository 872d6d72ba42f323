"""The Pelican side of gongkai: the only module that connects to signals."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from pelican import signals
from pelican.readers import MarkdownReader

from . import compress
from .config import Config, SettingsError
from .markup import Renderer
from .notices import parse_source
from .printing import write_pdfs
from .site import BoardGenerator

logger = logging.getLogger(__name__)

# Pelican's blog machinery is off: notices are read by our generator, and
# the home page and feeds are ours. A site that sets these gets ours anyway.
OWNED_SETTINGS = {
    "ARTICLE_PATHS": [],
    "DIRECT_TEMPLATES": [],
    "PAGINATED_TEMPLATES": {},
    "FEED_ATOM": None, "FEED_RSS": None, "FEED_ALL_ATOM": None, "FEED_ALL_RSS": None,
    "CATEGORY_FEED_ATOM": None, "CATEGORY_FEED_RSS": None, "AUTHOR_FEED_ATOM": None,
    "AUTHOR_FEED_RSS": None, "TAG_FEED_ATOM": None, "TAG_FEED_RSS": None,
    "TRANSLATION_FEED_ATOM": None, "TRANSLATION_FEED_RSS": None,
    "PAGE_URL": "pages/{slug}.html", "PAGE_SAVE_AS": "pages/{slug}.html",
}


class SettingsExit(SettingsError):
    """A settings error raised inside Pelican; Pelican exits with ``exitcode``."""

    exitcode = 2


def configure(pelican) -> None:
    """Read the settings once, before any generator exists (``initialized``)."""
    settings = pelican.settings
    try:
        settings["GONGKAI"] = Config.from_settings(settings, os.getcwd())
    except SettingsError as exc:
        raise SettingsExit(exc.key, exc.message) from None
    settings.update(OWNED_SETTINGS)
    settings.setdefault("PAGE_PATHS", ["pages"])
    # Autoescape everywhere: only the rendered notice body is marked safe.
    settings["JINJA_ENVIRONMENT"] = {**settings.get("JINJA_ENVIRONMENT", {}), "autoescape": True}
    if settings.get("SITENAME") in (None, "", "A Pelican Blog"):
        settings["SITENAME"] = settings["GONGKAI"].sitename


def add_generator(pelican) -> type:
    """Registered through ``get_generators`` so that ``--autoreload`` picks it up."""
    return BoardGenerator


class PageReader(MarkdownReader):
    """Pages (关于本站…) use the same YAML front matter as notices."""

    enabled = True
    file_extensions = ["md", "markdown"]

    def read(self, source_path: str):
        with open(source_path, "rb") as handle:
            source = parse_source(handle.read(), source_path)
        if source.problems:
            for problem in source.problems:
                logger.error("%s", problem)
            return "", {}
        metadata = {key: self.process_metadata(key, str(value)) for key, value in source.meta.items()
                    if key in ("title", "slug", "summary", "date", "status", "template")}
        return Renderer().render(source.body), metadata


def use_page_reader(readers) -> None:
    """``readers_init``: swap Pelican's Markdown reader for the YAML one."""
    for extension in PageReader.file_extensions:
        readers.reader_classes[extension] = PageReader


def compress_output(pelican) -> None:
    """``finalized``: every file is written (the search index too), so compression covers them all."""
    if pelican.settings["GONGKAI"].precompress:
        compress.precompress(pelican.output_path)


def print_pdfs(pelican) -> None:
    """``finalized``: the PDFs need theme/print.css, which Pelican's static generator copies after our pages."""
    config = pelican.settings["GONGKAI"]
    if config.pdf:
        pages = [Path(pelican.output_path) / "print" / f"{board.slug}.html" for board in config.boards]
        try:
            for warning in write_pdfs(Path(pelican.output_path), pages, config.siteurl):
                logger.warning("%s", warning)
        except SettingsError as exc:  # no Chinese font: stop as a settings error does, exit 2
            raise SettingsExit(exc.key, exc.message) from None


def register() -> None:
    signals.initialized.connect(configure)
    signals.readers_init.connect(use_page_reader)
    signals.get_generators.connect(add_generator)
    signals.finalized.connect(print_pdfs)
    signals.finalized.connect(compress_output)
